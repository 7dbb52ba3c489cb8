"""``dlbench list KIND`` and ``dlbench info KIND NAME``: browse what is registered."""

from __future__ import annotations

import click

from ..bench.settings_doc import setting_rows, show_value
from .context import pass_app
from .output import echo_json, format_table

LANGS = click.Choice(["en", "ja"])


def _summary(summary: dict, lang: str) -> str:
    return summary.get(lang) or summary.get("en") or summary.get("ja") or ""


@click.command("list")
@click.argument("kind")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--lang", type=LANGS, default="en", show_default=True, help="Summary language.")
@pass_app
def list_cmd(app, kind, as_json, lang):
    """List registered items of KIND (activation, optimizer, quiz-bank...)."""
    entries = app.registry.entries(kind)
    if as_json:
        echo_json([e.info() for e in entries])
        return
    rows = [(e.name, e.plugin, _summary(e.summary, lang)) for e in entries]
    click.echo(format_table(rows, ("name", "plugin", "summary")))


@click.command("info")
@click.argument("kind")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def info_cmd(app, kind, name, as_json):
    """Show everything known about one item: formula, defaults, convention, reference."""
    info = app.registry.info(kind, name)
    obj = app.registry.get(kind, name)
    settings = setting_rows(obj) if kind == "task" and hasattr(obj, "settings") else None
    if settings is not None:
        info["settings"] = settings
        info["presets"] = {name: {"config": dict(pre.config), "choices": dict(pre.choices),
                                  "seeds": pre.seeds}
                           for name, pre in getattr(obj, "presets", {}).items()}
    if as_json:
        echo_json(info)
        return
    click.echo(f"{info['kind']} {info['name']}  (plugin {info['plugin']}, {info['object']})")
    for lang in ("en", "ja"):
        if info["summary"].get(lang):
            click.echo(f"  summary ({lang}): {info['summary'][lang]}")
    for key in ("formula", "convention", "reference"):
        if info.get(key):
            click.echo(f"  {key}: {info[key]}")
    if info["defaults"]:
        click.echo("  defaults: " + ", ".join(f"{k}={v!r}" for k, v in info["defaults"].items()))
    if info.get("example"):
        click.echo(f"  check example: {info['example']}")
    for key, value in (info.get("extra") or {}).items():
        click.echo(f"  {key}: {value}")
    if settings is not None:
        _echo_settings(settings)
        _echo_presets(info["presets"])


def _echo_settings(rows: list[dict]) -> None:
    """Each ``--set`` key on one line (type, default, range), its meaning below it: never
    cut to the terminal's width, unlike a table."""
    click.echo("  settings (--set KEY=VALUE; checked before any run starts; a preset may "
               "change a default):")
    for row in rows:
        click.echo(f"    {row['key']}: {row['type']} = {show_value(row['default'])}  "
                   f"[range: {row['range']}]")
        if row["meaning"]:
            click.echo(f"        {row['meaning']}")



def _echo_presets(presets: dict) -> None:
    """What each preset changes: settings, the grid's selection, seeds."""
    click.echo("  presets (what each changes from the defaults above):")
    for name, pre in presets.items():
        parts = [", ".join(f"{k}={show_value(v)}" for k, v in pre["config"].items())]
        parts += [f"grid {k}={','.join(map(str, v))}" for k, v in pre["choices"].items()]
        parts.append(f"{pre['seeds']} seed{'s' if pre['seeds'] != 1 else ''}")
        click.echo(f"    {name}: " + "; ".join(p for p in parts if p))
