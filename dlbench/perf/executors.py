"""Runs per second of the three executors on this machine: measured, never asserted.

``python -m dlbench.perf.executors`` runs two grids through the serial executor, the
process pool (:class:`~dlbench.bench.executors.WorkerPool`) and the
:class:`~dlbench.bench.dask_executor.DaskExecutor` (a LocalCluster), each with as many
workers as there are CPUs:

- **short**: runs of ~2 ms each (far below Dask's per-task cost unless chunked);
- **100 ms**: runs of ~100 ms each.

The runs come from a tiny task plugin, ``spin`` (written to a temporary file, loaded
with ``-p`` by every worker), that keeps one CPU busy with 32x32 matrix products for
``work_ms`` and logs one loss point: the cost of a run is known and CPU-bound, so the
numbers are about the executors, not about a task. Each spec carries ``estimate_s``
(what ``dlbench run`` sets from stored durations), so Dask sends chunks of ~0.1 s; one
more row shows Dask without estimates (one run per task).

Start-up (worker processes, Dask's cluster and its version check) is timed apart from
the runs: each executor first runs one warm-up run per worker (the grid's kind of run,
which is also what Dask without estimates learns its chunk size from), then the grid. Nothing is
stored (the executors are driven directly).
"""

from __future__ import annotations

import argparse
import tempfile
import textwrap
import time
from pathlib import Path

SPIN_PLUGIN = '''
import time
from dataclasses import dataclass
import numpy as np
from dlbench import hookimpl
from dlbench.bench import Preset, Task, TaskConfig

@dataclass
class SpinConfig(TaskConfig):
    work_ms: float = 2.0

class Spin(Task):
    """Keeps one CPU busy for work_ms (32x32 matrix products); for executor benchmarks."""
    name = "spin"
    summary = {"en": "busy loop", "ja": "空回り"}
    Config = SpinConfig
    presets = {"test": Preset(seeds=1)}
    def run(self, config, rng, observer):
        a = rng.standard_normal((32, 32)) / 32
        start, steps = time.perf_counter(), 0
        while time.perf_counter() - start < config.work_ms / 1000:
            a = a @ a + 0.5
            a /= np.abs(a).max()
            steps += 1
        observer.log("loss", 1, float(a.sum()))
        return {"steps": float(steps)}

@hookimpl
def register_tasks(register):
    register("spin", Spin)
'''


def _specs(registry, runs: int, work_ms: float, *, estimates: bool = True) -> list:
    from ..bench.spec import plan

    specs = plan(registry, "spin", preset="test", seeds=list(range(runs)),
                 overrides={"work_ms": work_ms})
    for spec in specs:
        spec.estimate_s = work_ms / 1000 if estimates else None
    return specs


def _measure(make, registry, runs: int, work_ms: float, workers: int,
             estimates: bool = True) -> dict:
    """Start-up seconds (executor + one warm-up run per worker) and grid seconds."""
    start = time.perf_counter()
    executor = make()
    try:
        warm = list(executor.execute(_specs(registry, workers, work_ms)))
        ready = time.perf_counter()
        before = getattr(executor, "submitted", None)
        specs = _specs(registry, runs, work_ms, estimates=estimates)
        out = list(executor.execute(specs))
        seconds = time.perf_counter() - ready
    finally:
        executor.close()
    statuses = {r.status for _, r in warm + out}
    if statuses != {"finished"}:
        raise RuntimeError(f"benchmark runs did not all finish: {statuses}")
    return {"startup_s": ready - start, "seconds": seconds, "runs_per_s": runs / seconds,
            "tasks": None if before is None else executor.submitted - before}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m dlbench.perf.executors",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--short-runs", type=int, default=400, help="runs of ~2 ms")
    parser.add_argument("--long-runs", type=int, default=60, help="runs of ~100 ms")
    parser.add_argument("--workers", type=int, default=None, help="default: every CPU")
    args = parser.parse_args(argv)

    from ..app import max_workers
    from ..bench.dask_executor import DaskExecutor
    from ..bench.executors import PluginContext, SerialExecutor, WorkerPool
    from ..pluginmanager import build_registry

    workers = args.workers or max_workers()
    with tempfile.TemporaryDirectory(prefix="dlbench-perf-") as tmp:
        plugin = Path(tmp) / "spinplugin.py"
        plugin.write_text(textwrap.dedent(SPIN_PLUGIN))
        registry = build_registry([str(plugin)], autoload=False)
        context = PluginContext((str(plugin),))
        executors = [
            ("serial", lambda: SerialExecutor(registry, context), True),
            (f"process pool ({workers})", lambda: WorkerPool(workers, context), True),
            (f"dask ({workers})", lambda: DaskExecutor(workers, context), True),
            (f"dask ({workers}), no estimates", lambda: DaskExecutor(workers, context), False),
        ]
        print(f"{workers} workers; task plugin 'spin' (CPU-bound busy loop); "
              "runs/s of the grid after start-up")
        print(f"{'grid':<16} {'executor':<28} {'runs':>5} {'tasks':>6} {'start s':>8} "
              f"{'grid s':>7} {'runs/s':>8} {'x serial':>8}")
        for grid, runs, work_ms in (("short (2 ms)", args.short_runs, 2.0),
                                    ("100 ms", args.long_runs, 100.0)):
            serial_rate = None
            for name, make, estimates in executors:
                m = _measure(make, registry, runs, work_ms, workers, estimates)
                serial_rate = serial_rate or m["runs_per_s"]
                tasks = "-" if m["tasks"] is None else str(m["tasks"])
                print(f"{grid:<16} {name:<28} {runs:>5} {tasks:>6} {m['startup_s']:>8.2f} "
                      f"{m['seconds']:>7.2f} {m['runs_per_s']:>8.1f} "
                      f"{m['runs_per_s'] / serial_rate:>8.2f}", flush=True)


if __name__ == "__main__":
    main()
