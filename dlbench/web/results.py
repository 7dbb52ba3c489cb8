"""What the results pages and the JSON API show, built from RunStore's typed reads.

No HTTP here: each function takes a store (and the plugin registry where a task's
metrics are needed) and returns plain data that :mod:`.api` sends as JSON and
:mod:`.pages` renders. Unknown ids and names raise :class:`NotFound` (a 404 either way).
"""

from __future__ import annotations

import math

import numpy as np

from ..bench import leaderboard as lb
from ..errors import DlbenchError, UnknownNameError, UsageError
from .schemas import finite_or_none, json_number

#: how many arrays of one run the detail page summarises
MAX_ARTIFACTS = 50


class NotFound(DlbenchError):
    """An unknown run, task, sweep or figure (answered 404)."""


def clean(value):
    """``value`` with every NaN/±inf float made a string, so it can be sent as JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return json_number(value)
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    return value


def run_detail(store, run_id: int):
    """The stored run ``run_id`` (``RunDetail``), or :class:`NotFound`."""
    try:
        return store.get_run(run_id)
    except UsageError as exc:
        raise NotFound(str(exc)) from exc


def artifact_summaries(store, detail) -> list[dict]:
    """dtype, shape and range of each stored array (at most :data:`MAX_ARTIFACTS`)."""
    out = []
    for key in detail.artifacts[:MAX_ARTIFACTS]:
        arr = store.artifact(detail.run.id, key)
        entry = {"key": key, "dtype": arr.dtype.str, "shape": list(arr.shape),
                 "min": None, "max": None, "mean": None}
        if arr.size and np.issubdtype(arr.dtype, np.number):
            finite = arr[np.isfinite(arr)] if np.issubdtype(arr.dtype, np.floating) else arr
            if finite.size:
                entry.update(min=json_number(finite.min()), max=json_number(finite.max()),
                             mean=json_number(finite.mean()))
        out.append(entry)
    return out


def run_series(store, detail) -> dict[str, dict]:
    """Every series of a run, whole (never downsampled): key -> steps and values."""
    out = {}
    for key in detail.metrics:
        steps, values = store.metric_series(detail.run.id, key)
        out[key] = {"steps": [int(s) for s in steps], "values": finite_or_none(values)}
    return out


def tasks_with_runs(store) -> dict[str, int]:
    from .queries import facets

    return facets(store)["tasks"]


def leaderboard(store, registry, task: str, *, metric: str | None = None,
                preset: str | None = None, tag: str | None = None) -> dict:
    """The ranking ``dlbench leaderboard TASK`` prints (same grouping and statistics)."""
    try:
        task_cls = registry.get("task", task)
    except UnknownNameError as exc:
        raise NotFound(str(exc)) from exc
    runs = [r for r in store.list_runs(task=task, tag=tag) if preset in (None, r.preset)]
    known = {k for r in runs for k in r.summary}
    try:
        key, measure = lb.ranking_metric(task_cls, metric, known)
    except UnknownNameError as exc:  # a bad ?metric= is a 400, an unknown task a 404
        raise UsageError(str(exc)) from exc
    declared = set(task_cls.metrics) | {task_cls.primary_metric[0]}
    extra = tuple(k for k in task_cls.leaderboard_columns if k != key)
    entries = lb.build(runs, key, measure, extra)
    return {"task": task, "metric": key, "better": measure.describe(), "measure": measure,
            "extra": list(extra),
            "known_metrics": sorted(known | declared), "entries": entries,
            "metric_stored": key in known}


def entry_out(e) -> dict:
    s = e.stats
    return {"rank": e.rank, "label": e.label(), "preset": e.preset, "choices": clean(e.choices),
            "n": int(s.get("n", 0) or 0), "mean": json_number(s.get("mean")),
            "std": json_number(s.get("std")), "ci95": json_number(s.get("ci95")),
            "statuses": dict(e.statuses), "run_ids": list(e.run_ids), "grid": e.grid_text()}
