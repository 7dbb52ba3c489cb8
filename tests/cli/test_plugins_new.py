"""``dlbench plugins new KIND NAME``: the package it writes installs, registers through
its entry point, passes its own generated test and ``dlbench check`` - offline."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import tomllib

import pytest

from dlbench.scaffold import KINDS, PluginNames

PACKAGES = {kind: f"my-{kind}" for kind in KINDS}


def run(*args, env_extra=None, cwd=None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DLBENCH_")}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=300)


@pytest.fixture
def generated(tmp_path, invoke):
    """Every kind's package, written by the CLI into tmp_path/pkgs."""
    parent = tmp_path / "pkgs"
    for kind, name in PACKAGES.items():
        result = invoke("plugins", "new", kind, name, "--dir", parent)
        assert result.exit_code == 0, result.output
    return parent


def test_writes_pyproject_with_entry_point_module_readme_and_test(generated):
    names = PluginNames.of("my-optimizer")
    root = generated / "my-optimizer"
    project = tomllib.loads((root / "pyproject.toml").read_text())
    assert project["project"]["name"] == "dlbench-my-optimizer"
    assert project["project"]["dependencies"][0].startswith("dlbench>=")
    assert project["project"]["entry-points"]["dlbench"] == {"my-optimizer": "dlbench_my_optimizer"}
    assert project["build-system"]["build-backend"] == "setuptools.build_meta"
    module = (root / "src" / names.module / "__init__.py").read_text()
    assert "class MyOptimizer(Optimizer)" in module and '"my-optimizer", MyOptimizer' in module
    assert "dlbench_check(\"optimizer\", \"my-optimizer\")" in (
        root / "tests" / "test_dlbench_my_optimizer.py").read_text()
    assert "dlbench check optimizer my-optimizer" in (root / "README.md").read_text()


def test_generated_modules_pass_dlbench_check(generated, invoke, monkeypatch):
    """Loaded with -p (importable from src/), every template passes its conformance checks."""
    try:
        for kind, name in PACKAGES.items():
            monkeypatch.syspath_prepend(str(generated / name / "src"))
            result = invoke("-p", PluginNames.of(name).module, "check", kind, name, "--json")
            assert result.exit_code == 0, result.output
            [item] = result.json()["items"]
            statuses = {r["property"]: r["status"] for r in item["results"]}
            assert set(statuses.values()) == {"pass"}, statuses  # no warning: metadata complete
    finally:
        for name in PACKAGES.values():
            sys.modules.pop(PluginNames.of(name).module, None)
        importlib.invalidate_caches()


def test_generated_tests_pass_without_installing(generated):
    """Each package's own test (hand-computed values + the dlbench_check fixture)."""
    paths = [generated / name / "src" for name in PACKAGES.values()]
    modules = [PluginNames.of(name).module for name in PACKAGES.values()]
    result = run("-m", "pytest", "-q", "-p", "no:cacheprovider",
                 *[str(generated / name / "tests") for name in PACKAGES.values()],
                 env_extra={"PYTHONPATH": os.pathsep.join(map(str, paths)),
                            "DLBENCH_PLUGINS": ",".join(modules)}, cwd=generated)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{2 * len(KINDS) + 1} passed" in result.stdout  # optimizer has 3 tests, others 2


def test_refuses_an_existing_target(tmp_path, invoke):
    (tmp_path / "my-opt").mkdir()
    result = invoke("plugins", "new", "optimizer", "my-opt", "--dir", tmp_path)
    assert result.exit_code == 2
    assert "already exists" in result.output
    assert list((tmp_path / "my-opt").iterdir()) == []


@pytest.mark.parametrize("bad", ["My-Opt", "my_opt", "1opt", "-opt", "my--opt", "my-opt-"])
def test_refuses_a_name_that_is_not_kebab_case(tmp_path, invoke, bad):
    result = invoke("plugins", "new", "--dir", tmp_path, "--", "optimizer", bad)
    assert result.exit_code == 2
    assert "kebab-case" in result.output
    assert list(tmp_path.iterdir()) == []


def test_refuses_a_kind_without_template(tmp_path, invoke):
    result = invoke("plugins", "new", "dataset", "my-data", "--dir", tmp_path)
    assert result.exit_code == 2 and "kinds: optimizer, activation" in result.output
    assert invoke("plugins", "new", "optimizers", "x", "--dir", tmp_path).exit_code == 0


def _can_build_offline() -> bool:
    try:
        import setuptools
    except ImportError:
        return False
    major, minor = (int(p) for p in setuptools.__version__.split(".")[:2])
    return (major, minor) >= (70, 1) or importlib.util.find_spec("wheel") is not None


@pytest.mark.slow  # about 5 s: a pip build and install, then 7 fresh processes
@pytest.mark.skipif(not _can_build_offline(),
                    reason="needs setuptools >= 70.1 (or wheel) to build without network: "
                           "pip install -e '.[test]'")
def test_installed_packages_are_found_tested_and_checked(generated, tmp_path):
    """pip-install every generated package (no network, no build isolation) into a
    folder, then use them from a fresh process that has only that folder added."""
    site = tmp_path / "site"
    result = run("-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index",
                 "--quiet", "--target", str(site),
                 *[str(generated / name) for name in PACKAGES.values()])
    assert result.returncode == 0, result.stdout + result.stderr
    env = {"PYTHONPATH": str(site)}

    listed = run("-m", "dlbench", "plugins", "--json", env_extra=env)
    assert listed.returncode == 0, listed.stderr
    plugins = {p["name"]: p for p in json.loads(listed.stdout)["plugins"]}
    for kind, name in PACKAGES.items():
        assert plugins[name]["source"] == "entry-point"
        assert plugins[name]["registered"] == {kind: [name]}

    tests = run("-m", "pytest", "-q", "-p", "no:cacheprovider",
                *[str(generated / name / "tests") for name in PACKAGES.values()],
                env_extra=env, cwd=tmp_path)
    assert tests.returncode == 0, tests.stdout + tests.stderr

    for kind, name in PACKAGES.items():
        checked = run("-m", "dlbench", "check", kind, name, env_extra=env)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert checked.stdout.startswith("ok"), checked.stdout
