"""The reads the dashboard needs beyond RunStore's typed ones: a filtered, counted page.

``RunStore.list_runs`` filters by task, status and tag but has no count of a filtered
listing and no choice filter; a runs table of 10,000 rows must not load them all to
show 50. :func:`runs_page` therefore selects the *ids* of one page (and the count) with
SQL, in one short read transaction, then asks ``RunStore.list_runs(ids=...)`` for the
typed records, so the records are built by the store as everywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import String, cast, func, or_, select

from ..storage.models import Run, Tag

#: the most rows a page may ask for (the API answers 422 above it)
MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class RunQuery:
    """Filters of the runs table; every given one must hold.

    :param choice: ``kind=name`` (a plugin choice: exactly ``name``, or any
        ``name(...)``), or any text found in the run's choices (``adam``).
    """

    task: str | None = None
    status: str | None = None
    tag: str | None = None
    preset: str | None = None
    choice: str | None = None

    def conditions(self) -> list:
        where = []
        if self.task:
            where.append(Run.task == self.task)
        if self.status:
            where.append(Run.status == self.status)
        if self.preset:
            where.append(Run.preset == self.preset)
        if self.tag:
            where.append(Run.id.in_(select(Tag.run_id).where(Tag.key == self.tag)))
        if self.choice:
            kind, sep, name = self.choice.partition("=")
            if sep and kind.strip() and name.strip():
                stored = Run.choices[kind.strip()].as_string()
                name = name.strip()
                where.append(or_(stored == name,
                                 stored.like(_like_escape(name) + "(%", escape="\\")))
            else:
                where.append(cast(Run.choices, String).like(
                    "%" + _like_escape(self.choice.strip()) + "%", escape="\\"))
        return where

    def as_params(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v}


@dataclass(frozen=True)
class RunsPage:
    total: int
    page: int
    page_size: int
    runs: list  # RunRecord, newest first

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def runs_page(store, query: RunQuery, page: int = 1,
              page_size: int = DEFAULT_PAGE_SIZE) -> RunsPage:
    """One page (1-based) of the runs ``query`` selects, newest first, and their count."""
    page_size = max(1, min(int(page_size), MAX_PAGE_SIZE))
    where = query.conditions()
    with store.db.read() as session:
        total = int(session.scalar(select(func.count()).select_from(Run).where(*where)))
        ids = list(session.scalars(select(Run.id).where(*where).order_by(Run.id.desc())
                                   .offset((page - 1) * page_size).limit(page_size)))
    records = store.list_runs(ids=ids) if ids else []
    return RunsPage(total, page, page_size, records)


def facets(store) -> dict:
    """The values the filter form offers: tasks (with run counts), statuses, presets."""
    with store.db.read() as session:
        tasks = session.execute(select(Run.task, func.count()).group_by(Run.task)
                                .order_by(Run.task)).all()
        statuses = list(session.scalars(select(Run.status).distinct().order_by(Run.status)))
        presets = list(session.scalars(select(Run.preset).where(Run.preset.is_not(None))
                                       .distinct().order_by(Run.preset)))
    return {"tasks": {t: int(n) for t, n in tasks}, "statuses": statuses, "presets": presets}
