"""ORM rows of the results database (SQLAlchemy 2.0 declarative, typed).

The tables are *created* by :mod:`dlbench.storage.migrations`, never by
``metadata.create_all``: migrations are the history, these classes the current view of
it, and ``tests/storage/test_schema.py`` checks that both agree.

Floats that may be NaN or ±inf (SQLite turns NaN into NULL) are stored as a nullable
``value`` plus a ``value_kind`` code, the way MLflow keeps an ``is_nan`` flag.
"""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import (JSON, DateTime, Float, ForeignKey, Index, Integer, LargeBinary,
                        SmallInteger, String, Text)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

FINITE, NAN, POS_INF, NEG_INF = 0, 1, 2, 3


def encode_float(value) -> tuple[float | None, int]:
    """``value`` -> ``(stored value, kind)``; NaN and ±inf keep their identity."""
    v = float(value)
    if math.isnan(v):
        return None, NAN
    if math.isinf(v):
        return None, POS_INF if v > 0 else NEG_INF
    return v, FINITE


def decode_float(value: float | None, kind: int) -> float:
    """Inverse of :func:`encode_float`."""
    if kind == NAN:
        return math.nan
    if kind == POS_INF:
        return math.inf
    if kind == NEG_INF:
        return -math.inf
    return float(value)


class Base(DeclarativeBase):
    pass


class SchemaMigration(Base):
    __tablename__ = "schema_migrations"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    applied_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Run(Base):
    """One execution of a task with one resolved config and one seed."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    task: Mapped[str] = mapped_column(String(100), index=True)
    preset: Mapped[str | None] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20), index=True)
    seed: Mapped[int | None] = mapped_column(Integer)
    config_hash: Mapped[str] = mapped_column(String(64), index=True)
    code_version: Mapped[str | None] = mapped_column(String(200))
    choices: Mapped[dict] = mapped_column(JSON)
    config: Mapped[dict] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    error_step: Mapped[int | None] = mapped_column(Integer)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    duration_s: Mapped[float | None] = mapped_column(Float)
    dlbench_version: Mapped[str | None] = mapped_column(String(50))
    python_version: Mapped[str | None] = mapped_column(String(50))
    numpy_version: Mapped[str | None] = mapped_column(String(50))
    platform: Mapped[str | None] = mapped_column(String(200))
    blas_vendor: Mapped[str | None] = mapped_column(String(100))
    blas_threads: Mapped[int | None] = mapped_column(Integer)
    plugin_versions: Mapped[dict | None] = mapped_column(JSON)
    owner_host: Mapped[str | None] = mapped_column(String(200))
    owner_pid: Mapped[int | None] = mapped_column(Integer)
    owner_started: Mapped[float | None] = mapped_column(Float)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    params: Mapped[list["Param"]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    summaries: Mapped[list["Summary"]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    tags: Mapped[list["Tag"]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class Param(Base):
    """One flattened config entry (``"optimizer.lr" -> 0.01``), for filtering and display."""

    __tablename__ = "params"

    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(250), primary_key=True)
    value: Mapped[str] = mapped_column(Text)  # JSON text


class Metric(Base):
    """One point of a scalar series (``loss`` at step 120)."""

    __tablename__ = "metrics"
    __table_args__ = (Index("ix_metrics_run_key_step", "run_id", "key", "step"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(250))
    step: Mapped[int] = mapped_column(Integer)
    value: Mapped[float | None] = mapped_column(Float)
    value_kind: Mapped[int] = mapped_column(SmallInteger, default=FINITE)


class Summary(Base):
    """One final scalar of a run (``final_loss``, ``steps_to_target``)."""

    __tablename__ = "summaries"

    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(250), primary_key=True)
    value: Mapped[float | None] = mapped_column(Float)
    value_kind: Mapped[int] = mapped_column(SmallInteger, default=FINITE)


class Artifact(Base):
    """A named array of a run (histogram, trajectory), stored as raw little-endian bytes."""

    __tablename__ = "artifacts"

    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(250), primary_key=True)
    dtype: Mapped[str] = mapped_column(String(20))
    shape: Mapped[list] = mapped_column(JSON)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Tag(Base):
    """A free-form label on a run (``"note" -> "after fixing the lr"``)."""

    __tablename__ = "tags"

    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(250), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class RunClaim(Base):
    """The run that holds a configuration: running it now, or its stored result.

    One row per (config hash, code version). A process claims a configuration by
    inserting this row (or by swapping ``run_id`` away from a dead or failed holder with
    a compare-and-set ``UPDATE``), so concurrent ``dlbench run`` processes never execute
    the same configuration twice.
    """

    __tablename__ = "run_claims"

    config_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    code_version: Mapped[str] = mapped_column(String(200), primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
