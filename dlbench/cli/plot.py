"""``dlbench plot KIND --out FILE``: one figure from stored runs (PNG or SVG)."""

from __future__ import annotations

import click

from ..errors import UsageError
from .context import pass_app
from .output import format_table


def run_filter_options(func):
    """The run filters shared by ``plot``: task, run ids, choices, preset, seeds, tag."""
    for option in reversed((
        click.option("--task", default=None, help="Runs of this task (default: the figure's)."),
        click.option("--run", "run_ids", type=int, multiple=True, metavar="ID",
                     help="Only these run ids. Repeatable."),
        click.option("--choice", "choices", multiple=True, metavar="KIND=NAME",
                     help="Only runs with this choice, e.g. optimizer=adam or "
                          "activation=sigmoid,relu. Repeatable."),
        click.option("--preset", default=None, help="Only runs of this preset."),
        click.option("--seed", "seeds", type=int, multiple=True, help="Only these seeds."),
        click.option("--tag", default=None, help="Only runs with this tag (`dlbench results tag`)."),
    )):
        func = option(func)
    return func


@click.command("plot")
@click.argument("kind", required=False)
@run_filter_options
@click.option("--out", "-o", type=click.Path(dir_okay=False), default=None,
              help="Output file; .png or .svg (default: KIND.png).")
@click.option("--lang", type=click.Choice(["en", "ja"]), default="en", show_default=True,
              help="Language of the figure labels (Japanese needs no system font).")
@click.option("--band", type=click.Choice(["minmax", "std"]), default="minmax", show_default=True,
              help="What the band around each mean line shows: lowest–highest seed or ± std.")
@click.option("--smooth", is_flag=True, help="Smooth loss curves with the book's smooth_curve.")
@click.option("--dpi", type=click.IntRange(min=30, max=600), default=100, show_default=True)
@click.option("--list", "list_kinds", is_flag=True, help="List the figure kinds.")
@pass_app
def plot_cmd(app, kind, task, run_ids, choices, preset, seeds, tag, out, lang, band, smooth, dpi,
             list_kinds):
    """Draw the figure KIND from the stored runs that the filters select.

    The format comes from the extension of --out (.png or .svg). Seeds are drawn as a
    mean line and a band. Notes (runs left out, diverged runs, mixed code versions, no
    match) are written into the figure and repeated here.
    """
    from ..report import FIGURE_KINDS, FigureOptions, RunFilter, figure_language, make_figure
    from ..report.figures.base import FORMATS

    if list_kinds or not kind:
        rows = [(k.name, ", ".join(k.tasks) if k.tasks else "any (--task)", k.summary)
                for k in FIGURE_KINDS.values()]
        click.echo(format_table(rows, ("kind", "tasks", "figure")))
        if not kind and not list_kinds:
            click.echo("\nusage: dlbench plot KIND [--task T] [--choice KIND=NAME] --out FILE.png|.svg")
        return
    out = out or f"{kind}.png"
    if out.rsplit(".", 1)[-1].lower() not in FORMATS:
        raise UsageError(f"--out {out!r}: the file name must end in .png or .svg")
    filt = RunFilter.parse(task=task, ids=run_ids, choices=choices, preset=preset, seeds=seeds,
                           tag=tag)
    language = figure_language(lang)
    result = make_figure(kind, app.store, filt, FigureOptions(language, band, smooth),
                         registry=app.registry)
    path = result.save(out, dpi=dpi)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(f"wrote {path} ({result.title}; {len(result.run_ids)} runs"
               + (f": {', '.join(map(str, result.run_ids[:12]))}"
                  + ("…" if len(result.run_ids) > 12 else "") if result.run_ids else "") + ")")
