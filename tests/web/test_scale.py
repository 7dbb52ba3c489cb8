"""The runs table and API at 10,000 stored runs: filters and paging return the right runs.
(Their speed is measured by ``python -m dlbench.web.scale_bench``.)"""

from __future__ import annotations

import pytest

from dlbench.web.scale_bench import fill

from .conftest import client_for

N = 10_000


@pytest.mark.slow
def test_runs_table_and_api_filter_and_page_10000_runs(db_url):
    fill(db_url, N)
    with client_for(db_url) as c:
        c.get("/runs")  # open the store once
        for url in ("/runs", "/runs?page=150", "/runs?task=convergence&status=diverged",
                    "/runs?choice=optimizer%3Dadam&page=20", "/runs?choice=rms",
                    "/runs?tag=milestone", "/api/runs?page_size=200&page=50", "/"):
            r = c.get(url)
            assert r.status_code == 200, url
        body = c.get("/api/runs", params={"choice": "optimizer=adam", "page_size": 200}).json()
        assert body["total"] == N // 5 and len(body["runs"]) == 200
        assert body["runs"][0]["id"] == 9_998  # newest adam run: 9998 % 5 == 3
        assert c.get("/api/runs", params={"tag": "milestone"}).json()["total"] == N // 100
        assert c.get("/api/runs", params={"task": "convergence", "status": "diverged"}) \
            .json()["total"] == sum(1 for i in range(1, N + 1) if i % 2 and i % 7 == 0)
    # how fast: python -m dlbench.web.scale_bench (speed is measured there, not asserted)
