"""A dlbench database: one engine, its migrations, and the transactions stores use.

:class:`Database` is shared by the sibling stores (:class:`~dlbench.storage.RunStore`,
:class:`~dlbench.storage.QuizStore`); each store passes the :class:`Schema` it needs.
Opening checks, before anything is written, that the file is a dlbench database of the
right kind (a foreign SQLite file with its own ``runs`` table is refused untouched),
that no newer dlbench wrote it, and, for commands that only read, that it exists at all
(reading never creates a database). While a store writes, a SQLite file that vanished
or was replaced (``rm -rf results/`` during a run) is an error, not a silent loss:
SQLite would otherwise keep writing into the deleted inode.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session

from ..errors import DlbenchError, StorageError
from . import migrations
from .engine import describe_error, display_url, is_memory, make_engine, sqlite_path, writable
from .migrations import Schema


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
        self.engine = make_engine(url, readonly=self.readonly, immutable=immutable)
        try:
            self._open()
        except BaseException:
            self.engine.dispose()  # a refused database keeps no connection open
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
        with self.guard(), self.write() as conn:
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
        """One write transaction (``BEGIN IMMEDIATE`` on SQLite), committed on exit."""
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
        self.engine.dispose()
