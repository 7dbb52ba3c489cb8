"""``dlbench results list|show``: what is stored."""

from __future__ import annotations

import click

from .context import pass_app
from .output import echo_json, format_table


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
