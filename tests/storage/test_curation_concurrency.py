"""Tags set by several processes at once on the same runs: every writer succeeds and one
row per (run, key) is left, on SQLite and on PostgreSQL (real processes, one database)."""

from __future__ import annotations

import multiprocessing as mp

import pytest

from dlbench.storage import RunStore

pytestmark = pytest.mark.slow
WRITERS, ROUNDS = 4, 15


def tag_many(url: str, run_ids: list[int], writer: int, start, errors) -> None:
    try:
        with RunStore(url) as store:
            start.wait(30)
            for i in range(ROUNDS):
                store.set_tag(run_ids, "reviewed", f"w{writer}-{i}")
    except BaseException as exc:  # reported to the parent, which fails the test
        errors.put(f"writer {writer}: {type(exc).__name__}: {exc}")


def test_concurrent_set_tag_on_the_same_runs_never_fails(any_db_url):
    with RunStore(any_db_url, create=True) as store:
        ids = [store.add_run(task="convergence", config={"seed": s}, config_hash=f"h{s}",
                             status="finished", seed=s, summary={"loss": 0.1}) for s in range(3)]
    ctx = mp.get_context("spawn")
    start, errors = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=tag_many, args=(any_db_url, ids, w, start, errors))
             for w in range(WRITERS)]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(120)
    found = []
    while not errors.empty():
        found.append(errors.get())
    assert found == [] and [p.exitcode for p in procs] == [0] * WRITERS, found
    with RunStore(any_db_url) as store:
        for run in store.list_runs():
            assert run.tags.get("reviewed", "").endswith(f"-{ROUNDS - 1}"), run.tags
