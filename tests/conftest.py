"""Shared fixtures: an isolated environment, a temporary database, the CLI runner, and
fake plugin distributions built on disk (no network, no pip)."""

from __future__ import annotations

import importlib
import json
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

import dlbench

pytest_plugins = ["tests.postgres_server"]  # a private PostgreSQL server: pg_url


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch, tmp_path):
    """No stray configuration from the developer's shell; each test in its own CWD."""
    for name in ("DLBENCH_DB", "DLBENCH_QUIZ_DB", "DLBENCH_DISABLE_PLUGIN_AUTOLOAD",
                 "DLBENCH_PLUGINS", "DLBENCH_DATA_DIR", "DLBENCH_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    yield
    dlbench._default_registry = None


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def invoke():
    """``invoke("plugins", "--json")`` -> click Result; ``.json`` parses stdout."""
    from dlbench.cli import cli

    def run(*args, input=None, catch=True):
        runner = CliRunner()
        result = runner.invoke(cli, [str(a) for a in args], input=input,
                               catch_exceptions=catch)
        result.json = (lambda: json.loads(result.stdout))
        return result

    return run


@pytest.fixture
def fake_dist(tmp_path, monkeypatch):
    """Build an installed-looking distribution with a ``dlbench`` entry point.

    ``fake_dist("fakeopt", code)`` writes ``fakeopt.py`` with ``code`` plus a
    ``fakeopt-1.2.3.dist-info`` declaring ``[dlbench] fakeopt = fakeopt`` on a folder
    put on ``sys.path``: what ``pip install`` of a plugin package leaves behind.
    """
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))

    def make(name: str, code: str, version: str = "1.2.3") -> Path:
        (site / f"{name}.py").write_text(textwrap.dedent(code))
        info = site / f"{name}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        (info / "entry_points.txt").write_text(f"[dlbench]\n{name} = {name}\n")
        importlib.invalidate_caches()
        return site

    yield make
    for mod in [m for m in sys.modules if m.startswith("fake")]:
        del sys.modules[mod]
    importlib.invalidate_caches()


HALVER_PLUGIN = '''
import numpy as np
from dlbench import hookimpl
from dlbench.nn import Optimizer

class Halver(Optimizer):
    """Halves every parameter: θ ← θ/2 (ignores the gradient; for tests)."""
    def step(self):
        for q in self.params:
            q.data *= 0.5

@hookimpl
def register_optimizers(register):
    register("halver", Halver, summary={"en": "halves", "ja": "半分にする"})
'''


@pytest.fixture
def halver_code() -> str:
    return HALVER_PLUGIN
