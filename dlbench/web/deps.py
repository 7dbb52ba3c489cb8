"""The databases as FastAPI dependencies: opened once per server, read in short
transactions, and never held while a page is rendered.

A store is opened on first use and kept (opening checks the schema, which costs a few
queries); a database that does not exist yet is looked for again on the next request, so
the dashboard started before the first ``dlbench run`` shows the runs once they exist.
A reader must never hang a page for the storage layer's 30 s busy timeout: the web's
connections wait at most :data:`READ_BUSY_TIMEOUT_MS` for a lock and then answer with a
clear "database is locked" page (503). Under SQLite's WAL journal (what dlbench uses)
readers are not blocked by a writer at all; the timeout matters only for an exclusive
lock (another program, a migration, a checkpoint).
"""

from __future__ import annotations

import threading

from fastapi import Request
from sqlalchemy import event

from ..errors import DlbenchError

#: how long a page waits for a database lock before it says the database is busy
READ_BUSY_TIMEOUT_MS = 2_000


class DatabaseUnavailable(DlbenchError):
    """The database cannot be read now (missing, locked, corrupt): a 503 page, not a 500."""


def _short_busy_timeout(engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # runs after the storage layer's own listener
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {READ_BUSY_TIMEOUT_MS}")
        cur.close()

    engine.dispose()  # connections made while opening had the long timeout


class StoreHolder:
    """One lazily opened store shared by the server's threads."""

    def __init__(self, opener):
        self._opener = opener
        self._store = None
        self._lock = threading.Lock()

    def get(self):
        if self._store is None:
            with self._lock:
                if self._store is None:
                    try:
                        store = self._opener()
                    except DlbenchError as exc:
                        raise DatabaseUnavailable(str(exc)) from exc
                    _short_busy_timeout(store.engine)
                    self._store = store
        return self._store

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None


def run_store(request: Request):
    """The results database (:class:`~dlbench.storage.RunStore`), read-only use."""
    return request.app.state.run_stores.get()


def quiz_store(request: Request):
    """The learner's quiz database (:class:`~dlbench.storage.quiz_store.QuizStore`)."""
    return request.app.state.quiz_stores.get()


class RegistryHolder:
    """The plugin registry (tasks' metrics for leaderboards, figures), loaded once."""

    def __init__(self):
        self._host = None
        self._lock = threading.Lock()

    def get(self):
        if self._host is None:
            with self._lock:
                if self._host is None:
                    from ..pluginmanager import load_plugins

                    self._host = load_plugins()
        return self._host.registry


def registry(request: Request):
    return request.app.state.registry.get()
