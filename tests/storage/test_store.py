"""Runs, metric series (NaN and inf kept), artifacts, tags, and bad databases."""

from __future__ import annotations

import math
import sqlite3

import numpy as np
import pytest

from dlbench.errors import StorageError, UsageError
from dlbench.storage import ResultStore


def new_run(store, **kw):
    args = dict(task="convergence", config={"optimizer": {"name": "adam", "lr": 0.001}},
                config_hash="ab" * 32, choices={"optimizer": "adam"}, seed=1, preset="quick",
                code_version="0.1.0", environment={"python_version": "3.11", "blas_threads": 1})
    args.update(kw)
    return store.create_run(**args)


def test_nan_and_inf_round_trip_in_series_and_summaries(db_url):
    store = ResultStore(db_url)
    run = new_run(store)
    values = [0.5, math.nan, math.inf, -math.inf, -0.0, 1e300]
    assert store.log_metrics(run, [("loss", i, v) for i, v in enumerate(values)]) == 6
    store.finish_run(run, "diverged", summary={"final_loss": math.nan, "best": math.inf})
    steps, got = store.metric_series(run, "loss")
    assert steps.tolist() == list(range(6))
    assert got[0] == 0.5 and math.isnan(got[1]) and got[2] == math.inf and got[3] == -math.inf
    assert got[5] == 1e300
    summary = store.get_run(run)["summary"]
    assert math.isnan(summary["final_loss"]) and summary["best"] == math.inf


@pytest.mark.parametrize("array", [
    np.arange(12, dtype=np.float32).reshape(3, 4),
    np.array([[1.5, np.nan], [np.inf, -2.0]]),
    np.arange(5, dtype=np.int64),
    np.zeros((0, 3)),
])
def test_artifact_round_trip_is_exact(db_url, array):
    store = ResultStore(db_url)
    run = new_run(store)
    store.log_artifact(run, "hist", array)
    back = store.artifact(run, "hist")
    assert back.dtype == array.dtype and back.shape == array.shape
    np.testing.assert_array_equal(back, array)


def test_run_listing_and_details(db_url):
    store = ResultStore(db_url)
    a = new_run(store, seed=1)
    b = new_run(store, seed=2, task="weight-init")
    store.finish_run(a, "finished", summary={"final_loss": 0.25}, duration_s=1.5)
    store.set_tags(b, {"note": "second"})
    runs = store.list_runs()
    assert [r["id"] for r in runs] == [b, a]
    assert store.list_runs(limit=1)[0]["id"] == b
    assert [r["id"] for r in store.list_runs(task="convergence")] == [a]
    detail = store.get_run(a)
    assert detail["params"] == {"optimizer.name": "adam", "optimizer.lr": 0.001}
    assert detail["summary"] == {"final_loss": 0.25} and detail["status"] == "finished"
    assert detail["environment"]["blas_threads"] == 1
    assert store.get_run(b)["tags"] == {"note": "second"}
    assert store.find_reusable("ab" * 32, "0.1.0") == a


def test_unknown_run_is_a_usage_error(db_url):
    with pytest.raises(UsageError, match="no run with id 99"):
        ResultStore(db_url).get_run(99)


def test_default_url_creates_results_folder(tmp_path):
    store = ResultStore()
    assert (tmp_path / "results" / "dlbench.db").exists()
    store.close()


def test_missing_folder_for_an_explicit_url_is_an_error(tmp_path):
    with pytest.raises(StorageError, match="does not exist"):
        ResultStore(f"sqlite:///{tmp_path / 'nope' / 'x.db'}")


def test_unparseable_url_is_a_usage_error():
    with pytest.raises(UsageError, match="cannot parse database URL"):
        ResultStore("not a url")


def test_unknown_dialect_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown dialect"):
        ResultStore("nosuchdb://host/x")


def test_corrupt_file_is_reported(tmp_path):
    path = tmp_path / "corrupt.db"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StorageError, match="not a readable SQLite database"):
        ResultStore(f"sqlite:///{path}")


def test_database_from_a_newer_dlbench_is_refused(tmp_path):
    path = tmp_path / "new.db"
    ResultStore(f"sqlite:///{path}").close()
    con = sqlite3.connect(path)
    con.execute("INSERT INTO schema_migrations VALUES ('9999_from_the_future', '2030-01-01')")
    con.commit()
    con.close()
    with pytest.raises(StorageError, match="newer dlbench.*9999_from_the_future"):
        ResultStore(f"sqlite:///{path}")


def test_wal_mode_and_foreign_keys(db_url):
    store = ResultStore(db_url)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
