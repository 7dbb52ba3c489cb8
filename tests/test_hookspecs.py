"""The plugin contract is documented and tested, hook by hook (datasette's rule).

Fails when a hookspec lacks a full docstring, is missing from the README's plugin
section, or has no test named ``test_hook_<name>`` anywhere under ``tests/``.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from dlbench import hookspecs

ROOT = Path(__file__).resolve().parents[1]


def _hookspecs():
    return [(name, fn) for name, fn in vars(hookspecs).items()
            if callable(fn) and hasattr(fn, "dlbench_spec")]


def test_every_hookspec_is_known():
    names = {name for name, _ in _hookspecs()}
    expected = set(hookspecs.REGISTRATION_HOOKS) | set(hookspecs.OBSERVER_HOOKS) | {"register_commands"}
    assert names == expected


@pytest.mark.parametrize("name,fn", _hookspecs())
def test_hookspec_docstring_names_every_parameter(name, fn):
    doc = inspect.getdoc(fn) or ""
    assert len(doc.splitlines()) >= 3, f"{name} needs a full docstring"
    for param in inspect.signature(fn).parameters:
        assert f":param {param}:" in doc, f"{name}: parameter {param!r} is not documented"
    assert ":return:" in doc, f"{name}: say what the return value means"


@pytest.mark.parametrize("name,fn", _hookspecs())
def test_hookspec_is_documented_in_readme(name, fn):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    signature = f"{name}({', '.join(inspect.signature(fn).parameters)})"
    assert f"`{signature}`" in readme, f"README does not document `{signature}`"


@pytest.mark.parametrize("name,fn", _hookspecs())
def test_hookspec_has_its_own_test(name, fn):
    pattern = re.compile(rf"def test_hook_{name}\b")
    found = [p for p in (ROOT / "tests").rglob("test_*.py") if pattern.search(p.read_text())]
    assert found, f"no test named test_hook_{name}"
