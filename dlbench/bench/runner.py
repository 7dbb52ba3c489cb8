"""The runner: reuse what is stored, execute the rest, store every result from one place.

Reuse: a finished (or diverged) run with the same config hash and code version is not
run again unless ``force``. Faults: a run whose plugin raises is stored as ``failed``
with the error and the step, and the suite goes on; a NaN/inf loss is ``diverged`` (a
result). Ctrl-C: finished runs are already stored; runs in flight are marked
``interrupted`` (a rerun resumes, reusing every finished run). The runner never touches
SQL itself: it calls :class:`~dlbench.storage.ResultStore` methods.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from .environment import code_version, environment
from .observer import RunResult
from .spec import RunSpec

SERIES_CHUNK = 20_000


class RunInterrupted(Exception):
    """Ctrl-C during a suite; ``outcomes`` holds what completed before it."""

    def __init__(self, outcomes):
        super().__init__("interrupted")
        self.outcomes = outcomes


@dataclass
class Outcome:
    """What happened to one spec: ``status`` is a run status, ``reused`` or ``skipped``."""

    spec: RunSpec
    status: str
    run_id: int | None = None
    summary: dict = field(default_factory=dict)
    duration_s: float | None = None
    error: str | None = None
    result: RunResult | None = None
    points: int = 0


class NullListener:
    """Progress callbacks; the CLI implements a progress bar with these."""

    def planned(self, total: int, reused: int) -> None: ...
    def started(self, spec: RunSpec) -> None: ...
    def finished(self, outcome: Outcome) -> None: ...
    def skipped(self, spec: RunSpec, reason: str) -> None: ...


class Runner:
    """Executes specs through an executor and stores their results.

    :param store: a :class:`~dlbench.storage.ResultStore`, or ``None`` to keep results in
        memory only (``dlbench.run`` without a database).
    :param max_seconds: stop starting new runs after this long (they are reported as
        skipped, not stored).
    """

    def __init__(self, registry, store, executor, *, force: bool = False,
                 max_seconds: float | None = None, listener=None, keep_results: bool = False):
        self.registry, self.store, self.executor = registry, store, executor
        self.force, self.max_seconds = force, max_seconds
        self.listener = listener or NullListener()
        self.keep_results = keep_results or store is None
        self.version = code_version()
        self.warnings: list[str] = []

    def _notify(self, hook: str, **kwargs) -> None:
        notify = getattr(self.registry, "notify", None)
        if notify is not None:
            self.warnings += notify(hook, **kwargs)

    def run(self, specs: list[RunSpec]) -> list[Outcome]:
        outcomes: list[Outcome] = []
        todo = []
        for spec in specs:
            reused = None if (self.force or self.store is None) else \
                self.store.find_reusable(spec.config_hash, self.version)
            if reused is not None:
                run = self.store.get_run(reused)
                outcomes.append(Outcome(spec, "reused", reused, run["summary"], run["duration_s"]))
            else:
                todo.append(spec)
        self.listener.planned(len(specs), len(outcomes))
        rows: dict[int, int | None] = {}
        start = time.monotonic()

        def on_start(spec: RunSpec) -> bool:
            if self.max_seconds is not None and time.monotonic() - start > self.max_seconds:
                return False
            rows[id(spec)] = None if self.store is None else self.store.create_run(
                task=spec.task, config=spec.resolved, config_hash=spec.config_hash,
                choices=spec.choices, seed=spec.seed, preset=spec.preset,
                code_version=self.version, environment=self._environment(spec))
            self.listener.started(spec)
            self._notify("run_started", run=spec)
            return True

        def on_epoch(spec: RunSpec, epoch: int, metrics: dict) -> None:
            self._notify("epoch_finished", run=spec, epoch=epoch, metrics=metrics)

        done_ids = set()
        try:
            for spec, result in self.executor.execute(todo, on_start, on_epoch):
                run_id = rows[id(spec)]
                try:
                    self._store(run_id, result)
                except Exception as exc:  # e.g. a value the database cannot hold: this run fails
                    result = RunResult(status="failed", duration_s=result.duration_s,
                                       error=f"the result could not be stored: "
                                             f"{type(exc).__name__}: {exc}")
                    self._close(run_id, result)
                rows.pop(id(spec))  # only now: a Ctrl-C while storing still finds the row
                outcome = Outcome(spec, result.status, run_id, result.summary, result.duration_s,
                                  result.error, result if self.keep_results else None,
                                  result.points())
                outcomes.append(outcome)
                done_ids.add(id(spec))
                self.listener.finished(outcome)
                self._notify("run_finished", run=spec, result=result)
        except BaseException as exc:
            # Whatever stops the suite, no run stays "running": Ctrl-C marks the runs in
            # flight interrupted, anything else marks them failed, then the error goes on.
            interrupted = isinstance(exc, KeyboardInterrupt)
            status = "interrupted" if interrupted else "failed"
            error = "interrupted by Ctrl-C" if interrupted else f"{type(exc).__name__}: {exc}"
            for spec_id, run_id in rows.items():
                result = RunResult(status=status, error=error)
                self._close(run_id, result)
                spec = next((s for s in todo if id(s) == spec_id), None)
                if spec is not None:
                    self._notify("run_finished", run=spec, result=result)
            if interrupted:
                raise RunInterrupted(outcomes) from None
            raise
        for spec in todo:
            if id(spec) not in done_ids:
                reason = f"time budget of {self.max_seconds:.0f} s reached"
                outcomes.append(Outcome(spec, "skipped", error=reason))
                self.listener.skipped(spec, reason)
        return outcomes

    @staticmethod
    def _environment(spec: RunSpec) -> dict:
        """Where the run happens; read inside the one-thread BLAS limit every executor
        applies, so the stored thread count is the one the run used."""
        from .executors import _limit_blas

        with _limit_blas():
            return environment(spec.plugin_versions)

    def _close(self, run_id: int | None, result: RunResult) -> None:
        """Record a run's final status without its series (best effort: the database
        itself may be what failed)."""
        if self.store is None or run_id is None:
            return
        try:
            self.store.finish_run(run_id, result.status, error=result.error,
                                  duration_s=result.duration_s)
        except Exception as exc:
            self.warnings.append(f"could not mark run {run_id} {result.status}: {exc}")

    def _store(self, run_id: int | None, result: RunResult) -> None:
        if self.store is None or run_id is None:
            return
        points = [(key, step, value) for key, series in result.series.items()
                  for step, value in series]
        for i in range(0, len(points), SERIES_CHUNK):
            self.store.log_metrics(run_id, points[i:i + SERIES_CHUNK])
        for key, array in result.artifacts.items():
            self.store.log_artifact(run_id, key, array)
        if result.notes:
            self.store.set_tags(run_id, {"notes": " | ".join(result.notes)})
        self.store.finish_run(run_id, result.status, summary=result.summary, error=result.error,
                              error_step=result.error_step, duration_s=result.duration_s)
