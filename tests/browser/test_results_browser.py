"""The results pages in a real browser against ``dlbench serve``: a filter lives in the URL
and survives a reload, compare shows only the parameters that differ, a running suite's
counter reaches its total over server-sent events, and a screenshot of every page."""

from __future__ import annotations

import re
import subprocess
import time

import pytest

pytest.importorskip("playwright")

from playwright.sync_api import expect  # noqa: E402

from .conftest import COMPARE_TAG, dlbench_cmd  # noqa: E402


def test_runs_filter_lives_in_the_url_and_survives_a_reload(served, guarded_page, screenshot):
    page = guarded_page
    page.goto(f"{served.url}/runs?lang=en")
    everything = page.locator("#runs-table tbody tr").count()
    page.select_option("#filter-task", "convergence")
    page.click("#filter-apply")
    page.wait_for_url(re.compile(r"/runs\?.*task=convergence"))
    rows = page.locator("#runs-table tbody tr")
    expect(rows.first).to_be_visible()
    filtered = rows.count()
    assert 0 < filtered < everything
    assert set(rows.locator("td:nth-child(3)").all_inner_texts()) == {"convergence"}
    url = page.url
    page.reload()
    assert page.url == url
    expect(page.locator("#filter-task")).to_have_value("convergence")
    assert page.locator("#runs-table tbody tr").count() == filtered
    screenshot(page, "runs-filtered-en")


def test_compare_shows_only_the_parameters_that_differ(served, guarded_page, screenshot):
    page = guarded_page
    ids = served.run_ids
    assert len(ids) == 4  # sgd and adam, seeds 0 and 1 (the first runs of the served db)
    page.goto(f"{served.url}/runs?tag={COMPARE_TAG}&lang=en")
    assert page.locator("#runs-table tbody tr").count() == 4
    for run_id in ids:
        page.check(f"input[name=ids][value='{run_id}']")
    page.click("#compare-button")
    page.wait_for_url(re.compile(r"/compare\?"))
    params = page.locator("#compare-params tbody tr")
    names = params.evaluate_all("rows => rows.map(r => r.dataset.param)")
    assert names and any("optimizer" in n for n in names), names
    assert not any(n in ("task", "preset") or n.endswith(".seed") or n == "seed" for n in names)
    for i in range(params.count()):  # each row shown really differs between the groups
        cells = params.nth(i).locator("td").all_inner_texts()
        assert len(set(cells)) > 1, (names[i], cells)
    groups = page.locator("#compare-groups tbody tr")
    assert groups.count() == 2  # seeds grouped: one group per optimizer
    seeds = groups.locator("td:nth-child(3)").all_inner_texts()
    assert [sorted(s.replace(" ", "").split(",")) for s in seeds] == [["0", "1"]] * 2
    screenshot(page, "compare-en")


def _newest_sweep(served):
    from dlbench.storage import RunStore

    with RunStore(served.db_url) as store:
        sweeps = store.sweeps(limit=1)
    return sweeps[0] if sweeps else None


def test_a_running_suite_counter_reaches_its_total(served, guarded_page, screenshot):
    """A real `dlbench run` of the test-preset suite writes into the served database while
    the sweep page is open: the counter, pushed over server-sent events (no reload), goes
    up to the total and the status turns finished."""
    page = guarded_page
    before = _newest_sweep(served)
    proc = subprocess.Popen(dlbench_cmd("--db", served.db_url, "run", "--preset", "test",
                                        "--seeds", "25", "--workers", "1", "--force", "-q"),
                            cwd=served.folder, env=served.env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        sweep = None
        while time.monotonic() < deadline:
            sweep = _newest_sweep(served)
            if sweep is not None and (before is None or sweep.id != before.id):
                break
            time.sleep(0.1)
        assert sweep is not None and (before is None or sweep.id != before.id), "no sweep started"
        page.goto(f"{served.url}/sweeps/{sweep.id}?lang=en")
        page.evaluate("window.__not_reloaded = true")
        total = int(page.locator("#sweep-total").inner_text())
        first = int(page.locator("#sweep-done").inner_text())
        assert total >= 100 and first <= total
        screenshot(page, "sweep-running-en")
        expect(page.locator("#sweep-done")).to_have_text(str(total), timeout=180_000)
        expect(page.locator("#sweep-status")).to_have_text("finished", timeout=30_000)
        assert page.evaluate("window.__not_reloaded === true")  # updated live, not reloaded
        assert proc.wait(timeout=120) == 0, proc.stderr.read().decode()[-2000:]
        screenshot(page, "sweep-finished-en")
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(10)


PAGES = ["/", "/runs", "/runs/{run}", "/compare?ids={ids}", "/leaderboard",
         "/leaderboard/convergence", "/figures", "/sweeps", "/sweeps/{sweep}", "/quiz",
         "/quiz/exam"]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_screenshot_of_every_page(served, guarded_page, screenshot, lang):
    page = guarded_page
    sweep = _newest_sweep(served)
    values = {"run": served.run_ids[0], "ids": ",".join(map(str, served.run_ids)),
              "sweep": sweep.id if sweep else 1}
    for path in PAGES:
        url = path.format(**values)
        sep = "&" if "?" in url else "?"
        response = page.goto(f"{served.url}{url}{sep}lang={lang}")
        assert response.status == 200, url
        page.wait_for_load_state("networkidle") if "sweeps" not in url else None
        expect(page.locator("main h1").first).to_be_visible()
        name = re.sub(r"[^a-z0-9]+", "-", path.split("?")[0].strip("/").replace("{", "")
                      .replace("}", "")) or "home"
        screenshot(page, f"page-{name}-{lang}")
