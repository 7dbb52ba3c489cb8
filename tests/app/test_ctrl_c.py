"""Ctrl-C in the middle of a sweep, done for real: SIGINT to the whole process group of
``dlbench run`` (what a terminal sends: the command and every worker process it started
receive it), with the process pool and with Dask's LocalCluster; then the same command
again."""

from __future__ import annotations

import collections
import os
import signal
import sqlite3

import pytest

from .conftest import alive, descendants, statuses, wait_for

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("executor", ["pool", "dask"])
def test_ctrl_c_stops_a_sweep_cleanly_and_the_rerun_finishes_it(dlbench_cmd, tmp_path, executor):
    if executor == "dask":
        pytest.importorskip("distributed")
    counts = tmp_path / "executions.txt"
    args = ("run", "toy", "--seeds", "16", "--executor", executor, "--workers", "2",
            "--set", "steps=3", "--set", "sleep=0.25", "--set", f"count_file={counts}")
    proc = dlbench_cmd(*args, start_new_session=True)  # its own group, as in a terminal
    wait_for(lambda: statuses(dlbench_cmd.db).count("finished") >= 3, timeout=120)
    family = descendants(proc.pid)
    assert family, "the worker processes"
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches every process of the group
    _, err = proc.communicate(timeout=60)
    text = err.decode()
    assert proc.returncode == 130, text
    assert "Interrupted" in text and "Traceback" not in text, text
    after_stop = statuses(dlbench_cmd.db)
    assert "running" not in after_stop, after_stop  # in flight: marked interrupted
    finished_before = after_stop.count("finished")
    assert 3 <= finished_before < 16
    wait_for(lambda: not [p for p in family if alive(p)], timeout=30)  # no orphaned worker

    again = dlbench_cmd(*args)
    _, err = again.communicate(timeout=180)
    assert again.returncode == 0, err.decode()
    assert f"{finished_before} of 16 runs were already stored" in err.decode()
    con = sqlite3.connect(dlbench_cmd.db)
    per_config = collections.Counter(r[0] for r in con.execute(
        "select config_hash from runs where status = 'finished'"))
    con.close()
    assert len(per_config) == 16 and set(per_config.values()) == {1}
    # runs finished before Ctrl-C were not executed again: 16 executions, plus one more
    # for each run that was in flight (interrupted) when Ctrl-C came
    executions = len(counts.read_text().splitlines())
    assert executions <= 16 + after_stop.count("interrupted"), (executions, after_stop)
