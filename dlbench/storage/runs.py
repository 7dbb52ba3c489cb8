"""``RunStore``: everything dlbench writes to or reads from a results database.

Writes: a run is *claimed* (one row per configuration in ``run_claims``, so concurrent
``dlbench run`` processes execute each configuration once), then its whole result
(series, artifacts, notes, summary, status) is stored in ONE transaction, so a run is
either absent, ``running`` or complete, never half-written. Storage owns the rules of
what can be stored (:func:`storable_summary`). Reads return the frozen records of
:mod:`dlbench.storage.records`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

import numpy as np
from sqlalchemy import delete, func, insert, select, update

from .. import config
from ..bench.spec import flatten
from ..errors import StorageError, UsageError
from .database import Database, insert_ignoring_conflicts, is_retryable, upsert
from .migrations import RESULTS
from .models import (Artifact, Metric, Param, Run, RunClaim, Summary, Tag, decode_float,
                     encode_float)
from .owners import Owner, owner_alive
from .storable import Unstorable, storable_array, storable_summary
from .curation import CurationMethods
from .sweeps import SweepMethods
from .records import (RESULT_STATUSES, RUN_STATUSES, Claim, RunDetail,
                      RunRecord, iso)

NOTES_TAG = "notes"  # what the task noted while running (fallbacks, edge of the grid)
NOTE_TAG = "note"  # the user's note (``results note``)
RESERVED_TAGS = (NOTES_TAG, NOTE_TAG)
ENV_COLUMNS = ("dlbench_version", "python_version", "numpy_version", "platform",
               "blas_vendor", "blas_threads", "plugin_versions")


class _LostRace(Exception):
    """Another process changed the claim between our read and our write."""


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class RunStore(CurationMethods, SweepMethods):
    """The results database at ``url`` (default ``sqlite:///results/dlbench.db``).

    :param create: create the database when missing (``dlbench run``); commands that only
        read pass ``False`` and get ``no results database at ...; run 'dlbench run' first``.
    """

    def __init__(self, url: str | None = None, *, create: bool = False):
        self.url = config.db_url(url)
        self.db = Database(self.url, RESULTS, create=create,
                           create_folder=self.url == config.DEFAULT_DB_URL,
                           missing_hint="run 'dlbench run' first")
        self.display = self.db.display
        self.engine = self.db.engine

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "RunStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def applied_migrations(self) -> list[str]:
        return self.db.applied_migrations()

    # -- claiming and storing ----------------------------------------------------------
    def claim(self, *, task: str, config: dict, config_hash: str, code_version: str,
              choices: dict, seed: int | None, preset: str | None, environment: dict,
              owner: Owner, force: bool = False) -> Claim:
        """Decide, atomically, who runs this configuration (see :class:`Claim`).

        A stored result is reused unless ``force``; a live owner's running run is
        ``busy``; a dead owner's running run is marked ``abandoned`` and the
        configuration is claimed again. The claim row is taken with
        ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` (no row back: another process
        took it first, and our run row is rolled back with the transaction), or moved
        with a compare-and-set ``UPDATE``; on PostgreSQL the claim row is read
        ``FOR UPDATE``, so two processes (or two hosts) never both win and a repeated
        claim never adds a second run row for a configuration.
        """
        for _ in range(5):
            try:
                return self._claim_once(task=task, config=config, config_hash=config_hash,
                                        code_version=code_version, choices=choices, seed=seed,
                                        preset=preset, environment=environment, owner=owner,
                                        force=force)
            except _LostRace:  # another process took the claim first: look again
                continue
            except StorageError as exc:
                if not is_retryable(exc):  # a deadlock / serialization failure: again
                    raise
        raise UsageError(f"could not claim configuration {config_hash[:12]} after 5 tries")

    def _claim_once(self, *, task, config, config_hash, code_version, choices, seed, preset,
                    environment, owner, force) -> Claim:
        with self.db.write() as conn:
            held = conn.execute(select(RunClaim.run_id).where(
                RunClaim.config_hash == config_hash,
                RunClaim.code_version == code_version).with_for_update()).scalar()
            abandoned: tuple[int, ...] = ()
            if held is not None:
                run = conn.execute(select(Run.status, Run.owner_host, Run.owner_pid,
                                          Run.owner_started, Run.heartbeat_at)
                                   .where(Run.id == held)).first()
                if run is not None and run.status in RESULT_STATUSES and not force:
                    return Claim("reuse", held)
                if run is not None and run.status == "running":
                    if owner_alive(run.owner_host, run.owner_pid, run.owner_started,
                                   run.heartbeat_at):
                        return Claim("busy", held)
                    self._abandon(conn, [held])
                    abandoned = (held,)
            run_id = self._insert_run(conn, task=task, config=config, config_hash=config_hash,
                                      code_version=code_version, choices=choices, seed=seed,
                                      preset=preset, environment=environment, owner=owner)
            if held is None:
                taken = conn.execute(
                    insert_ignoring_conflicts(conn, RunClaim, "config_hash", "code_version")
                    .values(config_hash=config_hash, code_version=code_version, run_id=run_id)
                    .returning(RunClaim.run_id)).first()
                if taken is None:
                    raise _LostRace  # rolls the whole transaction back, our run row with it
            else:
                moved = conn.execute(update(RunClaim).where(
                    RunClaim.config_hash == config_hash, RunClaim.code_version == code_version,
                    RunClaim.run_id == held).values(run_id=run_id))
                if moved.rowcount != 1:
                    raise _LostRace
            return Claim("claimed", run_id, abandoned)

    def _insert_run(self, conn, *, task, config, config_hash, code_version, choices, seed,
                    preset, environment, owner: Owner) -> int:
        env = environment or {}
        now = utcnow()
        row = dict(task=task, preset=preset, status="running", seed=seed,
                   config_hash=config_hash, code_version=code_version, choices=choices or {},
                   config=config, started_at=now, heartbeat_at=now, owner_host=owner.host,
                   owner_pid=owner.pid, owner_started=owner.started,
                   **{k: env.get(k) for k in ENV_COLUMNS})
        run_id = int(conn.execute(insert(Run).values(**row)).inserted_primary_key[0])
        params = [{"run_id": run_id, "key": k, "value": json.dumps(v, default=str)}
                  for k, v in flatten(config).items()]
        if params:
            conn.execute(insert(Param), params)
        return run_id

    def store_result(self, run_id: int, *, status: str, summary: dict | None = None,
                     series: dict | None = None, artifacts: dict | None = None,
                     notes: Iterable[str] = (), error: str | None = None,
                     error_step: int | None = None, duration_s: float | None = None) -> None:
        """Store a run's whole outcome in one transaction.

        :param series: key -> list of ``(step, value)``.
        :raises Unstorable: before anything is written, if a value cannot be stored.
        """
        prepared = self._prepare(status, summary, series, artifacts, notes)
        with self.db.write() as conn:
            self._write_result(conn, run_id, prepared, error=error, error_step=error_step,
                               duration_s=duration_s)

    def store_results(self, items: list[dict]) -> list[str | None]:
        """Store several runs' outcomes (each dict: ``run_id`` and :meth:`store_result`'s
        keywords) in ONE transaction. An :class:`Unstorable` one is stored as ``failed``
        with the reason, which is its entry in the returned list (else ``None``)."""
        prepared, reasons = [], []
        for item in items:
            args = {k: item.get(k) for k in ("error", "error_step", "duration_s")}
            try:
                p = self._prepare(item["status"], item.get("summary"), item.get("series"),
                                  item.get("artifacts"), item.get("notes", ()))
                reasons.append(None)
            except Unstorable as exc:
                p = self._prepare("failed", None, None, None, ())
                args.update(error=f"the result could not be stored: {exc}", error_step=None)
                reasons.append(str(exc))
            prepared.append((item["run_id"], p, args))
        if prepared:
            with self.db.write() as conn:
                for run_id, p, args in prepared:
                    self._write_result(conn, run_id, p, **args)
        return reasons

    @staticmethod
    def _prepare(status, summary, series, artifacts, notes) -> dict:
        """Check and convert a result before any write (:class:`Unstorable` if it can't be)."""
        if status not in RUN_STATUSES:
            raise ValueError(f"status must be one of {RUN_STATUSES}, got {status!r}")
        values = storable_summary(summary or {})
        arrays = {k: storable_array(k, a) for k, a in (artifacts or {}).items()}
        points = [(key, int(step), *encode_float(value))
                  for key, items in (series or {}).items() for step, value in items]
        return {"status": status, "summary": values, "arrays": arrays, "points": points,
                "notes": [n for n in notes if n]}

    @staticmethod
    def _write_result(conn, run_id: int, p: dict, *, error, error_step, duration_s) -> None:
        for table in (Metric, Artifact, Summary):
            conn.execute(delete(table).where(table.run_id == run_id))
        if p["points"]:
            conn.execute(insert(Metric), [
                {"run_id": run_id, "key": k, "step": step, "value": v, "value_kind": kind}
                for k, step, v, kind in p["points"]])
        for key, arr in p["arrays"].items():
            conn.execute(insert(Artifact).values(run_id=run_id, key=key, dtype=arr.dtype.str,
                                                 shape=list(arr.shape), data=arr.tobytes()))
        if p["notes"]:
            conn.execute(upsert(conn, Tag, ("run_id", "key"),
                                {"run_id": run_id, "key": NOTES_TAG,
                                 "value": " | ".join(p["notes"])}))
        if p["summary"]:
            conn.execute(insert(Summary), [
                {"run_id": run_id, "key": k, "value": encode_float(v)[0],
                 "value_kind": encode_float(v)[1]} for k, v in p["summary"].items()])
        conn.execute(update(Run).where(Run.id == run_id).values(
            status=p["status"], error=error, error_step=error_step, finished_at=utcnow(),
            duration_s=duration_s))

    def add_run(self, *, task: str, config: dict, config_hash: str, status: str,
                code_version: str | None = None, choices: dict | None = None,
                seed: int | None = None, preset: str | None = None,
                environment: dict | None = None, **result) -> int:
        """Store a complete run that was computed elsewhere (an import, a test fixture):
        the row and its whole result, in one transaction. It holds no claim, so a
        ``dlbench run`` of the same configuration does not reuse it."""
        prepared = self._prepare(status, result.pop("summary", None), result.pop("series", None),
                                 result.pop("artifacts", None), result.pop("notes", ()))
        with self.db.write() as conn:
            run_id = self._insert_run(conn, task=task, config=config, config_hash=config_hash,
                                      code_version=code_version, choices=choices or {},
                                      seed=seed, preset=preset, environment=environment or {},
                                      owner=Owner.me())
            self._write_result(conn, run_id, prepared, error=result.get("error"),
                               error_step=result.get("error_step"),
                               duration_s=result.get("duration_s"))
        return run_id

    def close_run(self, run_id: int, status: str, *, error: str | None = None,
                  duration_s: float | None = None) -> None:
        """Record that a running run ended without a result (interrupted, timed out...)."""
        if status not in RUN_STATUSES:
            raise ValueError(f"status must be one of {RUN_STATUSES}, got {status!r}")
        with self.db.write() as conn:
            conn.execute(update(Run).where(Run.id == run_id).values(
                status=status, error=error, finished_at=utcnow(), duration_s=duration_s))

    def heartbeat(self, owner: Owner) -> int:
        """Refresh the heartbeat of every running run of ``owner``; how many."""
        with self.db.write() as conn:
            return conn.execute(update(Run).where(
                Run.status == "running", Run.owner_host == owner.host,
                Run.owner_pid == owner.pid).values(heartbeat_at=utcnow())).rowcount

    def reap_abandoned(self) -> list[int]:
        """Mark ``abandoned`` every running run whose owner is gone; their ids."""
        with self.db.write() as conn:
            rows = conn.execute(select(Run.id, Run.owner_host, Run.owner_pid, Run.owner_started,
                                       Run.heartbeat_at).where(Run.status == "running")).all()
            dead = [r.id for r in rows if not owner_alive(r.owner_host, r.owner_pid,
                                                         r.owner_started, r.heartbeat_at)]
            self._abandon(conn, dead)
        return dead

    @staticmethod
    def _abandon(conn, run_ids: list[int]) -> None:
        if run_ids:
            conn.execute(update(Run).where(Run.id.in_(run_ids), Run.status == "running").values(
                status="abandoned", finished_at=utcnow(),
                error="its dlbench process stopped (killed or crashed) before the run ended"))

    # -- curation ----------------------------------------------------------------------
    # -- reading -----------------------------------------------------------------------
    @staticmethod
    def _record(run: Run, summaries, tags) -> RunRecord:
        owner = f"{run.owner_host} pid {run.owner_pid}" if run.owner_host else None
        return RunRecord(
            id=run.id, task=run.task, preset=run.preset, status=run.status, seed=run.seed,
            config_hash=run.config_hash, code_version=run.code_version,
            choices=dict(run.choices or {}), config=dict(run.config or {}),
            summary={s.key: decode_float(s.value, s.value_kind) for s in summaries},
            tags={t.key: t.value for t in tags}, error=run.error, error_step=run.error_step,
            started_at=iso(run.started_at), finished_at=iso(run.finished_at),
            duration_s=run.duration_s, owner=owner)

    def list_runs(self, *, limit: int | None = None, task: str | None = None,
                  status: str | Iterable[str] | None = None, tag: str | None = None,
                  ids: Iterable[int] | None = None, offset: int = 0) -> list[RunRecord]:
        """Runs, newest first; every run unless ``limit`` is given."""
        query = select(Run).order_by(Run.id.desc())
        if task:
            query = query.where(Run.task == task)
        if status:
            query = query.where(Run.status.in_([status] if isinstance(status, str) else list(status)))
        if tag:
            query = query.where(Run.id.in_(select(Tag.run_id).where(Tag.key == tag)))
        if ids is not None:
            query = query.where(Run.id.in_(list(ids)))
        if offset:
            query = query.offset(offset)
        if limit is not None:
            query = query.limit(limit)
        with self.db.read() as session:
            runs = list(session.scalars(query))
            return [self._record(r, r.summaries, r.tags) for r in runs]

    def count_runs(self, *, task: str | None = None) -> int:
        query = select(func.count()).select_from(Run)
        if task:
            query = query.where(Run.task == task)
        with self.db.read() as session:
            return int(session.scalar(query))

    def get_run(self, run_id: int) -> RunDetail:
        """One run with its params, environment, series keys and artifact keys."""
        with self.db.read() as session:
            run = session.get(Run, run_id)
            if run is None:
                raise UsageError(f"no run with id {run_id} in {self.display}")
            record = self._record(run, run.summaries, run.tags)
            params = {p.key: json.loads(p.value) for p in run.params}
            environment = {k: getattr(run, k) for k in ENV_COLUMNS}
            counts = session.execute(
                select(Metric.key, func.count()).where(Metric.run_id == run_id)
                .group_by(Metric.key).order_by(Metric.key)).all()
            artifacts = list(session.scalars(
                select(Artifact.key).where(Artifact.run_id == run_id).order_by(Artifact.key)))
        return RunDetail(record, params, environment, {k: n for k, n in counts}, artifacts)

    def metric_series(self, run_id: int, key: str) -> tuple[np.ndarray, np.ndarray]:
        """``(steps, values)`` of one series, by step; NaN and ±inf restored."""
        with self.db.read() as session:
            rows = session.execute(
                select(Metric.step, Metric.value, Metric.value_kind)
                .where(Metric.run_id == run_id, Metric.key == key)
                .order_by(Metric.step, Metric.id)).all()
        steps = np.array([r[0] for r in rows], dtype=np.int64)
        values = np.array([decode_float(r[1], r[2]) for r in rows], dtype=np.float64)
        return steps, values

    def artifact(self, run_id: int, key: str) -> np.ndarray:
        """A stored array, with its dtype and shape."""
        with self.db.read() as session:
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
        with self.db.read() as session:
            return [float(d) for d in session.scalars(query)]

    def find_reusable(self, config_hash: str, code_version: str | None) -> int | None:
        """Id of the stored result holding this configuration, if any (for ``--dry-run``)."""
        with self.db.read() as session:
            row = session.execute(select(Run.id, Run.status).join(
                RunClaim, RunClaim.run_id == Run.id).where(
                RunClaim.config_hash == config_hash,
                RunClaim.code_version == code_version)).first()
        return row.id if row is not None and row.status in RESULT_STATUSES else None
