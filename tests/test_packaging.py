"""Packaging: every package folder is listed in pyproject (package-dir remapping defeats
auto-discovery), and the data files are where the package expects them."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_folder_is_listed_in_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(project["tool"]["setuptools"]["packages"])
    mapping = {"dlbench": "dlbench", "dlbench.plugins": "plugins", "dlbench.quizzes": "quizzes"}
    found = set()
    for package, folder in mapping.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder)
            found.add(".".join([package, *rel.parts]))
    assert found == listed


def test_py_typed_and_license_exist():
    assert (ROOT / "dlbench" / "py.typed").exists()
    assert "MIT License" in (ROOT / "LICENSE").read_text()
