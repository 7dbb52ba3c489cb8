"""The one place that runs experiments: plan -> claim -> execute -> store.

``dlbench run``, ``dlbench.run(...)`` (and later ``dlbench serve`` and distributed
executors) all go through :class:`RunService`, so reuse, claims, faults and storage
behave the same everywhere.

- **Reuse and claims.** Before a spec runs, the store decides atomically whether this
  process runs it (``claimed``), a stored result serves (``reused``), or another live
  process is running it right now (``busy``: asked again later, then reused). A
  ``running`` row whose process is gone is marked ``abandoned`` and run again.
- **Faults.** A plugin that raises is a ``failed`` run; NaN/inf is ``diverged`` (a
  result); a dead worker is ``worker-died``; a run past its time limit ``timed-out``; a
  result the database cannot hold fails that run only. Ctrl-C, SIGTERM or SIGHUP mark
  the runs in flight ``interrupted`` and raise :class:`RunInterrupted`.
- **Liveness.** While it runs, the service refreshes the heartbeat of its runs, so a
  process on another host can tell a live run from an abandoned one.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from ..bench.environment import code_version, environment
from ..bench.executors import WAIT, limit_blas
from ..bench.observer import RunResult
from ..bench.spec import RunSpec
from ..storage import Owner, Unstorable
from ..storage.owners import HEARTBEAT_S


class RunInterrupted(Exception):
    """Ctrl-C (or SIGTERM / SIGHUP) during a suite; ``outcomes`` holds what completed."""

    def __init__(self, outcomes, signum: int | None = None):
        super().__init__("interrupted")
        self.outcomes, self.signum = outcomes, signum


@dataclass
class Outcome:
    """What happened to one spec: a run status, or ``reused`` / ``skipped``."""

    spec: RunSpec
    status: str
    run_id: int | None = None
    summary: dict = field(default_factory=dict)
    duration_s: float | None = None
    error: str | None = None
    result: RunResult | None = None
    points: int = 0


class NullListener:
    """Progress callbacks; the CLI implements a progress display with these."""

    def planned(self, total: int) -> None: ...
    def started(self, spec: RunSpec) -> None: ...
    def finished(self, outcome: Outcome) -> None: ...
    def skipped(self, spec: RunSpec, reason: str) -> None: ...


def _signal_name(exc: BaseException) -> str:
    signum = getattr(exc, "signum", None)
    if signum is None:
        return "Ctrl-C"
    import signal

    return signal.Signals(signum).name


class RunService:
    """Executes specs through an executor and stores their results.

    :param store: a :class:`~dlbench.storage.RunStore`, or ``None`` to keep results in
        memory only (``dlbench.run`` without a database).
    :param notify: ``notify(hook_name, **kwargs) -> [warnings]`` calls the plugins'
        observer hooks (``run_started``, ``epoch_finished``, ``run_finished``).
    """

    def __init__(self, store=None, *, notify=None, listener=None):
        self.store = store
        self.notify_hooks = notify
        self.listener = listener or NullListener()
        self.version = code_version()
        self.owner = Owner.me()
        self.warnings: list[str] = []

    def _notify(self, hook: str, **kwargs) -> None:
        if self.notify_hooks is not None:
            self.warnings += self.notify_hooks(hook, **kwargs)

    # -- the loop ----------------------------------------------------------------------
    def execute(self, specs: list[RunSpec], executor, *, force: bool = False,
                max_seconds: float | None = None, budgets: dict[str, float] | None = None,
                keep_results: bool = False) -> list[Outcome]:
        """Run what is not stored yet; one :class:`Outcome` per spec, in spec order.

        Specs of several tasks go through one executor in one call, so no worker idles
        while the last runs of a task finish. ``max_seconds`` stops starting runs after
        that long; ``budgets`` (task -> seconds) does the same per task, each task's clock
        starting when its first run is sent."""
        keep = keep_results or self.store is None
        done: dict[int, Outcome] = {}
        index = {id(s): i for i, s in enumerate(specs)}
        running: dict[int, int | None] = {}  # id(spec) -> run id, while in flight
        self.listener.planned(len(specs))
        if self.store is not None:
            for run_id in self.store.reap_abandoned():
                self.warnings.append(f"run {run_id} was left 'running' by a process that is "
                                     "gone; marked abandoned (its configuration runs again)")
        start = time.monotonic()
        task_start: dict[str, float] = {}

        def source():
            queue, busy = list(specs), []
            while queue or busy:
                if not queue:  # only configurations other processes hold are left
                    queue, busy = busy, []
                    yield WAIT
                    continue
                spec = queue.pop(0)
                if max_seconds is not None and time.monotonic() - start > max_seconds:
                    for left in [spec, *queue, *busy]:
                        self._skip(done, index, left, max_seconds)
                    return
                if budgets and spec.task in budgets:
                    began = task_start.setdefault(spec.task, time.monotonic())
                    if time.monotonic() - began > budgets[spec.task]:
                        self._skip(done, index, spec, budgets[spec.task])
                        continue
                run_id = None
                if self.store is not None:
                    claim = self._claim(spec, force)
                    if claim.decision == "reuse":
                        self._reuse(done, index, spec, claim.run_id)
                        continue
                    if claim.decision == "busy":
                        busy.append(spec)
                        continue
                    run_id = claim.run_id
                running[id(spec)] = run_id
                self.listener.started(spec)
                self._notify("run_started", run=spec)
                yield spec

        beat = _Heartbeat(self.store, self.owner)
        try:
            for spec, result in executor.execute(source()):
                for epoch, metrics in result.epochs:  # replayed: hooks run in this process
                    self._notify("epoch_finished", run=spec, epoch=epoch, metrics=metrics)
                run_id = running.get(id(spec))
                result = self._store(run_id, result)
                running.pop(id(spec), None)  # only now: an interrupt while storing finds it
                outcome = Outcome(spec, result.status, run_id, result.summary, result.duration_s,
                                  result.error, result if keep else None, result.points())
                done[index[id(spec)]] = outcome
                self.listener.finished(outcome)
                self._notify("run_finished", run=spec, result=result)
        except BaseException as exc:
            # Whatever stops the suite, no run stays "running": an interrupt marks the runs
            # in flight interrupted, anything else failed; then the error goes on.
            interrupted = isinstance(exc, KeyboardInterrupt)
            status = "interrupted" if interrupted else "failed"
            error = (f"interrupted by {_signal_name(exc)}" if interrupted
                     else f"{type(exc).__name__}: {exc}")
            for spec_id, run_id in running.items():
                self._close(run_id, status, error)
            if interrupted:
                raise RunInterrupted([done[i] for i in sorted(done)],
                                     getattr(exc, "signum", None)) from None
            raise
        finally:
            beat.stop()
            close = getattr(executor, "close", None)
            if close is not None:
                close()
        return [done[i] for i in sorted(done)]

    # -- steps -------------------------------------------------------------------------
    def _claim(self, spec: RunSpec, force: bool):
        with limit_blas():  # the environment records the BLAS threads the run uses
            env = environment(spec.plugin_versions)
        claim = self.store.claim(task=spec.task, config=spec.resolved,
                                 config_hash=spec.config_hash, code_version=self.version,
                                 choices=spec.choices, seed=spec.seed, preset=spec.preset,
                                 environment=env, owner=self.owner, force=force)
        for run_id in claim.abandoned:
            self.warnings.append(f"run {run_id} ({spec.label()}) was abandoned by a process "
                                 "that is gone; running it again")
        return claim

    def _reuse(self, done, index, spec: RunSpec, run_id: int) -> None:
        [run] = self.store.list_runs(ids=[run_id])
        outcome = Outcome(spec, "reused", run_id, dict(run.summary), run.duration_s)
        done[index[id(spec)]] = outcome
        self.listener.finished(outcome)

    def _skip(self, done, index, spec: RunSpec, budget: float) -> None:
        reason = f"time budget of {budget:.0f} s reached"
        done[index[id(spec)]] = Outcome(spec, "skipped", error=reason)
        self.listener.skipped(spec, reason)

    def _store(self, run_id: int | None, result: RunResult) -> RunResult:
        """Store the whole result in one transaction; a result the database cannot hold
        fails this run (stored as ``failed`` with the reason) and the suite goes on."""
        if self.store is None or run_id is None:
            return result
        try:
            self.store.store_result(run_id, status=result.status, summary=result.summary,
                                    series=result.series, artifacts=result.artifacts,
                                    notes=result.notes, error=result.error,
                                    error_step=result.error_step, duration_s=result.duration_s)
            return result
        except Unstorable as exc:
            failed = RunResult(status="failed", duration_s=result.duration_s,
                               error=f"the result could not be stored: {exc}")
            self._close(run_id, failed.status, failed.error, result.duration_s)
            return failed

    def _close(self, run_id: int | None, status: str, error: str,
               duration_s: float | None = None) -> None:
        """Record a run's final status without its series (best effort: the database
        itself may be what failed)."""
        if self.store is None or run_id is None:
            return
        try:
            self.store.close_run(run_id, status, error=error, duration_s=duration_s)
        except Exception as exc:
            self.warnings.append(f"could not mark run {run_id} {status}: {exc}")


class _Heartbeat:
    """Refreshes this process's running runs every :data:`HEARTBEAT_S` in a thread."""

    def __init__(self, store, owner: Owner):
        self._stop = threading.Event()
        self._thread = None
        if store is not None:
            self._thread = threading.Thread(target=self._beat, args=(store, owner),
                                            name="dlbench-heartbeat", daemon=True)
            self._thread.start()

    def _beat(self, store, owner) -> None:
        while not self._stop.wait(HEARTBEAT_S):
            try:
                store.heartbeat(owner)
            except Exception:  # a locked or vanished database is reported by the writes
                pass

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5.0)
