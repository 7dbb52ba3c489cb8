"""The book's figures drawn on the server by the code of ``dlbench plot`` and the report
(:func:`dlbench.report.make_figure`), as SVG or PNG, Japanese labels included (the
figures use the bundled IPAex font, so no system font is needed).

Matplotlib is not thread-safe, so one figure is drawn at a time; a drawn figure is kept
until the task's runs change (count, newest id, newest finish time), so a page reload
does not redraw it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from sqlalchemy import func, select

from ..errors import UsageError
from ..storage.models import Run
from .results import NotFound

FORMATS = {"svg": "image/svg+xml", "png": "image/png"}
CACHE_SIZE = 32
_draw_lock = threading.Lock()
_cache: OrderedDict = OrderedDict()


def kinds() -> dict:
    from ..report import FIGURE_KINDS

    return FIGURE_KINDS


def figure_tasks(kind, stored_tasks) -> list[str]:
    """The tasks a figure kind can draw that have stored runs (default task first)."""
    if kind.tasks is None:
        return sorted(stored_tasks)
    return [t for t in kind.tasks if t in stored_tasks]


def fingerprint(store, task: str) -> tuple:
    """Changes whenever a run of ``task`` is added, removed or finishes."""
    with store.db.read() as session:
        row = session.execute(select(func.count(), func.max(Run.id), func.max(Run.finished_at))
                              .where(Run.task == task)).one()
    return tuple(str(v) for v in row)


def parse_name(name: str) -> tuple[str, str]:
    """``"loss-curves.svg"`` -> ``("loss-curves", "svg")``, or :class:`NotFound`."""
    stem, dot, fmt = name.rpartition(".")
    if not dot or fmt not in FORMATS or stem not in kinds():
        raise NotFound(f"no figure {name[:80]!r}; figures: "
                       + ", ".join(f"{k}.svg" for k in kinds()))
    return stem, fmt


def figure_bytes(store, registry, kind_name: str, fmt: str, task: str | None,
                 lang: str) -> bytes:
    from ..report import FigureOptions, RunFilter, figure_language, make_figure
    from ..report.figures import resolve_task

    kind = kinds()[kind_name]
    task = resolve_task(kind, task)  # UsageError: this figure does not draw that task
    key = (kind_name, fmt, task, lang, fingerprint(store, task))
    with _draw_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
        result = make_figure(kind_name, store, RunFilter(task=task),
                             FigureOptions(figure_language(lang)), registry=registry)
        data = result.to_bytes(fmt, dpi=90)
        _cache[key] = data
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return data


__all__ = ["FORMATS", "UsageError", "figure_bytes", "figure_tasks", "kinds", "parse_name"]
