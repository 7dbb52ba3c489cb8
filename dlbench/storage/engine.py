"""Opening a database: URL checks, SQLite settings, and errors turned into one line.

SQLite is set up for several writers (the runner's workers, four processes in the
tests): WAL journal so readers never block the writer, a 30 s busy timeout, foreign
keys on, and write transactions that start with ``BEGIN IMMEDIATE`` so a transaction
takes the write lock up front instead of failing when it upgrades a read lock (the
"database is locked" reports of optuna #820 and #4002). SQLAlchemy's documented recipe
for this takes over ``BEGIN`` from the sqlite3 driver.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from .. import config
from ..errors import StorageError, UsageError

BUSY_TIMEOUT_MS = 30_000


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or ``None`` for other back ends and ``:memory:``."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def make_engine(url: str) -> Engine:
    """A SQLAlchemy engine for ``url``, or :class:`UsageError` / :class:`StorageError`.

    The default database's folder (``results/``) is created when missing; for any other
    SQLite file a missing folder is an error, since it usually means a typo.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise UsageError(f"cannot parse database URL {url!r}: expected e.g. "
                         "'sqlite:///results/dlbench.db' or 'postgresql://user@host/db'") from exc
    path = sqlite_path(url)
    if path is not None:
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.exists():
            if url == config.DEFAULT_DB_URL:
                folder.mkdir(parents=True, exist_ok=True)
            else:
                raise StorageError(f"cannot open database {url}: folder {folder} does not exist")
        if path.exists() and path.is_dir():
            raise StorageError(f"cannot open database {url}: {path} is a directory")
    try:
        engine = create_engine(parsed)
    except NoSuchModuleError as exc:
        raise UsageError(f"database URL {url!r}: unknown dialect or driver ({exc})") from exc
    except ImportError as exc:
        raise StorageError(f"database URL {url!r} needs a driver that is not installed: {exc}") from exc
    except ArgumentError as exc:
        raise UsageError(f"invalid database URL {url!r}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, in_memory=path is None)
    return engine


def _configure_sqlite(engine: Engine, *, in_memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see module docstring)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        if not in_memory:
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def describe_error(url: str, exc: Exception) -> str:
    """One line for a database error, with the likely cause spelled out."""
    text = str(getattr(exc, "orig", exc)) or type(exc).__name__
    lowered = text.lower()
    if "file is not a database" in lowered or "malformed" in lowered:
        return f"{url} is not a readable SQLite database (corrupt, or another file type): {text}"
    if "locked" in lowered or "busy" in lowered:
        return (f"{url} is locked by another process for more than "
                f"{BUSY_TIMEOUT_MS // 1000} s: {text}")
    if "unable to open" in lowered or "readonly" in lowered or "permission" in lowered:
        return f"cannot open database {url}: {text}"
    return f"database error on {url}: {text}"
