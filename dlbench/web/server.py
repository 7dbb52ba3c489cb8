"""Running the dashboard: in the foreground (``dlbench serve``) or in a background thread
(``dlbench run --serve``, tests).

The listening socket is bound here, before uvicorn starts, so a port in use is one clear
error instead of a uvicorn log line, and port 0 picks a free port whose number is known
before the first request.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, replace

import uvicorn

from ..errors import DlbenchError, UsageError
from .app import create_app
from .settings import WebSettings

START_TIMEOUT_S = 20.0


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: a free one)."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    except socket.gaierror as exc:
        raise UsageError(f"--host {host!r}: cannot resolve it ({exc.strerror})") from exc
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}; choose another "
                         "--port (or --port 0 for any free one)") from exc
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def url_of(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    if host in ("0.0.0.0", "::"):
        shown = "127.0.0.1"
    return f"http://{shown}:{port}"


def make_server(settings: WebSettings) -> tuple[uvicorn.Server, socket.socket, WebSettings]:
    sock = bind(settings.host, settings.port)
    settings = replace(settings, port=sock.getsockname()[1])
    config = uvicorn.Config(create_app(settings), log_level="warning", access_log=False,
                            lifespan="on", timeout_graceful_shutdown=2)
    return uvicorn.Server(config), sock, settings


def serve_forever(settings: WebSettings, on_ready=None) -> None:
    """Serve until Ctrl-C; ``on_ready(url)`` is called once the socket is bound."""
    server, sock, settings = make_server(settings)
    if on_ready is not None:
        on_ready(url_of(settings.host, settings.port))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()


@dataclass
class BackgroundServer:
    """A dashboard served from a thread of this process: ``url``, ``stop()``."""

    url: str
    settings: WebSettings
    server: uvicorn.Server
    thread: threading.Thread
    sock: socket.socket

    def stop(self, timeout: float = 10.0, linger: float = 0.0) -> None:
        """Stop serving; ``linger`` seconds first, so open pages get the last events."""
        if linger > 0:
            time.sleep(linger)
        self.server.should_exit = True
        self.thread.join(timeout)
        self.sock.close()

    def __enter__(self) -> "BackgroundServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def serve_in_background(settings: WebSettings, timeout: float = START_TIMEOUT_S) -> BackgroundServer:
    """Start the dashboard in a daemon thread and return once it accepts requests
    (``settings.port`` 0 picks a free port; the handle's ``url`` says which)."""
    server, sock, settings = make_server(settings)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]},
                              name="dlbench-serve", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise DlbenchError("the dashboard server did not start")
        time.sleep(0.02)
    return BackgroundServer(url_of(settings.host, settings.port), settings, server, thread, sock)
