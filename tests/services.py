"""The system services some tests drive (Debian's Chromium; PostgreSQL lives in
tests/postgres_server.py): missing, such a test skips with the reason, except under
``DLBENCH_REQUIRE_SERVICES=1`` (set by .ci/run), where it fails: CI never skips them silently.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"


def services_required() -> bool:
    return os.environ.get("DLBENCH_REQUIRE_SERVICES", "").strip() not in ("", "0")


def need_chromium() -> str:
    """The Chromium binary for Playwright's ``executable_path`` (never a downloaded one)."""
    if not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is not installed (apt-get install chromium)"
        if services_required():
            pytest.fail(f"DLBENCH_REQUIRE_SERVICES=1 but {reason}")
        pytest.skip(reason)
    pytest.importorskip("playwright.sync_api")
    return CHROMIUM
