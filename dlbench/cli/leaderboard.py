"""``dlbench leaderboard TASK``: mean ± std and a 95% interval over seeds, ranked."""

from __future__ import annotations

import json
import math

import click

from ..bench import leaderboard as lb
from ..bench.export import render_leaderboard
from .context import pass_app
from .output import emit, format_table, jsonable


def _fmt(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.4g}"


def _export(entries, task, metric, measure, fmt, out) -> None:
    """JSON keeps the full entries (``--json``'s shape); CSV and Markdown one row each."""
    if fmt == "json":
        text = json.dumps(jsonable({"task": task, "metric": metric,
                                    "direction": measure.direction, "target": measure.target,
                                    "better": measure.describe(),
                                    "entries": [e.as_dict() for e in entries]}),
                          indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    else:
        text = render_leaderboard(entries, metric, fmt)
    emit(text, out, f"{len(entries)} entries")


@click.command("leaderboard")
@click.argument("task")
@click.option("--metric", default=None, help="Summary metric to rank by (default: the task's).")
@click.option("--preset", default=None, help="Only runs of this preset.")
@click.option("--tag", default=None, help="Only runs with this tag (see `dlbench results tag`).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (same as --format json).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "markdown"]),
              default="table", show_default=True,
              help="table: sized to the terminal; csv / markdown: one row per entry.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to FILE instead of standard output (csv, json, markdown).")
@pass_app
def leaderboard_cmd(app, task, metric, preset, tag, as_json, fmt, out):
    """Rank the stored runs of TASK: one row per plugin choice, statistics over seeds
    (Student-t 95% interval), diverged entries last. What is better (lower, higher or
    closest to an ideal value) is declared by the task for each metric."""
    task_cls = app.registry.get("task", task)
    runs = [r for r in app.store.list_runs(task=task, tag=tag) if preset in (None, r.preset)]
    known = {k for r in runs for k in r.summary}
    metric, measure = lb.ranking_metric(task_cls, metric, known)
    extra = tuple(k for k in task_cls.leaderboard_columns if k != metric)
    entries = lb.build(runs, metric, measure, extra)
    if as_json or fmt in ("json", "csv", "markdown"):
        _export(entries, task, metric, measure, "json" if as_json else fmt, out)
        return
    if not entries:
        click.echo(f"no stored runs of {task}" + (f" with preset {preset}" if preset else "")
                   + (f" tagged {tag!r}" if tag else "")
                   + f" in {app.db_display}; try: dlbench run {task}")
        return
    if metric not in known:
        click.echo(f"note: no stored run has the metric {metric!r}; "
                   f"stored: {', '.join(sorted(known))}")
    rows = []
    for e in entries:
        s = e.stats
        mean = _fmt(s.get("mean")) + (f" ± {_fmt(s.get('std'))}" if s.get("n", 0) > 1 else "")
        ci = f"±{_fmt(s.get('ci95'))}" if s.get("n", 0) > 1 else "-"
        status = ", ".join(f"{n} {k}" for k, n in e.statuses.items())
        if s.get("never"):
            status += f", {s['never']} never reached"
        shown = [_fmt(e.extras.get(k, {}).get("mean")) for k in extra]
        rows.append((e.rank, e.label(), e.preset or "", s.get("n", 0), mean, ci, *shown,
                     status, e.grid_text()))
    click.echo(f"{task}: {metric}: {measure.describe()}")
    for k in extra:
        click.echo(f"  also shown: {k} ({task_cls.metric(k).describe()})")
    headers = ["#", "choices", "preset", "n", "mean ± std", "95% CI", *extra, "runs", "grid"]
    if not any(r[-1] for r in rows):  # no search grid: drop the column, shrink the choices
        headers, rows = headers[:-1], [r[:-1] for r in rows]
    shrink = len(headers) - 1 if headers[-1] == "grid" else 1
    click.echo(format_table(rows, headers, shrink=shrink))
    versions = {v for e in entries for v in e.code_versions}
    if len(versions) > 1:
        click.echo(f"note: runs from {len(versions)} code versions are mixed here "
                   "(see `dlbench results list --json`).")
