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
- **Batched commits.** Results are stored 20 at a time, after 1 s, or as soon as they
  hold 1 s of compute (:mod:`dlbench.app.batch`), each run still all-or-nothing; everything that finished is
  stored before the service returns or re-raises an interrupt.
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
from .batch import ResultBatch
from ..storage import Owner
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
        batch = ResultBatch(self.store)

        def report() -> None:
            """Outcomes of the results stored so far (listeners, hooks, ``done``)."""
            for item in batch.take_stored():
                running.pop(id(item.spec), None)
                r = item.result
                outcome = Outcome(item.spec, r.status, item.run_id, r.summary, r.duration_s,
                                  r.error, r if keep else None, r.points())
                done[index[id(item.spec)]] = outcome
                self.listener.finished(outcome)
                self._notify("run_finished", run=item.spec, result=r)

        try:
            for spec, result in executor.execute(source()):
                for epoch, metrics in result.epochs:  # replayed: hooks run in this process
                    self._notify("epoch_finished", run=spec, epoch=epoch, metrics=metrics)
                batch.add(spec, running.get(id(spec)), result)
                report()
            batch.flush()
            report()
        except BaseException as exc:
            # Whatever stops the suite, what finished is stored and no run stays
            # "running": an interrupt marks the runs in flight interrupted, anything
            # else failed; then the error goes on.
            interrupted = isinstance(exc, KeyboardInterrupt)
            try:
                batch.flush()
            except BaseException as again:  # the database (or a second Ctrl-C) refused
                self.warnings.append(f"{len(batch.pending())} finished run(s) could not be "
                                     f"stored: {type(again).__name__}: {again}")
            try:
                report()
            except BaseException:
                pass
            status = "interrupted" if interrupted else "failed"
            error = (f"interrupted by {_signal_name(exc)}" if interrupted
                     else f"{type(exc).__name__}: {exc}")
            for run_id in running.values():
                self._close(run_id, status, error)
            if interrupted:
                raise RunInterrupted([done[i] for i in sorted(done)],
                                     getattr(exc, "signum", None)) from None
            raise
        finally:
            batch.close()
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
