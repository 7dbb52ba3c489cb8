"""``dlbench run [TASK]``: expand a task's grid, reuse what is stored, run the rest."""

from __future__ import annotations

import statistics

import click

from ..bench.metrics import seed_stats
from ..errors import UsageError
from .context import pass_app
from .output import echo_json, format_table
from .progress import Progress

def _kind_option(kind):
    return click.option(f"--{kind}", f"{kind}_choices", multiple=True, metavar="NAME[,NAME...]",
                        help=f"{kind.capitalize()}(s) to run, e.g. 'a,b(x=1)'. Repeatable.")


def standard_suite(registry) -> list[str]:
    tasks = [registry.get("task", n) for n in registry.names("task")]
    return [t.name for t in sorted((t for t in tasks if t.standard),
                                   key=lambda t: (t.suite_order, t.name))]


def _estimate(store, task_cls, preset: str) -> float:
    try:
        past = store.durations(task_cls.name, preset) if store is not None else []
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
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes (BLAS pinned to one thread each); default: every CPU; "
                   "1 runs one at a time.")
@click.option("--oversubscribe", is_flag=True,
              help="Allow more --workers than CPUs.")
@click.option("--executor", "executor_kind", type=click.Choice(["pool", "dask"]), default="pool",
              show_default=True,
              help="pool: worker processes on this machine; dask: a Dask cluster "
                   "(dlbench[dask]; a local one unless --dask-scheduler).")
@click.option("--dask-scheduler", "dask_scheduler", default=None, metavar="tcp://HOST:PORT",
              help="Address of a running Dask scheduler (with --executor dask); also "
                   "accepted as '--scheduler tcp://HOST:PORT'. Keep it on a trusted network: "
                   "a scheduler runs any code it is sent.")
@click.option("--run-timeout", type=click.FloatRange(min=0, min_open=True), default=None,
              metavar="SECONDS",
              help="Stop a run after this long (status timed-out; default: the task's).")
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
@click.option("--serve", "serve", is_flag=True,
              help="Show live progress in the web dashboard (dlbench[web]) on 127.0.0.1 "
                   "while the runs go on.")
@pass_app
def run_cmd(app, task, preset, seeds, seed, settings, grid_items, workers, oversubscribe,
            executor_kind, dask_scheduler, run_timeout, force, dry_run, max_minutes, data_dir,
            as_json, quiet, make_report, serve, **kind_choices):
    """Run TASK (or, with no TASK, the standard suite at its quick presets) and store
    every run. Identical finished runs (same config hash and code version) are reused.
    Runs use every CPU (--workers 1: one at a time); stored metrics are identical either way."""
    from ..app import max_workers
    from ..bench.spec import plan

    if seeds is not None and seed is not None:
        raise UsageError("give --seeds N or --seed S, not both")
    dask_scheduler = _dask_scheduler(kind_choices, dask_scheduler, executor_kind)
    if serve and not dry_run:
        from .serve import load_web

        load_web("dlbench run --serve")  # a missing extra is said before anything runs
    reg = app.registry
    tasks = [task] if task else standard_suite(reg)
    if task:
        reg.entry("task", task)  # unknown task -> did-you-mean, before anything runs
    choices = {k.removesuffix("_choices"): list(v) for k, v in kind_choices.items() if v}
    for item in grid_items:
        key, sep, values = item.partition("=")
        if not sep or not values.strip():
            raise UsageError(f"--grid expects KEY=V1,V2, got {item[:60]!r}")
        if key.strip() in choices:
            raise UsageError(f"{key.strip()} is given twice as a grid; list every value once "
                             f"(--grid {key.strip()}=A,B)")
        choices[key.strip()] = [values]
    seed_list = [seed] if seed is not None else (list(range(seeds)) if seeds else None)
    plans, cache = [], {}
    for name in tasks:
        task_cls = reg.get("task", name)
        overrides = task_cls.parse_set(list(settings)) if settings else {}
        usable = {k: v for k, v in choices.items() if task or k in task_cls.fields()}
        specs = plan(reg, name, preset=preset, choices=usable, seeds=seed_list,
                     overrides=overrides, data_dir=data_dir, dataset_cache=cache)
        limit = run_timeout if run_timeout is not None else task_cls.timeout_s(preset)
        for spec in specs:
            spec.timeout_s = limit
        plans.append((task_cls, specs))
    if dry_run:
        _dry_run(app, plans, preset, force, as_json)
        return
    budgets = None
    if max_minutes is None and not task:
        budgets = {cls.name: cls.preset(preset).budget_s for cls, _ in plans
                   if cls.preset(preset).budget_s is not None}
    _execute(app, plans, task=task, preset=preset, force=force, as_json=as_json, quiet=quiet,
             make_report=make_report, executor_kind=executor_kind,
             workers=workers if workers is not None else max_workers(),
             oversubscribe=oversubscribe, dask_scheduler=dask_scheduler, data_dir=data_dir,
             max_seconds=max_minutes * 60 if max_minutes is not None else None, budgets=budgets,
             serve=serve)


