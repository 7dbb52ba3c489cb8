"""The runner: storage, reuse, faults, Ctrl-C, determinism across executors, concurrency."""

from __future__ import annotations

import math
import os
import signal
import sqlite3
import subprocess
import sys
import time

import numpy as np
import pytest

from dlbench.bench.executors import PluginContext, PoolExecutor, SerialExecutor
from dlbench.bench.runner import RunInterrupted, Runner
from dlbench.bench.spec import plan
from dlbench.storage import ResultStore


def run_toy(registry, store, toy_plugin, *, choices=None, seeds=(0,), overrides=None, force=False,
            workers=1, max_seconds=None):
    specs = plan(registry, "toy", preset="quick", choices=choices or {}, seeds=list(seeds),
                 overrides=overrides or {})
    context = PluginContext((str(toy_plugin),))
    executor = PoolExecutor(workers, context) if workers > 1 else SerialExecutor(registry, context)
    return Runner(registry, store, executor, force=force, max_seconds=max_seconds).run(specs)


def test_runs_are_stored_with_series_summary_and_artifacts(toy_registry, toy_plugin, db_url, fixed_version):
    store = ResultStore(db_url)
    [out] = run_toy(toy_registry, store, toy_plugin)
    assert out.status == "finished"
    run = store.get_run(out.run_id)
    assert run["status"] == "finished" and run["code_version"] == fixed_version
    assert run["metrics"] == {"acc": 5, "loss": 5}
    assert math.isnan(run["summary"]["nan_metric"])
    assert store.artifact(out.run_id, "final").shape == (3,)
    steps, values = store.metric_series(out.run_id, "loss")
    assert steps.tolist() == [1, 2, 3, 4, 5] and np.all(np.diff(values) < 0)
    assert run["environment"]["blas_vendor"] is not None


def test_identical_runs_are_reused_unless_forced(toy_registry, toy_plugin, db_url, fixed_version):
    store = ResultStore(db_url)
    first = run_toy(toy_registry, store, toy_plugin, seeds=(0, 1))
    again = run_toy(toy_registry, store, toy_plugin, seeds=(0, 1, 2))
    assert [o.status for o in again] == ["reused", "reused", "finished"]
    assert [o.run_id for o in again[:2]] == [o.run_id for o in first]
    forced = run_toy(toy_registry, store, toy_plugin, seeds=(0,), force=True)
    assert forced[0].status == "finished" and forced[0].run_id not in [o.run_id for o in first]


def test_a_plugin_that_raises_is_stored_as_failed_and_the_suite_goes_on(toy_registry, toy_plugin, db_url):
    store = ResultStore(db_url)
    outs = run_toy(toy_registry, store, toy_plugin, choices={"optimizer": ["broken", "sgd"]})
    assert [o.status for o in outs] == ["failed", "finished"]
    failed = store.get_run(outs[0].run_id)
    assert "optimizer exploded on purpose" in failed["error"]
    assert failed["status"] == "failed" and failed["error_step"] is None  # raised before logging


def test_nan_loss_is_a_diverged_result_with_its_step(toy_registry, toy_plugin, db_url):
    store = ResultStore(db_url)
    [out] = run_toy(toy_registry, store, toy_plugin, overrides={"explode_at": 3})
    run = store.get_run(out.run_id)
    assert run["status"] == "diverged" and run["error_step"] == 3
    assert run["summary"] == {"steps": 3.0}
    steps, values = store.metric_series(out.run_id, "loss")
    assert steps.tolist() == [1, 2, 3] and math.isnan(values[-1])


