"""``dlbench run [TASK]``: expand a task's grid, reuse what is stored, run the rest."""

from __future__ import annotations

import statistics

import click

from ..bench.metrics import seed_stats
from ..errors import UsageError
from .context import pass_app
from .output import echo_json, format_table
from .progress import Progress

KIND_OPTIONS = ("activation", "initializer", "optimizer", "scheduler", "regularizer",
                "architecture", "dataset")


def _kind_option(kind):
    return click.option(f"--{kind}", f"{kind}_choices", multiple=True, metavar="NAME[,NAME...]",
                        help=f"{kind.capitalize()}(s) to run, e.g. 'a,b(x=1)'. Repeatable.")


def standard_suite(registry) -> list[str]:
    tasks = [registry.get("task", n) for n in registry.names("task")]
    return [t.name for t in sorted((t for t in tasks if t.standard),
                                   key=lambda t: (t.suite_order, t.name))]


def _estimate(app, task_cls, preset: str) -> float:
    try:
        past = app.store.durations(task_cls.name, preset)
    except Exception:  # an estimate must never stop a dry run
        past = []
    if past:
        return statistics.median(past)
    return float(task_cls.estimate_s.get(preset, 5.0))


def _summary_rows(outcomes, registry):
    groups: dict = {}
    for o in outcomes:
        key = (o.spec.task, tuple(sorted(o.spec.choices.items())))
        groups.setdefault(key, []).append(o)
    rows = []
    for (task, choices), items in groups.items():
        metric, _ = registry.get("task", task).primary_metric
        values = [o.summary.get(metric) for o in items if o.summary.get(metric) is not None]
        stats = seed_stats(values)  # over the finite values
        if stats["n"]:
            sd = stats["std"] if stats["n"] > 1 else 0.0
            shown = f"{stats['mean']:.4g} ± {sd:.2g}" + (
                "" if stats["n"] == len(values) else f" ({len(values) - stats['n']} never)")
        else:
            shown = "never reached" if values else "-"
        statuses = {}
        for o in items:
            statuses[o.status] = statuses.get(o.status, 0) + 1
        rows.append((task, ", ".join(f"{k}={v}" for k, v in choices) or "-",
                     ", ".join(f"{n} {s}" for s, n in statuses.items()), f"{metric}: {shown}"))
    return rows


@click.command("run")
@click.argument("task", required=False)
@_kind_option("activation")
@_kind_option("initializer")
@_kind_option("optimizer")
@_kind_option("scheduler")
@_kind_option("regularizer")
@_kind_option("architecture")
@_kind_option("dataset")
@click.option("--preset", default="quick", show_default=True, help="quick | book | test")
@click.option("--seeds", type=click.IntRange(min=1), default=None, help="Run seeds 0..N-1.")
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Run this one seed.")
@click.option("--set", "settings", multiple=True, metavar="KEY=VALUE",
              help="Override a task setting (e.g. iterations=200). Repeatable.")
@click.option("--grid", "grid_items", multiple=True, metavar="KEY=V1,V2",
              help="Expand any setting into the grid, e.g. 'batch_size=32,128' or "
                   "'net=plain(depth=32),residual(depth=32)'. Repeatable.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Worker processes (BLAS pinned to one thread each).")
@click.option("--force", is_flag=True, help="Run again even if identical runs are stored.")
@click.option("--dry-run", is_flag=True, help="Print the grid, the number of runs and an estimate.")
@click.option("--max-minutes", type=click.FloatRange(min=0), default=None,
              help="Stop starting new runs after this many minutes.")
@click.option("--data-dir", type=click.Path(file_okay=False), default=None,
              help="Folder with MNIST-style IDX files (else $DLBENCH_DATA_DIR).")
