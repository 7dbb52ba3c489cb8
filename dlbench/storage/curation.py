"""Curating stored runs: tags, notes and deletion (``dlbench results tag|note|rm|prune``).

A mixin of :class:`~dlbench.storage.runs.RunStore`, kept apart from the run lifecycle
(claim, store, reap) because it is what a person does to results, not what a sweep does.
Each method is one short write transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select

from ..errors import UsageError
from .database import upsert
from .models import Artifact, Metric, Param, Run, RunClaim, Summary, Tag
from .records import PRUNABLE_STATUSES


class CurationMethods:
    """Needs ``self.db`` (a :class:`~dlbench.storage.database.Database`) and ``self.display``."""

    def delete_runs(self, run_ids: Iterable[int]) -> int:
        """Delete runs with everything stored for them; how many were deleted."""
        ids = list(run_ids)
        if not ids:
            return 0
        with self.db.write() as conn:
            for table in (Metric, Artifact, Summary, Param, Tag, RunClaim):
                conn.execute(delete(table).where(table.run_id.in_(ids)))
            return conn.execute(delete(Run).where(Run.id.in_(ids))).rowcount

    def set_tag(self, run_ids: Iterable[int], key: str, value: str = "") -> None:
        """Set ``key=value`` on every run (replacing its value); safe to repeat and to race."""
        ids = list(run_ids)
        with self.db.write() as conn:
            self._require(conn, ids)
            for run_id in ids:
                conn.execute(upsert(conn, Tag, ("run_id", "key"),
                                    {"run_id": run_id, "key": key, "value": value}))

    def remove_tag(self, run_ids: Iterable[int], key: str) -> int:
        ids = list(run_ids)
        with self.db.write() as conn:
            self._require(conn, ids)
            return conn.execute(delete(Tag).where(Tag.run_id.in_(ids), Tag.key == key)).rowcount

    def _require(self, conn, ids: list[int]) -> None:
        found = set(conn.execute(select(Run.id).where(Run.id.in_(ids))).scalars())
        missing = [i for i in ids if i not in found]
        if missing:
            raise UsageError(f"no run with id {missing[0]} in {self.display}")

    def run_ids(self, *, status: Iterable[str] | None = None, task: str | None = None) -> list[int]:
        query = select(Run.id).order_by(Run.id)
        if status is not None:
            query = query.where(Run.status.in_(list(status)))
        if task:
            query = query.where(Run.task == task)
        with self.db.read() as session:
            return list(session.scalars(query))

    def prune(self, statuses: Iterable[str] = PRUNABLE_STATUSES) -> int:
        return self.delete_runs(self.run_ids(status=statuses))
