"""How runs execute: one after another, or in a pool of worker processes.

Both pin BLAS to one thread per run (threadpoolctl), which is what makes stored metrics
identical bit for bit whether a run went through the serial executor or a worker. Runs
are executed from :class:`RunSpec` alone (a worker rebuilds the plugin registry from
the same ``-p`` / ``--plugins-dir`` options), so a distributed executor can plug in
later with the same two methods.
"""

from __future__ import annotations

import concurrent.futures as cf
from concurrent.futures.process import BrokenProcessPool
import multiprocessing
import os
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from .observer import Diverged, Observer, RunResult
from .spec import RunSpec


@dataclass(frozen=True)
class PluginContext:
    """What a worker needs to rebuild the registry the main process used."""

    plugins: tuple[str, ...] = ()
    plugins_dir: str | None = None
    data_dir: str | None = None


def _limit_blas():
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - a declared dependency
        import contextlib
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def check_storable(result: RunResult) -> None:
    """Refuse, as this run's own failure, what the store cannot hold: summary values that
    are not numbers (``None`` counts as NaN, "not measured") and non-numeric artifacts."""
    for key, value in list(result.summary.items()):
        if value is None:
            result.summary[key] = float("nan")
            continue
        try:
            result.summary[key] = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"summary {key!r} is {type(value).__name__} {value!r}, not a number") from None
    for key, array in result.artifacts.items():
        if np.asarray(array).dtype.kind not in "biuf":
            raise TypeError(f"artifact {key!r} has dtype {np.asarray(array).dtype}; only "
                            "numeric arrays are stored")


def execute_spec(spec: RunSpec, registry, *, datasets: dict, data_dir=None,
                 on_epoch: Callable | None = None) -> RunResult:
    """Run one spec in this process and capture its outcome (never raises, but Ctrl-C)."""
    task = registry.create("task", spec.task)
    obs = Observer(registry, datasets=datasets, on_epoch=on_epoch, data_dir=data_dir)
    for note in spec.notes:
        obs.note(note)
    start = time.perf_counter()
    # Overflow in a diverging run is expected and detected from the loss, so numpy's
    # warnings would only clutter the terminal.
    with _limit_blas(), np.errstate(over="ignore", invalid="ignore", divide="ignore",
                                    under="ignore"):
        try:
            config = type(task).Config(**spec.config)
            out = task.run(config, np.random.default_rng(spec.seed), obs)
            if isinstance(out, RunResult):
                result = out
                if not result.series:
                    result.series = {k: list(v) for k, v in obs.series.items()}
                    result.artifacts = {**obs.artifacts, **result.artifacts}
                    result.epochs = result.epochs or list(obs.epochs)
                    result.notes = result.notes or list(obs.notes)
            else:
                result = obs.result("finished", out or {})
            check_storable(result)
        except Diverged as exc:
            result = obs.result("diverged", exc.summary, error=str(exc), error_step=exc.step)
        except KeyboardInterrupt:
            raise
        except Exception as exc:  # a plugin's bug: store it as a failed run, go on
            tb = traceback.extract_tb(exc.__traceback__)
            where = f" ({tb[-1].filename.rsplit('/', 1)[-1]}:{tb[-1].lineno})" if tb else ""
            result = obs.result("failed", error=f"{type(exc).__name__}: {exc}{where}",
                                error_step=obs.step)
    result.duration_s = time.perf_counter() - start
    return result


class SerialExecutor:
    """Runs specs in this process, in order."""

    workers = 1

    def __init__(self, registry, context: PluginContext, datasets: dict | None = None):
        self.registry, self.context = registry, context
        self.datasets = datasets if datasets is not None else {}

    def execute(self, specs: Iterable[RunSpec], on_start: Callable[[RunSpec], bool],
                on_epoch: Callable) -> Iterator[tuple[RunSpec, RunResult]]:
        for spec in specs:
            if not on_start(spec):
                return
            result = execute_spec(spec, self.registry, datasets=self.datasets,
                                  data_dir=self.context.data_dir,
                                  on_epoch=lambda e, m, s=spec: on_epoch(s, e, m))
            yield spec, result


# -- worker side of the pool ------------------------------------------------------------------
_WORKER: dict = {}


def _worker_init(context: PluginContext) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles Ctrl-C
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    from ..pluginmanager import build_registry

    _WORKER["registry"] = build_registry(context.plugins, context.plugins_dir)
    _WORKER["datasets"] = {}
    _WORKER["data_dir"] = context.data_dir


def _worker_run(spec: RunSpec) -> RunResult:
    return execute_spec(spec, _WORKER["registry"], datasets=_WORKER["datasets"],
                        data_dir=_WORKER["data_dir"])


class PoolExecutor:
    """Runs specs in ``workers`` processes (spawned, so no state leaks from the parent);
    results come back to the caller, which stores them from one place."""

    def __init__(self, workers: int, context: PluginContext):
        self.workers, self.context = workers, context

    def execute(self, specs: Iterable[RunSpec], on_start: Callable[[RunSpec], bool],
                on_epoch: Callable) -> Iterator[tuple[RunSpec, RunResult]]:
        pending = iter(specs)
        ctx = multiprocessing.get_context("spawn")
        pool = cf.ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_worker_init,
                                      initargs=(self.context,))
        running: dict[cf.Future, RunSpec] = {}
        stopped = False
        try:
            def refill():
                nonlocal stopped
                while not stopped and len(running) < self.workers:
                    spec = next(pending, None)
                    if spec is None:
                        return
                    if not on_start(spec):
                        stopped = True
                        return
                    running[pool.submit(_worker_run, spec)] = spec

            refill()
            while running:
                done, _ = cf.wait(running, return_when=cf.FIRST_COMPLETED)
                for future in done:
                    spec = running.pop(future)
                    try:
                        result = future.result()
                    except BrokenProcessPool as exc:  # a worker died (os._exit, out of memory)
                        stopped = True
                        result = RunResult(status="failed", error=f"the worker process died: {exc}")
                    except Exception as exc:
                        result = RunResult(status="failed", error=f"{type(exc).__name__}: {exc}")
                    for epoch, metrics in result.epochs:  # replayed: hooks run here
                        on_epoch(spec, epoch, metrics)
                    yield spec, result
                refill()
        except BaseException:
            # Ctrl-C: stop the workers now rather than wait for their runs to finish
            # (ProcessPoolExecutor has no public way to do this before Python 3.14).
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()
            raise
        finally:
            pool.shutdown(wait=not running, cancel_futures=True)
