"""The sweeps table (contract A) and batched result writes (contract C)."""

from __future__ import annotations

import datetime as dt
import math
import socket
import sqlite3
import subprocess
import sys

import numpy as np
import pytest
from sqlalchemy import inspect

from dlbench.storage import Owner, RunStore
from dlbench.storage.owners import HEARTBEAT_GRACE_S
from dlbench.storage.sweeps import SWEEPS


@pytest.fixture
def store(tmp_path):
    s = RunStore(f"sqlite:///{tmp_path / 'sweeps.db'}", create=True)
    yield s
    s.close()


def test_a_sweep_is_started_updated_finished_and_listed_newest_first(store):
    me = Owner.me()
    first = store.start_sweep(label="convergence --preset quick", total=12,
                              tasks=["convergence"], owner=me)
    second = store.start_sweep(label="standard suite", total=126,
                               tasks=["vanishing-gradients", "weight-init"], owner=me)
    fresh = store.get_sweep(second)
    assert (fresh.status, fresh.done, fresh.failed, fresh.task, fresh.task_index) == \
        ("running", 0, 0, None, 0)
    assert fresh.tasks == ["vanishing-gradients", "weight-init"]
    assert fresh.host == socket.gethostname() and fresh.pid == me.pid
    assert fresh.finished_at is None and fresh.started_at.endswith("+00:00")

    store.update_sweep(second, done=57, failed=2, task="weight-init", task_index=2)
    moved = store.get_sweep(second)
    assert (moved.done, moved.failed, moved.task, moved.task_index, moved.status) == \
        (57, 2, "weight-init", 2, "running")
    assert moved.updated_at >= fresh.updated_at

    store.finish_sweep(first, "interrupted")
    assert [s.id for s in store.sweeps()] == [second, first]
    assert [s.id for s in store.sweeps(limit=1)] == [second]
    done = store.get_sweep(first)
    assert done.status == "interrupted" and done.finished_at is not None
    assert store.get_sweep(999) is None
    assert done.as_dict()["label"] == "convergence --preset quick"


def test_unknown_sweep_statuses_are_refused(store):
    sweep = store.start_sweep(label="x", total=1, tasks=["toy"], owner=Owner.me())
    with pytest.raises(ValueError, match="sweep status"):
        store.finish_sweep(sweep, "abandoned")  # only ever read, never stored
    with pytest.raises(ValueError, match="sweep status"):
        store.update_sweep(sweep, done=1, failed=0, task="toy", task_index=1, status="done")


def test_a_running_sweep_not_updated_within_the_grace_period_reads_as_abandoned(store, tmp_path):
    sweep = store.start_sweep(label="x", total=3, tasks=["toy"], owner=Owner.me())
    finished = store.start_sweep(label="y", total=3, tasks=["toy"], owner=Owner.me())
    store.finish_sweep(finished, "finished")
    old = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=HEARTBEAT_GRACE_S + 5))
    con = sqlite3.connect(tmp_path / "sweeps.db")
    con.execute("update sweeps set updated_at = ?", (old.strftime("%Y-%m-%d %H:%M:%S.%f"),))
    con.commit()
    con.close()
    assert store.get_sweep(sweep).status == "abandoned"
    assert store.get_sweep(finished).status == "finished"  # an ended sweep stays what it was
    store.touch_sweep(sweep)  # its heartbeat: alive again
    assert store.get_sweep(sweep).status == "running"


def test_a_running_sweep_whose_process_is_gone_reads_as_abandoned_at_once(store):
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    dead = Owner(socket.gethostname(), child.pid, None)
    sweep = store.start_sweep(label="killed", total=5, tasks=["toy"], owner=dead)
    assert store.get_sweep(sweep).status == "abandoned"


def test_the_sweeps_table_matches_its_migration(store):
    columns = {c["name"]: c for c in inspect(store.engine).get_columns("sweeps")}
    assert set(columns) == set(SWEEPS.columns.keys())
    for col in SWEEPS.columns:
        assert columns[col.name]["nullable"] == col.nullable or col.primary_key, col.name


def _claimed(store, n):
    from dlbench.storage.records import Claim  # noqa: F401  (the shape claim() returns)

    ids = []
    for i in range(n):
        claim = store.claim(task="toy", config={"i": i}, config_hash=f"h{i}",
                            code_version="v", choices={}, seed=i, preset="quick",
                            environment={}, owner=Owner.me())
        ids.append(claim.run_id)
    return ids


def test_store_results_writes_a_batch_and_an_unstorable_item_fails_only_its_run(store):
    a, b, c = _claimed(store, 3)
    reasons = store.store_results([
        {"run_id": a, "status": "finished", "summary": {"final_loss": 0.5},
         "series": {"loss": [(1, 1.0), (2, math.nan)]}, "duration_s": 0.25},
        {"run_id": b, "status": "finished", "summary": {"verdict": "good"}, "duration_s": 0.5},
        {"run_id": c, "status": "diverged", "summary": {"steps": 3}, "error": "loss is nan",
         "error_step": 3, "artifacts": {"w": np.arange(3.0)}, "notes": ["edge of the grid"]},
    ])
    assert reasons[0] is None and reasons[2] is None and "verdict" in reasons[1]
    runs = {r.id: r for r in store.list_runs()}
    assert runs[a].status == "finished" and runs[a].summary == {"final_loss": 0.5}
    steps, values = store.metric_series(a, "loss")
    assert steps.tolist() == [1, 2] and values[0] == 1.0 and math.isnan(values[1])
    assert runs[b].status == "failed" and "could not be stored" in runs[b].error
    assert runs[b].duration_s == 0.5 and store.get_run(b).metrics == {}
    assert runs[c].status == "diverged" and runs[c].error_step == 3
    assert store.artifact(c, "w").tolist() == [0.0, 1.0, 2.0]
    assert runs[c].tags["notes"] == "edge of the grid"


def test_store_results_is_one_transaction(store, monkeypatch):
    a, b = _claimed(store, 2)
    calls = []
    real = store.db.write

    def counting():
        calls.append(1)
        return real()

    monkeypatch.setattr(store.db, "write", counting)
    store.store_results([{"run_id": a, "status": "finished"}, {"run_id": b, "status": "finished"}])
    assert len(calls) == 1
    assert store.store_results([]) == []
