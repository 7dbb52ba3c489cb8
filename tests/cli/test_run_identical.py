"""Stored metrics are bit-identical whatever runs them: ``dlbench run --workers 1`` and
``--workers 2`` (chunks, batched commits, interleaved order) store the same numbers.

The one exception is wall-clock time (``seconds_to_target``: how long the run took to
reach its target on this machine), a measurement of the computer, not of the method."""

from __future__ import annotations

import sqlite3


def stored(db) -> dict:
    """config hash -> every stored series point, summary, artifact and the status."""
    con = sqlite3.connect(db)
    runs = dict(con.execute("select id, config_hash from runs").fetchall())
    out = {h: {"metrics": [], "summary": [], "artifacts": [], "status": None}
           for h in runs.values()}
    for run_id, status in con.execute("select id, status from runs"):
        out[runs[run_id]]["status"] = status
    for run_id, *row in con.execute(
            "select run_id, key, step, value, value_kind from metrics order by run_id, id"):
        out[runs[run_id]]["metrics"].append(tuple(row))
    for run_id, *row in con.execute(
            "select run_id, key, value, value_kind from summaries order by run_id, key"):
        if "seconds" not in row[0]:  # wall-clock timings differ from run to run
            out[runs[run_id]]["summary"].append(tuple(row))
    for run_id, *row in con.execute(
            "select run_id, key, dtype, shape, data from artifacts order by run_id, key"):
        out[runs[run_id]]["artifacts"].append(tuple(row))
    con.close()
    return out


def test_workers_1_and_2_store_bit_identical_series_and_summaries(invoke, tmp_path):
    grid = ("run", "convergence", "--preset", "test", "--optimizer", "sgd,momentum,adagrad,adam",
            "--seeds", 3, "-q")
    dbs = {}
    for workers in (1, 2):
        dbs[workers] = tmp_path / f"w{workers}.db"
        result = invoke("--db", f"sqlite:///{dbs[workers]}", *grid, "--workers", workers,
                        "--oversubscribe")
        assert result.exit_code == 0, result.output
    serial, pooled = stored(dbs[1]), stored(dbs[2])
    assert len(serial) == 12 and serial.keys() == pooled.keys()
    for config_hash, runs in serial.items():
        assert runs["status"] == "finished" and runs["metrics"] and runs["summary"]
        assert runs == pooled[config_hash], config_hash  # floats compared exactly
