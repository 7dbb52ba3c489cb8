"""The run service: storage, reuse, faults, interrupts, determinism across executors."""

from __future__ import annotations

import math

import pytest

from dlbench.app import RunInterrupted, RunService, make_executor
from dlbench.bench.executors import PluginContext, SerialExecutor
from dlbench.bench.spec import plan
from dlbench.storage import RunStore


def run_toy(registry, store, toy_plugin, *, choices=None, seeds=(0,), overrides=None, force=False,
            workers=1, max_seconds=None, notify=None, timeout=None):
    specs = plan(registry, "toy", preset="quick", choices=choices or {}, seeds=list(seeds),
                 overrides=overrides or {})
    for spec in specs:
        spec.timeout_s = timeout
    context = PluginContext((str(toy_plugin),))
    executor = make_executor(workers, context, oversubscribe=True) if workers > 1 \
        else SerialExecutor(registry, context)
    try:
        return RunService(store, notify=notify).execute(specs, executor, force=force,
                                                        max_seconds=max_seconds)
    finally:
        executor.close()


def test_runs_are_stored_with_series_summary_and_artifacts(toy_registry, toy_plugin, db_url,
                                                           fixed_version):
    store = RunStore(db_url, create=True)
    [out] = run_toy(toy_registry, store, toy_plugin)
    assert out.status == "finished"
    detail = store.get_run(out.run_id)
    assert detail.run.status == "finished" and detail.run.code_version == fixed_version
    assert detail.metrics == {"acc": 5, "loss": 5}
    assert math.isnan(detail.run.summary["nan_metric"])
    assert store.artifact(out.run_id, "final").shape == (3,)
    assert detail.environment["blas_vendor"] is not None


def test_identical_runs_are_reused_unless_forced(toy_registry, toy_plugin, db_url, fixed_version):
    store = RunStore(db_url, create=True)
    first = run_toy(toy_registry, store, toy_plugin, seeds=(0, 1))
    again = run_toy(toy_registry, store, toy_plugin, seeds=(0, 1, 2))
    assert [o.status for o in again] == ["reused", "reused", "finished"]
    assert [o.run_id for o in again[:2]] == [o.run_id for o in first]
    forced = run_toy(toy_registry, store, toy_plugin, seeds=(0,), force=True)
    assert forced[0].status == "finished" and forced[0].run_id not in [o.run_id for o in first]


def test_a_plugin_that_raises_is_stored_as_failed_and_the_suite_goes_on(toy_registry, toy_plugin,
                                                                        db_url):
    store = RunStore(db_url, create=True)
    outs = run_toy(toy_registry, store, toy_plugin, choices={"optimizer": ["broken", "sgd"]})
    assert [o.status for o in outs] == ["failed", "finished"]
    failed = store.get_run(outs[0].run_id).run
    assert "optimizer exploded on purpose" in failed.error and failed.status == "failed"


def test_nan_loss_is_a_diverged_result_with_its_step(toy_registry, toy_plugin, db_url):
    store = RunStore(db_url, create=True)
    [out] = run_toy(toy_registry, store, toy_plugin, overrides={"explode_at": 3})
    run = store.get_run(out.run_id).run
    assert run.status == "diverged" and run.error_step == 3 and run.summary == {"steps": 3.0}
    steps, values = store.metric_series(out.run_id, "loss")
    assert steps.tolist() == [1, 2, 3] and math.isnan(values[-1])


def test_an_interrupt_keeps_finished_runs_marks_the_current_one_and_a_rerun_resumes(
        toy_registry, toy_plugin, db_url, fixed_version, monkeypatch):
    store = RunStore(db_url, create=True)
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
    assert [r.status for r in store.list_runs()[::-1]] == ["finished", "finished", "interrupted"]
    monkeypatch.setattr(executors, "execute_spec", real)
    resumed = run_toy(toy_registry, store, toy_plugin, seeds=range(5))
    assert [o.status for o in resumed] == ["reused", "reused", "finished", "finished", "finished"]


def test_time_budget_skips_the_rest(toy_registry, toy_plugin, db_url):
    store = RunStore(db_url, create=True)
    outs = run_toy(toy_registry, store, toy_plugin, seeds=range(4),
                   overrides={"sleep": 0.05}, max_seconds=0.2)
    statuses = [o.status for o in outs]
    assert "skipped" in statuses and statuses[0] == "finished"
    assert len(store.list_runs()) == statuses.count("finished")


