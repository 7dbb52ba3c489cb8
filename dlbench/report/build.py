"""``dlbench report``: one self-contained HTML file from the results database.

Per task: its figures (embedded as ``data:`` URIs), its leaderboard and the results of
every run; then every run's configuration and environment. Figures link to their runs
and runs link back to their figures. Nothing is loaded from the network.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from .figures import FIGURE_KINDS, FigureOptions, draw
from .figures.curves import GENERIC_KEYS
from .fonts import figure_language
from .html import Markup, esc, figure, image_uri, link, page, pre, reference_html, run_links, tag
from .i18n import check_lang, status_word, text
from .selection import RunFilter, select
from .tables import leaderboard_table, results_table
from .webfont import embedded_font

#: figures of each task, in the report's order: (id suffix, kind, extra choice filter, smooth)
TASK_FIGURES = {
    "vanishing-gradients": [("gradient-norms", "gradient-norms", None, False)],
    "weight-init": [("loss", "loss-curves", None, False)],
    "convergence": [("loss", "loss-curves", None, True)],
    "trajectories": [("paths", "optimizer-paths", None, False)],
    "overfitting": [("accuracy", "accuracy-curves", None, False)],
    "batch-norm": [("scales", "batch-norm-scales", None, False)],
    "hyperparameter-search": [("trials", "search-trials", None, False)],
    "architectures": [("cost", "cnn-accuracy", None, False),
                      ("curves", "learning-curves", None, False)],
}


@dataclass
class ReportInfo:
    """What a report holds (for the command line's summary and for tests)."""

    path: Path | None = None
    tasks: list = field(default_factory=list)
    figures: list = field(default_factory=list)  # (id, title)
    tables: list = field(default_factory=list)  # (id, caption)
    warnings: list = field(default_factory=list)
    runs: int = 0
    font_bytes: int = 0  # the embedded Japanese font subset (0: none embedded)
    lang: str = "en"
    figure_lang: str = "en"


def figure_plan(task: str, runs: list, store) -> list[tuple]:
    """The figures a task's section shows: the table above, the activation histograms one
    figure per activation, and any task's series through ``learning-curves``."""
    if task == "vanishing-gradients":
        acts = list(dict.fromkeys((r.choices or {}).get("activation")
                                  for r in sorted(runs, key=lambda r: r.id)))
        plan = [(f"histograms-{i + 1}", "activation-histograms", ("activation", a), False)
                for i, a in enumerate(acts) if a is not None]
        return plan + TASK_FIGURES[task]
    if task in TASK_FIGURES:
        return TASK_FIGURES[task]
    shown = [r for r in runs if r.status in ("finished", "diverged")]
    if any(k in store.get_run(r.id).metrics for r in shown[:3] for k in GENERIC_KEYS):
        return [("curves", "learning-curves", None, False)]
    return []


def _global_warnings(runs: list, lang: str) -> list[Markup]:
    out = []
    bad = [r for r in runs if r.status not in ("finished", "diverged")]
    if bad:
        out.append(esc(text("warn_unfinished", lang, n=len(bad)))
                   + run_links(r.id for r in bad))
    diverged = [r for r in runs if r.status == "diverged"]
    if diverged:
        out.append(esc(text("warn_diverged", lang, n=len(diverged)))
                   + run_links(r.id for r in diverged))
    versions = sorted({str(r.code_version) for r in runs})
    if len(versions) > 1:
        out.append(esc(text("warn_versions", lang, n=len(versions), versions="; ".join(versions))))
    return out


def _run_block(run, full, figure_ids: list[tuple[str, str]], lang: str) -> Markup:
    """One run's section: what it ran, how it ended, its figures, summary, config and
    environment (``run`` a ``RunRecord``, ``full`` its ``RunDetail``)."""
    choices = ", ".join(f"{k}={v}" for k, v in (run.choices or {}).items())
    head = f"{text('run_n', lang, id=run.id)} — {run.task}" + \
        (f" ({choices})" if choices else "") + \
        f", {text('seed', lang)} {run.seed}: {status_word(run.status, lang)}"
    facts = (f"{text('preset', lang)}: {run.preset} · {text('code_version', lang)}: "
             f"{run.code_version} · {text('started', lang)} {run.started_at} · "
             f"{text('duration', lang)}: {run.duration_s or 0:.2f}")
    parts = [tag("h3", head), tag("p", facts)]
    if run.error:
        step = run.error_step
        where = f" ({text('step', lang)} {step})" if step is not None else ""
        parts.append(tag("p", f"{text('error', lang)}{where}: {run.error}", class_="warning"))
    if run.tags.get("note"):
        parts.append(tag("p", f"{text('note_prefix', lang)}{run.tags['note']}", class_="note"))
    if figure_ids:
        parts.append(tag("p", [esc(text("figures_of_run", lang) + ": "),
                               Markup(", ".join(link(i, t) for i, t in figure_ids))],
                         class_="runs"))
    summary = json.dumps(run.summary, indent=1, sort_keys=True, default=str)
    parts.append(tag("details", [tag("summary", text("summary", lang)), pre(summary)]))
    parts.append(tag("details", [tag("summary", text("config", lang)),
                                 pre(json.dumps(run.config, indent=1, ensure_ascii=False,
                                                default=str))]))
    env = dict(full.environment or {})
    env["series"] = full.metrics
    env["artifacts"] = full.artifacts
    parts.append(tag("details", [tag("summary", text("environment", lang)),
                                 pre(json.dumps(env, indent=1, ensure_ascii=False, default=str))]))
    return tag("div", parts, id=f"run-{run.id}", class_="run")


def build_report(store, registry, *, task: str | None = None, lang: str = "en",
                 figure_format: str = "png", band: str = "minmax",
                 db_label: str | None = None, only_tag: str | None = None) -> tuple[str, ReportInfo]:
    """The report's HTML and what it contains (only runs tagged ``only_tag`` when given).
    Never raises for missing or bad runs: the report says what is missing instead."""
    check_lang(lang)
    language = figure_language(lang)
    info = ReportInfo(lang=lang, figure_lang=language.lang)
    all_runs = store.list_runs(task=task, tag=only_tag)
    info.runs = len(all_runs)
    tasks = sorted({r.task for r in all_runs}, key=lambda t: (_suite_order(registry, t), t))
    info.tasks = tasks
    warnings: list[Markup] = []
    if language.note:
        warnings.append(esc(language.note))
    if not all_runs:
        what = ", ".join(p for p in (f"task={task}" if task else "",
                                     f"tag={only_tag}" if only_tag else "") if p)
        warnings.append(esc(text("no_runs_report", lang, what=what or text("any_task", lang))))
    warnings += _global_warnings(all_runs, lang)
    info.warnings = [str(w) for w in warnings]
    sections, figures_of_run = [], {}
    for name in tasks:
        runs = [r for r in all_runs if r.task == name]
        sections.append(_task_section(name, runs, store, registry, language, band,
                                      figure_format, lang, info, figures_of_run))
    run_blocks = [_run_block(r, store.get_run(r.id), figures_of_run.get(r.id, []), lang)
                  for r in sorted(all_runs, key=lambda r: (r.task, r.id))]
    title = text("report_title", lang) + (f" — {task}" if task else "")
    when = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    body = [tag("h1", title),
            tag("p", text("generated", lang, when=when, db=db_label or store.display,
                          version=__version__))]
    if warnings:
        body.append(tag("section", [tag("h2", text("warnings", lang))] +
                        [tag("p", w, class_="warning") for w in warnings], id="warnings"))
    body.append(_contents(info, lang))
    body += sections
    if run_blocks:
        body.append(tag("section", [tag("h2", text("runs", lang))] + run_blocks, id="runs"))
    font = embedded_font([title, *body])
    info.font_bytes = font.size if font else 0
    return page(title, lang, body, font.css if font else ""), info


def _suite_order(registry, task: str) -> int:
    try:
        return int(getattr(registry.get("task", task), "suite_order", 100))
    except Exception:  # a task whose plugin is not loaded goes last
        return 1000


def _contents(info: ReportInfo, lang: str) -> Markup:
    figs = tag("ol", [tag("li", link(i, t)) for i, t in info.figures], class_="figures")
    tabs = tag("ol", [tag("li", link(i, c)) for i, c in info.tables], class_="tables")
    return tag("nav", [tag("h2", text("contents", lang)), tag("h3", text("figures", lang)), figs,
                       tag("h3", text("tables", lang)), tabs], id="contents")


def _task_section(name, runs, store, registry, language, band, figure_format, lang, info,
                  figures_of_run) -> Markup:
    parts = [tag("h2", name)]
    try:
        meta = registry.info("task", name)
    except Exception:  # the task's plugin is not loaded here
        meta = {}
    summary, reference = meta.get("summary") or {}, meta.get("reference")
    if summary:
        parts.append(tag("p", summary.get(lang) or summary.get("en", "")))
    if reference:
        parts.append(tag("p", reference_html(reference), class_="reference"))
    plan = figure_plan(name, runs, store)
    if not plan:
        parts.append(tag("p", text("no_figure", lang), class_="note"))
    for suffix, kind_name, extra, smooth in plan:
        filt = RunFilter(task=name, choices=((extra[0], (extra[1],)),) if extra else ())
        selection = select(runs, filt)
        options = FigureOptions(language=language, band=band, smooth=smooth)
        result = draw(FIGURE_KINDS[kind_name], name, selection, store, options, registry,
                      font_note=False)  # said once, in the report's warnings
        fig_id = f"fig-{name}-{suffix}"
        title = result.title + (f" — {extra[1]}" if extra else "")
        image = image_uri(result.to_bytes(figure_format), figure_format)
        result.figure.clear()  # free the memory of large figures as soon as they are encoded
        parts.append(figure(fig_id, title, image, result.caption, result.notes, result.run_ids,
                            text("runs_behind", lang), text("note_prefix", lang)))
        info.figures.append((fig_id, title))
        for run_id in result.run_ids:
            figures_of_run.setdefault(run_id, []).append((fig_id, title))
    for table_id, html_table in (leaderboard_table(name, runs, registry, lang),
                                 results_table(name, runs, lang)):
        parts.append(html_table)
        kind = "leaderboard" if table_id.startswith("leaderboard") else "results"
        info.tables.append((table_id, f"{name}: {text(kind, lang)}"))
    return tag("section", parts, id=f"task-{name}")


def write_report(store, registry, out_dir, **kwargs) -> ReportInfo:
    """Build the report and write ``OUT_DIR/report.html`` (``report-TASK.html`` for one
    task); the folder is created when missing."""
    html_text, info = build_report(store, registry, **kwargs)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    task = kwargs.get("task")
    info.path = out / (f"report-{task}.html" if task else "report.html")
    info.path.write_text(html_text, encoding="utf-8")
    return info
