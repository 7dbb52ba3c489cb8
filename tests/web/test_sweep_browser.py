"""A sweep's page in the system Chromium: the counter follows the writer live (server-sent
events) until it reaches the total, with no console error under the CSP.

Skipped without /usr/bin/chromium, unless DLBENCH_REQUIRE_SERVICES=1 (CI), where it fails.
"""

from __future__ import annotations

import threading
import time

import pytest

from dlbench.storage import Owner, RunStore
from tests.services import CHROMIUM, need_chromium

pytestmark = pytest.mark.slow
TOTAL = 6


def test_a_running_sweeps_counter_reaches_its_total(filled, request):
    need_chromium()
    from dlbench.web.server import serve_in_background
    from dlbench.web.settings import WebSettings

    db_url = filled[0]
    with RunStore(db_url) as store:
        sid = store.start_sweep(label="dlbench run convergence --seeds 3", total=TOTAL,
                                tasks=["convergence"], owner=Owner.me())
    go = threading.Event()

    def writer():  # another connection, as `dlbench run` writes its progress
        go.wait(30)
        with RunStore(db_url) as w:
            for done in range(1, TOTAL + 1):
                time.sleep(0.4)
                w.update_sweep(sid, done=done, failed=0, task="convergence", task_index=1)
            w.finish_sweep(sid, "finished")

    thread = threading.Thread(target=writer)
    thread.start()
    handle = serve_in_background(WebSettings(db_url=db_url, port=0))
    # pytest-playwright's session Playwright: a second sync_playwright() would fail
    browser = request.getfixturevalue("playwright").chromium.launch(executable_path=CHROMIUM)
    problems: list[str] = []
    try:
        page = browser.new_page()
        page.on("console", lambda m: problems.append(f"{m.type}: {m.text}")
                if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(f"{handle.url}/sweeps/{sid}?lang=ja")
        assert page.text_content("#sweep-done") == "0"
        go.set()
        seen = set()
        deadline = time.monotonic() + 60
        while page.text_content("#sweep-status") != "finished" and time.monotonic() < deadline:
            seen.add(page.text_content("#sweep-done"))
            time.sleep(0.1)
        assert page.text_content("#sweep-done") == str(TOTAL)
        assert page.text_content("#sweep-total") == str(TOTAL)
        assert page.get_attribute("#sweep-progress", "value") == str(TOTAL)
        assert len(seen - {"0"}) >= 2  # it moved step by step, without a reload
        assert problems == []
    finally:
        go.set()
        thread.join(30)
        browser.close()
        handle.stop()