def test_observer_hooks_are_called_by_the_service(tmp_path, toy_plugin, db_url):
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
    from dlbench.pluginmanager import load_plugins

    host = load_plugins([str(toy_plugin), str(observer)], autoload=False)
    run_toy(host.registry, RunStore(db_url, create=True), toy_plugin, overrides={"steps": 2},
            notify=host.notify)
    assert log.read_text().splitlines() == ["start 0", "epoch 0 1 1.000", "epoch 0 2 0.500",
                                            "end 0 finished"]


def _comparable(store):
    out = {}
    for run in store.list_runs():
        key = (run.task, tuple(sorted(run.choices.items())), run.seed)
        series = {k: store.metric_series(run.id, k)[1].tobytes()
                  for k in store.get_run(run.id).metrics}
        summary = {k: v for k, v in run.summary.items() if "seconds" not in k}
        out[key] = (run.config_hash, run.status, summary, series)
    return out


@pytest.mark.slow
def test_serial_and_two_workers_store_identical_metrics(tmp_path):
    import dlbench

    reg = dlbench.registry()
    stores = []
    for workers in (1, 2):
        store = RunStore(f"sqlite:///{tmp_path / f'w{workers}.db'}", create=True)
        executor = make_executor(2, PluginContext(), oversubscribe=True) if workers == 2 \
            else SerialExecutor(reg)
        for task in ("convergence", "vanishing-gradients", "overfitting"):
            specs = plan(reg, task, preset="test", seeds=[0, 1])
            RunService(store).execute(specs, executor, force=True)
        executor.close()
        stores.append(_comparable(store))
    assert stores[0].keys() == stores[1].keys() and len(stores[0]) == 2 * (2 + 4 + 2)
    for key in stores[0]:
        assert stores[0][key] == stores[1][key], key


def test_dlbench_run_from_python_keeps_results_in_memory():
    import dlbench

    out = dlbench.run("convergence", preset="test", optimizer=["sgd", "adam"], seed=0)
    assert [o.spec.choices["optimizer"] for o in out] == ["sgd", "adam"]
    assert all(o.status == "finished" and o.run_id is None for o in out)
    assert out[0].result.series["loss"][0][0] == 1


def test_summary_none_is_stored_as_nan_and_unstorable_results_fail_their_run_only(
        toy_registry, toy_plugin, db_url):
    store = RunStore(db_url, create=True)
    [ok] = run_toy(toy_registry, store, toy_plugin, overrides={"mode": "none"})
    assert ok.status == "finished"
    assert math.isnan(store.get_run(ok.run_id).run.summary["steps_to_target"])
    outs = run_toy(toy_registry, store, toy_plugin, seeds=(0, 1), overrides={"mode": "text"})
    assert [o.status for o in outs] == ["failed", "failed"]
    assert "summary 'verdict' is str" in store.get_run(outs[0].run_id).run.error
    outs = run_toy(toy_registry, store, toy_plugin, overrides={"mode": "badartifact"})
    assert outs[0].status == "failed" and "only numeric arrays" in outs[0].error
    assert store.get_run(outs[0].run_id).metrics == {}  # nothing half-written
    assert "running" not in {r.status for r in store.list_runs()}


def test_an_interrupt_while_storing_marks_the_run_interrupted(toy_registry, toy_plugin, db_url,
                                                              monkeypatch):
    store = RunStore(db_url, create=True)

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(store, "store_results", interrupt)
    with pytest.raises(RunInterrupted):
        run_toy(toy_registry, store, toy_plugin)
    monkeypatch.undo()
    assert [r.status for r in store.list_runs()] == ["interrupted"]


def test_a_worker_that_dies_fails_only_its_run(toy_registry, toy_plugin, db_url):
    store = RunStore(db_url, create=True)
    outs = run_toy(toy_registry, store, toy_plugin, seeds=(0, 1), overrides={"mode": "exit"},
                   workers=2)
    assert [o.status for o in outs] == ["worker-died", "worker-died"]
    assert all("exit status 3" in o.error for o in outs)
    assert {r.status for r in store.list_runs()} == {"worker-died"}


def test_a_hung_plugin_is_stopped_at_its_time_limit_and_the_sweep_goes_on(
        toy_registry, toy_plugin, db_url):
    import time

    store = RunStore(db_url, create=True)
    start = time.monotonic()
    outs = run_toy(toy_registry, store, toy_plugin, choices={"optimizer": ["hang", "sgd"]},
                   workers=2, timeout=2.0)
    assert [o.status for o in outs] == ["timed-out", "finished"]
    assert "stopped after 2 s" in outs[0].error and time.monotonic() - start < 30
