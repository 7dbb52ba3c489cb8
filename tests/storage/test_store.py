"""Runs, metric series (NaN and inf kept), artifacts, tags, claims and bad databases.

Tests taking ``any_db_url`` run on SQLite and on PostgreSQL (tests/postgres_server.py)."""

from __future__ import annotations

import math
import sqlite3

import numpy as np
import pytest

from dlbench.errors import StorageError, UsageError
from dlbench.storage import NoDatabase, Owner, RunStore, Unstorable

HASH = "ab" * 32


def claim(store, **kw):
    args = dict(task="convergence", config={"optimizer": {"name": "adam", "lr": 0.001}},
                config_hash=HASH, choices={"optimizer": "adam"}, seed=1, preset="quick",
                code_version="0.1.0", environment={"python_version": "3.11", "blas_threads": 1},
                owner=Owner.me())
    args.update(kw)
    return store.claim(**args)


def test_nan_and_inf_round_trip_in_series_and_summaries(any_db_url):
    store = RunStore(any_db_url, create=True)
    run = claim(store).run_id
    values = [0.5, math.nan, math.inf, -math.inf, -0.0, 1e300]
    store.store_result(run, status="diverged", series={"loss": list(enumerate(values))},
                       summary={"final_loss": math.nan, "best": math.inf, "unmeasured": None})
    steps, got = store.metric_series(run, "loss")
    assert steps.tolist() == list(range(6))
    assert got[0] == 0.5 and math.isnan(got[1]) and got[2] == math.inf and got[3] == -math.inf
    assert got[5] == 1e300
    summary = store.get_run(run).run.summary
    assert math.isnan(summary["final_loss"]) and summary["best"] == math.inf
    assert math.isnan(summary["unmeasured"])  # None is "not measured": stored as NaN


@pytest.mark.parametrize("array", [
    np.arange(12, dtype=np.float32).reshape(3, 4),
    np.array([[1.5, np.nan], [np.inf, -2.0]]),
    np.arange(5, dtype=np.int64),
    np.zeros((0, 3)),
])
def test_artifact_round_trip_is_exact(any_db_url, array):
    store = RunStore(any_db_url, create=True)
    run = claim(store).run_id
    store.store_result(run, status="finished", artifacts={"hist": array})
    back = store.artifact(run, "hist")
    assert back.dtype == array.dtype and back.shape == array.shape
    np.testing.assert_array_equal(back, array)


def test_an_unstorable_result_writes_nothing(any_db_url):
    store = RunStore(any_db_url, create=True)
    run = claim(store).run_id
    with pytest.raises(Unstorable, match="verdict"):
        store.store_result(run, status="finished", series={"loss": [(1, 0.5)]},
                           summary={"verdict": "good"})
    with pytest.raises(Unstorable, match="labels"):
        store.store_result(run, status="finished", artifacts={"labels": np.array(["a"])})
    detail = store.get_run(run)
    assert detail.run.status == "running" and detail.metrics == {} and detail.artifacts == []


def test_run_listing_and_details(any_db_url):
    store = RunStore(any_db_url, create=True)
    a = claim(store, seed=1).run_id
    b = claim(store, seed=2, task="weight-init", config_hash="cd" * 32).run_id
    store.store_result(a, status="finished", summary={"final_loss": 0.25}, duration_s=1.5)
    store.set_tag([b], "note", "second")
    runs = store.list_runs()
    assert [r.id for r in runs] == [b, a]
    assert store.list_runs(limit=1)[0].id == b
    assert [r.id for r in store.list_runs(task="convergence")] == [a]
    assert [r.id for r in store.list_runs(tag="note")] == [b]
    detail = store.get_run(a)
    assert detail.params == {"optimizer.name": "adam", "optimizer.lr": 0.001}
    assert detail.run.summary == {"final_loss": 0.25} and detail.run.status == "finished"
    assert detail.environment["blas_threads"] == 1
    assert store.get_run(b).run.tags == {"note": "second"}
    assert store.find_reusable(HASH, "0.1.0") == a
    with pytest.raises(Exception):  # records are frozen
        runs[0].status = "finished"


def test_claims_decide_who_runs_a_configuration(any_db_url):
    store = RunStore(any_db_url, create=True)
    first = claim(store)
    assert first.decision == "claimed"
    assert claim(store).decision == "busy"  # this very process is alive and holds it
    store.store_result(first.run_id, status="finished", summary={"x": 1.0})
    assert claim(store) == type(first)("reuse", first.run_id)
    assert claim(store, code_version="0.2.0").decision == "claimed"  # other code: not reused
    forced = claim(store, force=True)
    assert forced.decision == "claimed" and forced.run_id != first.run_id


