"""How fast the dashboard answers at 1,000 and 10,000 stored runs (a benchmark, not a test).

``python -m dlbench.web.scale_bench [--runs 1000,10000] [--repeats 5]`` fills a scratch
SQLite file with synthetic runs, serves it on a free loopback port and times each page
over real HTTP (median of the repeats). The last column divides the time at the largest
size by the time at the smallest: near 1 means a page reads one page of runs, not all of
them. The test suite checks what these pages return at 10,000 runs; it asserts no speed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path

from sqlalchemy import insert

from ..storage import RunStore
from ..storage.models import Run, Summary, Tag

OPTIMIZERS = ("sgd", "momentum", "adagrad", "adam", "rmsprop")
PATHS = ("/", "/runs", "/runs?page=150", "/runs?task=convergence&status=diverged",
         "/runs?choice=optimizer%3Dadam&page=20", "/runs?choice=rms", "/runs?tag=milestone",
         "/api/runs?page_size=200&page=50", "/leaderboard/convergence")


def fill(db_url: str, n: int) -> None:
    """``n`` synthetic runs in one bulk insert: run ``i`` is a convergence run when ``i``
    is odd (else overfitting), diverged when ``i % 7 == 0``, optimizer
    ``OPTIMIZERS[i % 5]``, seed ``i % 5``, tagged ``milestone`` when ``i % 100 == 0``."""
    now = dt.datetime.now(dt.timezone.utc)
    runs, summaries, tags = [], [], []
    for i in range(1, n + 1):
        runs.append({"id": i, "task": "convergence" if i % 2 else "overfitting",
                     "preset": "test", "status": "finished" if i % 7 else "diverged",
                     "seed": i % 5, "config_hash": f"h{i}", "code_version": "v1",
                     "choices": {"optimizer": OPTIMIZERS[i % len(OPTIMIZERS)]},
                     "config": {"seed": i % 5}, "started_at": now, "finished_at": now,
                     "duration_s": 1.0})
        summaries.append({"run_id": i, "key": "final_loss", "value": 1.0 / i, "value_kind": 0})
        if i % 100 == 0:
            tags.append({"run_id": i, "key": "milestone", "value": ""})
    with RunStore(db_url, create=True) as store, store.db.write() as conn:
        conn.execute(insert(Run), runs)
        conn.execute(insert(Summary), summaries)
        conn.execute(insert(Tag), tags)


def time_pages(db_url: str, repeats: int) -> dict[str, float]:
    """Median seconds per page, over HTTP to a real server on a free loopback port."""
    from .server import serve_in_background
    from .settings import WebSettings

    with serve_in_background(WebSettings(db_url=db_url, port=0)) as server:
        urllib.request.urlopen(server.url + "/runs").read()  # open the store once
        out = {}
        for path in PATHS:
            seconds = []
            for _ in range(repeats):
                started = time.perf_counter()
                with urllib.request.urlopen(server.url + path) as response:
                    response.read()
                seconds.append(time.perf_counter() - started)
            out[path] = statistics.median(seconds)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", default="1000,10000", help="sizes, comma-separated")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.runs.split(",")]
    timings = {}
    with tempfile.TemporaryDirectory() as folder:
        for n in sizes:
            url = f"sqlite:///{Path(folder) / f'runs{n}.db'}"
            fill(url, n)
            timings[n] = time_pages(url, args.repeats)
    header = "".join(f"{f'{n} runs':>12}" for n in sizes)
    print(f"{'page':45}{header}{'ratio':>8}   (median ms of {args.repeats})")
    for path in PATHS:
        cells = "".join(f"{timings[n][path] * 1000:12.1f}" for n in sizes)
        ratio = timings[sizes[-1]][path] / timings[sizes[0]][path]
        print(f"{path:45}{cells}{ratio:8.2f}")


if __name__ == "__main__":
    main()
