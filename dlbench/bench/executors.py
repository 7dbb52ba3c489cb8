"""How runs execute: in this process, or in a pool of worker processes.

The executor protocol (what :class:`~dlbench.app.RunService` drives): an executor has
``workers``, ``execute(source)`` yielding ``(RunSpec, RunResult)`` pairs in the order
runs end, where ``source`` yields specs or :data:`WAIT`, and ``close()``. Every executor
runs a spec through :func:`~dlbench.bench.worker.execute_spec` (BLAS pinned to one
thread), so stored metrics are identical bit for bit whichever executor ran them.

:class:`WorkerPool` is dlbench's own small pool rather than ``ProcessPoolExecutor``:
the standard pool cannot tell which run a dead worker held (one dead child breaks every
pending future with ``BrokenProcessPool``) and cannot stop one hung run. Here each
worker has its own pipe and gets a *chunk* of consecutive specs worth at least
:data:`MIN_CHUNK_S` of expected run time (``RunSpec.estimate_s``), so 10 ms runs do not
pay a round trip each. The worker sends each result back as its run ends; the pool
knows which run a worker is on at every moment, so a dead worker fails exactly that
run (``worker-died``, with the signal) and the rest of its chunk goes to another
worker, and a run past its time limit (its clock starts when the previous result of
the chunk arrived) is stopped (``timed-out``) by killing its worker. Workers ignore
Ctrl-C / SIGHUP (the parent handles those and stops them) and die with the parent.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator

from .observer import RunResult
from .spec import RunSpec
from .worker import PluginContext, execute_spec, limit_blas, worker_main

__all__ = ["MIN_CHUNK_S", "POLL_S", "PluginContext", "SerialExecutor", "WAIT", "WorkerPool",
           "chunk_specs", "execute_spec", "limit_blas"]

#: how often an idle pool checks for timeouts and dead workers, seconds
POLL_S = 0.5
#: what a spec source yields when it has nothing to run *yet* (another process holds
#: the next configuration): the executor keeps collecting results and asks again later
WAIT = None
#: a chunk sent to a worker is worth at least this much expected run time, seconds
MIN_CHUNK_S = 0.1
#: ... and holds at most this many runs (a bound when estimates are tiny)
MAX_CHUNK = 64

_END = object()


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


def chunk_specs(pull: Callable[[], object], min_s: float = MIN_CHUNK_S,
                max_runs: int = MAX_CHUNK) -> tuple[list[RunSpec], str]:
    """Take consecutive specs from ``pull()`` until they are worth ``min_s`` seconds.

    A spec without an estimate ends the chunk (it may be long). Returns the chunk and
    why it ended: ``"full"``, ``"wait"`` (the source yielded :data:`WAIT`) or ``"end"``
    (the source is exhausted: ``pull()`` returned the end marker).
    """
    chunk: list[RunSpec] = []
    worth = 0.0
    while len(chunk) < max_runs:
        item = pull()
        if item is WAIT:
            return chunk, "wait"
        if item is _END:
            return chunk, "end"
        chunk.append(item)
        estimate = getattr(item, "estimate_s", None)
        if estimate is None:
            break
        worth += estimate
        if worth >= min_s:
            break
    return chunk, "full"


# -- parent side ------------------------------------------------------------------------------
def _death(exitcode: int | None) -> str:
    import signal

    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"the worker process running it died (killed by {name})"
    return f"the worker process running it died (exit status {exitcode})"


class _Worker:
    """One worker process and the chunk it holds (``chunk[0]`` is the run it is on)."""

    def __init__(self, ctx, context: PluginContext):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=worker_main, args=(child, context, os.getpid()),
                                   name="dlbench-worker", daemon=True)
        self.process.start()
        child.close()
        self.chunk: deque[RunSpec] = deque()
        self.started = 0.0  # when chunk[0]'s clock started

    def give(self, chunk: list[RunSpec]) -> None:
        self.chunk = deque(chunk)
        self.started = time.monotonic()
        self.conn.send(chunk)

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

    def __init__(self, workers: int, context: PluginContext, *, min_chunk_s: float = MIN_CHUNK_S):
        self.workers, self.context, self.min_chunk_s = workers, context, min_chunk_s
        self._ctx = multiprocessing.get_context("spawn")
        self._idle: list[_Worker] = []

    def _worker(self) -> _Worker:
        while self._idle:
            worker = self._idle.pop()
            if worker.process.is_alive():
                return worker
            worker.stop(kill=True)  # died between chunks: nothing of ours was lost
        return _Worker(self._ctx, self.context)

    def execute(self, specs: Iterable[RunSpec]) -> Iterator[tuple[RunSpec, RunResult]]:
        """Run ``specs`` (pulled in chunks, when a worker is free) and yield each with its
        result, in the order they finish."""
        source = iter(specs)
        requeued: deque[RunSpec] = deque()  # the rest of a dead worker's chunk
        busy: list[_Worker] = []
        state = {"exhausted": False}

        def pull():
            if requeued:
                return requeued.popleft()
            if state["exhausted"]:
                return _END
            item = next(source, _END)
            if item is _END:
                state["exhausted"] = True
            return item

        finished: list[tuple[RunSpec, RunResult]] = []
        try:
            while True:
                waiting = False
                while len(busy) < self.workers:
                    chunk, stop = chunk_specs(pull, self.min_chunk_s)
                    if chunk:
                        worker = self._worker()
                        worker.give(chunk)
                        busy.append(worker)
                    if stop != "full":
                        waiting = stop == "wait"
                        break
                if finished:
                    # handed over only now: the free workers are already on their next
                    # runs while the caller stores these (no core idles, and a run is
                    # always in flight while the caller works)
                    done, finished = finished, []
                    yield from done
                    continue
                if not busy:
                    if state["exhausted"] and not requeued:
                        return
                    if waiting:
                        time.sleep(POLL_S)
                    continue
                waits = [w.conn for w in busy] + [w.process.sentinel for w in busy]
                ready = set(multiprocessing.connection.wait(waits, timeout=POLL_S))
                for worker in list(busy):
                    finished += self._collect(worker, ready, requeued)
                    if not worker.chunk:
                        busy.remove(worker)
                        if worker.process.is_alive():
                            self._idle.append(worker)
                        else:
                            worker.stop(kill=True)
        except BaseException:
            for worker in busy:  # Ctrl-C, SIGTERM: stop the runs in flight now
                worker.stop(kill=True)
            raise

    def _collect(self, worker: _Worker, ready: set,
                 requeued: deque) -> list[tuple[RunSpec, RunResult]]:
        """The runs of ``worker`` that ended: results it sent, then (if it died or its run
        passed its time limit) that run's failure, with the rest of its chunk requeued."""
        out = []
        dead = False
        if worker.conn in ready:
            try:
                while worker.chunk and worker.conn.poll():
                    result = worker.conn.recv()
                    out.append((worker.chunk.popleft(), result))
                    worker.started = time.monotonic()
            except (EOFError, OSError):
                dead = True  # died while sending: its current run failed below
        if not worker.chunk:
            return out
        elapsed = time.monotonic() - worker.started
        if dead or worker.process.sentinel in ready or not worker.process.is_alive():
            worker.process.join(1.0)
            failure = RunResult(status="worker-died", error=_death(worker.process.exitcode),
                                duration_s=elapsed)
        else:
            limit = getattr(worker.chunk[0], "timeout_s", None)
            if limit is None or elapsed <= limit:
                return out
            failure = RunResult(status="timed-out", duration_s=elapsed,
                                error=f"stopped after {limit:g} s, its time limit "
                                      "(--run-timeout); the worker was replaced")
        out.append((worker.chunk.popleft(), failure))
        requeued.extendleft(reversed(worker.chunk))
        worker.chunk.clear()
        worker.stop(kill=True)
        return out

    def close(self) -> None:
        """Stop the idle workers (each finishes nothing: they hold no run)."""
        while self._idle:
            self._idle.pop().stop()
