"""``dlbench plugins``: what is loaded, from where, what it registered, what failed."""

from __future__ import annotations

import click

from .context import pass_app
from .output import echo_json, format_table


@click.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
@click.pass_context
def plugins(ctx, app, as_json):
    """List plugins: name, version, source, what each registered; failed ones with errors."""
    if ctx.invoked_subcommand is not None:
        return
    host = app.host
    if as_json:
        echo_json({"plugins": [p.as_dict() for p in host.records],
                   "failed": [f.as_dict() for f in host.failures],
                   "warnings": list(host.warnings)})
        return
    rows = []
    for p in host.records:
        what = "; ".join(f"{kind}: {', '.join(names)}" for kind, names in p.registered.items())
        if p.problems:
            what += " [" + "; ".join(p.problems) + "]"
        rows.append((p.name, p.version or "", p.source, what or "(nothing registered)"))
    click.echo(format_table(rows, ("plugin", "version", "source", "registered")))
    for f in host.failures:
        click.echo(f"FAILED  {f.name} ({f.source}, {f.location}): {f.error}")


@plugins.command("new")
@click.argument("kind")
@click.argument("name")
@click.option("--dir", "parent", default=".", show_default=True, type=click.Path(file_okay=False),
              help="Folder in which to create the package folder NAME.")
def new(kind, name, parent):
    """Write a ready-to-install plugin package DIR/NAME for KIND (optimizer, activation,
    regularizer, loss, initializer): pyproject with the entry point, a working template,
    a README and a test that passes as generated."""
    from ..scaffold import create_plugin

    target, files = create_plugin(kind, name, parent)
    click.echo(f"created {kind} plugin {name!r} in {target}/")
    for rel in files:
        click.echo(f"  {rel}")
    click.echo("next:\n"
               f"  cd {target}\n"
               "  pip install -e '.[test]'\n"
               "  python -m pytest\n"
               f"  dlbench check {kind} {name}")
