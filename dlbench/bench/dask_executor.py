"""Runs on a Dask cluster: a LocalCluster of single-threaded worker processes, or the
cluster behind a running scheduler (``tcp://HOST:PORT``). Optional extra ``dlbench[dask]``.

Same protocol as :class:`~dlbench.bench.executors.WorkerPool` (``workers``,
``execute(source)``, ``close()``); the coordinator (``dlbench run``) stays the only
process that writes to the database. What it does, and why:

- **Chunks in a bounded window.** Dask costs a few ms per task, so consecutive specs are
  sent together until a chunk is worth :data:`CHUNK_S` (from ``spec.estimate_s``, else
  the mean duration measured so far for that task and preset; unknown: one spec per chunk). At most
  :data:`WINDOW` x workers chunks are in flight, so a sweep of 20,000 runs does not
  claim them all at once. Tasks are submitted ``pure=False`` (Dask would otherwise treat
  two submissions of the same function and arguments as one).
- **Identical numbers.** Workers run specs with the same ``execute_spec`` as the other
  executors, BLAS pinned to one thread; see :mod:`dlbench.bench.dask_worker`.
- **Versions checked before any run.** Python and the packages in
  :data:`~dlbench.bench.dask_worker.CHECKED_PACKAGES` (from ``Client.get_versions``), the
  digest of dlbench's sources and the version of every plugin the context loads must be
  the coordinator's on every worker; otherwise a :class:`DaskSetupError` names the
  worker and what differs.
- **One-off ``-p file.py`` plugins.** On a LocalCluster the workers read the same path.
  With a remote scheduler the files (and ``--plugins-dir`` files) are *shipped* inside
  each task's payload and written to a private folder on the worker under their own
  names: same bytes and name, so the same plugin version and config hash. ``--data-dir``
  is not shipped; it must exist at the same path on the workers.
- **Dead workers.** Dask retries a task whose worker died (``allowed-failures``, 3
  retries). A dying worker also takes with it what it held for others: a task queued
  behind the killer is blamed with it (Dask assigns the first tasks two to a worker
  whatever ``worker-saturation`` says), and a finished result not yet gathered is lost.
  So a chunk that ends in any Dask error (``KilledWorker``, a lost result) is not
  reported: its specs go to a retry list, and retries run *in isolation*: once the
  chunks in flight have drained, each spec runs alone in the cluster, one task at a
  time. Only a run that kills its worker when nothing else runs ends ``worker-died``;
  the others finish with the numbers they would have had.
- **Time limits** (``spec.timeout_s``): best effort, inside the worker (see
  ``dask_worker._Watchdog``): a run executing Python code is stopped and ends
  ``timed-out``; a run blocked inside one C call is not (Dask cannot stop a task), and
  Ctrl-C is then the way out.
- **Ctrl-C** cancels the futures in flight and closes the cluster this executor started
  (its worker processes end); on a remote cluster, runs already executing finish there
  and are discarded. The LocalCluster's workers ignore SIGINT (``dask_preload``): a
  terminal sends it to them too, and they would die printing tracebacks.

Security: a Dask scheduler runs any code it is sent. The LocalCluster binds 127.0.0.1;
keep a remote scheduler on a trusted network.
"""

from __future__ import annotations

import logging
import queue
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import DlbenchError, UsageError
from .dask_worker import (CHECKED_PACKAGES, Payload, expected_of, identity, is_plugin_file,
                          run_chunk, worker_identity)
from .executors import POLL_S, WAIT, PluginContext
from .observer import RunResult
from .spec import RunSpec

#: a chunk of consecutive specs is worth at least this many seconds (Dask's per-task cost
#: is a few ms; at 0.1 s it is a few percent)
CHUNK_S = 0.1
#: at most this many specs in one chunk, however short they are
MAX_CHUNK = 200
#: chunks in flight per worker (one running, one waiting to start)
WINDOW = 2
#: seconds to wait for a remote scheduler to answer
CONNECT_TIMEOUT_S = 5


class DaskSetupError(DlbenchError):
    """The Dask cluster cannot be used: unreachable, or its workers differ from here."""


@dataclass
class _Chunk:
    specs: list
    future: object
    single: bool = False  # a retry of one spec, run alone after its chunk met a Dask error


