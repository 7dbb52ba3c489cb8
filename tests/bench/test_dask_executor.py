"""The Dask executor, for real: a LocalCluster of 2 worker processes, workers that die
(``os._exit``), a scheduler that is not there, and a separate ``dask worker`` process
whose installed plugin has another version."""

from __future__ import annotations

import importlib
import os
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from dlbench.app import RunService, make_executor  # noqa: E402
from dlbench.bench.dask_executor import DaskExecutor, DaskSetupError  # noqa: E402
from dlbench.bench.executors import PluginContext, SerialExecutor  # noqa: E402
from dlbench.bench.spec import plan  # noqa: E402
from dlbench.pluginmanager import build_registry  # noqa: E402
from dlbench.storage import RunStore  # noqa: E402

pytestmark = pytest.mark.slow

GRID = ("convergence", "vanishing-gradients", "overfitting", "weight-init", "trajectories")

CRASH_PLUGIN = '''
import os, time
from dataclasses import dataclass
from dlbench import hookimpl
from dlbench.bench import Preset, Task, TaskConfig

@dataclass
class CrashConfig(TaskConfig):
    value: int = 0
    die: str = "never"    # "never" | "once" (the first attempt dies) | "always"
    marker: str = ""      # "once": dies while this file does not exist, creating it
    sleep: float = 0.0
    hang: bool = False    # loop forever (a plugin bug) until stopped

class Crash(Task):
    """Kills the worker process running it, on purpose."""
    name = "crash"
    summary = {"en": "crash", "ja": "クラッシュ"}
    Config = CrashConfig
    presets = {"test": Preset(seeds=1)}
    def run(self, config, rng, observer):
        if config.die == "always" or (config.die == "once" and not os.path.exists(config.marker)):
            if config.marker:
                open(config.marker, "a").close()
            os._exit(7)
        while config.hang:
            time.sleep(0.01)
        time.sleep(config.sleep)
        observer.log("loss", 1, float(config.value) + rng.standard_normal())
        return {"value": float(config.value)}

@hookimpl
def register_tasks(register):
    register("crash", Crash)
'''


@pytest.fixture
def crash_plugin(tmp_path):
    path = tmp_path / "crashplugin.py"
    path.write_text(textwrap.dedent(CRASH_PLUGIN))
    return path


def crash_specs(registry, values, estimate=0.01, **overrides):
    specs = []
    for value in values:
        specs += plan(registry, "crash", preset="test", seeds=[0],
                      overrides={"value": value, **overrides})
    for spec in specs:
        spec.estimate_s = estimate  # several per chunk: the chunk is what Dask retries
    return specs


def stored(store: RunStore) -> dict:
    """Everything a run stored, by config hash: status, summary, every series' bytes."""
    out = {}
    for run in store.list_runs():
        detail = store.get_run(run.id)
        series = {k: tuple(a.tobytes() for a in store.metric_series(run.id, k))
                  for k in detail.metrics}
        summary = {k: v for k, v in run.summary.items() if "seconds" not in k}
        out[run.config_hash] = (run.task, run.status, repr(summary), series)
    return out


def test_serial_pool_and_dask_store_identical_series_and_summaries(tmp_path):
    import dlbench

    reg = dlbench.registry()
    results = {}
    for kind in ("serial", "pool", "dask"):
        specs = [s for task in GRID for s in plan(reg, task, preset="test", seeds=[0])]
        for spec in specs:
            spec.estimate_s = 0.03  # Dask sends chunks of ~4 runs
        assert len(specs) == 12
        executor = {"serial": lambda: SerialExecutor(reg),
                    "pool": lambda: make_executor(2, PluginContext(), oversubscribe=True),
                    "dask": lambda: DaskExecutor(2, PluginContext())}[kind]()
        store = RunStore(f"sqlite:///{tmp_path / f'{kind}.db'}", create=True)
        try:
            outcomes = RunService(store).execute(specs, executor)
        finally:
            executor.close()
        assert [o.status for o in outcomes] == ["finished"] * 12, kind
        if kind == "dask":
            assert 3 <= executor.submitted <= 6  # chunks of ~0.1 s, not one task per run
        results[kind] = stored(store)
        store.close()
    assert len(results["serial"]) == 12
    assert results["pool"] == results["serial"]
    assert results["dask"] == results["serial"]


def test_a_run_that_kills_its_worker_once_succeeds_on_retry(tmp_path, crash_plugin):
    reg = build_registry([str(crash_plugin)], autoload=False)
    marker = tmp_path / "died-once"
    specs = crash_specs(reg, range(4)) + crash_specs(reg, [99], die="once", marker=str(marker))
    store = RunStore(f"sqlite:///{tmp_path / 'r.db'}", create=True)
    executor = DaskExecutor(2, PluginContext((str(crash_plugin),)))
    outcomes = RunService(store).execute(specs, executor)
    assert marker.exists()  # the first attempt did kill its worker
    assert [o.status for o in outcomes] == ["finished"] * 5
    assert outcomes[-1].summary["value"] == 99.0
    assert sorted(r.status for r in store.list_runs()) == ["finished"] * 5


def test_a_run_that_always_kills_its_worker_ends_worker_died_and_the_others_finish(
        tmp_path, crash_plugin):
    reg = build_registry([str(crash_plugin)], autoload=False)
    specs = crash_specs(reg, range(3)) + crash_specs(reg, [66], die="always") + \
        crash_specs(reg, range(3, 6))
    store = RunStore(f"sqlite:///{tmp_path / 'r.db'}", create=True)
    executor = DaskExecutor(2, PluginContext((str(crash_plugin),)))
    outcomes = RunService(store).execute(specs, executor)
    assert [o.status for o in outcomes] == ["finished"] * 3 + ["worker-died"] + ["finished"] * 3
    assert "died on every attempt" in outcomes[3].error
    killed = store.get_run(outcomes[3].run_id).run
    assert killed.status == "worker-died" and "KilledWorker" in killed.error
    assert [o.summary["value"] for o in outcomes if o.status == "finished"] == \
        [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]


