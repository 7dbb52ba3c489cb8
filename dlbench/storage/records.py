"""Typed, frozen read models of the results database.

Stores return these instead of ORM rows or loose dicts, so a reader (the command line,
leaderboards, reports, the web service) sees one documented shape and cannot change
stored data by accident. ``as_dict()`` gives the JSON form of ``--json`` output.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

#: every status a stored run can have; ``running`` until its result is stored
RUN_STATUSES = ("running", "finished", "diverged", "failed", "interrupted", "abandoned",
                "timed-out", "worker-died")
#: statuses whose summary is a result (a divergence is a result, not a failure)
RESULT_STATUSES = ("finished", "diverged")
#: statuses ``results prune`` removes: runs that produced no result
PRUNABLE_STATUSES = ("abandoned", "interrupted", "failed", "timed-out", "worker-died")


def iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite drops the zone; we only ever store UTC
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.isoformat()


@dataclass(frozen=True)
class RunRecord:
    """One stored run: what it ran, how it ended, its final scalars and its tags.

    :param choices: grid kind -> the choice as the user gave it (``{"optimizer": "adam"}``).
    :param config: the fully resolved config whose SHA-256 is ``config_hash``.
    :param summary: final scalars; NaN and ±inf restored.
    :param tags: free labels (``results tag``) and the run's ``notes``.
    """

    id: int
    task: str
    preset: str | None
    status: str
    seed: int | None
    config_hash: str
    code_version: str | None
    choices: dict
    config: dict
    summary: dict = field(default_factory=dict)
    tags: dict = field(default_factory=dict)
    error: str | None = None
    error_step: int | None = None
    started_at: str | None = None
    finished_at: str | None = None
    duration_s: float | None = None
    owner: str | None = None

    @property
    def settings(self) -> dict:
        """The task settings the run used (``config["settings"]``)."""
        return dict((self.config or {}).get("settings") or {})

    @property
    def plugins(self) -> dict:
        """kind -> resolved plugin (name, kwargs, plugin, version) the run used."""
        return dict((self.config or {}).get("plugins") or {})

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class RunDetail:
    """A run with everything ``results show`` prints."""

    run: RunRecord
    params: dict
    environment: dict
    metrics: dict  # series key -> number of points
    artifacts: list

    def as_dict(self) -> dict:
        return {**self.run.as_dict(), "params": self.params, "environment": self.environment,
                "metrics": self.metrics, "artifacts": self.artifacts}


@dataclass(frozen=True)
class Claim:
    """What :meth:`RunStore.claim` decided for one configuration.

    ``decision`` is ``"claimed"`` (this process runs it as run ``run_id``), ``"reuse"``
    (a stored result, run ``run_id``), or ``"busy"`` (a live process is running it as
    run ``run_id``; ask again later). ``abandoned`` lists runs found with a dead owner
    and marked ``abandoned`` on the way.
    """

    decision: str
    run_id: int
    abandoned: tuple[int, ...] = ()


#: every status a sweep can have; ``abandoned`` is never stored, only read (see SweepRecord)
SWEEP_STATUSES = ("running", "finished", "interrupted", "failed")


@dataclass(frozen=True)
class SweepRecord:
    """One ``dlbench run`` command: its plan and its progress.

    :param total: every planned run of every task (runs reused from the database count as
        done as soon as they are found).
    :param task: the task being run now (``None`` before the first run / after the last).
    :param task_index: 1-based position of ``task`` in ``tasks`` (0 before the first).
    :param status: ``running``, ``finished``, ``interrupted`` or ``failed``; a ``running``
        sweep whose process is gone (same host, dead pid) or whose ``updated_at`` is older
        than :data:`~dlbench.storage.owners.HEARTBEAT_GRACE_S` reads as ``abandoned``.
    """

    id: int
    label: str
    status: str
    total: int
    done: int
    failed: int
    task: str | None
    task_index: int
    tasks: list
    started_at: str | None
    updated_at: str | None
    finished_at: str | None
    host: str | None
    pid: int | None

    def as_dict(self) -> dict:
        return asdict(self)
