"""Every module imports on its own, and the pytest plugin stays out of other projects' way.

An import cycle hides as long as something else happened to import the modules in a
working order first (the test suite almost always does), so each module is imported
here as the *first* dlbench module of a clean state: one child interpreter imports them
one after another, dropping every ``dlbench`` module from ``sys.modules`` before each
(third-party libraries stay loaded, which keeps it fast).
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

#: Imports each module named on stdin as the first module of its package tree; prints
#: ``{module: "ExcType: message"}`` for those that fail.
CHILD = textwrap.dedent("""
    import importlib, json, sys, traceback
    roots = tuple(sys.argv[1].split(","))
    failures = {}
    for name in sys.stdin.read().split():
        for key in [k for k in sys.modules if k in roots or k.startswith(tuple(r + "." for r in roots))]:
            del sys.modules[key]
        importlib.invalidate_caches()
        try:
            importlib.import_module(name)
        except BaseException as exc:
            failures[name] = f"{type(exc).__name__}: {exc}"
    print(json.dumps(failures))
""")


def modules_under(package: str, folder: Path) -> list[str]:
    """Dotted names of the package and every module and subpackage below ``folder``,
    found on disk (``pkgutil.walk_packages`` would import the packages to look inside,
    which is what this test must not do before the child does). ``__main__`` modules,
    which run a program when imported, are left out."""
    names = [package]
    for path in sorted(folder.iterdir()):
        if path.is_dir() and (path / "__init__.py").is_file():
            names += modules_under(f"{package}.{path.name}", path)
        elif path.suffix == ".py" and path.stem not in ("__init__", "__main__"):
            names.append(f"{package}.{path.stem}")
    return names


def import_each_alone(names: list[str], roots: list[str], cwd=None, env=None) -> dict:
    proc = subprocess.run([sys.executable, "-c", CHILD, ",".join(roots)], input="\n".join(names),
                          capture_output=True, text=True, timeout=300, cwd=cwd, env=env)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def dlbench_modules() -> list[str]:
    names = []
    for package in ("dlbench", "dlbench.plugins", "dlbench.quizzes"):
        spec = importlib.util.find_spec(package)
        for folder in spec.submodule_search_locations:
            names += [n for n in modules_under(package, Path(folder))
                      if package != "dlbench" or not n.startswith(("dlbench.plugins",
                                                                   "dlbench.quizzes"))]
    return sorted(set(names))


@pytest.mark.slow
def test_every_dlbench_module_imports_first_on_its_own():
    names = dlbench_modules()
    assert {"dlbench.testing.architectures", "dlbench.arch.architecture", "dlbench.cli.run",
            "dlbench.plugins.optimizers.adam", "dlbench.testing.pytest_plugin"} <= set(names)
    assert import_each_alone(names, ["dlbench"]) == {}


def test_the_check_finds_an_import_cycle_like_the_one_arch_check_had(tmp_path):
    """The shape of the cycle dlbench once had: ``testing/__init__`` imports the table of checks,
    which imports ``arch.check``, which imports ``testing.core``; importing
    ``arch.check`` first fails, importing ``testing`` first works. The check must
    report the former even though the latter, run earlier in the same child, loaded
    every module involved."""
    pkg = tmp_path / "cyclic"
    files = {
        "__init__.py": "",
        "arch/__init__.py": "",
        "arch/check.py": "from ..testing.core import CheckResult\ndef check_architecture(): pass\n",
        "testing/__init__.py": "from .core import CheckResult\nfrom .table import CHECKS\n",
        "testing/core.py": "class CheckResult: pass\n",
        "testing/table.py": "from ..arch.check import check_architecture\nCHECKS = {}\n",
    }
    for name, text in files.items():
        (pkg / name).parent.mkdir(parents=True, exist_ok=True)
        (pkg / name).write_text(text)
    names = ["cyclic.testing", "cyclic.arch.check", "cyclic.testing.table"]
    failures = import_each_alone(names, ["cyclic"], cwd=tmp_path)
    assert list(failures) == ["cyclic.arch.check"]
    assert "circular import" in failures["cyclic.arch.check"]


def test_pytest_in_an_unrelated_project_does_not_import_quiz_arch_or_fsrs(tmp_path):
    """dlbench's pytest11 plugin is loaded in every project of the environment; there it
    must cost nothing: ``pytest --co`` on a project that knows nothing of dlbench
    imports neither ``dlbench.quiz``, ``dlbench.arch`` nor ``fsrs``."""
    project = tmp_path / "elsewhere"
    (project / "tests").mkdir(parents=True)
    (project / "tests" / "test_trivial.py").write_text("def test_one():\n    assert 1 + 1 == 2\n")
    (project / "conftest.py").write_text(textwrap.dedent("""
        import json, sys
        def pytest_sessionfinish(session):
            with open("modules.json", "w") as out:
                json.dump(sorted(sys.modules), out)
    """))
    proc = subprocess.run([sys.executable, "-m", "pytest", "--co", "-q", "-p", "no:cacheprovider"],
                          cwd=project, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 test collected" in proc.stdout
    loaded = json.loads((project / "modules.json").read_text())
    assert "dlbench.testing.pytest_plugin" in loaded  # the plugin did load
    heavy = [m for m in loaded if m.split(".")[0] == "fsrs"
             or m.startswith(("dlbench.quiz", "dlbench.arch"))]
    assert heavy == []


def test_testing_core_is_a_leaf():
    """``dlbench.testing.core`` (CheckResult, Checker, require) imports no other dlbench
    module, so anything may use it without pulling in the checks."""
    code = ("import sys, dlbench.testing.core\n"
            "print(sorted(m for m in sys.modules if m.startswith('dlbench')))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    loaded = json.loads(proc.stdout.replace("'", '"'))
    assert loaded == ["dlbench", "dlbench.hookspecs", "dlbench.testing", "dlbench.testing.core"]


#: modules below arch/ and quiz/ still importing dlbench.testing, and why
REVERSE_ALLOWED = {
    # TODO(quiz owner): delete quiz/lint.check_quiz_bank; dlbench.testing.quiz_banks has it now
    "dlbench/quiz/lint.py",
}


def test_arch_and_quiz_never_import_testing():
    """``testing`` depends on ``arch`` and ``quiz``, never the reverse (that is how the
    import cycle came about)."""
    import ast

    root = Path(importlib.util.find_spec("dlbench").submodule_search_locations[0])
    offenders = []
    for path in sorted([*root.glob("arch/**/*.py"), *root.glob("quiz/**/*.py")]):
        rel = f"dlbench/{path.relative_to(root).as_posix()}"
        if rel in REVERSE_ALLOWED:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [("." * node.level) + (node.module or "")] if isinstance(node, ast.ImportFrom)
                     else [])
            if any("testing" in n.split(".") for n in names):
                offenders.append(f"{rel}:{node.lineno}")
    assert offenders == []
