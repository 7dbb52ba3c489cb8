"""Sweep progress rows and batched commits: throttled updates, final statuses on SIGTERM and
SIGKILL (real processes, real signals), batches stored by size, by age and before return."""

from __future__ import annotations

import signal
import sqlite3
import time

import pytest

from dlbench.app.batch import ResultBatch
from dlbench.app.sweep import SweepTracker
from dlbench.bench.observer import RunResult
from dlbench.storage import Owner, RunStore

from .conftest import statuses, wait_for


class RecordingStore:
    def __init__(self):
        self.updates, self.finished = [], []

    def start_sweep(self, **kw):
        return 7

    def update_sweep(self, sweep_id, **kw):
        self.updates.append((time.monotonic(), kw))

    def touch_sweep(self, sweep_id):
        pass

    def finish_sweep(self, sweep_id, status):
        self.finished.append(status)


class Spec:
    def __init__(self, task):
        self.task = task


class Done:
    def __init__(self, task, status):
        self.spec, self.status = Spec(task), status


def test_sweep_updates_are_throttled_and_the_last_counts_are_written_at_the_end():
    store = RecordingStore()
    tracker = SweepTracker(store, label="x", tasks=["a", "b"], total=400, owner=None, every=0.2)
    start = time.monotonic()
    for i in range(400):
        task = "a" if i < 200 else "b"
        tracker.started(Spec(task))
        tracker.finished(Done(task, "failed" if i % 100 == 0 else "finished"))
        time.sleep(0.0025)
    elapsed = time.monotonic() - start
    tracker.close("finished")
    running = [kw for _, kw in store.updates if kw["status"] == "running"]
    assert len(running) <= elapsed / 0.2 + 2, (len(running), elapsed)
    assert store.updates[-1][1] == {"done": 400, "failed": 4, "task": "b", "task_index": 2,
                                    "status": "finished"}
    assert store.finished == ["finished"]
    tracker.close("failed")  # closing twice changes nothing
    assert store.finished == ["finished"]


def _sweeps(db):
    con = sqlite3.connect(db)
    try:
        return con.execute("select status, total, done, failed, pid from sweeps").fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        con.close()


@pytest.mark.slow
def test_sigterm_marks_the_sweep_interrupted_with_what_finished(dlbench_cmd):
    proc = dlbench_cmd("run", "toy", "--seeds", "30", "--workers", "1", "--set", "steps=3",
                       "--set", "sleep=0.1")
    wait_for(lambda: statuses(dlbench_cmd.db).count("finished") >= 2)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err.decode()
    [(status, total, done, failed, pid)] = _sweeps(dlbench_cmd.db)
    finished = statuses(dlbench_cmd.db).count("finished")
    assert (status, total, pid) == ("interrupted", 30, proc.pid)
    assert done == finished and failed == 0  # the run in flight is not done: interrupted
    with RunStore(f"sqlite:///{dlbench_cmd.db}") as store:
        assert store.sweeps()[0].status == "interrupted"


@pytest.mark.slow
def test_a_sweep_killed_with_sigkill_reads_as_abandoned_and_shows_its_progress(dlbench_cmd):
    proc = dlbench_cmd("run", "toy", "--seeds", "30", "--workers", "1", "--set", "steps=3",
                       "--set", "sleep=0.1")
    wait_for(lambda: [s for s in _sweeps(dlbench_cmd.db) if s[2] >= 2])  # progress written
    with RunStore(f"sqlite:///{dlbench_cmd.db}") as store:
        assert store.sweeps()[0].status == "running"
        proc.kill()
        proc.communicate(timeout=30)
        sweep = store.sweeps()[0]
    assert sweep.status == "abandoned" and 2 <= sweep.done < 30


def _claims(store, n):
    return [store.claim(task="toy", config={"i": i}, config_hash=f"h{i}", code_version="v",
                        choices={}, seed=i, preset="quick", environment={},
                        owner=Owner.me()).run_id for i in range(n)]


def _result(i):
    return RunResult(status="finished", summary={"x": float(i)}, series={"loss": [(1, 0.5)]},
                     duration_s=0.01)


def test_a_batch_is_stored_when_it_is_full(db_url):
    store = RunStore(db_url, create=True)
    ids = _claims(store, 5)
    batch = ResultBatch(store, size=3, age_s=60)
    try:
        for i, run_id in enumerate(ids):
            batch.add(Spec("toy"), run_id, _result(i))
        assert [r.status for r in store.list_runs()[::-1]] == ["finished"] * 3 + ["running"] * 2
        assert [i.run_id for i in batch.take_stored()] == ids[:3]
        batch.flush()
        assert {r.status for r in store.list_runs()} == {"finished"}
    finally:
        batch.close()


def test_an_old_batch_is_stored_by_the_timer_while_the_loop_waits(db_url):
    store = RunStore(db_url, create=True)
    [run_id] = _claims(store, 1)
    batch = ResultBatch(store, size=20, age_s=0.3)
    try:
        batch.add(Spec("toy"), run_id, _result(0))
        assert store.list_runs()[0].status == "running"
        wait_for(lambda: store.list_runs()[0].status == "finished", timeout=10)
        [item] = batch.take_stored()
        assert item.stored and item.run_id == run_id
    finally:
        batch.close()


def test_an_unstorable_result_fails_its_run_only(db_url):
    store = RunStore(db_url, create=True)
    a, b = _claims(store, 2)
    batch = ResultBatch(store)
    try:
        batch.add(Spec("toy"), a, RunResult(status="finished", summary={"verdict": "good"}))
        batch.add(Spec("toy"), b, _result(1))
        batch.flush()
        first, second = batch.take_stored()
    finally:
        batch.close()
    assert first.result.status == "failed" and "verdict" in first.result.error
    assert second.result.status == "finished"
    assert {r.id: r.status for r in store.list_runs()} == {a: "failed", b: "finished"}


def test_a_failed_flush_keeps_the_results_pending(db_url, monkeypatch):
    store = RunStore(db_url, create=True)
    [run_id] = _claims(store, 1)
    batch = ResultBatch(store, age_s=60)
    try:
        batch.add(Spec("toy"), run_id, _result(0))

        def locked(items):
            raise KeyboardInterrupt  # a signal in the middle of the transaction

        monkeypatch.setattr(store, "store_results", locked)
        with pytest.raises(KeyboardInterrupt):
            batch.flush()
        assert len(batch.pending()) == 1 and batch.take_stored() == []
        monkeypatch.undo()
        batch.flush()  # what the interrupt handler does next
        assert store.list_runs()[0].status == "finished"
    finally:
        batch.close()


def test_a_long_run_is_stored_at_once(db_url):
    store = RunStore(db_url, create=True)
    short, long_ = _claims(store, 2)
    batch = ResultBatch(store, size=20, age_s=60, work_s=1.0)
    try:
        batch.add(Spec("toy"), short, _result(0))  # 10 ms of work: waits
        assert [r.status for r in store.list_runs()] == ["running", "running"]
        batch.add(Spec("toy"), long_, RunResult(status="finished", duration_s=1.5))
        assert {r.status for r in store.list_runs()} == {"finished"}  # both, one commit
    finally:
        batch.close()