def _dask_scheduler(kind_choices: dict, explicit: str | None, executor_kind: str) -> str | None:
    """``--scheduler tcp://HOST:PORT`` names a Dask scheduler, not a learning-rate
    scheduler: take such values out of the scheduler choices."""
    given = list(kind_choices.get("scheduler_choices") or ())
    addresses = [v for v in given if "://" in v]
    if addresses:
        kind_choices["scheduler_choices"] = tuple(v for v in given if "://" not in v)
    if explicit is not None:
        addresses.append(explicit)
    if len(addresses) > 1:
        raise UsageError("give one Dask scheduler address, not " + ", ".join(addresses))
    if addresses and executor_kind != "dask":
        raise UsageError(f"{addresses[0]} is a Dask scheduler address; add --executor dask")
    return addresses[0] if addresses else None


def _label(task, preset, plans) -> str:
    """How the sweep is named in the database: the task (or the suite) and its grid."""
    runs = sum(len(specs) for _, specs in plans)
    what = task or f"standard suite ({len(plans)} tasks)"
    return f"{what}, preset {preset}, {runs} runs"


def _set_estimates(store, plans, preset) -> None:
    for task_cls, specs in plans:
        each = _estimate(store, task_cls, preset)
        for spec in specs:
            spec.estimate_s = each


def _execute(app, plans, *, task, preset, force, as_json, quiet, make_report, executor_kind,
             workers, oversubscribe, dask_scheduler, data_dir, max_seconds, budgets, serve=False):
    from ..app import RunInterrupted, RunService, make_executor
    from ..app.signals import exit_status, interrupt_on_signals
    from ..app.sweep import Listeners, SweepTracker
    from ..bench.executors import PluginContext
    from ..storage import Owner

    reg = app.registry
    context = PluginContext(tuple(app.plugin_specs), app.plugins_dir, data_dir)
    executor = make_executor(workers, context, oversubscribe=oversubscribe, kind=executor_kind,
                             scheduler=dask_scheduler)
    specs = [spec for _, task_specs in plans for spec in task_specs]
    tasks = [cls.name for cls, _ in plans]
    try:
        store = app.open_store(create=True)
        click.echo(f"Storing runs in {store.display}", err=True)
        if store.db.memory:
            click.echo("warning: an in-memory database keeps nothing after this command; "
                       "use --db sqlite:///FILE to keep the results", err=True)
        _set_estimates(store, plans, preset)
        tracker = SweepTracker(store, label=_label(task, preset, plans), tasks=tasks,
                               total=len(specs), owner=Owner.me())
    except BaseException:
        executor.close()
        raise
    progress = Progress(enabled=not (quiet or as_json), tasks=tasks,
                        total_estimate_s=sum(s.estimate_s or 0.0 for s in specs))
    service = RunService(store, notify=app.host.notify, listener=Listeners(progress, tracker))
    outcomes, stopped, status, dashboard = [], None, "failed", None
    try:
        if serve:
            dashboard = _dashboard(app, store, tracker.sweep_id)
        with interrupt_on_signals():
            try:
                outcomes = service.execute(specs, executor, force=force, max_seconds=max_seconds,
                                           budgets=budgets)
                status = "finished"
            except RunInterrupted as exc:
                outcomes, stopped, status = exc.outcomes, exc, "interrupted"
    except KeyboardInterrupt:  # a second signal while the first one was being handled
        status = "interrupted"
        raise
    finally:
        tracker.close(status)
        executor.close()
        progress.close()
        if dashboard is not None:  # after the sweep's final status, which open pages then show
            dashboard.stop(linger=0.0 if status == "interrupted" else 1.5)
        for warning in service.warnings + tracker.warnings:
            click.echo(f"warning: {warning}", err=True)
    _report(app, outcomes, as_json, stopped, reg, make_report)
    if stopped is not None:
        raise SystemExit(exit_status(stopped))
    if any(o.status not in ("finished", "diverged", "reused", "skipped") for o in outcomes):
        raise SystemExit(1)