def test_a_dead_owners_running_run_is_abandoned_and_claimed_again(any_db_url):
    import subprocess
    import sys

    store = RunStore(any_db_url, create=True)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead = Owner(Owner.me().host, int(gone.stdout), None)  # a real process that has exited
    held = claim(store, owner=dead)
    again = claim(store)
    assert again.decision == "claimed" and again.abandoned == (held.run_id,)
    old = store.list_runs(ids=[held.run_id])[0]
    assert old.status == "abandoned" and "stopped" in old.error


def test_unknown_run_is_a_usage_error(any_db_url):
    with pytest.raises(UsageError, match="no run with id 99"):
        RunStore(any_db_url, create=True).get_run(99)


def test_reading_never_creates_a_database(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(NoDatabase, match=r"no results database at sqlite:///results/dlbench.db; "
                                         r"run 'dlbench run' first"):
        RunStore()
    assert not (tmp_path / "results").exists()


def test_default_url_creates_results_folder_when_asked(tmp_path):
    store = RunStore(create=True)
    assert (tmp_path / "results" / "dlbench.db").exists()
    store.close()


def test_missing_folder_for_an_explicit_url_is_an_error(tmp_path):
    with pytest.raises(StorageError, match="does not exist"):
        RunStore(f"sqlite:///{tmp_path / 'nope' / 'x.db'}", create=True)


def test_unparseable_url_is_a_usage_error():
    with pytest.raises(UsageError, match="cannot parse database URL"):
        RunStore("not a url")


def test_unknown_dialect_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown dialect"):
        RunStore("nosuchdb://host/x")


def test_passwords_never_appear_in_messages():
    with pytest.raises(StorageError) as info:  # no such server; the message names the URL
        RunStore("postgresql+psycopg2://user:s3cret@127.0.0.1:1/db")
    assert "s3cret" not in str(info.value) and "***" in str(info.value)


def test_corrupt_file_is_reported(tmp_path):
    path = tmp_path / "corrupt.db"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StorageError, match="not a readable SQLite database"):
        RunStore(f"sqlite:///{path}")


def test_a_foreign_sqlite_file_is_refused_untouched(tmp_path):
    path = tmp_path / "theirs.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE runs (id INTEGER PRIMARY KEY, who TEXT)")
    con.execute("INSERT INTO runs (who) VALUES ('them')")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(StorageError, match="not a dlbench database"):
        RunStore(f"sqlite:///{path}", create=True)
    con = sqlite3.connect(path)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    con.close()
    assert tables == {"runs"} and path.read_bytes() == before


def test_database_from_a_newer_dlbench_is_refused(tmp_path):
    path = tmp_path / "new.db"
    RunStore(f"sqlite:///{path}", create=True).close()
    con = sqlite3.connect(path)
    con.execute("INSERT INTO schema_migrations VALUES ('9999_from_the_future', '2030-01-01')")
    con.commit()
    con.close()
    with pytest.raises(StorageError, match="newer dlbench.*9999_from_the_future"):
        RunStore(f"sqlite:///{path}")


def test_a_database_deleted_while_in_use_is_an_error_not_a_silent_loss(tmp_path):
    path = tmp_path / "gone.db"
    store = RunStore(f"sqlite:///{path}", create=True)
    run = claim(store).run_id
    for suffix in ("", "-wal", "-shm"):
        (tmp_path / f"gone.db{suffix}").unlink(missing_ok=True)
    with pytest.raises(StorageError, match="deleted or replaced"):
        store.store_result(run, status="finished", summary={"x": 1.0})


def test_wal_mode_and_foreign_keys(db_url):
    store = RunStore(db_url, create=True)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


def test_curation_deletes_tags_and_prunes(any_db_url):
    store = RunStore(any_db_url, create=True)
    keep = claim(store).run_id
    store.store_result(keep, status="finished", summary={"x": 1.0})
    bad = claim(store, config_hash="cd" * 32).run_id
    store.close_run(bad, "interrupted", error="Ctrl-C")
    store.set_tag([keep], "baseline")
    assert [r.id for r in store.list_runs(tag="baseline")] == [keep]
    assert store.prune() == 1
    assert [r.id for r in store.list_runs()] == [keep]
    with pytest.raises(UsageError, match="no run with id 77"):
        store.set_tag([77], "x")
    assert store.delete_runs([keep]) == 1 and store.list_runs() == []
    assert store.find_reusable(HASH, "0.1.0") is None  # its claim went with it
