"""``dlbench run --executor dask``: runs stored through a LocalCluster; an unreachable
scheduler fails with one line before any run."""

from __future__ import annotations

import sqlite3
import time

import pytest

pytest.importorskip("distributed")
pytestmark = pytest.mark.slow


def test_run_with_the_dask_executor_stores_the_runs(invoke, db_url, tmp_path):
    result = invoke("--db", db_url, "run", "convergence", "--preset", "test",
                    "--executor", "dask", "--workers", "2")
    assert result.exit_code == 0, result.output
    con = sqlite3.connect(tmp_path / "test.db")
    statuses = [r[0] for r in con.execute("select status from runs")]
    con.close()
    assert statuses == ["finished", "finished"]


def test_an_unreachable_scheduler_fails_clearly_before_any_run(invoke, db_url, tmp_path):
    start = time.monotonic()
    result = invoke("--db", db_url, "run", "convergence", "--preset", "test",
                    "--executor", "dask", "--scheduler", "tcp://127.0.0.1:1")
    assert result.exit_code == 1, result.output
    assert "Error: cannot reach the Dask scheduler at tcp://127.0.0.1:1" in result.output
    assert "Traceback" not in result.output and time.monotonic() - start < 30
    assert not (tmp_path / "test.db").exists()  # nothing opened, nothing stored
