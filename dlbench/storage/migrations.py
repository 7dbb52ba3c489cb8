"""Ordered, named schema migrations, applied on every open and recorded in a table.

Each migration is a function taking a SQLAlchemy ``Connection`` inside a transaction.
It defines the tables it creates with its own frozen ``Table`` objects (never the ORM
classes, which describe *today's* schema), so replaying history on a blank database
always yields the same schema. Append new migrations; never edit or reorder old ones.

A database listing a migration this code does not know was written by a newer dlbench:
opening it fails with a clear message rather than guessing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import (JSON, BigInteger, Boolean, Column, DateTime, Float, ForeignKey, Index,
                        Integer, LargeBinary, MetaData, SmallInteger, String, Table, Text,
                        inspect, select)
from sqlalchemy.engine import Connection

MIGRATIONS: list[tuple[str, Callable[[Connection], None]]] = []


def migration(name: str):
    """Decorator appending a migration to :data:`MIGRATIONS` under ``name``."""
    def wrap(fn):
        MIGRATIONS.append((name, fn))
        return fn
    return wrap


def _migrations_table(metadata: MetaData) -> Table:
    return Table("schema_migrations", metadata,
                 Column("name", String(200), primary_key=True),
                 Column("applied_at", DateTime(timezone=True)))


@migration("0001_runs_params_metrics_artifacts_tags")
def _m0001(conn: Connection) -> None:
    md = MetaData()
    Table("runs", md,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("task", String(100), nullable=False, index=True),
          Column("preset", String(50)),
          Column("status", String(20), nullable=False, index=True),
          Column("seed", Integer),
          Column("config_hash", String(64), nullable=False, index=True),
          Column("code_version", String(200)),
          Column("choices", JSON, nullable=False),
          Column("config", JSON, nullable=False),
          Column("error", Text),
          Column("error_step", Integer),
          Column("started_at", DateTime(timezone=True)),
          Column("finished_at", DateTime(timezone=True)),
          Column("duration_s", Float),
          Column("dlbench_version", String(50)),
          Column("python_version", String(50)),
          Column("numpy_version", String(50)),
          Column("platform", String(200)),
          Column("blas_vendor", String(100)),
          Column("blas_threads", Integer),
          Column("plugin_versions", JSON))
    fk = dict(ondelete="CASCADE")
    Table("params", md,
          Column("run_id", Integer, ForeignKey("runs.id", **fk), primary_key=True),
          Column("key", String(250), primary_key=True),
          Column("value", Text, nullable=False))
    metrics = Table("metrics", md,
                    Column("id", Integer, primary_key=True, autoincrement=True),
                    Column("run_id", Integer, ForeignKey("runs.id", **fk), nullable=False),
                    Column("key", String(250), nullable=False),
                    Column("step", Integer, nullable=False),
                    Column("value", Float),
                    Column("value_kind", SmallInteger, nullable=False))
    Index("ix_metrics_run_key_step", metrics.c.run_id, metrics.c.key, metrics.c.step)
    Table("summaries", md,
          Column("run_id", Integer, ForeignKey("runs.id", **fk), primary_key=True),
          Column("key", String(250), primary_key=True),
          Column("value", Float),
          Column("value_kind", SmallInteger, nullable=False))
    Table("artifacts", md,
          Column("run_id", Integer, ForeignKey("runs.id", **fk), primary_key=True),
          Column("key", String(250), primary_key=True),
          Column("dtype", String(20), nullable=False),
          Column("shape", JSON, nullable=False),
          Column("data", LargeBinary, nullable=False))
    Table("tags", md,
          Column("run_id", Integer, ForeignKey("runs.id", **fk), primary_key=True),
          Column("key", String(250), primary_key=True),
          Column("value", Text, nullable=False))
    md.create_all(conn)


@migration("0002_quiz_cards_reviews_attempts")
def _m0002(conn: Connection) -> None:
    """A learner's quiz progress: FSRS cards, the append-only review log, every attempt."""
    md = MetaData()
    Table("quiz_settings", md,
          Column("key", String(100), primary_key=True),
          Column("value", JSON, nullable=False))
    Table("quiz_cards", md,
          Column("learner", String(200), primary_key=True),
          Column("question_id", String(200), primary_key=True),
          Column("card_id", BigInteger, nullable=False, index=True),
          Column("state", SmallInteger, nullable=False),
          Column("step", Integer),
          Column("stability", Float),
          Column("difficulty", Float),
          Column("due", DateTime(timezone=True), nullable=False, index=True),
          Column("last_review", DateTime(timezone=True)),
          Column("reviews", Integer, nullable=False),
          Column("lapses", Integer, nullable=False),
          Column("content_hash", String(64)))
    reviews = Table("quiz_reviews", md,
                    Column("id", Integer, primary_key=True, autoincrement=True),
                    Column("learner", String(200), nullable=False),
                    Column("question_id", String(200), nullable=False),
                    Column("card_id", BigInteger, nullable=False),
                    Column("rating", SmallInteger, nullable=False),
                    Column("review_datetime", DateTime(timezone=True), nullable=False),
                    Column("review_duration", Integer),
                    Column("content_hash", String(64), nullable=False),
                    Column("seed", BigInteger),
                    Column("given_answer", Text, nullable=False),
                    Column("correct", Boolean, nullable=False),
                    Column("helped", Boolean, nullable=False),
                    Column("lang", String(5)))
    Index("ix_quiz_reviews_learner_question", reviews.c.learner, reviews.c.question_id)
    attempts = Table("quiz_attempts", md,
                     Column("id", Integer, primary_key=True, autoincrement=True),
                     Column("learner", String(200), nullable=False),
                     Column("question_id", String(200), nullable=False),
                     Column("created_at", DateTime(timezone=True), nullable=False),
                     Column("status", String(20), nullable=False),
                     Column("given_answer", Text, nullable=False),
                     Column("seed", BigInteger),
                     Column("content_hash", String(64), nullable=False),
                     Column("lang", String(5)),
                     Column("misconceptions", JSON, nullable=False),
                     Column("detail", JSON),
                     Column("review_id", Integer,
                            ForeignKey("quiz_reviews.id", ondelete="SET NULL")))
    Index("ix_quiz_attempts_learner_question", attempts.c.learner, attempts.c.question_id)
    md.create_all(conn)


def known_names() -> list[str]:
    return [name for name, _ in MIGRATIONS]


def applied(conn: Connection) -> list[str]:
    """Names of the migrations recorded in the database (empty for a blank one)."""
    if not inspect(conn).has_table("schema_migrations"):
        return []
    table = _migrations_table(MetaData())
    return [row[0] for row in conn.execute(select(table.c.name))]


def pending(conn: Connection) -> list[str]:
    done = set(applied(conn))
    return [name for name in known_names() if name not in done]


def unknown(conn: Connection) -> list[str]:
    """Applied migrations this code does not know: the database is from a newer dlbench."""
    known = set(known_names())
    return [name for name in applied(conn) if name not in known]


def apply(conn: Connection) -> list[str]:
    """Apply every pending migration in order (caller holds a write transaction).

    :return: names of the migrations applied now.
    """
    table = _migrations_table(MetaData())
    table.create(conn, checkfirst=True)
    done = set(applied(conn))
    ran = []
    for name, fn in MIGRATIONS:
        if name in done:
            continue
        fn(conn)
        conn.execute(table.insert().values(name=name, applied_at=dt.datetime.now(dt.timezone.utc)))
        ran.append(name)
    return ran
