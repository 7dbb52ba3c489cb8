"""``dlbench results``: browse what is stored (list, show, compare, export) and curate it
(delete, tag, note, prune)."""

from __future__ import annotations

import click

from ..errors import UsageError
from .context import pass_app
from .output import echo_json, emit, format_table


@click.group()
def results():
    """Browse and curate stored runs."""


def _choices(run) -> str:
    return ", ".join(f"{k}={v}" for k, v in (run.choices or {}).items())


def _tags(run) -> str:
    from ..bench.export import tag_text

    return tag_text(run.tags)


@results.command("list")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Newest N runs only.")
@click.option("--task", default=None, help="Only runs of this task.")
@click.option("--status", default=None, help="Only runs with this status.")
@click.option("--tag", default=None, help="Only runs with this tag.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of runs.")
@pass_app
def list_runs(app, limit, task, status, tag, as_json):
    """List stored runs, newest first (all of them unless --limit), with their tags and
    notes."""
    runs = app.store.list_runs(limit=limit, task=task, status=status, tag=tag)
    if as_json:
        echo_json([r.as_dict() for r in runs])
        return
    if not runs:
        click.echo(f"no runs stored in {app.db_display}"
                   + (" that match" if task or status or tag else ""))
        return
    rows = [(r.id, r.task, r.status, r.seed, (r.started_at or "")[:19], _choices(r), _tags(r),
             r.tags.get("note", "")) for r in runs]
    click.echo(format_table(rows, ("id", "task", "status", "seed", "started (UTC)", "choices",
                                   "tags", "note")))


