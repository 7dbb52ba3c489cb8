"""Finished runs stored in batches: one transaction for many runs (contract C).

A sweep of 10 ms runs would otherwise spend its time committing. Results wait here until
:data:`BATCH_SIZE` of them are pending, the oldest has waited :data:`BATCH_AGE_S`, or
the pending runs took :data:`BATCH_WORK_S` of compute together (a long run is stored at
once: a commit costs nothing next to it, and losing it would cost a lot); a background
thread stores an old batch even while the run loop is blocked waiting for
a long run, so a ``kill -9`` loses at most about a second of finished runs (they are
``abandoned`` and run again by the next ``dlbench run``). Before the service returns,
and on Ctrl-C / SIGTERM, everything pending is stored.

Storing and reporting are separate: :meth:`ResultBatch.flush` may run in either thread
and moves stored items to a list the run loop drains (:meth:`ResultBatch.take_stored`),
so listeners and hooks are always called from the run loop's thread.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from ..bench.observer import RunResult
from ..bench.spec import RunSpec

BATCH_SIZE = 20
BATCH_AGE_S = 1.0
BATCH_WORK_S = 1.0


@dataclass
class Finished:
    """One run's result on its way to the database."""

    spec: RunSpec
    run_id: int | None
    result: RunResult
    stored: bool = False


def _payload(item: Finished) -> dict:
    r = item.result
    return dict(run_id=item.run_id, status=r.status, summary=r.summary, series=r.series,
                artifacts=r.artifacts, notes=r.notes, error=r.error, error_step=r.error_step,
                duration_s=r.duration_s)


class ResultBatch:
    """Pending results of one :meth:`RunService.execute` call.

    :param store: a :class:`~dlbench.storage.RunStore`, or ``None`` (nothing to store:
        every result is ready at once).
    """

    def __init__(self, store, *, size: int = BATCH_SIZE, age_s: float = BATCH_AGE_S,
                 work_s: float = BATCH_WORK_S):
        self.store, self.size, self.age_s, self.work_s = store, size, age_s, work_s
        self._pending: list[Finished] = []
        self._stored: list[Finished] = []
        self._since: float | None = None  # when the oldest pending result arrived
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread = None
        if store is not None:
            self._thread = threading.Thread(target=self._timer, name="dlbench-batch",
                                            daemon=True)
            self._thread.start()

    def add(self, spec: RunSpec, run_id: int | None, result: RunResult) -> None:
        item = Finished(spec, run_id, result)
        with self._lock:
            if self.store is None or run_id is None:
                self._stored.append(item)
                return
            self._pending.append(item)
            if self._since is None:
                self._since = time.monotonic()
            work = sum(i.result.duration_s or 0.0 for i in self._pending)
            due = (len(self._pending) >= self.size or self._age() >= self.age_s
                   or work >= self.work_s)
        if due:
            self.flush()

    def _age(self) -> float:
        return 0.0 if self._since is None else time.monotonic() - self._since

    def flush(self) -> None:
        """Store every pending result in one transaction. An unstorable result fails its
        run only (its result becomes ``failed`` with the reason)."""
        with self._lock:
            items, self._pending, self._since = self._pending, [], None
            if not items:
                return
            try:
                reasons = self.store.store_results([_payload(i) for i in items])
            except BaseException:
                self._pending[:0] = items  # not stored: still pending (an interrupt retries)
                self._since = time.monotonic()
                raise
            for item, reason in zip(items, reasons):
                if reason is not None:
                    item.result = RunResult(status="failed", duration_s=item.result.duration_s,
                                            error=f"the result could not be stored: {reason}")
                item.stored = True
            self._stored += items

    def take_stored(self) -> list[Finished]:
        """Results stored (or needing no storage) since the last call, in arrival order."""
        with self._lock:
            out, self._stored = self._stored, []
        return out

    def pending(self) -> list[Finished]:
        with self._lock:
            return list(self._pending)

    def _timer(self) -> None:
        while not self._stop.wait(self.age_s / 4):
            with self._lock:
                due = bool(self._pending) and self._age() >= self.age_s
            if due:
                try:
                    self.flush()
                except Exception:  # still pending: the run loop's next flush reports it
                    pass

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5.0)
