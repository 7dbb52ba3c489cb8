"""``dlbench report``: one self-contained HTML file of every stored result."""

from __future__ import annotations

import click

from .context import pass_app

DEFAULT_OUT = "results"


def report_command_line(app, task: str | None = None) -> str:
    """The command that builds the report for the same database (what ``run`` prints)."""
    db = "" if app.db_option is None else f" --db {app.db_option}"
    return f"dlbench{db} report" + (f" --task {task}" if task else "")


def build_and_describe(app, *, task=None, out=DEFAULT_OUT, lang="en", figures="png",
                       band="minmax", tag=None, err: bool = False) -> None:
    """Write the report and print where it is and what it holds (to standard error with
    ``err``)."""
    from ..report import write_report

    info = write_report(app.store, app.registry, out, task=task, lang=lang,
                        figure_format=figures, band=band, db_label=app.db_display,
                        only_tag=tag)
    for warning in info.warnings:
        click.echo(f"note: {_plain(warning)}", err=True)
    click.echo(f"wrote {info.path} ({len(info.figures)} figures, {len(info.tables)} tables, "
               f"{info.runs} runs; figure labels: {info.figure_lang}); open it in a browser",
               err=err)


def _plain(html_text: str) -> str:
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


@click.command("report")
@click.option("--task", default=None, help="Only this task (default: every stored task).")
@click.option("--out", "out", type=click.Path(file_okay=False), default=DEFAULT_OUT,
              show_default=True, help="Folder to write report.html (report-TASK.html) into.")
@click.option("--lang", type=click.Choice(["en", "ja"]), default="en", show_default=True,
              help="Language of the report and its figure labels (Japanese needs no system font).")
@click.option("--figures", type=click.Choice(["png", "svg"]), default="png", show_default=True,
              help="Embed figures as PNG or SVG (both as data: URIs).")
@click.option("--band", type=click.Choice(["minmax", "std"]), default="minmax", show_default=True,
              help="What the band around each mean line shows.")
@click.option("--tag", default=None, help="Only runs with this tag (`dlbench results tag`).")
@pass_app
def report_cmd(app, task, out, lang, figures, band, tag):
    """Write a self-contained HTML report: figures, leaderboards and results per task, and
    the configuration and environment of every run. Opens in a browser with no server."""
    build_and_describe(app, task=task, out=out, lang=lang, figures=figures, band=band, tag=tag)