def test_ctrl_c_keeps_finished_runs_marks_the_current_one_and_a_rerun_resumes(
        toy_registry, toy_plugin, db_url, fixed_version, monkeypatch):
    store = ResultStore(db_url)
    from dlbench.bench import executors

    real = executors.execute_spec
    calls = {"n": 0}

    def interrupt_third(spec, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(spec, *args, **kwargs)

    monkeypatch.setattr(executors, "execute_spec", interrupt_third)
    with pytest.raises(RunInterrupted) as info:
        run_toy(toy_registry, store, toy_plugin, seeds=range(5))
    assert [o.status for o in info.value.outcomes] == ["finished", "finished"]
    statuses = [r["status"] for r in store.list_runs()[::-1]]
    assert statuses == ["finished", "finished", "interrupted"]
    monkeypatch.setattr(executors, "execute_spec", real)
    resumed = run_toy(toy_registry, store, toy_plugin, seeds=range(5))
    assert [o.status for o in resumed] == ["reused", "reused", "finished", "finished", "finished"]


def test_time_budget_skips_the_rest(toy_registry, toy_plugin, db_url):
    store = ResultStore(db_url)
    outs = run_toy(toy_registry, store, toy_plugin, seeds=range(4),
                   overrides={"sleep": 0.05}, max_seconds=0.2)
    statuses = [o.status for o in outs]
    assert "skipped" in statuses and statuses[0] == "finished"
    assert len(store.list_runs()) == statuses.count("finished")


def test_observer_hooks_are_called_by_the_runner(tmp_path, toy_plugin, db_url):
    log = tmp_path / "hooks.log"
    observer = tmp_path / "observer.py"
    observer.write_text(
        "from dlbench import hookimpl\n"
        f"LOG = {str(log)!r}\n"
        "def w(text):\n"
        "    open(LOG, 'a').write(text + '\\n')\n"
        "@hookimpl\n"
        "def run_started(run): w(f'start {run.seed}')\n"
        "@hookimpl\n"
        "def epoch_finished(run, epoch, metrics): w(f'epoch {run.seed} {epoch} {metrics[\"acc\"]:.3f}')\n"
        "@hookimpl\n"
        "def run_finished(run, result): w(f'end {run.seed} {result.status}')\n")
    from dlbench.pluginmanager import build_registry

    reg = build_registry([str(toy_plugin), str(observer)], autoload=False)
    run_toy(reg, ResultStore(db_url), toy_plugin, overrides={"steps": 2})
    assert log.read_text().splitlines() == ["start 0", "epoch 0 1 1.000", "epoch 0 2 0.500",
                                            "end 0 finished"]


def _comparable(store):
    out = {}
    for run in store.list_runs():
        key = (run["task"], tuple(sorted(run["choices"].items())), run["seed"])
        series = {k: store.metric_series(run["id"], k)[1].tobytes() for k in store.get_run(run["id"])["metrics"]}
        summary = {k: v for k, v in run["summary"].items() if "seconds" not in k}
        out[key] = (run["config_hash"], run["status"], summary, series)
    return out


@pytest.mark.slow
def test_serial_and_two_workers_store_identical_metrics(tmp_path):
    import dlbench

    reg = dlbench.registry()
    stores = []
    for workers in (1, 2):
        store = ResultStore(f"sqlite:///{tmp_path / f'w{workers}.db'}")
        for task in ("convergence", "vanishing-gradients", "overfitting"):
            specs = plan(reg, task, preset="test", seeds=[0, 1])
            executor = PoolExecutor(2, PluginContext()) if workers == 2 else SerialExecutor(reg, PluginContext())
            Runner(reg, store, executor, force=True).run(specs)
        stores.append(_comparable(store))
    assert stores[0].keys() == stores[1].keys() and len(stores[0]) == 2 * (2 + 4 + 2)
    for key in stores[0]:
        assert stores[0][key] == stores[1][key], key


def test_four_processes_writing_to_one_sqlite_file_lose_nothing(tmp_path, toy_plugin):
    db = tmp_path / "shared.db"
    env = {**os.environ, "DLBENCH_DISABLE_PLUGIN_AUTOLOAD": "1"}
    cmd = [sys.executable, "-m", "dlbench", "--db", f"sqlite:///{db}", "-p", str(toy_plugin), "run",
           "toy", "--seeds", "5", "--set", "steps=40", "--force", "-q"]
    procs = [subprocess.Popen(cmd, env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE) for _ in range(4)]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    con = sqlite3.connect(db)
    assert con.execute("select count(*), sum(status = 'finished') from runs").fetchone() == (20, 20)
    assert con.execute("select count(*) from metrics").fetchone()[0] == 20 * 80
    con.close()


def test_real_sigint_marks_the_current_run_interrupted(tmp_path, toy_plugin):
    db = tmp_path / "int.db"
    env = {**os.environ, "DLBENCH_DISABLE_PLUGIN_AUTOLOAD": "1"}
    cmd = [sys.executable, "-m", "dlbench", "--db", f"sqlite:///{db}", "-p", str(toy_plugin), "run",
           "toy", "--seeds", "20", "--set", "sleep=0.1", "--set", "steps=3"]
    proc = subprocess.Popen(cmd, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while time.time() < deadline:
        time.sleep(0.2)
        if db.exists():
            con = sqlite3.connect(db)
            try:
                done = con.execute("select count(*) from runs where status='finished'").fetchone()[0]
            except sqlite3.OperationalError:
                done = 0
            con.close()
            if done >= 2:
                break
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()
    assert "Interrupted" in err.decode() and "Traceback" not in err.decode()
    con = sqlite3.connect(db)
    statuses = [r[0] for r in con.execute("select status from runs order by id")]
    con.close()
    assert statuses.count("interrupted") == 1 and statuses[-1] == "interrupted"
    assert statuses.count("finished") >= 2 and "running" not in statuses


def test_dlbench_run_from_python_keeps_results_in_memory():
    import dlbench

    out = dlbench.run("convergence", preset="test", optimizer=["sgd", "adam"], seed=0)
    assert [o.spec.choices["optimizer"] for o in out] == ["sgd", "adam"]
    assert all(o.status == "finished" and o.run_id is None for o in out)
    assert out[0].result.series["loss"][0][0] == 1


def test_summary_none_is_stored_as_nan_and_unstorable_results_fail_their_run_only(
        toy_registry, toy_plugin, db_url):
    store = ResultStore(db_url)
    [ok] = run_toy(toy_registry, store, toy_plugin, overrides={"mode": "none"})
    assert ok.status == "finished" and math.isnan(store.get_run(ok.run_id)["summary"]["steps_to_target"])
    outs = run_toy(toy_registry, store, toy_plugin, seeds=(0, 1), overrides={"mode": "text"})
    assert [o.status for o in outs] == ["failed", "failed"]
    assert "summary 'verdict' is str" in store.get_run(outs[0].run_id)["error"]
    outs = run_toy(toy_registry, store, toy_plugin, overrides={"mode": "badartifact"})
    assert outs[0].status == "failed" and "only numeric arrays" in outs[0].error
    assert "running" not in {r["status"] for r in store.list_runs()}


def test_a_store_failure_fails_that_run_and_the_suite_goes_on(toy_registry, toy_plugin, db_url,
                                                              monkeypatch):
    from dlbench.errors import StorageError

    store = ResultStore(db_url)
    real = store.log_artifact
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise StorageError("disk full (simulated)")
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "log_artifact", flaky)
    outs = run_toy(toy_registry, store, toy_plugin, seeds=(0, 1))
    assert [o.status for o in outs] == ["failed", "finished"]
    assert "disk full" in store.get_run(outs[0].run_id)["error"]


def test_ctrl_c_while_storing_marks_the_run_interrupted(toy_registry, toy_plugin, db_url, monkeypatch):
    store = ResultStore(db_url)

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(store, "log_metrics", interrupt)
    with pytest.raises(RunInterrupted):
        run_toy(toy_registry, store, toy_plugin)
    assert [r["status"] for r in store.list_runs()] == ["interrupted"]


def test_a_worker_that_dies_fails_its_runs_without_leaving_them_running(toy_registry, toy_plugin,
                                                                        db_url):
    store = ResultStore(db_url)
    outs = run_toy(toy_registry, store, toy_plugin, seeds=(0, 1), overrides={"mode": "exit"},
                   workers=2)
    assert [o.status for o in outs] == ["failed", "failed"]
    assert all("worker process died" in o.error for o in outs)
    assert {r["status"] for r in store.list_runs()} == {"failed"}
