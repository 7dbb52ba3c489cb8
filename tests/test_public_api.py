"""The built-in plugins are honest third-party code: they import only public names.

A dlbench module is public when it declares ``__all__`` and no part of its dotted name
starts with ``_``; a public name is one listed in its module's ``__all__``. Every file in
``plugins/`` is parsed (not imported) and each ``import`` / ``from ... import`` that
reaches into dlbench outside the plugin's own package is checked.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
from pathlib import Path

import pytest

import dlbench
from dlbench import errors

PLUGINS = Path(importlib.util.find_spec("dlbench.plugins").submodule_search_locations[0])

#: Files allowed to import private names for now, and why.
ALLOWED = {
}


def plugin_module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(["dlbench.plugins", *parts])


def absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The absolute module an ``ImportFrom`` names (relative levels resolved)."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[:len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def is_submodule(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def problem_with_module(name: str) -> str | None:
    """Why ``name`` is not a public dlbench module, or None."""
    if any(part.startswith("_") for part in name.split(".")):
        return f"{name} is a private module"
    module = importlib.import_module(name)
    if not hasattr(module, "__all__"):
        return f"{name} has no __all__ (not a public module)"
    return None


def private_imports(path: Path, root: Path = PLUGINS) -> list[str]:
    """``"file:line: message"`` for each import of a non-public dlbench name in ``path``
    (a file under ``root``, the folder installed as ``dlbench.plugins``)."""
    module = plugin_module_name(path, root)
    is_package = path.name == "__init__.py"
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        found = []
        if isinstance(node, ast.Import):
            found = [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            source = absolute(node, module, is_package)
            found = [(source, alias.name) for alias in node.names]
        for source, name in found:
            if source != "dlbench" and not source.startswith("dlbench."):
                continue
            if source == "dlbench.plugins" or source.startswith("dlbench.plugins."):
                continue  # the plugin's own package: its private modules are its business
            where = f"{path.relative_to(root)}:{node.lineno}"
            public = getattr(importlib.import_module(source), "__all__", ())
            if name is not None and name not in public and is_submodule(f"{source}.{name}"):
                source, name = f"{source}.{name}", None
            reason = problem_with_module(source)
            if reason is None and name is not None and name not in importlib.import_module(source).__all__:
                reason = f"{name} is not in {source}.__all__"
            if reason:
                out.append(f"{where}: {reason}")
    return out


def plugin_files() -> list[Path]:
    return sorted(PLUGINS.rglob("*.py"))


def test_plugins_import_only_public_names():
    files = [p for p in plugin_files()
             if not any(str(p.relative_to(PLUGINS)).startswith(prefix) for prefix in ALLOWED)]
    assert len(files) > 30
    problems = [line for path in files for line in private_imports(path)]
    assert problems == []


@pytest.mark.parametrize("code, expected", [
    ("from dlbench.bench.training import train\n", "dlbench.bench.training has no __all__"),
    ("from dlbench.nn.init import Initializer\n", "dlbench.nn.init has no __all__"),
    ("from dlbench.nn import _as_params\n", "_as_params is not in dlbench.nn.__all__"),
    ("from ...nn import Dense\n", None),  # dlbench.nn, public
    ("from ... import config\n", None),  # dlbench.config, a public module
    ("from ...bench import choices\n", "dlbench.bench.choices has no __all__"),
    ("import dlbench.bench.models\n", "dlbench.bench.models has no __all__"),
    ("from dlbench.plugins.optimizers._common import x\n", None),  # its own package
])
def test_the_check_tells_public_from_private(tmp_path, code, expected):
    """The checker on one-line files placed at ``plugins/x/y.py`` (so ``...`` is dlbench)."""
    (tmp_path / "x").mkdir()
    path = tmp_path / "x" / "y.py"
    path.write_text(code)
    problems = private_imports(path, root=tmp_path)
    if expected is None:
        assert problems == []
    else:
        assert len(problems) == 1 and expected in problems[0], problems


def test_every_error_class_is_public():
    defined = {name for name, value in vars(errors).items()
               if inspect.isclass(value) and issubclass(value, errors.DlbenchError)}
    assert defined <= set(errors.__all__)


@pytest.mark.parametrize("module", ["dlbench", "dlbench.nn", "dlbench.nn.optim", "dlbench.bench",
                                    "dlbench.arch", "dlbench.taskkit", "dlbench.testing",
                                    "dlbench.plugin_registry", "dlbench.errors", "dlbench.config"])
def test_every_name_in_a_public_all_exists(module):
    mod = importlib.import_module(module)
    missing = [name for name in mod.__all__ if not hasattr(mod, name)]
    assert missing == []


def test_the_task_kit_is_what_the_tasks_use():
    """The kit exposes the helpers the built-in tasks are written with; each is the same
    object the engine uses, not a copy that could drift."""
    from dlbench import taskkit
    from dlbench.bench import metrics, models, training

    assert taskkit.train is training.train and taskkit.mlp is models.mlp
    assert taskkit.steps_to_target is metrics.steps_to_target
    import numpy as np

    a, b = np.random.default_rng(0), np.random.default_rng(0)
    assert taskkit.child_rng(a).random() == taskkit.child_rng(b).random()
    assert dlbench.__all__  # the facade stays explicit
