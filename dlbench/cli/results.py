"""``dlbench results list|show``: what is stored."""

from __future__ import annotations

import click

from .context import pass_app
from .output import echo_json, emit, format_table


@click.group()
def results():
    """Browse stored runs."""


def _choices(run: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in (run.get("choices") or {}).items())


@results.command("list")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Newest N runs only.")
@click.option("--task", default=None, help="Only runs of this task.")
@click.option("--status", default=None, help="Only runs with this status.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of runs.")
@pass_app
def list_runs(app, limit, task, status, as_json):
    """List stored runs, newest first (all of them unless --limit)."""
    runs = app.store.list_runs(limit=limit, task=task, status=status)
    if as_json:
        echo_json(runs)
        return
    if not runs:
        click.echo(f"no runs stored in {app.db_url}")
        return
    rows = [(r["id"], r["task"], r["status"], r["seed"], (r["started_at"] or "")[:19],
             _choices(r)) for r in runs]
    click.echo(format_table(rows, ("id", "task", "status", "seed", "started (UTC)", "choices")))


@results.command("show")
@click.argument("run_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def show_run(app, run_id, as_json):
    """Show one run: config, environment, summary, series and artifacts."""
    run = app.store.get_run(run_id)
    if as_json:
        echo_json(run)
        return
    click.echo(f"run {run['id']}: {run['task']} ({run['preset'] or 'no preset'}) "
               f"seed {run['seed']}  {run['status']}")
    click.echo(f"  config hash {run['config_hash']}  code {run['code_version']}")
    click.echo(f"  started {run['started_at']}  finished {run['finished_at']}  "
               f"({run['duration_s'] or 0:.2f} s)")
    if run["choices"]:
        click.echo(f"  choices: {_choices(run)}")
    if run["error"]:
        click.echo(f"  error at step {run['error_step']}: {run['error']}")
    for key, value in run["summary"].items():
        click.echo(f"  {key} = {value:.6g}")
    if run["metrics"]:
        click.echo("  series: " + ", ".join(f"{k} ({n} points)" for k, n in run["metrics"].items()))
    if run["artifacts"]:
        click.echo("  artifacts: " + ", ".join(run["artifacts"]))
    env = run["environment"]
    click.echo(f"  python {env['python_version']}  numpy {env['numpy_version']}  "
               f"dlbench {env['dlbench_version']}  BLAS {env['blas_vendor']} "
               f"({env['blas_threads']} threads)  {env['platform']}")


@results.command("compare")
@click.argument("run_ids", type=int, nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def compare_runs(app, run_ids, as_json):
    """Compare runs side by side: summaries, and the settings in which they differ."""
    from ..storage import flatten

    runs = [app.store.get_run(i) for i in run_ids]
    summary_keys = sorted({k for r in runs for k in r["summary"]})
    flat = [flatten(r["config"]) for r in runs]
    differing = sorted(k for k in set().union(*flat)
                       if len({repr(f.get(k)) for f in flat}) > 1 and k != "seed")
    if as_json:
        echo_json({"runs": [{"id": r["id"], "task": r["task"], "status": r["status"],
                             "seed": r["seed"], "choices": r["choices"], "summary": r["summary"]}
                            for r in runs],
                   "differing_settings": {k: [f.get(k) for f in flat] for k in differing}})
        return
    headers = ["", *[f"run {r['id']}" for r in runs]]
    rows = [("task", *[r["task"] for r in runs]), ("status", *[r["status"] for r in runs]),
            ("seed", *[r["seed"] for r in runs]), ("choices", *[_choices(r) for r in runs])]
    rows += [(k, *[r["summary"].get(k) for r in runs]) for k in summary_keys]
    rows += [(f"≠ {k}", *[f.get(k) for f in flat]) for k in differing]
    click.echo(format_table(rows, headers))


@results.command("export")
@click.option("--task", default=None, help="Only runs of this task.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "markdown"]), default="csv",
              show_default=True)
@click.option("--series", is_flag=True, help="Export metric series (run, key, step, value) instead.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to FILE instead of standard output.")
@pass_app
def export_runs(app, task, fmt, series, out):
    """Export runs (one row per run: id, task, status, seed, choices, summary metrics)."""
    from ..bench.export import render_runs, render_series

    runs = app.store.list_runs(task=task)
    text = render_series(app.store, runs, fmt) if series else render_runs(runs, fmt)
    emit(text, out, f"{len(runs)} runs")