@results.command("show")
@click.argument("run_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def show_run(app, run_id, as_json):
    """Show one run: config, environment, summary, series, artifacts, tags and notes."""
    detail = app.store.get_run(run_id)
    if as_json:
        echo_json(detail.as_dict())
        return
    run = detail.run
    click.echo(f"run {run.id}: {run.task} ({run.preset or 'no preset'}) "
               f"seed {run.seed}  {run.status}")
    click.echo(f"  config hash {run.config_hash}  code {run.code_version}")
    click.echo(f"  started {run.started_at}  finished {run.finished_at}  "
               f"({run.duration_s or 0:.2f} s)")
    if run.choices:
        click.echo(f"  choices: {_choices(run)}")
    if run.error:
        click.echo(f"  error at step {run.error_step}: {run.error}")
    for key, value in run.summary.items():
        click.echo(f"  {key} = {value:.6g}")
    if detail.metrics:
        click.echo("  series: " + ", ".join(f"{k} ({n} points)" for k, n in detail.metrics.items()))
    if detail.artifacts:
        click.echo("  artifacts: " + ", ".join(detail.artifacts))
    if _tags(run):
        click.echo(f"  tags: {_tags(run)}")
    if run.tags.get("note"):
        click.echo(f"  note: {run.tags['note']}")
    if run.tags.get("notes"):
        click.echo(f"  task notes: {run.tags['notes']}")
    env = detail.environment
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

    runs = [app.store.get_run(i).run for i in run_ids]
    summary_keys = sorted({k for r in runs for k in r.summary})
    flat = [flatten(r.config) for r in runs]
    differing = sorted(k for k in set().union(*flat)
                       if len({repr(f.get(k)) for f in flat}) > 1 and k != "seed")
    if as_json:
        echo_json({"runs": [{"id": r.id, "task": r.task, "status": r.status, "seed": r.seed,
                             "choices": r.choices, "summary": r.summary} for r in runs],
                   "differing_settings": {k: [f.get(k) for f in flat] for k in differing}})
        return
    headers = ["", *[f"run {r.id}" for r in runs]]
    rows = [("task", *[r.task for r in runs]), ("status", *[r.status for r in runs]),
            ("seed", *[r.seed for r in runs]), ("choices", *[_choices(r) for r in runs])]
    rows += [(k, *[r.summary.get(k) for r in runs]) for k in summary_keys]
    rows += [(f"≠ {k}", *[f.get(k) for f in flat]) for k in differing]
    click.echo(format_table(rows, headers))


@results.command("export")
@click.option("--task", default=None, help="Only runs of this task.")
@click.option("--tag", default=None, help="Only runs with this tag.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "markdown"]), default="csv",
              show_default=True)
@click.option("--series", is_flag=True, help="Export metric series (run, key, step, value) instead.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to FILE instead of standard output.")
@pass_app
def export_runs(app, task, tag, fmt, series, out):
    """Export runs (one row per run: id, task, status, seed, choices, summary metrics,
    tags and note)."""
    from ..bench.export import render_runs, render_series

    runs = app.store.list_runs(task=task, tag=tag)
    text = render_series(app.store, runs, fmt) if series else render_runs(runs, fmt)
    emit(text, out, f"{len(runs)} runs")


# -- curation --------------------------------------------------------------------------
def _confirm_delete(app, ids: list[int], what: str, yes: bool) -> None:
    """Delete ``ids`` after saying how many and (unless ``yes``) asking."""
    if not ids:
        click.echo(f"no runs match ({what}) in {app.db_display}; nothing deleted")
        return
    question = f"delete {len(ids)} run(s) ({what}) from {app.db_display}?"
    if not yes and not click.confirm(question, default=False):
        click.echo("nothing deleted")
        return
    deleted = app.store.delete_runs(ids)
    click.echo(f"deleted {deleted} run(s) ({what})")


def _parse_ids(items) -> list[int]:
    """Run ids from the command line (one ``Error:`` line for anything else)."""
    ids = []
    for item in items:
        item = str(item).strip()
        if not item.isdigit() or len(item) > 18:
            raise UsageError(f"run ids are whole numbers, got {item[:60]!r}")
        ids.append(int(item))
    return ids


@results.command("delete")
@click.argument("run_ids", nargs=-1, metavar="[ID]...")
@click.option("--status", default=None, help="Every run with this status.")
@click.option("--task", default=None, help="Every run of this task.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def delete_runs(app, run_ids, status, task, yes):
    """Delete runs by id, or every run with --status and/or of --task (with everything
    stored for them). Asks first unless --yes. A running run is never deleted."""
    from ..storage import RUN_STATUSES

    run_ids = _parse_ids(run_ids)
    if run_ids and (status or task):
        raise UsageError("give run ids or --status/--task, not both")
    if not run_ids and not (status or task):
        raise UsageError("say what to delete: run ids, --status S or --task T")
    if status is not None and status not in RUN_STATUSES:
        from ..errors import UnknownNameError

        raise UnknownNameError("status", status, RUN_STATUSES)
    if run_ids:
        ids = list(dict.fromkeys(run_ids))
        found = {r.id: r for r in app.store.list_runs(ids=ids)}
        missing = [i for i in ids if i not in found]
        if missing:
            raise UsageError(f"no run with id {missing[0]} in {app.db_display}")
        running = [i for i in ids if found[i].status == "running"]
        if running:
            raise UsageError(f"run {running[0]} is running; stop its `dlbench run` first "
                             "(or `dlbench results prune` once it is abandoned)")
        what = "id " + ", ".join(map(str, ids))
    else:
        statuses = [status] if status else [s for s in RUN_STATUSES if s != "running"]
        ids = app.store.run_ids(status=statuses, task=task)
        what = ", ".join(p for p in (f"status {status}" if status else "",
                                     f"task {task}" if task else "") if p)
        if status == "running":
            raise UsageError("running runs are not deleted; stop their `dlbench run` first")
        running = app.store.run_ids(status=["running"], task=task) if not status else []
        if running:
            click.echo(f"keeping {len(running)} running run(s) (their `dlbench run` is not "
                       "finished)")
    _confirm_delete(app, ids, what, yes)


@results.command("prune")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def prune_runs(app, yes):
    """Delete every run that produced no result: abandoned, interrupted, failed, timed out
    or whose worker died."""
    from ..storage import PRUNABLE_STATUSES

    app.store.reap_abandoned()  # a `running` row whose process is gone is abandoned
    ids = app.store.run_ids(status=PRUNABLE_STATUSES)
    _confirm_delete(app, ids, "/".join(PRUNABLE_STATUSES), yes)


def _tag_name(tag: str) -> str:
    from ..storage.runs import RESERVED_TAGS

    tag = tag.strip()
    if not tag or any(c.isspace() for c in tag) or len(tag) > 100:
        raise UsageError(f"a tag is one word of at most 100 characters, got {tag[:60]!r}")
    if tag in RESERVED_TAGS:
        raise UsageError(f"{tag!r} is reserved (use `dlbench results note` for a note)")
    return tag


@results.command("tag", context_settings={"ignore_unknown_options": False})
@click.argument("args", nargs=-1, required=True, metavar="ID... TAG")
@click.option("--remove", is_flag=True, help="Remove TAG from the runs instead.")
@pass_app
def tag_runs(app, args, remove):
    """Tag runs (``dlbench results tag 3 4 baseline``); leaderboards, plots, reports and
    exports select tagged runs with --tag TAG."""
    if len(args) < 2:
        raise UsageError("usage: dlbench results tag ID... TAG")
    ids = _parse_ids(args[:-1])
    tag = _tag_name(args[-1])
    if remove:
        n = app.store.remove_tag(ids, tag)
        click.echo(f"removed tag {tag!r} from {n} run(s)")
    else:
        app.store.set_tag(ids, tag)
        click.echo(f"tagged {len(ids)} run(s) {tag!r}")


@results.command("note")
@click.argument("run_id", metavar="ID")
@click.argument("text")
@pass_app
def note_run(app, run_id, text):
    """Attach a note to a run (shown by `results list` and `results show`); an empty TEXT
    removes it."""
    from ..storage.runs import NOTE_TAG

    (run_id,) = _parse_ids([run_id])
    text = text.strip()
    if len(text) > 2000:
        raise UsageError(f"a note is at most 2000 characters, got {len(text)}")
    if text:
        app.store.set_tag([run_id], NOTE_TAG, text)
        click.echo(f"noted run {run_id}")
    else:
        app.store.remove_tag([run_id], NOTE_TAG)
        click.echo(f"removed the note of run {run_id}")