def _dashboard(app, store, sweep_id: int):
    """``--serve``: the web dashboard of this sweep, or None for an in-memory database."""
    if store.db.memory:
        click.echo("warning: --serve ignored: a dashboard cannot read another process's "
                   "in-memory database", err=True)
        return None
    from .serve import serve_during_run

    return serve_during_run(app, store.url, sweep_id)


def _dry_run(app, plans, preset, force, as_json):
    from ..bench.environment import code_version
    from ..storage import NoDatabase

    version = code_version()
    try:
        store = app.store  # a dry run reads what is stored, and creates nothing
    except NoDatabase:
        store = None
    out, total_s = [], 0.0
    for task_cls, specs in plans:
        reusable = 0 if (force or store is None) else sum(
            store.find_reusable(s.config_hash, version) is not None for s in specs)
        each = _estimate(store, task_cls, preset)
        seconds = each * (len(specs) - reusable)
        total_s += seconds
        axes = {}
        for s in specs:
            for k, v in s.choices.items():
                axes.setdefault(k, [])
                if v not in axes[k]:
                    axes[k].append(v)
        seeds = sorted({s.seed for s in specs})
        out.append({"task": task_cls.name, "preset": preset, "grid": axes,
                    "seeds": _span(seeds),
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


def _span(seeds: list[int]) -> list | str:
    """Seeds as a list, or ``"0..99999"`` when they are a long consecutive range (a
    dry run of --seeds 100000 prints one short line, not 600 KB)."""
    if len(seeds) > 10 and seeds == list(range(seeds[0], seeds[0] + len(seeds))):
        return f"{seeds[0]}..{seeds[-1]}"
    return seeds


def _report(app, outcomes, as_json, interrupted, reg, make_report=False):
    failed = [o for o in outcomes if o.status not in ("finished", "diverged", "reused", "skipped")]
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
            click.echo(f"{o.status.upper()} run {o.run_id} ({o.spec.label()}): {o.error}", err=True)
        skipped = [o for o in outcomes if o.status == "skipped"]
        if skipped:
            click.echo(f"{len(skipped)} runs skipped by the time budget; rerun to continue "
                       "(finished runs are reused).", err=True)
        tasks = sorted({o.spec.task for o in outcomes})
        if tasks and not make_report and not app.open_store(create=False).db.memory:
            from .report import report_command_line

            click.echo("\nReport (figures, leaderboards, every run's configuration): "
                       + report_command_line(app))
    if make_report and outcomes and not interrupted:
        from .report import build_and_describe

        build_and_describe(app, err=as_json)  # keep --json's standard output pure JSON
    if interrupted:
        click.echo("Interrupted: finished runs are stored; the current ones are marked "
                   "interrupted. Run the same command again to resume.", err=True)
