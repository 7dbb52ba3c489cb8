"""The ``sweeps`` table: one row per ``dlbench run`` command and its progress.

The command that runs a sweep is its only writer: it starts the row, updates the counts a
few times per second at most (cheap single-row updates, each in its own short write
transaction) and finishes it with ``finished``, ``interrupted`` or ``failed``. Readers
(``dlbench serve``, another terminal) poll :func:`list_sweeps` / :func:`get_sweep`.

A sweep whose process died (SIGKILL, power loss) stays ``running`` in the table; readers
see it as ``abandoned`` when its process is gone (same host) or when it has not been
updated for :data:`~dlbench.storage.owners.HEARTBEAT_GRACE_S` (another host). The writer
refreshes ``updated_at`` with its heartbeat even while no run finishes.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (JSON, Column, DateTime, Float, Integer, MetaData, String, Table, insert,
                        select, update)

from .owners import HEARTBEAT_GRACE_S, Owner, owner_alive
from .records import SWEEP_STATUSES, SweepRecord, iso

_md = MetaData()
#: today's view of the table that migration ``0006_sweeps`` creates
SWEEPS = Table("sweeps", _md,
               Column("id", Integer, primary_key=True, autoincrement=True),
               Column("label", String(500), nullable=False),
               Column("status", String(20), nullable=False),
               Column("total", Integer, nullable=False),
               Column("done", Integer, nullable=False),
               Column("failed", Integer, nullable=False),
               Column("task", String(100)),
               Column("task_index", Integer, nullable=False),
               Column("tasks", JSON, nullable=False),
               Column("started_at", DateTime(timezone=True), nullable=False),
               Column("updated_at", DateTime(timezone=True), nullable=False),
               Column("finished_at", DateTime(timezone=True)),
               Column("host", String(200)),
               Column("pid", Integer),
               Column("pid_started", Float))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _check_status(status: str) -> None:
    if status not in SWEEP_STATUSES:
        raise ValueError(f"sweep status must be one of {SWEEP_STATUSES}, got {status!r}")


def start_sweep(db, *, label: str, total: int, tasks: list[str], owner: Owner) -> int:
    now = _now()
    with db.write() as conn:
        result = conn.execute(insert(SWEEPS).values(
            label=label[:500], status="running", total=int(total), done=0, failed=0, task=None,
            task_index=0, tasks=list(tasks), started_at=now, updated_at=now, finished_at=None,
            host=owner.host, pid=owner.pid, pid_started=owner.started))
        return int(result.inserted_primary_key[0])


def update_sweep(db, sweep_id: int, *, done: int, failed: int, task: str | None,
                 task_index: int, status: str = "running") -> None:
    _check_status(status)
    with db.write() as conn:
        conn.execute(update(SWEEPS).where(SWEEPS.c.id == sweep_id).values(
            done=int(done), failed=int(failed), task=task, task_index=int(task_index),
            status=status, updated_at=_now()))


def touch_sweep(db, sweep_id: int) -> None:
    """Say the sweep is alive (its heartbeat) without changing its counts."""
    with db.write() as conn:
        conn.execute(update(SWEEPS).where(SWEEPS.c.id == sweep_id, SWEEPS.c.status == "running")
                     .values(updated_at=_now()))


def finish_sweep(db, sweep_id: int, status: str) -> None:
    _check_status(status)
    now = _now()
    with db.write() as conn:
        conn.execute(update(SWEEPS).where(SWEEPS.c.id == sweep_id).values(
            status=status, updated_at=now, finished_at=None if status == "running" else now))


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:  # SQLite drops the zone; we store UTC
        value = value.replace(tzinfo=dt.timezone.utc)
    return value


def _status(row, now: dt.datetime) -> str:
    if row.status != "running":
        return row.status
    updated = _aware(row.updated_at)
    if updated is None or (now - updated).total_seconds() >= HEARTBEAT_GRACE_S:
        return "abandoned"
    if not owner_alive(row.host, row.pid, row.pid_started, updated, now=now):
        return "abandoned"
    return "running"


def _record(row, now: dt.datetime) -> SweepRecord:
    return SweepRecord(id=row.id, label=row.label, status=_status(row, now), total=row.total,
                       done=row.done, failed=row.failed, task=row.task,
                       task_index=row.task_index, tasks=list(row.tasks or []),
                       started_at=iso(row.started_at), updated_at=iso(row.updated_at),
                       finished_at=iso(row.finished_at), host=row.host, pid=row.pid)


def list_sweeps(db, limit: int = 20) -> list[SweepRecord]:
    """The newest ``limit`` sweeps, newest first."""
    with db.read() as session:
        rows = session.execute(select(SWEEPS).order_by(SWEEPS.c.id.desc()).limit(limit)).all()
    now = _now()
    return [_record(r, now) for r in rows]


def get_sweep(db, sweep_id: int) -> SweepRecord | None:
    with db.read() as session:
        row = session.execute(select(SWEEPS).where(SWEEPS.c.id == sweep_id)).first()
    return None if row is None else _record(row, _now())


class SweepMethods:
    """The sweep part of :class:`~dlbench.storage.RunStore` (kept here, next to its
    queries). Expects ``self.db``, a :class:`~dlbench.storage.Database`."""

    def start_sweep(self, *, label: str, total: int, tasks: list[str], owner: Owner) -> int:
        """A new ``running`` sweep of ``total`` planned runs over ``tasks``; its id."""
        return start_sweep(self.db, label=label, total=total, tasks=tasks, owner=owner)

    def update_sweep(self, sweep_id: int, *, done: int, failed: int, task: str | None,
                     task_index: int, status: str = "running") -> None:
        """Record progress (cheap; callers throttle it to a few calls per second)."""
        update_sweep(self.db, sweep_id, done=done, failed=failed, task=task,
                     task_index=task_index, status=status)

    def touch_sweep(self, sweep_id: int) -> None:
        touch_sweep(self.db, sweep_id)

    def finish_sweep(self, sweep_id: int, status: str) -> None:
        finish_sweep(self.db, sweep_id, status)

    def sweeps(self, limit: int = 20) -> list[SweepRecord]:
        return list_sweeps(self.db, limit)

    def get_sweep(self, sweep_id: int) -> SweepRecord | None:
        return get_sweep(self.db, sweep_id)
