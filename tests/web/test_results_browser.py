"""The results pages in the system Chromium against a real background server: charts are
drawn (uPlot under CSP ``default-src 'self'``, no console error), a filter survives a
reload, compare shows only differing parameters, nothing is requested from another host.

Skipped without /usr/bin/chromium, unless DLBENCH_REQUIRE_SERVICES=1 (CI), where it fails.
"""

from __future__ import annotations

import pytest

from tests.services import CHROMIUM, need_chromium

pytestmark = pytest.mark.slow


@pytest.fixture
def browser_page(filled, request):
    need_chromium()
    from dlbench.web.server import serve_in_background
    from dlbench.web.settings import WebSettings

    handle = serve_in_background(WebSettings(db_url=filled[0], port=0))
    problems: list[str] = []
    # one Playwright per test session: pytest-playwright's (tests/browser use it), whose
    # event loop makes a second sync_playwright() in the same process fail
    p = request.getfixturevalue("playwright")
    browser = p.chromium.launch(executable_path=CHROMIUM)
    page = browser.new_page()
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))

    def guard(route):
        if route.request.url.startswith(handle.url):
            route.continue_()
        else:
            problems.append(f"foreign request: {route.request.url}")
            route.abort()

    page.route("**/*", guard)
    try:
        yield handle.url, page, problems, filled[1]
    finally:
        browser.close()
        handle.stop()


def test_charts_filters_and_compare_in_a_real_browser(browser_page):
    url, page, problems, ids = browser_page
    for lang in ("en", "ja"):
        page.goto(f"{url}/runs/{ids[0]}?lang={lang}")
        page.wait_for_selector("#run-charts[data-ready='1']", timeout=20_000)
        assert page.locator("#run-charts .uplot").count() == 1
        page.goto(f"{url}/compare?ids={','.join(map(str, ids))}&lang={lang}")
        page.wait_for_selector("#compare-charts[data-ready='1']", timeout=20_000)
        params = page.locator("#compare-params tr[data-param]").evaluate_all(
            "rows => rows.map(r => r.dataset.param)")
        assert "plugins.optimizer.name" in params and "seed" not in params
        assert "settings.lr" not in params
    page.goto(f"{url}/runs?lang=en")
    page.select_option("#filter-status", "finished")
    page.fill("#filter-choice", "optimizer=adam")
    page.click("#filter-apply")
    page.wait_for_load_state()
    assert "choice=optimizer%3Dadam" in page.url and "status=finished" in page.url
    page.reload()
    assert page.input_value("#filter-choice") == "optimizer=adam"
    assert page.locator("#runs-table tbody tr").count() == 2
    page.locator("#runs-table input[name=ids]").first.check()
    page.locator("#runs-table input[name=ids]").nth(1).check()
    page.click("#compare-button")
    page.wait_for_selector("#compare-charts[data-ready='1']", timeout=20_000)
    assert page.locator("#compare-identical").count() == 1  # two seeds of one setting
    assert problems == []
