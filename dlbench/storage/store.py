"""``ResultStore``: everything dlbench writes to or reads from the results database.

One object per database URL. Writes are short transactions that take the write lock at
``BEGIN`` (see :mod:`dlbench.storage.engine`); metric series arrive in batches so that
storing does not slow training down. Reads return plain dicts, ready for the command
line's tables and ``--json``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import numpy as np
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session

from .. import config
from ..bench.spec import flatten
from ..errors import StorageError, UsageError
from . import migrations
from .engine import describe_error, make_engine
from .models import (Artifact, Metric, Param, Run, Summary, Tag, decode_float, encode_float)

RUN_STATUSES = ("running", "finished", "diverged", "failed", "interrupted")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite drops the zone; we only ever store UTC
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.isoformat()


class ResultStore:
    """The results database at ``url`` (default ``sqlite:///results/dlbench.db``).

    Opening applies pending migrations; a database from a newer dlbench, a corrupt file
    or an unreachable server raises :class:`StorageError` with one clear line.
    """

    def __init__(self, url: str | None = None):
        self.url = config.db_url(url)
        self.engine = make_engine(self.url)
        try:
            with self._guard():
                with self._write() as conn:
                    newer = migrations.unknown(conn)
                    if newer:
                        raise StorageError(
                            f"{self.url} was written by a newer dlbench (unknown schema "
                            f"migration {newer[-1]!r}); upgrade dlbench or choose another --db")
                    migrations.apply(conn)
        except BaseException:
            self.engine.dispose()  # a refused database keeps no connection open
            raise

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "ResultStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- plumbing ----------------------------------------------------------------------
    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except StorageError:
            raise
        except DBAPIError as exc:
            raise StorageError(describe_error(self.url, exc)) from exc
        except SQLAlchemyError as exc:
            raise StorageError(f"database error on {self.url}: {exc}") from exc

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            conn = conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with self._guard(), Session(self.engine) as session:
            yield session

    def applied_migrations(self) -> list[str]:
        with self._guard(), self.engine.connect() as conn:
            return migrations.applied(conn)

    # -- writing -----------------------------------------------------------------------
    def create_run(self, *, task: str, config: dict, config_hash: str, choices: dict | None = None,
                   seed: int | None = None, preset: str | None = None,
                   code_version: str | None = None, environment: dict | None = None,
                   status: str = "running") -> int:
        """Insert a run (status ``running`` by default) and its flattened params; its id."""
        env = environment or {}
        row = dict(task=task, preset=preset, status=status, seed=seed, config_hash=config_hash,
                   code_version=code_version, choices=choices or {}, config=config,
                   started_at=utcnow(),
                   **{k: env.get(k) for k in ("dlbench_version", "python_version",
                                              "numpy_version", "platform", "blas_vendor",
                                              "blas_threads", "plugin_versions")})
        with self._guard(), self._write() as conn:
            run_id = conn.execute(insert(Run).values(**row)).inserted_primary_key[0]
            params = [{"run_id": run_id, "key": k, "value": json.dumps(v, default=str)}
                      for k, v in flatten(config).items()]
            if params:
                conn.execute(insert(Param), params)
        return int(run_id)

    def log_metrics(self, run_id: int, points: Iterable[tuple[str, int, float]]) -> int:
        """Append ``(key, step, value)`` points in one transaction; how many were stored."""
        rows = []
        for key, step, value in points:
            v, kind = encode_float(value)
            rows.append({"run_id": run_id, "key": key, "step": int(step), "value": v,
                         "value_kind": kind})
        if rows:
            with self._guard(), self._write() as conn:
                conn.execute(insert(Metric), rows)
        return len(rows)

    def log_artifact(self, run_id: int, key: str, array) -> None:
        """Store a named array (any shape, numeric dtype) exactly, bytes little-endian."""
        arr = np.asarray(array)
        if arr.dtype.kind not in "biuf":
            raise UsageError(f"artifact {key!r}: only numeric arrays are stored, got {arr.dtype}")
        arr = arr.astype(arr.dtype.newbyteorder("<"), copy=False)
        row = {"run_id": run_id, "key": key, "dtype": arr.dtype.str, "shape": list(arr.shape),
               "data": np.ascontiguousarray(arr).tobytes()}
        with self._guard(), self._write() as conn:
            conn.execute(delete(Artifact).where(Artifact.run_id == run_id, Artifact.key == key))
            conn.execute(insert(Artifact).values(**row))

    def set_tags(self, run_id: int, tags: dict[str, str]) -> None:
        with self._guard(), self._write() as conn:
            for key, value in tags.items():
                conn.execute(delete(Tag).where(Tag.run_id == run_id, Tag.key == key))
                conn.execute(insert(Tag).values(run_id=run_id, key=key, value=str(value)))

    def finish_run(self, run_id: int, status: str, *, summary: dict | None = None,
                   error: str | None = None, error_step: int | None = None,
                   duration_s: float | None = None) -> None:
        """Record the outcome: status, final scalars, error and timing."""
        if status not in RUN_STATUSES:
            raise ValueError(f"status must be one of {RUN_STATUSES}, got {status!r}")
        with self._guard(), self._write() as conn:
            conn.execute(update(Run).where(Run.id == run_id).values(
                status=status, error=error, error_step=error_step, finished_at=utcnow(),
                duration_s=duration_s))
            conn.execute(delete(Summary).where(Summary.run_id == run_id))
            rows = []
            for key, value in (summary or {}).items():
                v, kind = encode_float(value)
                rows.append({"run_id": run_id, "key": key, "value": v, "value_kind": kind})
            if rows:
                conn.execute(insert(Summary), rows)

    def delete_runs(self, run_ids: Iterable[int]) -> int:
        ids = list(run_ids)
        with self._guard(), self._write() as conn:
            for table in (Metric, Artifact, Summary, Param, Tag):
                conn.execute(delete(table).where(table.run_id.in_(ids)))
            return conn.execute(delete(Run).where(Run.id.in_(ids))).rowcount

    # -- reading -----------------------------------------------------------------------
    @staticmethod
    def _run_dict(run: Run) -> dict:
        return {
            "id": run.id, "task": run.task, "preset": run.preset, "status": run.status,
            "seed": run.seed, "choices": run.choices, "config": run.config,
            "config_hash": run.config_hash, "code_version": run.code_version,
            "started_at": _iso(run.started_at), "finished_at": _iso(run.finished_at),
            "duration_s": run.duration_s, "error": run.error, "error_step": run.error_step,
            "summary": {s.key: decode_float(s.value, s.value_kind) for s in run.summaries},
            "tags": {t.key: t.value for t in run.tags},
        }

    def list_runs(self, *, limit: int | None = None, task: str | None = None,
                  status: str | None = None, ids: Iterable[int] | None = None) -> list[dict]:
        """Runs, newest first; every run unless ``limit`` is given."""
        query = select(Run).order_by(Run.id.desc())
        if task:
            query = query.where(Run.task == task)
        if status:
            query = query.where(Run.status == status)
        if ids is not None:
            query = query.where(Run.id.in_(list(ids)))
        if limit is not None:
            query = query.limit(limit)
        with self._read() as session:
            return [self._run_dict(r) for r in session.scalars(query)]

    def get_run(self, run_id: int) -> dict:
        """One run with its params, environment, series keys and artifact keys."""
        with self._read() as session:
            run = session.get(Run, run_id)
            if run is None:
                raise UsageError(f"no run with id {run_id} in {self.url}")
            out = self._run_dict(run)
            out["params"] = {p.key: json.loads(p.value) for p in run.params}
            out["environment"] = {
                "dlbench_version": run.dlbench_version, "python_version": run.python_version,
                "numpy_version": run.numpy_version, "platform": run.platform,
                "blas_vendor": run.blas_vendor, "blas_threads": run.blas_threads,
                "plugin_versions": run.plugin_versions}
            counts = session.execute(
                select(Metric.key, func.count()).where(Metric.run_id == run_id)
                .group_by(Metric.key).order_by(Metric.key)).all()
            out["metrics"] = {key: n for key, n in counts}
            out["artifacts"] = list(session.scalars(
                select(Artifact.key).where(Artifact.run_id == run_id).order_by(Artifact.key)))
            return out

    def metric_series(self, run_id: int, key: str) -> tuple[np.ndarray, np.ndarray]:
        """``(steps, values)`` of one series, by step; NaN and ±inf restored."""
        with self._read() as session:
            rows = session.execute(
                select(Metric.step, Metric.value, Metric.value_kind)
                .where(Metric.run_id == run_id, Metric.key == key).order_by(Metric.step, Metric.id)).all()
        steps = np.array([r[0] for r in rows], dtype=np.int64)
        values = np.array([decode_float(r[1], r[2]) for r in rows], dtype=np.float64)
        return steps, values

    def artifact(self, run_id: int, key: str) -> np.ndarray:
        """A stored array, with its dtype and shape."""
        with self._read() as session:
            row = session.get(Artifact, (run_id, key))
            if row is None:
                raise UsageError(f"run {run_id} has no artifact {key!r}")
            return np.frombuffer(row.data, dtype=np.dtype(row.dtype)).reshape(row.shape).copy()

    def durations(self, task: str, preset: str | None = None, limit: int = 50) -> list[float]:
        """Durations (s) of the latest finished runs of ``task`` (for time estimates)."""
        query = (select(Run.duration_s).where(Run.task == task, Run.status == "finished",
                                              Run.duration_s.is_not(None))
                 .order_by(Run.id.desc()).limit(limit))
        if preset:
            query = query.where(Run.preset == preset)
        with self._read() as session:
            return [float(d) for d in session.scalars(query)]

    def find_reusable(self, config_hash: str, code_version: str | None) -> int | None:
        """Id of a finished (or diverged) run with this config hash and code version."""
        query = (select(Run.id).where(Run.config_hash == config_hash,
                                      Run.code_version == code_version,
                                      Run.status.in_(("finished", "diverged")))
                 .order_by(Run.id.desc()).limit(1))
        with self._read() as session:
            return session.scalars(query).first()
