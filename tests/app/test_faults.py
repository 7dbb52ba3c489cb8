"""Faults done for real: SIGKILL of a worker and of ``dlbench run``, SIGTERM, concurrent
processes on one SQLite file, an edited plugin. No monkeypatching here."""

from __future__ import annotations

import collections
import os
import signal
import sqlite3
import time

import pytest

from .conftest import alive, descendants, statuses, wait_for

pytestmark = pytest.mark.slow


def test_kill_9_of_one_worker_fails_only_its_run(dlbench_cmd):
    proc = dlbench_cmd("run", "toy", "--seeds", "8", "--workers", "2", "--oversubscribe",
                       "--set", "steps=5", "--set", "sleep=0.2")
    workers = wait_for(lambda: {p for p in descendants(proc.pid)
                                if b"dlbench-worker" in open(f"/proc/{p}/cmdline", "rb").read()
                                or b"spawn_main" in open(f"/proc/{p}/cmdline", "rb").read()}
                       if statuses(dlbench_cmd.db).count("finished") >= 1 else None)
    victim = sorted(workers)[0]
    os.kill(victim, signal.SIGKILL)
    out, err = proc.communicate(timeout=120)
    text = out.decode() + err.decode()
    assert proc.returncode == 1, text
    final = statuses(dlbench_cmd.db)
    assert final.count("worker-died") == 1 and final.count("finished") == 7, final
    assert "killed by SIGKILL" in text and "result (mean ± std over seeds)" in text
    assert "Traceback" not in text
    time.sleep(1.5)
    assert not [p for p in workers if alive(p)]  # no orphan worker


def test_kill_9_of_dlbench_run_leaves_no_process_and_the_rerun_runs_it_once_more(dlbench_cmd):
    args = ("run", "toy", "--seeds", "3", "--workers", "1", "--set", "steps=5", "--set",
            "sleep=0.3")
    proc = dlbench_cmd(*args)
    wait_for(lambda: statuses(dlbench_cmd.db).count("finished") >= 1
             and "running" in statuses(dlbench_cmd.db))
    family = descendants(proc.pid)
    assert family  # the worker (and multiprocessing's resource tracker)
    proc.kill()
    proc.communicate(timeout=30)
    wait_for(lambda: not [p for p in family if alive(p)], timeout=10)
    assert "running" in statuses(dlbench_cmd.db)  # what SIGKILL leaves behind
    again = dlbench_cmd(*args)
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err.decode()
    final = statuses(dlbench_cmd.db)
    assert "running" not in final and final.count("abandoned") == 1, final
    con = sqlite3.connect(dlbench_cmd.db)
    per_config = collections.Counter(r[0] for r in con.execute(
        "select config_hash from runs where status = 'finished'"))
    con.close()
    assert sorted(per_config.values()) == [1, 1, 1]  # each config finished exactly once
    assert "abandoned" in err.decode()


@pytest.mark.parametrize("sig, code", [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_sigterm_and_sighup_are_handled_like_ctrl_c(dlbench_cmd, sig, code):
    proc = dlbench_cmd("run", "toy", "--seeds", "20", "--workers", "1", "--set", "steps=3",
                       "--set", "sleep=0.1")
    wait_for(lambda: statuses(dlbench_cmd.db).count("finished") >= 2)
    family = descendants(proc.pid)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err.decode()
    assert "Interrupted" in err.decode() and "Traceback" not in err.decode()
    final = statuses(dlbench_cmd.db)
    assert final.count("interrupted") == 1 and "running" not in final, final
    wait_for(lambda: not [p for p in family if alive(p)], timeout=10)


def test_six_processes_on_overlapping_grids_run_every_configuration_once(dlbench_cmd, tmp_path):
    counts = tmp_path / "executions.txt"
    procs = []
    for i in range(6):
        seeds = ["--seeds", "4"] if i % 2 == 0 else ["--seed", str(i % 4)]
        procs.append(dlbench_cmd("run", "toy", *seeds, "--set", "steps=3", "--set", "sleep=0.05",
                                 "--set", f"count_file={counts}", "-q"))
    for p in procs:
        _, err = p.communicate(timeout=180)
        assert p.returncode == 0, err.decode()
    con = sqlite3.connect(dlbench_cmd.db)
    rows = con.execute("select config_hash, status from runs").fetchall()
    con.close()
    assert len(rows) == 4 and {s for _, s in rows} == {"finished"}, rows
    assert len({h for h, _ in rows}) == 4
    assert len(counts.read_text().splitlines()) == 4  # executed once each, not 6 times


def test_editing_an_installed_plugin_changes_its_runs_identity(tmp_path):
    import subprocess
    import sys

    site = tmp_path / "site"
    pkg = site / "halving"
    pkg.mkdir(parents=True)
    source = ("from dlbench import hookimpl\n"
              "class Halving:\n"
              "    def __init__(self, params, lr=0.1):\n"
              "        self.params, self.lr = params, lr\n"
              "    def zero_grad(self):\n"
              "        for p in self.params: p.grad[...] = 0\n"
              "    def step(self):\n"
              "        for p in self.params: p.data -= FACTOR * self.lr * p.grad\n"
              "@hookimpl\n"
              "def register_optimizers(register):\n"
              "    register('halving', Halving)\n")
    (pkg / "__init__.py").write_text("FACTOR = 0.5\n" + source)
    info = site / "halving-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: halving\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[dlbench]\nhalving = halving\n")
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("DLBENCH_DISABLE_PLUGIN_AUTOLOAD", None)
    db = f"sqlite:///{tmp_path / 'v.db'}"

    def dlbench(*args):
        return subprocess.run([sys.executable, "-m", "dlbench", "--db", db, *args], env=env,
                              cwd=tmp_path, capture_output=True, text=True, timeout=120)

    run = ("run", "convergence", "--preset", "test", "--optimizer", "halving")
    first = dlbench(*run)
    assert first.returncode == 0, first.stderr
    assert "reused" in dlbench(*run).stderr  # unchanged code: reused
    (pkg / "__init__.py").write_text("FACTOR = 0.25\n" + source)  # edited, same version
    edited = dlbench(*run)
    assert edited.returncode == 0 and "reused" not in edited.stderr, edited.stderr
    board = dlbench("leaderboard", "convergence")
    lines = [line for line in board.stdout.splitlines() if "halving" in line]
    assert len(lines) == 2 and lines[0] != lines[1], board.stdout
    assert all("src." in line or "1.0" in line for line in lines), board.stdout


def test_a_hung_step_is_timed_out_and_the_sweep_goes_on(dlbench_cmd):
    start = time.monotonic()
    proc = dlbench_cmd("run", "toy", "--optimizer", "hang,sgd", "--run-timeout", "5")
    out, err = proc.communicate(timeout=120)
    elapsed = time.monotonic() - start
    assert proc.returncode == 1, err.decode()
    assert statuses(dlbench_cmd.db) == ["timed-out", "timed-out", "finished", "finished"] or \
        sorted(statuses(dlbench_cmd.db)) == ["finished", "finished", "timed-out", "timed-out"]
    assert "TIMED-OUT" in err.decode() and "stopped after 5 s" in err.decode()
    assert elapsed < 30  # two hung runs of 5 s each, one worker, plus start-up
