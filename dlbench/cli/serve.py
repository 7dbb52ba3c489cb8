"""``dlbench serve``: the local web dashboard of stored runs and the quiz.

The web stack is an optional extra; without it the command says how to install it.
The server binds 127.0.0.1 unless another host is asked for explicitly, and then says
plainly that the dashboard has no login.
"""

from __future__ import annotations

import webbrowser

import click

from .. import config
from ..errors import UsageError
from .context import pass_app

WEB_MODULES = {"fastapi", "starlette", "uvicorn", "jinja2", "pydantic", "latex2mathml"}


def load_web(command: str = "dlbench serve"):
    """``(WebSettings, server module, is_loopback)``, or a clear error without the extra."""
    try:
        from ..web import server
        from ..web.settings import WebSettings, is_loopback
    except ImportError as exc:
        if (exc.name or "").split(".")[0] in WEB_MODULES:
            raise UsageError(f"{command} needs the web extra ({exc.name} is not installed): "
                             "pip install 'dlbench[web]'") from exc
        raise
    return WebSettings, server, is_loopback


def quiz_db_for(app) -> str | None:
    """The learner's quiz database, as ``dlbench quiz`` finds it."""
    return config.quiz_db_url(None, global_db=app.db_option,
                              app_dir=click.get_app_dir("dlbench"))


def serve_during_run(app, db_url: str, sweep_id: int):
    """``dlbench run --serve``: the dashboard in a background thread of this command, on
    port 8765 or, when that is taken (a ``dlbench serve`` already running), any free port.
    Returns the server handle; the caller stops it when the runs end."""
    WebSettings, server, _ = load_web("dlbench run --serve")
    settings = WebSettings(db_url=db_url, quiz_db_url=quiz_db_for(app))
    try:
        handle = server.serve_in_background(settings)
    except UsageError:  # the default port is taken: take any free one rather than fail a sweep
        from dataclasses import replace

        handle = server.serve_in_background(replace(settings, port=0))
    click.echo(f"Live progress: {handle.url}/sweeps/{sweep_id}  (stops when the runs end)",
               err=True)
    return handle


@click.command("serve")
@click.option("--db", "db", metavar="URL", default=None,
              help="Results database to show (default: the global --db, $DLBENCH_DB or "
                   f"{config.DEFAULT_DB_URL}).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback exposes the dashboard, "
                   "which has no login, to the network.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--open", "open_browser", is_flag=True, help="Open the dashboard in a browser.")
@click.option("--lang", type=click.Choice(["ja", "en"]), default=None,
              help="Page language when the browser does not ask for one (?lang= and the "
                   "browser's Accept-Language come first).")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="Another Host name to answer to (a reverse proxy's). Repeatable.")
@pass_app
def serve_cmd(app, db, host, port, open_browser, lang, allow_hosts):
    """Serve a local web dashboard: runs, comparisons, leaderboards, figures, live sweep
    progress and the quiz. Stop it with Ctrl-C."""
    WebSettings, server, is_loopback = load_web()
    db_url = config.db_url(db or app.db_option)
    quiz_db = quiz_db_for(app)
    if not is_loopback(host):
        click.echo(f"warning: listening on {host}: anyone who can reach this address can read "
                   "your results and answer the quiz as you; the dashboard has no "
                   "authentication. Use the default 127.0.0.1 unless you mean it.", err=True)
    settings = WebSettings(db_url=db_url, quiz_db_url=quiz_db, lang=lang, host=host, port=port,
                           allowed_hosts=tuple(allow_hosts))

    def ready(url: str) -> None:
        from ..storage import display_url

        click.echo(f"dlbench dashboard at {url}  (results: {display_url(db_url)}; "
                   "Ctrl-C to stop)")
        if open_browser:
            webbrowser.open(url)

    server.serve_forever(settings, on_ready=ready)
