"""How runs execute: in this process, or in a pool of worker processes.

Both pin BLAS to one thread per run (threadpoolctl), which is what makes stored metrics
identical bit for bit whether a run went through this process or a worker. Runs are
executed from a :class:`RunSpec` alone (a worker rebuilds the plugin registry from the
same ``-p`` / ``--plugins-dir`` options).

:class:`WorkerPool` is dlbench's own small pool rather than ``ProcessPoolExecutor``:
the standard pool cannot tell which run a dead worker held (one dead child breaks every
pending future with ``BrokenProcessPool``) and cannot stop one hung run. Here each
worker holds one run at a time over its own pipe, so a dead worker fails exactly its
run (``worker-died``, with the signal), a run past its time limit is stopped
(``timed-out``) by killing its worker, and a fresh worker takes the next run. Workers
die with the parent: they ignore Ctrl-C / SIGHUP (the parent handles those and stops
them), ask the kernel for SIGKILL when the parent dies (``PR_SET_PDEATHSIG``) and also
watch their parent's pid, so a ``kill -9`` of ``dlbench run`` leaves no orphan.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from .observer import Diverged, Observer, RunResult
from .spec import RunSpec

#: how often an idle pool checks for timeouts and dead workers, seconds
POLL_S = 0.5
#: what a spec source yields when it has nothing to run *yet* (another process holds
#: the next configuration): the executor keeps collecting results and asks again later
WAIT = None


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


class SerialExecutor:
    """Runs specs in this process, in order (``dlbench.run`` from a notebook: a registry
    built in the notebook is used as it is). Cannot stop a hung run."""

    workers = 1

    def __init__(self, registry, context: PluginContext = PluginContext(),
                 datasets: dict | None = None, on_epoch: Callable | None = None):
        self.registry, self.context = registry, context
        self.datasets = datasets if datasets is not None else {}
        self.on_epoch = on_epoch

    def execute(self, specs: Iterable[RunSpec]) -> Iterator[tuple[RunSpec, RunResult]]:
        for spec in specs:
            if spec is WAIT:
                time.sleep(POLL_S)
                continue
            hook = None if self.on_epoch is None else (
                lambda e, m, s=spec: self.on_epoch(s, e, m))
            yield spec, execute_spec(spec, self.registry, datasets=self.datasets,
                                     data_dir=self.context.data_dir, on_epoch=hook)

    def close(self) -> None:
        pass


# -- worker side ------------------------------------------------------------------------------
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


def _worker_main(conn, context: PluginContext, parent_pid: int) -> None:
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
            spec = conn.recv()
        except (EOFError, OSError):
            return
        if spec is None:
            return
        if registry is None:
            result = RunResult(status="failed", error=problem)
        else:
            result = execute_spec(spec, registry, datasets=datasets, data_dir=context.data_dir)
        try:
            conn.send(result)
        except Exception as exc:  # e.g. a summary value that cannot be pickled
            conn.send(RunResult(status="failed", duration_s=result.duration_s,
                                error=f"the result could not be sent back: {type(exc).__name__}: {exc}"))


# -- parent side ------------------------------------------------------------------------------
def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"the worker process running it died (killed by {name})"
    return f"the worker process running it died (exit status {exitcode})"


class _Worker:
    def __init__(self, ctx, context: PluginContext):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, context, os.getpid()),
                                   name="dlbench-worker", daemon=True)
        self.process.start()
        child.close()
        self.spec: RunSpec | None = None
        self.started = 0.0

    def give(self, spec: RunSpec) -> None:
        self.conn.send(spec)
        self.spec, self.started = spec, time.monotonic()

    def stop(self, *, kill: bool = False) -> None:
        if not kill:
            try:
                self.conn.send(None)
            except OSError:
                kill = True
            self.process.join(2.0)
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5.0)
        self.conn.close()


class WorkerPool:
    """Runs specs in ``workers`` spawned processes (no state leaks from the parent);
    results come back to the caller, which stores them from one place.

    A spec's time limit is ``spec.timeout_s`` (``None``: no limit).
    """

    def __init__(self, workers: int, context: PluginContext):
        self.workers, self.context = workers, context
        self._ctx = multiprocessing.get_context("spawn")
        self._idle: list[_Worker] = []

    def execute(self, specs: Iterable[RunSpec]) -> Iterator[tuple[RunSpec, RunResult]]:
        """Run ``specs`` (pulled one at a time, when a worker is free) and yield each
        with its result, in the order they finish."""
        pending = iter(specs)
        end = object()
        busy: list[_Worker] = []
        exhausted = False
        try:
            while True:
                while not exhausted and len(busy) < self.workers:
                    spec = next(pending, end)
                    if spec is end:
                        exhausted = True
                        break
                    if spec is WAIT:
                        if not busy:
                            time.sleep(POLL_S)
                        break
                    worker = self._idle.pop() if self._idle else _Worker(self._ctx, self.context)
                    worker.give(spec)
                    busy.append(worker)
                if not busy:
                    if exhausted:
                        return
                    continue
                waits = [w.conn for w in busy] + [w.process.sentinel for w in busy]
                ready = set(multiprocessing.connection.wait(waits, timeout=POLL_S))
                for worker in list(busy):
                    outcome = self._outcome(worker, ready)
                    if outcome is None:
                        continue
                    busy.remove(worker)
                    spec, worker.spec = worker.spec, None
                    result, healthy = outcome
                    if healthy:
                        self._idle.append(worker)
                    else:
                        worker.stop(kill=True)
                    yield spec, result
        except BaseException:
            for worker in busy:  # Ctrl-C, SIGTERM: stop the runs in flight now
                worker.stop(kill=True)
            raise

    def _outcome(self, worker: _Worker, ready: set) -> tuple[RunResult, bool] | None:
        """``(result, worker still usable)`` if the worker's run ended, else ``None``."""
        elapsed = time.monotonic() - worker.started
        if worker.conn in ready:
            try:
                return worker.conn.recv(), True
            except (EOFError, OSError):
                pass  # died while sending: fall through to the death below
        if worker.process.sentinel in ready or not worker.process.is_alive():
            worker.process.join(1.0)
            return RunResult(status="worker-died", error=_death(worker.process.exitcode),
                             duration_s=elapsed), False
        limit = getattr(worker.spec, "timeout_s", None)
        if limit is not None and elapsed > limit:
            return RunResult(status="timed-out", duration_s=elapsed,
                             error=f"stopped after {limit:g} s, its time limit (--run-timeout); "
                                   "the worker was replaced"), False
        return None

    def close(self) -> None:
        """Stop the idle workers (each finishes nothing: they hold no run)."""
        while self._idle:
            self._idle.pop().stop()
