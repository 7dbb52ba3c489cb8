"""The report's tables: a leaderboard and the results of every run, per task.

Rows hold :class:`~dlbench.report.html.Markup` links to the runs, so a reader goes from a
number to the configuration that produced it.
"""

from __future__ import annotations

import dataclasses
import math

from ..bench import leaderboard as lb
from ..bench.settings import Metric
from .html import esc, link, run_links, table
from .i18n import status_word, text


def primary_metric(registry, task: str, runs: list) -> tuple[str, Metric, tuple[str, ...]]:
    """``(metric, Metric, extra columns)`` of a task: its declared primary metric and
    leaderboard columns, or (for a task whose plugin is not loaded) ``test_acc`` / the
    first summary key."""
    try:
        task_cls = registry.get("task", task)
    except Exception:  # the task's plugin is not installed here: rank by what was stored
        keys = sorted({k for r in runs for k in r.summary})
        if "test_acc" in keys:
            return "test_acc", Metric("max"), ()
        if not keys:
            return "", Metric("min"), ()
        return keys[0], Metric("max" if keys[0].endswith("acc") else "min"), ()
    key = task_cls.primary_metric[0]
    extra = tuple(k for k in task_cls.leaderboard_columns if k != key)
    return key, task_cls.metric(key), extra


def _better(measure: Metric, lang: str) -> str:
    """``lower`` / ``higher`` / ``closest to 1`` in ``lang`` (for "... is better")."""
    if measure.direction == "target":
        return (f"{measure.target:g} に近い" if lang == "ja" else f"closest to {measure.target:g}")
    return text("lower" if measure.direction == "min" else "higher", lang)


def _num(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "∞" if value > 0 else "−∞"
        return f"{value:.4g}"
    return str(value)


def leaderboard_table(task: str, runs: list, registry, lang: str) -> tuple[str, object]:
    """``(table_id, html)`` of the task's leaderboard, built with
    :func:`dlbench.bench.leaderboard.build` (the same ranking as ``dlbench leaderboard``)."""
    metric, measure, extra = primary_metric(registry, task, runs)
    entries = lb.build(runs, metric, measure, extra)
    mixed = len({e.preset for e in entries}) > 1
    headers = ["#", text("choices", lang), *([text("preset", lang)] if mixed else []),
               text("n_runs", lang), text("mean_std", lang, metric=metric), text("ci95", lang),
               *extra, text("status", lang), text("runs_col", lang), text("grid", lang)]
    sep = text("list_sep", lang)
    rows = []
    for e in entries:
        s = e.stats
        n = s.get("n", 0)
        mean = _num(s.get("mean")) + (f" ± {_num(s.get('std'))}" if n > 1 else "")
        statuses = [text("status_tally", lang, status=status_word(k, lang), n=v)
                    for k, v in e.statuses.items()]
        if s.get("never"):
            statuses.append(text("never_reached", lang, n=s["never"]))
        rows.append([e.rank, _entry_label(e, lang),
                     *([e.preset or ""] if mixed else []), n, mean,
                     f"±{_num(s.get('ci95'))}" if n > 1 else "–",
                     *[_num(e.extras.get(k, {}).get("mean")) for k in extra], sep.join(statuses),
                     run_links(e.run_ids), _grid_text(e, lang)])
    caption = f"{text('leaderboard', lang)} — {task}: " + text(
        "ranked_by", lang, metric=metric, better=_better(measure, lang))
    numeric = [True, False, *([False] if mixed else []), True, True, True,
               *[True] * len(extra), False, False, False]
    table_id = f"leaderboard-{task}"
    return table_id, table(table_id, caption, headers, rows, numeric=numeric)


def _entry_label(entry, lang: str) -> str:
    """The entry's label (choices are identifiers) with ``(defaults)`` in ``lang``."""
    label = entry.label()
    if entry.choices:
        return label
    return text("defaults", lang) + label.removeprefix(text("defaults", "en"))


def _grid_text(entry, lang: str) -> str:
    """The entry's search grid and picks (identifiers and numbers), and the warning about
    a pick on the grid's edge in ``lang``."""
    if lang == "en" or not entry.on_edge:
        return entry.grid_text()
    plain = dataclasses.replace(entry, on_edge=0).grid_text()
    return "; ".join(p for p in (plain, text("grid_edge", lang, n=entry.on_edge)) if p)


def results_table(task: str, runs: list, lang: str) -> tuple[str, object]:
    """``(table_id, html)``: one row per run (link, choices, seed, status, summary)."""
    kinds = list(dict.fromkeys(k for r in runs for k in (r.choices or {})))
    keys = sorted({k for r in runs for k in r.summary})
    mixed_presets = len({r.preset for r in runs}) > 1
    headers = [text("run_col", lang), *kinds, *([text("preset", lang)] if mixed_presets else []),
               text("seed", lang), text("status", lang), *keys, text("duration", lang)]
    rows = []
    for r in sorted(runs, key=lambda r: r.id):
        choices = r.choices or {}
        rows.append([link(f"run-{r.id}", str(r.id)), *[choices.get(k, "") for k in kinds],
                     *([r.preset or ""] if mixed_presets else []), r.seed,
                     esc(status_word(r.status, lang)), *[_num(r.summary.get(k)) for k in keys],
                     _num(r.duration_s)])
    numeric = [True, *[False] * len(kinds), *([False] if mixed_presets else []), True, False,
               *[True] * len(keys), True]
    table_id = f"results-{task}"
    caption = f"{text('results', lang)} — {task}"
    return table_id, table(table_id, caption, headers, rows, numeric=numeric)
