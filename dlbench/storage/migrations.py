"""Ordered, named schema migrations, applied on every open and recorded in a table.

Two kinds of database share this machinery and never each other's tables: a *results*
database (runs, series, artifacts, tags, claims) and a learner's *quiz* database (cards,
reviews, attempts, exams). Each kind has its own ordered list of migrations
(:data:`RESULTS`, :data:`QUIZ`); migration names are unique across both, so one
``schema_migrations`` table tells what a file is.

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
from dataclasses import dataclass, field

from sqlalchemy import (JSON, BigInteger, Boolean, Column, DateTime, Float, ForeignKey, Index,
                        Integer, LargeBinary, MetaData, SmallInteger, String, Table, Text,
                        inspect, select, text)
from sqlalchemy.engine import Connection

Migration = Callable[[Connection], None]


@dataclass
class Schema:
    """One kind of dlbench database: its name and its ordered migrations."""

    name: str  # "results" | "quiz"
    what: str  # how a user calls it: "results database", "quiz-progress database"
    migrations: list[tuple[str, Migration]] = field(default_factory=list)

    def names(self) -> list[str]:
        return [name for name, _ in self.migrations]


RESULTS = Schema("results", "results database")
QUIZ = Schema("quiz", "quiz-progress database")
SCHEMAS = (RESULTS, QUIZ)


def migration(schema: Schema, name: str):
    """Decorator appending a migration to ``schema`` under ``name``."""
    def wrap(fn):
        assert all(name not in s.names() for s in SCHEMAS), f"duplicate migration {name}"
        schema.migrations.append((name, fn))
        return fn
    return wrap


def _migrations_table(metadata: MetaData) -> Table:
    return Table("schema_migrations", metadata,
                 Column("name", String(200), primary_key=True),
                 Column("applied_at", DateTime(timezone=True)))


@migration(RESULTS, "0001_runs_params_metrics_artifacts_tags")
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


@migration(QUIZ, "0002_quiz_cards_reviews_attempts")
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


RUN_TABLES = ("tags", "artifacts", "summaries", "metrics", "params", "runs")
QUIZ_TABLES = ("quiz_attempts", "quiz_reviews", "quiz_cards", "quiz_settings")


def _drop_if_empty(conn: Connection, tables: tuple[str, ...], migration_name: str) -> None:
    """Drop ``tables`` (children first) and forget the migration that made them, but only
    if none of them holds a row: an older dlbench kept quiz progress and runs in one
    file, and nothing stored is ever deleted by an upgrade."""
    present = [t for t in tables if inspect(conn).has_table(t)]
    if not present:
        return
    if any(conn.execute(text(f"SELECT 1 FROM {t} LIMIT 1")).first() for t in present):
        return  # a legacy file holding both kinds of rows stays readable by both stores
    for table in present:
        conn.execute(text(f"DROP TABLE {table}"))
    conn.execute(text("DELETE FROM schema_migrations WHERE name = :n"), {"n": migration_name})


@migration(RESULTS, "0003_results_without_quiz_tables")
def _m0003(conn: Connection) -> None:
    """Results and quiz progress live in separate databases: drop the empty quiz tables
    an older dlbench created in every results file."""
    _drop_if_empty(conn, QUIZ_TABLES, "0002_quiz_cards_reviews_attempts")


@migration(QUIZ, "0003_quiz_without_run_tables")
def _m0003q(conn: Connection) -> None:
    """The quiz-progress twin of ``0003_results_without_quiz_tables``."""
    _drop_if_empty(conn, RUN_TABLES, "0001_runs_params_metrics_artifacts_tags")


@migration(RESULTS, "0004_run_owner_heartbeat_claims")
def _m0004(conn: Connection) -> None:
    """Who runs a run (host, pid, process start) and when it last said it was alive; one
    claim per (config hash, code version) pointing at the run that holds it, so that
    concurrent ``dlbench run`` processes execute each configuration once."""
    for name, type_ in (("owner_host", String(200)), ("owner_pid", Integer()),
                        ("owner_started", Float()), ("heartbeat_at", DateTime(timezone=True))):
        conn.execute(text(f"ALTER TABLE runs ADD COLUMN {name} "
                          f"{type_.compile(dialect=conn.dialect)}"))
    md = MetaData()
    Table("runs", md, Column("id", Integer, primary_key=True))
    Table("run_claims", md,
          Column("config_hash", String(64), primary_key=True),
          Column("code_version", String(200), primary_key=True),
          Column("run_id", Integer, ForeignKey("runs.id", ondelete="CASCADE"), nullable=False))
    md.tables["run_claims"].create(conn)
    # runs that finished before claims existed: the newest finished one holds the claim
    rows = conn.execute(text(
        "SELECT config_hash, code_version, MAX(id) FROM runs "
        "WHERE status IN ('finished', 'diverged') AND code_version IS NOT NULL "
        "GROUP BY config_hash, code_version")).all()
    for config_hash, code_version, run_id in rows:
        conn.execute(text("INSERT INTO run_claims (config_hash, code_version, run_id) "
                          "VALUES (:h, :v, :r)"), {"h": config_hash, "v": code_version, "r": run_id})


@migration(QUIZ, "0005_quiz_exams")
def _m0005q(conn: Connection) -> None:
    """Mock exams (``dlbench quiz exam``): one row per exam with its score per section, one
    per question with the answer given. Exams do not review FSRS cards (quiz/exam.py)."""
    md = MetaData()
    Table("quiz_exams", md,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("learner", String(200), nullable=False, index=True),
          Column("seed", BigInteger, nullable=False),
          Column("lang", String(5)),
          Column("started_at", DateTime(timezone=True), nullable=False),
          Column("finished_at", DateTime(timezone=True), nullable=False),
          Column("n", Integer, nullable=False),
          Column("minutes", Float, nullable=False),
          Column("correct", Integer, nullable=False),
          Column("score", Float, nullable=False),
          Column("pass_line", Float, nullable=False),
          Column("passed", Boolean, nullable=False),
          Column("timed_out", Boolean, nullable=False),
          Column("sections", JSON, nullable=False))
    Table("quiz_exam_answers", md,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("exam_id", Integer, ForeignKey("quiz_exams.id", ondelete="CASCADE"),
                 nullable=False, index=True),
          Column("position", Integer, nullable=False),
          Column("question_id", String(200), nullable=False),
          Column("section", String(20)),
          Column("content_hash", String(64), nullable=False),
          Column("seed", BigInteger, nullable=False),
          Column("status", String(20), nullable=False),
          Column("correct", Boolean, nullable=False),
          Column("given_answer", Text),
          Column("misconceptions", JSON, nullable=False),
          Column("answered_at", DateTime(timezone=True)))
    md.create_all(conn)


@migration(RESULTS, "0006_sweeps")
def _m0006(conn: Connection) -> None:
    """One row per ``dlbench run`` command (a sweep): how many runs it planned, how many
    are done or failed, which task it is on, and who runs it, so that a dashboard (or
    another terminal) can follow a sweep while it runs and tell a dead one."""
    md = MetaData()
    Table("sweeps", md,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("label", String(500), nullable=False),
          Column("status", String(20), nullable=False, index=True),
          Column("total", Integer, nullable=False),
          Column("done", Integer, nullable=False),
          Column("failed", Integer, nullable=False),
          Column("task", String(100)),
          Column("task_index", Integer, nullable=False),
          Column("tasks", JSON, nullable=False),
          Column("started_at", DateTime(timezone=True), nullable=False),
          Column("updated_at", DateTime(timezone=True), nullable=False),
          Column("finished_at", DateTime(timezone=True)),
          Column("host", String(200)),
          Column("pid", Integer),
          Column("pid_started", Float))
    md.create_all(conn)


def known_names() -> list[str]:
    """Every migration name of every kind of database."""
    return [name for schema in SCHEMAS for name, _ in schema.migrations]


def applied(conn: Connection) -> list[str]:
    """Names of the migrations recorded in the database (empty for a blank one)."""
    if not inspect(conn).has_table("schema_migrations"):
        return []
    table = _migrations_table(MetaData())
    return [row[0] for row in conn.execute(select(table.c.name).order_by(table.c.applied_at,
                                                                        table.c.name))]


def pending(conn: Connection, schema: Schema) -> list[str]:
    done = set(applied(conn))
    return [name for name in schema.names() if name not in done]


def unknown(conn: Connection) -> list[str]:
    """Applied migrations this code does not know: the database is from a newer dlbench."""
    known = set(known_names())
    return [name for name in applied(conn) if name not in known]


def kind_of(conn: Connection) -> str | None:
    """``"results"``, ``"quiz"``, ``"both"`` (a legacy file), ``"blank"`` or ``None``
    (tables but no dlbench schema: not a dlbench database)."""
    names = set(applied(conn))
    tables = set(inspect(conn).get_table_names())
    if not names:
        return "blank" if not tables - {"schema_migrations"} else None
    kinds = {s.name for s in SCHEMAS if names & set(s.names())}
    if kinds == {"results", "quiz"}:
        return "both"
    return kinds.pop() if kinds else "blank"


def apply(conn: Connection, schema: Schema) -> list[str]:
    """Apply every pending migration of ``schema`` in order (caller holds a write
    transaction).

    :return: names of the migrations applied now.
    """
    table = _migrations_table(MetaData())
    table.create(conn, checkfirst=True)
    done = set(applied(conn))
    ran = []
    for name, fn in schema.migrations:
        if name in done:
            continue
        fn(conn)
        conn.execute(table.insert().values(name=name, applied_at=dt.datetime.now(dt.timezone.utc)))
        ran.append(name)
    return ran
