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


def read_only(store):
    """Make a SQLite results store read through a read-only engine (``mode=ro``) whose
    connections wait at most :data:`READ_BUSY_TIMEOUT_MS` for a lock.

    The store was opened normally (schema checks, pending migrations); from then on the
    viewer cannot write, and cannot take a write lock, even by accident. Other back ends
    (PostgreSQL: readers never block writers) keep their engine.
    """
    from ..storage.engine import make_engine, sqlite_path

    if store.engine.dialect.name != "sqlite" or sqlite_path(store.url) is None:
        return store
    engine = make_engine(store.url, readonly=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # after the storage layer's own listener
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {READ_BUSY_TIMEOUT_MS}")
        cur.close()

    store.db.engine.dispose()
    store.db.engine = store.engine = engine
    store.db.readonly = True
    return store


class StoreHolder:
    """One lazily opened store shared by the server's threads."""

    def __init__(self, opener, prepare=lambda store: store):
        self._opener, self._prepare = opener, prepare
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
                    self._store = self._prepare(store)
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
