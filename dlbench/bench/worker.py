"""What runs inside a worker process: one spec in, one result out.

:func:`execute_spec` runs a spec in the current process with BLAS pinned to one thread
(threadpoolctl), which is what makes stored metrics identical bit for bit whether a run
went through ``dlbench run --workers 1``, a pool or a Dask worker. :func:`worker_main`
is the loop of a :class:`~dlbench.bench.executors.WorkerPool` process: it receives a
*chunk* of specs (several short runs at once, so each round trip is worth ~0.1 s) and
sends each run's result back as soon as that run ends, so a worker that dies loses only
the run it was on. Workers die with their parent (``PR_SET_PDEATHSIG`` plus a watch on
the parent's pid), so a ``kill -9`` of ``dlbench run`` leaves no orphan.
"""

from __future__ import annotations

import ctypes
import os
import signal
import threading
import time
import traceback
from collections.abc import Callable
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


def limit_blas():
    """One BLAS thread while a run executes (threadpoolctl), for bit-identical results."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def execute_spec(spec: RunSpec, registry, *, datasets: dict, data_dir=None,
                 on_epoch: Callable | None = None) -> RunResult:
    """Run one spec in this process and capture its outcome (never raises, but Ctrl-C)."""
    obs = Observer(registry, datasets=datasets, on_epoch=on_epoch, data_dir=data_dir)
    for note in spec.notes:
        obs.note(note)
    start = time.perf_counter()
    # Overflow in a diverging run is expected and detected from the loss, so numpy's
    # warnings would only clutter the terminal.
    with limit_blas(), np.errstate(over="ignore", invalid="ignore", divide="ignore",
                                   under="ignore"):
        try:
            task = registry.create("task", spec.task)
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


_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent_pid: int) -> None:
    """SIGKILL this worker when its parent dies (Linux), and watch the parent's pid
    everywhere else (or in case the death signal was missed)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)

    def watch():
        while True:
            time.sleep(1.0)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def worker_main(conn, context: PluginContext, parent_pid: int) -> None:
    # The parent handles Ctrl-C and hang-ups and stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    _die_with_parent(parent_pid)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    try:
        from ..pluginmanager import load_plugins

        registry, problem = load_plugins(context.plugins, context.plugins_dir).registry, None
    except Exception as exc:  # reported with every run this worker is given
        registry, problem = None, f"the worker could not load plugins: {type(exc).__name__}: {exc}"
    datasets: dict = {}
    while True:
        try:
            chunk = conn.recv()
        except (EOFError, OSError):
            return
        if chunk is None:
            return
        for spec in chunk:  # each result goes back as soon as its run ends
            if registry is None:
                result = RunResult(status="failed", error=problem)
            else:
                result = execute_spec(spec, registry, datasets=datasets,
                                      data_dir=context.data_dir)
            try:
                conn.send(result)
            except Exception as exc:  # e.g. a summary value that cannot be pickled
                conn.send(RunResult(status="failed", duration_s=result.duration_s,
                                    error="the result could not be sent back: "
                                          f"{type(exc).__name__}: {exc}"))