class DaskExecutor:
    """Runs specs on Dask workers; results come back to the caller, which stores them.

    :param workers: worker processes of the LocalCluster (ignored with ``scheduler``:
        :attr:`workers` is then the cluster's thread count).
    :param scheduler: ``tcp://HOST:PORT`` of a running scheduler, or ``None`` for a
        LocalCluster on 127.0.0.1.
    """

    def __init__(self, workers: int, context: PluginContext, scheduler: str | None = None):
        if scheduler is not None and "://" not in scheduler:
            raise UsageError(f"--scheduler {scheduler!r}: expected an address like "
                             "tcp://HOST:PORT")
        self.requested, self.context, self.scheduler = workers, context, scheduler
        self.workers = workers
        self.client = self.cluster = None
        self._measured: dict[tuple, tuple[float, int]] = {}  # (task, preset) -> (s, runs)
        #: Dask tasks submitted so far (each a chunk of one or more runs)
        self.submitted = 0
        self._start()

    # -- start-up --------------------------------------------------------------------------
    def _start(self) -> None:
        """Start or connect to the cluster and check every worker, before any run."""
        import dask
        from distributed import Client, LocalCluster

        try:
            if self.scheduler is None:
                # One task per single-threaded worker at a time: a death is blamed on the
                # task that caused it (with the default 1.1 a queued one is blamed too).
                with dask.config.set({"distributed.scheduler.worker-saturation": 1.0}):
                    self.cluster = LocalCluster(
                        n_workers=self.requested, threads_per_worker=1, processes=True,
                        host="127.0.0.1", dashboard_address=None,
                        silence_logs=logging.CRITICAL,
                        preload=["dlbench.bench.dask_preload"])  # workers ignore Ctrl-C
                self.client = Client(self.cluster, set_as_default=False)
            else:
                self.client = self._connect(Client)
            self._check_and_prepare()
        except BaseException:
            self.close()
            raise

    def _connect(self, Client):
        try:
            client = Client(self.scheduler, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise DaskSetupError(f"cannot reach the Dask scheduler at {self.scheduler} "
                                 f"within {CONNECT_TIMEOUT_S} s ({type(exc).__name__}: "
                                 f"{exc}); is it running, and is the address right?") from None
        try:
            client.wait_for_workers(1, timeout=CONNECT_TIMEOUT_S * 6)
        except (OSError, TimeoutError) as exc:
            client.close()
            raise DaskSetupError(f"the Dask scheduler at {self.scheduler} has no worker "
                                 f"({type(exc).__name__}); start one with 'dask worker "
                                 f"{self.scheduler} --nthreads 1'") from None
        return client

    def _check_and_prepare(self) -> None:
        mine = identity(self.context)
        if mine["problem"]:
            raise DaskSetupError(f"this process cannot load the plugins: {mine['problem']}")
        shipped, shipped_dir = (), ()
        if self.scheduler is not None:
            shipped, shipped_dir = _ship(self.context)
        self.payload = Payload(self.context, shipped, shipped_dir, expected_of(mine))
        versions = self.client.get_versions(packages=["numpy", "threadpoolctl"])
        theirs = self.client.run(worker_identity, self.payload)
        problems = _version_problems(mine, versions, theirs)
        if problems:
            raise DaskSetupError("the Dask workers differ from this process; no run started:\n  "
                                 + "\n  ".join(problems))
        threads = sum(w.get("nthreads", 1)
                      for w in self.client.scheduler_info(n_workers=-1)["workers"].values())
        self.workers = max(1, threads)

    # -- running ---------------------------------------------------------------------------
    def execute(self, specs: Iterable[RunSpec]) -> Iterator[tuple[RunSpec, RunResult]]:
        """Run ``specs`` (pulled as the window has room) and yield each with its result,
        chunk by chunk in the order chunks finish."""
        if self.client is None:  # closed by an earlier execute(): start again
            self._start()
        source = iter(specs)
        self._done: queue.Queue = queue.Queue()  # futures, as they finish
        flight: dict[object, _Chunk] = {}
        retry: list = []
        exhausted = False
        try:
            while True:
                waiting = False
                if retry and not flight:  # isolation: one retried spec alone in the cluster
                    self._submit(flight, [retry.pop(0)], single=True)
                while (not retry and not exhausted and not waiting
                       and len(flight) < WINDOW * self.workers):
                    chunk, exhausted, waiting = self._next_chunk(source)
                    if chunk:
                        self._submit(flight, chunk)
                if not flight:
                    if exhausted and not retry:
                        return
                    if waiting:
                        time.sleep(POLL_S)
                    continue
                try:
                    future = self._done.get(timeout=POLL_S)
                except queue.Empty:
                    continue
                chunk = flight.pop(future, None)
                if chunk is not None:
                    yield from self._outcomes(chunk, retry)
        except BaseException:
            self._cancel(flight)
            self.close()
            raise

    def _next_chunk(self, source) -> tuple[list, bool, bool]:
        """Consecutive specs worth ``CHUNK_S``: ``(chunk, source exhausted, source waits)``."""
        chunk, worth = [], 0.0
        while worth < CHUNK_S and len(chunk) < MAX_CHUNK:
            try:
                spec = next(source)
            except StopIteration:
                return chunk, True, False
            if spec is WAIT:
                return chunk, False, True
            chunk.append(spec)
            estimate = self._estimate(spec)
            worth += CHUNK_S if estimate is None else estimate
        return chunk, False, False

    def _estimate(self, spec) -> float | None:
        estimate = getattr(spec, "estimate_s", None)
        if estimate is None and (spec.task, spec.preset) in self._measured:
            seconds, runs = self._measured[spec.task, spec.preset]
            estimate = seconds / runs
        return estimate

    def _submit(self, flight: dict, specs: list, *, single: bool = False) -> None:
        future = self.client.submit(run_chunk, self.payload, specs, pure=False)
        flight[future] = _Chunk(specs, future, single)
        self.submitted += 1
        future.add_done_callback(self._done.put)

    def _outcomes(self, chunk: _Chunk, retry: list) -> Iterator[tuple[RunSpec, RunResult]]:
        try:
            results = chunk.future.result()  # raises what the task raised (KilledWorker...)
        except Exception as error:  # noqa: BLE001
            # run_chunk returns a result for every spec, even a failing one: an error here
            # is the cluster's (a dead worker, a result lost with its worker), maybe caused
            # by another task. Run each spec again alone to find out.
            if not chunk.single:
                retry.extend(chunk.specs)
                return
            results = [self._cluster_failure(error)] * len(chunk.specs)
        for spec, result in zip(chunk.specs, results):
            if result.duration_s is not None:
                key = (spec.task, spec.preset)
                seconds, runs = self._measured.get(key, (0.0, 0))
                self._measured[key] = (seconds + result.duration_s, runs + 1)
            yield spec, result

    @staticmethod
    def _cluster_failure(error: Exception) -> RunResult:
        """The outcome of a run that met a Dask error while running alone."""
        from distributed import KilledWorker

        if isinstance(error, KilledWorker):
            return RunResult(status="worker-died", error=(
                "the Dask worker running it died on every attempt (Dask gave up after "
                "its allowed retries: KilledWorker)"))
        return RunResult(status="failed",
                         error=f"the Dask task failed: {type(error).__name__}: {error}")

    def _cancel(self, flight: dict) -> None:
        if self.client is not None and flight:
            try:
                self.client.cancel(list(flight), force=True)
            except Exception:  # the cluster may be what failed
                pass

    def close(self) -> None:
        """Disconnect; stop the LocalCluster this executor started (idempotent)."""
        client, cluster = self.client, self.cluster
        self.client = self.cluster = None
        for thing in (client, cluster):
            if thing is not None:
                try:
                    thing.close()
                except Exception:
                    pass


def _ship(context: PluginContext) -> tuple[tuple, tuple]:
    """``(name, bytes)`` of the ``-p`` files and of the ``--plugins-dir`` files."""
    files = tuple((Path(p).name, Path(p).expanduser().read_bytes())
                  for p in context.plugins if is_plugin_file(p))
    folder = ()
    if context.plugins_dir is not None:
        folder = tuple((p.name, p.read_bytes())
                       for p in sorted(Path(context.plugins_dir).expanduser().glob("*.py"))
                       if not p.name.startswith("_"))
    return files, folder


def _version_problems(mine: dict, versions: dict, theirs: dict) -> list[str]:
    """One line per difference between this process and a worker."""
    problems = []
    here = versions["client"]["packages"]
    for worker, info in sorted(versions["workers"].items()):
        packages = (info or {}).get("packages") or {}
        for name in ("python", *CHECKED_PACKAGES):
            if packages.get(name) != here.get(name):
                problems.append(f"worker {worker}: {name} {packages.get(name) or 'missing'} "
                                f"(here {here.get(name) or 'missing'})")
    for worker, ident in sorted(theirs.items()):
        if ident.get("problem"):
            problems.append(f"worker {worker}: {ident['problem']}")
            continue
        if ident["dlbench_sources"] != mine["dlbench_sources"]:
            problems.append(f"worker {worker}: dlbench {ident['dlbench']} has other sources "
                            f"than here ({mine['dlbench']})")
        for name in sorted(set(mine["plugins"]) | set(ident["plugins"])):
            have, want = ident["plugins"].get(name, "missing"), mine["plugins"].get(name, "missing")
            if have != want:
                problems.append(f"worker {worker}: plugin {name!r} version {have or '?'} "
                                f"(here {want or '?'})")
    return problems