@click.option("--json", "as_json", is_flag=True, help="Print the outcomes as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
@click.option("--report", "make_report", is_flag=True,
              help="Build the HTML report (dlbench report) after the runs.")
@pass_app
def run_cmd(app, task, preset, seeds, seed, settings, grid_items, workers, force, dry_run, max_minutes,
            data_dir, as_json, quiet, make_report, **kind_choices):
    """Run TASK (or, with no TASK, the standard suite at its quick presets) and store
    every run. Identical finished runs (same config hash and code version) are reused."""
    from ..bench.executors import PluginContext, PoolExecutor, SerialExecutor
    from ..bench.runner import RunInterrupted, Runner
    from ..bench.spec import plan

    if seeds is not None and seed is not None:
        raise UsageError("give --seeds N or --seed S, not both")
    reg = app.registry
    tasks = [task] if task else standard_suite(reg)
    if task:
        reg.entry("task", task)  # unknown task -> did-you-mean, before anything runs
    choices = {k.removesuffix("_choices"): list(v) for k, v in kind_choices.items() if v}
    for item in grid_items:
        key, sep, values = item.partition("=")
        if not sep or not values.strip():
            raise UsageError(f"--grid expects KEY=V1,V2, got {item!r}")
        choices.setdefault(key.strip(), []).append(values)
    seed_list = [seed] if seed is not None else (list(range(seeds)) if seeds else None)
    plans, cache = [], {}
    for name in tasks:
        task_cls = reg.get("task", name)
        overrides = task_cls.parse_set(list(settings)) if settings else {}
        usable = {k: v for k, v in choices.items() if task or k in task_cls.fields()}
        specs = plan(reg, name, preset=preset, choices=usable, seeds=seed_list,
                     overrides=overrides, data_dir=data_dir, dataset_cache=cache)
        plans.append((task_cls, specs))
    if dry_run:
        _dry_run(app, plans, preset, force, as_json)
        return
    context = PluginContext(tuple(app.plugin_specs), app.plugins_dir, data_dir)
    progress = Progress(enabled=not (quiet or as_json))
    outcomes, interrupted = [], False
    budget_total = max_minutes * 60 if max_minutes is not None else None
    for task_cls, specs in plans:
        executor = PoolExecutor(workers, context) if workers > 1 else SerialExecutor(reg, context, cache)
        budget = budget_total
        if budget is None and not task:
            budget = task_cls.preset(preset).budget_s
        runner = Runner(reg, app.store, executor, force=force, max_seconds=budget, listener=progress)
        try:
            outcomes += runner.run(specs)
        except RunInterrupted as exc:
            outcomes += exc.outcomes
            interrupted = True
            break
        for warning in runner.warnings:
            click.echo(f"warning: {warning}", err=True)
    progress.close()
    _report(app, outcomes, as_json, interrupted, reg, make_report)


def _dry_run(app, plans, preset, force, as_json):
    from ..bench.environment import code_version

    version = code_version()
    out, total_s = [], 0.0
    for task_cls, specs in plans:
        reusable = 0 if force else sum(
            app.store.find_reusable(s.config_hash, version) is not None for s in specs)
        each = _estimate(app, task_cls, preset)
        seconds = each * (len(specs) - reusable)
        total_s += seconds
        axes = {}
        for s in specs:
            for k, v in s.choices.items():
                axes.setdefault(k, [])
                if v not in axes[k]:
                    axes[k].append(v)
        seeds = sorted({s.seed for s in specs})
        out.append({"task": task_cls.name, "preset": preset, "grid": axes, "seeds": seeds,
                    "runs": len(specs), "reusable": reusable, "estimated_s": round(seconds, 1),
                    "note": task_cls.preset(preset).note, "notes": specs[0].notes if specs else []})
    if as_json:
        echo_json({"tasks": out, "estimated_s": round(total_s, 1)})
        return
    for item in out:
        grid = " × ".join(f"{k}[{', '.join(map(str, v))}]"
                         for k, v in item["grid"].items()) or "(no grid)"
        click.echo(f"{item['task']} ({item['preset']}): {grid} × seeds {item['seeds']}")
        click.echo(f"  {item['runs']} runs, {item['reusable']} reusable, ~{item['estimated_s']:.0f} s")
        for note in [item["note"], *item["notes"]]:
            if note:
                click.echo(f"  note: {note}")
    click.echo(f"total: {sum(i['runs'] for i in out)} runs, ~{total_s:.0f} s")


def _report(app, outcomes, as_json, interrupted, reg, make_report=False):
    failed = [o for o in outcomes if o.status == "failed"]
    if as_json:
        echo_json([{"task": o.spec.task, "choices": o.spec.choices, "seed": o.spec.seed,
                    "status": o.status, "run_id": o.run_id, "summary": o.summary,
                    "duration_s": o.duration_s, "error": o.error,
                    "config_hash": o.spec.config_hash} for o in outcomes])
    else:
        if outcomes:
            click.echo(format_table(_summary_rows(outcomes, reg),
                                    ("task", "choices", "runs", "result (mean ± std over seeds)")))
        for o in failed:
            click.echo(f"FAILED run {o.run_id} ({o.spec.label()}): {o.error}", err=True)
        skipped = [o for o in outcomes if o.status == "skipped"]
        if skipped:
            click.echo(f"{len(skipped)} runs skipped by the time budget; rerun to continue "
                       "(finished runs are reused).", err=True)
        tasks = sorted({o.spec.task for o in outcomes})
        if tasks and not make_report:
            from .report import report_command_line

            click.echo("\nReport (figures, leaderboards, every run's configuration): "
                       + report_command_line(app))
    if make_report and outcomes and not interrupted:
        from .report import build_and_describe

        build_and_describe(app, err=as_json)  # keep --json's standard output pure JSON
    if interrupted:
        click.echo("Interrupted: finished runs are stored; the current ones are marked "
                   "interrupted. Run the same command again to resume.", err=True)
        raise SystemExit(130)
    if failed:
        raise SystemExit(1)
