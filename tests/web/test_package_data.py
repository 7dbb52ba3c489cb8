"""The wheel carries what the dashboard reads at run time: templates, catalogs, static
files and the vendored libraries with their licences (``[tool.setuptools.package-data]``
of pyproject.toml must match every such file)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "dlbench" / "web"


def test_every_web_data_file_is_package_data():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    tool = project["tool"]["setuptools"]
    assert "dlbench.web" in tool["packages"]
    globs = tool.get("package-data", {}).get("dlbench.web", [])
    matched = {p for g in globs for p in WEB.glob(g) if p.is_file()}
    data = {p for p in WEB.rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc")
            and "__pycache__" not in p.parts}
    missing = sorted(str(p.relative_to(WEB)) for p in data - matched)
    assert missing == [], f"not in the wheel: {missing}"
    assert any(p.name == "htmx-LICENSE" for p in matched)
