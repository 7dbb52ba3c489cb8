"""A sweep's progress in the results database, so others can follow ``dlbench run``.

:class:`SweepTracker` is a run-service listener: it counts the outcomes of one command's
runs (every task of a suite) and writes them to the ``sweeps`` row at most twice per
second, plus once at the end with the sweep's final status. :class:`Listeners` lets the
terminal progress line and the tracker listen to the same service.
"""

from __future__ import annotations

import threading
import time

from ..storage.owners import HEARTBEAT_S

#: outcomes that are not a failure of the run (a reused or skipped run is done, not failed)
OK_STATUSES = ("finished", "diverged", "reused", "skipped")
#: at most one sweep update per this many seconds while runs finish
UPDATE_EVERY_S = 0.5


class Listeners:
    """Several listeners of one :class:`~dlbench.app.RunService`, called in order."""

    def __init__(self, *listeners):
        self.listeners = [x for x in listeners if x is not None]

    def _each(self, name, *args):
        for listener in self.listeners:
            method = getattr(listener, name, None)
            if method is not None:
                method(*args)

    def planned(self, total):
        self._each("planned", total)

    def started(self, spec):
        self._each("started", spec)

    def finished(self, outcome):
        self._each("finished", outcome)

    def skipped(self, spec, reason):
        self._each("skipped", spec, reason)


class SweepTracker:
    """Writes one command's progress to its ``sweeps`` row (contract A).

    ``done`` counts every run that reached an outcome (reused, skipped and failed ones
    included), ``failed`` the runs that ended without a result (failed, timed-out,
    worker-died, interrupted). The listener calls only count; a background thread writes
    the counts when they changed, at most every :data:`UPDATE_EVERY_S`, and refreshes
    ``updated_at`` every :data:`~dlbench.storage.owners.HEARTBEAT_S` while nothing
    changes (a long run), so readers never mistake a live sweep for an abandoned one.
    The run loop never waits for these writes.
    """

    def __init__(self, store, *, label: str, tasks: list[str], total: int, owner,
                 every: float = UPDATE_EVERY_S):
        self.store, self.tasks, self.every = store, list(tasks), every
        self.sweep_id = store.start_sweep(label=label, total=total, tasks=self.tasks,
                                          owner=owner)
        self.done = self.failed = 0
        self.task: str | None = None
        self.warnings: list[str] = []
        self._dirty = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="dlbench-sweep", daemon=True)
        self._thread.start()

    @property
    def task_index(self) -> int:
        return self.tasks.index(self.task) + 1 if self.task in self.tasks else 0

    # -- listener ----------------------------------------------------------------------
    def planned(self, total: int) -> None:
        pass  # the total of the whole command was given at the start

    def started(self, spec) -> None:
        if spec.task != self.task:
            self.task, self._dirty = spec.task, True

    def finished(self, outcome) -> None:
        with self._lock:
            self.done += 1
            if outcome.status not in OK_STATUSES:
                self.failed += 1
            if self.task is None:
                self.task = outcome.spec.task
            self._dirty = True

    def skipped(self, spec, reason: str) -> None:
        with self._lock:
            self.done += 1
            self._dirty = True

    # -- writing -----------------------------------------------------------------------
    def _loop(self) -> None:
        last_write = time.monotonic()
        while not self._stop.wait(self.every):
            try:
                if self._dirty:
                    self._write("running")
                    last_write = time.monotonic()
                elif time.monotonic() - last_write >= HEARTBEAT_S:
                    self.store.touch_sweep(self.sweep_id)
                    last_write = time.monotonic()
            except Exception as exc:  # a locked database: the next write tries again
                self.warnings = [f"could not update sweep {self.sweep_id}: {exc}"]

    def _write(self, status: str) -> None:
        with self._lock:
            done, failed, task, self._dirty = self.done, self.failed, self.task, False
        self.store.update_sweep(self.sweep_id, done=done, failed=failed, task=task,
                                task_index=self.task_index, status=status)

    def close(self, status: str) -> None:
        """Write the last counts and the final status (``finished``, ``interrupted`` or
        ``failed``). Only a sweep that finished raises if the database refuses."""
        if self._stop.is_set():
            return
        self._stop.set()
        self._thread.join(10.0)
        try:
            self._write(status)
            self.store.finish_sweep(self.sweep_id, status)
        except Exception as exc:
            if status == "finished":
                raise
            self.warnings.append(f"could not mark sweep {self.sweep_id} {status}: {exc}")
