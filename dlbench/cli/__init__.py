"""The ``dlbench`` command line (click). The only package that imports click.

Commands live one group per module and are imported only when invoked (``LazyGroup``),
so ``dlbench --version`` stays fast; plugin commands (``register_commands``) are
attached only when a name is not built in, or for ``--help``.
"""

from __future__ import annotations

import importlib
import sys

import click

from .. import __version__, config
from ..errors import DlbenchError
from .context import AppContext

#: command name -> "module:attribute", imported on first use
BUILTIN_COMMANDS: dict[str, str] = {
    "plugins": "dlbench.cli.plugins_cmd:plugins",
    "list": "dlbench.cli.catalog:list_cmd",
    "info": "dlbench.cli.catalog:info_cmd",
    "check": "dlbench.cli.check:check_cmd",
    "results": "dlbench.cli.results:results",
    "arch": "dlbench.cli.arch:arch",
    "perf": "dlbench.cli.perf:perf_cmd",
    "run": "dlbench.cli.run:run_cmd",
    "leaderboard": "dlbench.cli.leaderboard:leaderboard_cmd",
    "quiz": "dlbench.cli.quiz:quiz",
    "plot": "dlbench.cli.plot:plot_cmd",
    "report": "dlbench.cli.report:report_cmd",
    "serve": "dlbench.cli.serve:serve_cmd",
}


def _app(root: click.Context) -> AppContext:
    """The AppContext, made from the parsed global options if the group callback has not
    run yet (click resolves the sub-command name before it calls the group callback)."""
    if not isinstance(root.obj, AppContext):
        p = root.params
        root.obj = AppContext(db=p.get("db"), plugins=tuple(p.get("plugins") or ()),
                              plugins_dir=p.get("plugins_dir"), debug=bool(p.get("debug")))
    return root.obj


class LazyGroup(click.Group):
    """A group whose built-in commands are imported on demand and whose plugin commands
    are collected the first time an unknown name (or the full list) is asked for.

    Plugin commands are kept per invocation (in ``ctx.meta``), not on the group, so a
    command added by ``-p plugin.py`` does not outlive the call that loaded it.
    """

    def _plugin_commands(self, ctx: click.Context) -> dict[str, click.Command]:
        root = ctx.find_root()
        if "dlbench.plugin_commands" not in root.meta:
            app = _app(root)
            holder = click.Group("plugin-commands")
            app.host.add_commands(holder)
            root.meta["dlbench.plugin_commands"] = holder.commands
        return root.meta["dlbench.plugin_commands"]

    def list_commands(self, ctx):
        return sorted(set(BUILTIN_COMMANDS) | set(self.commands) | set(self._plugin_commands(ctx)))

    def get_command(self, ctx, name):
        if name in self.commands:
            return self.commands[name]
        if name in BUILTIN_COMMANDS:
            module, attr = BUILTIN_COMMANDS[name].split(":")
            command = getattr(importlib.import_module(module), attr)
            self.commands[name] = command
            return command
        return self._plugin_commands(ctx).get(name)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except DlbenchError as exc:
            app = ctx.find_object(AppContext)
            if (app is not None and app.debug) or config.debug():
                raise
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(130)
        finally:
            app = ctx.find_object(AppContext)
            if app is not None:
                app.close()


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="dlbench")
@click.option("--db", metavar="URL", default=None,
              help=f"Results database (SQLAlchemy URL). Env: {config.ENV_DB}. "
                   f"Default: {config.DEFAULT_DB_URL}")
@click.option("-p", "--plugin", "plugins", multiple=True, metavar="SPEC",
              help="Load a plugin: a .py file or a module; 'no:NAME' blocks one. Repeatable.")
@click.option("--plugins-dir", type=click.Path(file_okay=False), default=None,
              help="Load every *.py file in this folder as a plugin.")
@click.option("--debug", is_flag=True, help="Show full tracebacks instead of one-line errors.")
@click.pass_context
def cli(ctx, db, plugins, plugins_dir, debug):
    """dlbench: benchmark and quiz the deep-learning course's methods.

    Plugins (activations, optimizers, layers, tasks...) are discovered through pluggy;
    every run is stored in a SQL database.
    """
    _app(ctx)


def main(argv=None) -> None:
    """Console-script entry point."""
    cli.main(args=argv, prog_name="dlbench")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
