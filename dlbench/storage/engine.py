"""Opening a database: URL checks, SQLite settings, masked URLs and one-line errors.

SQLite is set up for several writers (pool workers' results, several ``dlbench run``
processes on one file): WAL journal so readers never block the writer, a 30 s busy
timeout, foreign keys on, and write transactions that start with ``BEGIN IMMEDIATE`` so
a transaction takes the write lock up front instead of failing when it upgrades a read
lock (the "database is locked" reports of optuna #820 and #4002). SQLAlchemy's
documented recipe for this takes over ``BEGIN`` from the sqlite3 driver.

A file or folder the user cannot write is opened read-only (``mode=ro``; ``immutable``
when not even the WAL index can be created), so results on a read-only medium can still
be listed. Every URL shown to the user goes through :func:`display_url`, which masks the
password.

A database server (``postgresql+psycopg://user:password@host/db``) gets one engine per
process and URL (:func:`server_engine`): a pool of connections checked with
``pool_pre_ping`` before use (a server restart or an idle connection dropped by a firewall
is a reconnect, not an error), a 10 s connect timeout (an unreachable host fails quickly
with one line instead of hanging), and a fresh pool in a forked child, which must never use
its parent's sockets.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from ..errors import StorageError, UsageError

BUSY_TIMEOUT_MS = 30_000


def display_url(url: str) -> str:
    """``url`` as it may be printed: the password replaced by ``***``."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return url.split("@", 1)[-1] if "@" in url else url
    return parsed.render_as_string(hide_password=True) if parsed.password else url


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or ``None`` for other back ends and ``:memory:``."""
    parsed = parse(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def is_memory(url: str) -> bool:
    """True for an in-memory SQLite URL: nothing written there outlives the process."""
    parsed = parse(url)
    return parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:")


def writable(path: Path) -> bool:
    """Can this process write the SQLite file (and its folder, for the WAL files)?"""
    folder = path.parent if str(path.parent) else Path(".")
    if path.exists() and not os.access(path, os.W_OK):
        return False
    return os.access(folder, os.W_OK | os.X_OK)


def parse(url: str):
    try:
        return make_url(url)
    except ArgumentError as exc:
        raise UsageError(f"cannot parse database URL {display_url(url)!r}: expected e.g. "
                         "'sqlite:///results/dlbench.db' or 'postgresql+psycopg://user@host/db'") from exc


CONNECT_TIMEOUT_S = 10

_server_engines: dict[tuple[int, str], list] = {}  # (pid, url) -> [engine, users]


def is_server(url: str) -> bool:
    """True for a database server URL (PostgreSQL...), false for SQLite."""
    return parse(url).get_backend_name() != "sqlite"


def server_engine(url: str) -> Engine:
    """The process's engine for a database server URL, shared by every store opened on it;
    give it back with :func:`release_engine`."""
    key = (os.getpid(), url)
    entry = _server_engines.get(key)
    if entry is None:
        entry = _server_engines[key] = [make_engine(url), 0]
    entry[1] += 1
    return entry[0]


def release_engine(url: str, engine: Engine) -> None:
    """One user less of a shared engine; the last one closes its connections."""
    key = (os.getpid(), url)
    entry = _server_engines.get(key)
    if entry is None or entry[0] is not engine:
        engine.dispose()
        return
    entry[1] -= 1
    if entry[1] <= 0:
        del _server_engines[key]
        engine.dispose()


def _forget_parent_engines() -> None:
    """In a forked child: drop the parent's pools without closing its sockets."""
    for (pid, _url), (engine, _users) in list(_server_engines.items()):
        if pid != os.getpid():
            engine.dispose(close=False)
    _server_engines.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_parent_engines)


def make_engine(url: str, *, readonly: bool = False, immutable: bool = False) -> Engine:
    """A SQLAlchemy engine for ``url``, or :class:`UsageError` / :class:`StorageError`.

    :param readonly: open a SQLite file read-only (``mode=ro``).
    :param immutable: also tell SQLite nobody writes it (a read-only folder, where even
        the WAL index cannot be created).
    """
    parsed = parse(url)
    path = sqlite_path(url)
    target = parsed
    if path is not None and readonly:
        flags = "mode=ro" + ("&immutable=1" if immutable else "")
        target = f"sqlite:///file:{quote(str(path.resolve()))}?{flags}&uri=true"
    server = parsed.get_backend_name() != "sqlite"
    options = {}
    if server and parsed.drivername.partition("+")[2] in ("psycopg", "psycopg2"):
        options["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT_S}
    try:
        engine = create_engine(target, pool_pre_ping=server, **options)
    except NoSuchModuleError as exc:
        raise UsageError(f"database URL {display_url(url)!r}: unknown dialect or driver ({exc})") from exc
    except ImportError as exc:
        raise StorageError(f"database URL {display_url(url)!r} needs a driver that is not "
                           f"installed: {exc}") from exc
    except ArgumentError as exc:
        raise UsageError(f"invalid database URL {display_url(url)!r}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, wal=path is not None and not readonly)
    return engine


def _configure_sqlite(engine: Engine, *, wal: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see module docstring)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        if wal:
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def describe_error(url: str, exc: Exception) -> str:
    """One line for a database error, with the likely cause spelled out (password masked)."""
    shown = display_url(url)
    text = str(getattr(exc, "orig", exc)) or type(exc).__name__
    lowered = text.lower()
    if "file is not a database" in lowered or "malformed" in lowered:
        return f"{shown} is not a readable SQLite database (corrupt, or another file type): {text}"
    if "locked" in lowered or "busy" in lowered:
        return (f"{shown} is locked by another process for more than "
                f"{BUSY_TIMEOUT_MS // 1000} s: {text}")
    if "readonly" in lowered or "read-only" in lowered:
        return f"{shown} is read-only: {text}"
    if "unable to open" in lowered or "permission" in lowered:
        return f"cannot open database {shown}: {text}"
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return f"cannot log in to database {shown}: wrong user name or password ({_first(text)})"
    if "role" in lowered and "does not exist" in lowered:
        return f"cannot log in to database {shown}: no such user on that server ({_first(text)})"
    if "does not exist" in lowered and "database" in lowered:
        return (f"cannot open database {shown}: no such database on that server "
                f"(create it first, e.g. 'createdb'): {_first(text)}")
    if "connection" in lowered or "could not connect" in lowered or "refused" in lowered:
        return f"cannot reach database {shown}: {_first(text)}"
    return f"database error on {shown}: {_first(text)}"


def _first(text: str) -> str:
    """The first non-empty line of a driver message (psycopg adds DETAIL/HINT lines)."""
    return next((line.strip() for line in text.splitlines() if line.strip()), text)