def test_a_hung_run_is_timed_out_inside_the_worker_and_the_sweep_goes_on(tmp_path,
                                                                         crash_plugin):
    reg = build_registry([str(crash_plugin)], autoload=False)
    specs = crash_specs(reg, [1], hang=True) + crash_specs(reg, [2, 3])
    for spec in specs:
        spec.timeout_s = 2.0
    executor = DaskExecutor(2, PluginContext((str(crash_plugin),)))
    start = time.monotonic()
    outcomes = RunService(None).execute(specs, executor)
    assert [o.status for o in outcomes] == ["timed-out", "finished", "finished"]
    assert "stopped after 2 s" in outcomes[0].error
    assert 2.0 <= outcomes[0].duration_s < 30 and time.monotonic() - start < 60


def test_an_unreachable_scheduler_is_a_clear_error_within_seconds():
    start = time.monotonic()
    with pytest.raises(DaskSetupError, match="cannot reach the Dask scheduler at "
                                             "tcp://127.0.0.1:1"):
        DaskExecutor(2, PluginContext(), scheduler="tcp://127.0.0.1:1")
    assert time.monotonic() - start < 20


def test_a_scheduler_address_without_a_protocol_is_a_usage_error():
    from dlbench.errors import UsageError

    with pytest.raises(UsageError, match="tcp://HOST:PORT"):
        DaskExecutor(2, PluginContext(), scheduler="localhost:8786")


# -- a remote cluster: a scheduler here, `dask worker` processes with their own PYTHONPATH ----
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fake_site(root: Path, version: str) -> Path:
    """An installed-looking plugin distribution ``fakeopt`` of ``version`` (entry point)."""
    site = root / f"site-{version}"
    site.mkdir()
    (site / "fakeopt.py").write_text(textwrap.dedent('''
        from dlbench import hookimpl
        from dlbench.nn import Optimizer
        class FakeOpt(Optimizer):
            def step(self):
                for q in self.params:
                    q.data *= 0.5
        @hookimpl
        def register_optimizers(register):
            register("fakeopt", FakeOpt)
        '''))
    info = site / f"fakeopt-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: fakeopt\nVersion: {version}\n")
    (info / "entry_points.txt").write_text("[dlbench]\nfakeopt = fakeopt\n")
    return site


@pytest.fixture
def remote_cluster(tmp_path):
    """``start_worker(pythonpath)``: a ``dask worker`` process for a scheduler process on a
    loopback port; yields (address, start_worker)."""
    address = f"tcp://127.0.0.1:{_free_port()}"
    dask_cli = str(Path(sys.executable).parent / "dask")
    env = {k: v for k, v in os.environ.items() if k != "DLBENCH_DISABLE_PLUGIN_AUTOLOAD"}
    procs = [subprocess.Popen([dask_cli, "scheduler", "--host", "127.0.0.1", "--port",
                               address.rsplit(":", 1)[1], "--no-dashboard"], env=env,
                              cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]

    def start_worker(pythonpath: str | None) -> None:
        wenv = dict(env, PYTHONPATH=pythonpath) if pythonpath else \
            {k: v for k, v in env.items() if k != "PYTHONPATH"}
        procs.append(subprocess.Popen([dask_cli, "worker", address, "--nthreads", "1",
                                       "--no-dashboard", "--host", "127.0.0.1"], env=wenv,
                                      cwd=tmp_path, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))

    def wait_for_workers(n: int) -> None:
        from distributed import Client

        with Client(address, timeout=30, set_as_default=False) as client:
            client.wait_for_workers(n, timeout=60)

    start_worker.wait = wait_for_workers
    yield address, start_worker
    for proc in reversed(procs):
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_workers_with_another_or_a_missing_plugin_version_are_refused_before_any_run(
        tmp_path, monkeypatch, remote_cluster):
    address, start_worker = remote_cluster
    mine = _fake_site(tmp_path, "1.0")
    monkeypatch.syspath_prepend(str(mine))
    start_worker(str(_fake_site(tmp_path, "2.0")))  # the plugin, another version
    start_worker(None)  # the plugin not installed
    start_worker.wait(2)
    with pytest.raises(DaskSetupError) as info:
        DaskExecutor(1, PluginContext(), scheduler=address)
    message = str(info.value)
    assert "no run started" in message
    assert "plugin 'fakeopt' version 2.0 (here 1.0)" in message
    assert "plugin 'fakeopt' version missing (here 1.0)" in message
    assert message.count("worker tcp://127.0.0.1:") == 2
    sys.modules.pop("fakeopt", None)  # no fake plugin for the tests that follow
    importlib.invalidate_caches()


def test_a_remote_cluster_gets_file_plugins_shipped_and_runs_them(tmp_path, remote_cluster,
                                                                  crash_plugin):
    address, start_worker = remote_cluster
    start_worker(None)
    start_worker.wait(1)
    reg = build_registry([str(crash_plugin)], autoload=False)
    specs = crash_specs(reg, [5, 6])
    executor = DaskExecutor(1, PluginContext((str(crash_plugin),)), scheduler=address)
    crash_plugin.rename(tmp_path / "gone.py")  # the workers use the shipped copy
    outcomes = RunService(None).execute(specs, executor)
    assert [(o.status, o.summary.get("value")) for o in outcomes] == \
        [("finished", 5.0), ("finished", 6.0)]
