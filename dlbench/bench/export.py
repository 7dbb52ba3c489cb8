"""Exports of stored runs to CSV, JSON and Markdown (strings; the CLI writes them)."""

from __future__ import annotations

import csv
import io
import json
import math


def _cell(value) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return "" if value is None else str(value)


def run_rows(runs: list) -> tuple[list[str], list[list]]:
    """Header and rows of run records: fixed columns, one column per choice kind and
    summary key, then the run's tags (``key`` or ``key=value``) and the user's note."""
    kinds = sorted({k for r in runs for k in (r.choices or {})})
    keys = sorted({k for r in runs for k in r.summary})
    header = ["id", "task", "preset", "status", "seed", *kinds, *keys, "duration_s",
              "started_at", "config_hash", "code_version", "error", "tags", "note"]
    rows = []
    for r in runs:
        rows.append([r.id, r.task, r.preset, r.status, r.seed,
                     *[(r.choices or {}).get(k) for k in kinds],
                     *[r.summary.get(k) for k in keys], r.duration_s, r.started_at,
                     r.config_hash, r.code_version, r.error, tag_text(r.tags),
                     (r.tags or {}).get("note", "")])
    return header, rows


def tag_text(tags: dict) -> str:
    """The user's tags of a run, ``best, lr=0.1`` (not the task's ``notes`` or the
    user's ``note``, which have their own columns)."""
    return ", ".join(k if not v else f"{k}={v}" for k, v in sorted((tags or {}).items())
                     if k not in ("notes", "note"))


def _render(header, rows, fmt: str) -> str:
    if fmt == "json":
        def clean(v):
            return _cell(v) if isinstance(v, float) and not math.isfinite(v) else v
        return json.dumps([{h: clean(v) for h, v in zip(header, row)} for row in rows],
                          indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(_cell(v).replace("|", "\\|") for v in row) + " |" for row in rows]
        return "\n".join(lines) + "\n"
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[_cell(v) for v in row] for row in rows])
    return buf.getvalue()


def render_runs(runs: list, fmt: str) -> str:
    return _render(*run_rows(runs), fmt)


def render_series(store, runs: list, fmt: str) -> str:
    """Every stored series point of ``runs``: ``run_id, key, step, value``."""
    header = ["run_id", "key", "step", "value"]
    rows = []
    for r in runs:
        for key in store.get_run(r.id).metrics:
            steps, values = store.metric_series(r.id, key)
            rows += [[r.id, key, int(s), float(v)] for s, v in zip(steps, values)]
    return _render(header, rows, fmt)


def leaderboard_rows(entries, metric: str) -> tuple[list[str], list[list]]:
    """Header and rows of a leaderboard (:func:`dlbench.bench.leaderboard.build` entries):
    rank, preset, one column per choice kind, the label (with the settings and plugin
    versions that tell rows apart), the statistics over seeds and the mean of each extra
    column."""
    kinds = list(dict.fromkeys(k for e in entries for k in e.choices))
    extra = list(dict.fromkeys(k for e in entries for k in e.extras))
    header = ["rank", "preset", *kinds, "label", "metric", "n", "mean", "std", "ci95",
              *[f"{k}_mean" for k in extra], "never",
              "statuses", "run_ids", "grid", "code_versions"]
    rows = []
    for e in entries:
        s = e.stats
        rows.append([e.rank, e.preset, *[e.choices.get(k) for k in kinds], e.label(), metric,
                     s.get("n"), s.get("mean"), s.get("std"), s.get("ci95"),
                     *[e.extras.get(k, {}).get("mean") for k in extra], s.get("never", 0),
                     ", ".join(f"{n} {k}" for k, n in e.statuses.items()),
                     " ".join(str(i) for i in e.run_ids), e.grid_text(),
                     " ".join(str(v) for v in sorted(e.code_versions, key=str))])
    return header, rows


def render_leaderboard(entries, metric: str, fmt: str) -> str:
    return _render(*leaderboard_rows(entries, metric), fmt)
