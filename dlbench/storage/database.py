"""A dlbench database: one engine, its migrations, and the transactions stores use.

:class:`Database` is shared by the sibling stores (:class:`~dlbench.storage.RunStore`,
:class:`~dlbench.storage.QuizStore`); each store passes the :class:`Schema` it needs.
Opening checks, before anything is written, that the file is a dlbench database of the
right kind (a foreign SQLite file with its own ``runs`` table is refused untouched),
that no newer dlbench wrote it, and, for commands that only read, that it exists at all
(reading never creates a database). While a store writes, a SQLite file that vanished
or was replaced (``rm -rf results/`` during a run) is an error, not a silent loss:
SQLite would otherwise keep writing into the deleted inode.

On a database server (PostgreSQL) the same class works without SQLite's tools: writes are
ordinary READ COMMITTED transactions whose conflicts are settled by the statements
themselves (``INSERT ... ON CONFLICT DO NOTHING``, ``SELECT ... FOR UPDATE``,
compare-and-set ``UPDATE`` s in :meth:`RunStore.claim`), and schema migrations run under
a transaction-scoped advisory lock (:meth:`Database._migrate`), so eight processes opening
a blank shared database at once create the schema exactly once.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session

from ..errors import DlbenchError, StorageError
from . import migrations
from .engine import (describe_error, display_url, is_memory, is_server, make_engine,
                     release_engine, server_engine, sqlite_path, writable)
from .migrations import Schema


#: PostgreSQL error codes that mean "try the transaction again": serialization failure,
#: deadlock detected. Nothing was written when they occur (the transaction rolled back).
RETRYABLE_SQLSTATES = ("40001", "40P01")


def is_retryable(exc: BaseException) -> bool:
    """Did a transaction fail only because a concurrent one won (safe to run again)?"""
    while exc is not None:
        orig = getattr(exc, "orig", None)
        if getattr(orig, "sqlstate", None) in RETRYABLE_SQLSTATES:
            return True
        exc = exc.__cause__
    return False


def _dialect_insert(conn: Connection, table):
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    elif conn.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:
        raise StorageError(f"dlbench stores results in SQLite or PostgreSQL, not "
                           f"{conn.dialect.name}")
    return dialect_insert(table)


def insert_ignoring_conflicts(conn: Connection, table, *keys):
    """``INSERT ... ON CONFLICT (keys) DO NOTHING`` in ``conn``'s dialect (SQLite and
    PostgreSQL both have it): add ``.values(...)`` and ``.returning(...)``; a conflict
    returns no row instead of failing, so the insert can be repeated safely."""
    return _dialect_insert(conn, table).on_conflict_do_nothing(index_elements=list(keys))


def upsert(conn: Connection, table, keys: tuple[str, ...], values: dict):
    """``INSERT ... ON CONFLICT (keys) DO UPDATE`` the other columns of ``values``: one
    statement, so two writers setting the same row both succeed (the later one wins)
    where delete-then-insert would fail one of them on the primary key."""
    stmt = _dialect_insert(conn, table).values(**values)
    changed = {k: stmt.excluded[k] for k in values if k not in keys}
    return stmt.on_conflict_do_update(index_elements=list(keys), set_=changed)


class NoDatabase(DlbenchError):
    """A command that only reads was pointed at a database that does not exist."""


class Database:
    """The database at ``url``, opened as a ``schema`` database.

    :param create: create the file (and a missing default ``results/`` folder) when it
        does not exist; commands that only read pass ``False``.
    :param missing_hint: the end of the message when the database is missing and
        ``create`` is false, e.g. ``"run 'dlbench run' first"``.
    """

    def __init__(self, url: str, schema: Schema, *, create: bool = True,
                 create_folder: bool = False, missing_hint: str = ""):
        self.url, self.schema = url, schema
        self.display = display_url(url)
        self.memory = is_memory(url)
        self.path = sqlite_path(url)
        self.readonly = False
        immutable = False
        if self.path is not None:
            self._check_path(create, create_folder, missing_hint)
            if self.path.exists() and not writable(self.path):
                self.readonly = True
                # without a writable folder even the WAL index cannot be made: tell SQLite
                # that nobody writes this file, which is true for a read-only folder
                folder = self.path.parent if str(self.path.parent) else None
                immutable = folder is not None and not os.access(folder, os.W_OK)
        if self.path is not None and self.path.exists() and not self.readonly:
            self._probe(immutable)  # refuse a foreign or newer file before WAL touches it
        self.server = is_server(url)
        self.engine = (server_engine(url) if self.server
                       else make_engine(url, readonly=self.readonly, immutable=immutable))
        try:
            self._open()
        except BaseException:
            self.close()  # a refused database keeps no connection open
            raise
        self._inode = self._current_inode()

    # -- opening -----------------------------------------------------------------------
    def _check_path(self, create: bool, create_folder: bool, missing_hint: str) -> None:
        path = self.path
        folder = path.parent if str(path.parent) else None
        if path.is_dir():
            raise StorageError(f"cannot open database {self.display}: {path} is a directory")
        if path.exists():
            return
        if not create:
            hint = f"; {missing_hint}" if missing_hint else ""
            raise NoDatabase(f"no {self.schema.what} at {self.display}{hint}")
        if folder is not None and not folder.exists():
            if not create_folder:
                raise StorageError(f"cannot open database {self.display}: folder {folder} "
                                   "does not exist")
            folder.mkdir(parents=True, exist_ok=True)

    def _probe(self, immutable: bool) -> None:
        """Check an existing SQLite file through a read-only connection first: opening
        it for writing switches the journal to WAL, which rewrites the file header."""
        engine = make_engine(self.url, readonly=True, immutable=immutable)
        try:
            self._check_kind(engine)
        finally:
            engine.dispose()

    def _check_kind(self, engine) -> list[str]:
        """Refuse a foreign, newer or other-kind database; the pending migrations."""
        with self.guard(), engine.connect() as conn:
            with conn.begin():
                if conn.dialect.name == "postgresql":  # wait for a migration in progress
                    conn.execute(text("SELECT pg_advisory_xact_lock_shared(:key)"),
                                 {"key": self.SCHEMA_LOCK})
                kind = migrations.kind_of(conn)
                newer = migrations.unknown(conn)
                todo = migrations.pending(conn, self.schema)
        if kind is None:
            raise StorageError(f"{self.display} is not a dlbench database (it has tables of "
                               "its own and no dlbench schema); choose another --db")
        if newer:
            raise StorageError(f"{self.display} was written by a newer dlbench (unknown schema "
                               f"migration {newer[-1]!r}); upgrade dlbench or choose another --db")
        if kind not in ("blank", "both", self.schema.name):
            other = next(s for s in migrations.SCHEMAS if s.name == kind)
            raise StorageError(f"{self.display} is a dlbench {other.what}, not a "
                               f"{self.schema.what}; choose another database")
        return todo

    def _open(self) -> None:
        todo = self._check_kind(self.engine)
        if not todo:
            return
        if self.readonly:
            raise StorageError(f"{self.display} is read-only and needs a schema upgrade "
                               f"({todo[0]}); open it once with write access")
        self._migrate()

    #: key of the PostgreSQL advisory lock held while a process migrates the schema
    SCHEMA_LOCK = 0x646C62656E6368  # "dlbench"

    def _migrate(self) -> None:
        """Apply the pending migrations in one write transaction.

        A schema older than the code is upgraded automatically, on SQLite and on a shared
        PostgreSQL database alike; we chose this over refusing and pointing to an upgrade
        command because every migration is additive (new tables and nullable columns; the
        only drop is of tables that are empty) and nothing stored is rewritten, and on
        PostgreSQL DDL is transactional: the migrations and their records commit together
        or not at all, so a crash mid-upgrade leaves the old schema untouched. Concurrent
        openers serialise on ``pg_advisory_xact_lock`` (released at commit), and
        :func:`migrations.apply` re-reads what is applied once it holds the lock, so the
        second of eight processes finds nothing left to do. The cost, said plainly: once
        upgraded, a teammate still on an older dlbench is refused ("written by a newer
        dlbench; upgrade dlbench") until they upgrade; that message comes before any run.
        """
        with self.guard(), self.write() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": self.SCHEMA_LOCK})
                newer = migrations.unknown(conn)  # someone newer upgraded while we waited
                if newer:
                    raise StorageError(f"{self.display} was written by a newer dlbench (unknown "
                                       f"schema migration {newer[-1]!r}); upgrade dlbench or "
                                       "choose another --db")
            migrations.apply(conn, self.schema)

    # -- transactions ------------------------------------------------------------------
    @contextmanager
    def guard(self) -> Iterator[None]:
        """Turn driver errors into one-line :class:`StorageError` s (password masked)."""
        try:
            yield
        except StorageError:
            raise
        except DBAPIError as exc:
            raise StorageError(describe_error(self.url, exc)) from exc
        except SQLAlchemyError as exc:
            raise StorageError(f"database error on {self.display}: {exc}") from exc

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction, committed on exit: ``BEGIN IMMEDIATE`` on SQLite (one
        writer at a time); a plain READ COMMITTED transaction on PostgreSQL, where the
        writes take row locks and settle conflicts themselves (see the module docstring)."""
        if self.readonly:
            raise StorageError(f"{self.display} is read-only; nothing can be changed in it")
        with self.guard(), self.engine.connect() as conn:
            conn = conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                self._check_not_replaced()
                yield conn
                self._check_not_replaced()  # before COMMIT: a vanished file loses the write

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A short read-only ORM session (readers never block the writer under WAL)."""
        with self.guard(), Session(self.engine) as session:
            yield session

    def _current_inode(self) -> int | None:
        if self.path is None:
            return None
        try:
            return os.stat(self.path).st_ino
        except FileNotFoundError:
            return None

    def _check_not_replaced(self) -> None:
        if self.path is None or getattr(self, "_inode", None) is None:
            return
        if self._current_inode() != self._inode:
            raise StorageError(f"the database file {self.path} was deleted or replaced while "
                               "dlbench was using it; what was written since is lost with it")

    def applied_migrations(self) -> list[str]:
        with self.guard(), self.engine.connect() as conn:
            return migrations.applied(conn)

    def close(self) -> None:
        if getattr(self, "_closed", False):  # a shared server engine is given back once
            return
        self._closed = True
        if self.server:
            release_engine(self.url, self.engine)
        else:
            self.engine.dispose()
