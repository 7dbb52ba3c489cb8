"""Response models of the JSON API: they make ``/openapi.json`` describe what each
endpoint returns (and FastAPI checks every response against them).

Floats that are NaN or ±inf (a diverged run) cannot be JSON numbers: they are sent as
``null`` in series and as the strings ``"nan"``, ``"inf"``, ``"-inf"`` in summaries, so no
value is silently lost.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, Field

Number = float | str | None


def json_number(value) -> Number:
    """A summary value as JSON: finite floats as numbers, NaN/±inf as strings."""
    if value is None:
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def finite_or_none(values) -> list[float | None]:
    return [float(v) if math.isfinite(v) else None for v in values]


class RunOut(BaseModel):
    id: int
    task: str
    preset: str | None = None
    status: str
    seed: int | None = None
    choices: dict[str, Any] = Field(default_factory=dict)
    summary: dict[str, Number] = Field(default_factory=dict)
    tags: dict[str, str] = Field(default_factory=dict)
    error: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    duration_s: float | None = None
    code_version: str | None = None

    @classmethod
    def of(cls, r) -> "RunOut":
        return cls(id=r.id, task=r.task, preset=r.preset, status=r.status, seed=r.seed,
                   choices=dict(r.choices or {}),
                   summary={k: json_number(v) for k, v in (r.summary or {}).items()},
                   tags={k: str(v) for k, v in (r.tags or {}).items()}, error=r.error,
                   started_at=r.started_at, finished_at=r.finished_at,
                   duration_s=r.duration_s if r.duration_s is None or
                   math.isfinite(r.duration_s) else None, code_version=r.code_version)


class RunPageOut(BaseModel):
    total: int = Field(description="runs matching the filters")
    page: int
    page_size: int
    pages: int
    runs: list[RunOut]


class ArtifactOut(BaseModel):
    key: str
    dtype: str
    shape: list[int]
    min: Number = None
    max: Number = None
    mean: Number = None


class RunDetailOut(RunOut):
    config: dict[str, Any] = Field(default_factory=dict)
    params: dict[str, Any] = Field(default_factory=dict)
    environment: dict[str, Any] = Field(default_factory=dict)
    series: dict[str, int] = Field(default_factory=dict, description="series key -> points")
    artifacts: list[ArtifactOut] = Field(default_factory=list)


class SeriesOut(BaseModel):
    steps: list[int]
    values: list[float | None] = Field(description="null where the value was NaN or ±inf")


class RunSeriesOut(BaseModel):
    run_id: int
    series: dict[str, SeriesOut]


class BandOut(BaseModel):
    x: list[float]
    mean: list[float | None]
    lo: list[float | None]
    hi: list[float | None]
    n: list[int]


class CompareGroupOut(BaseModel):
    label: str
    run_ids: list[int]
    seeds: list[int | None]
    params: dict[str, Any] = Field(description="the differing parameters of this group")
    summary: dict[str, Number] = Field(description="mean over the group's runs")
    series: dict[str, BandOut] = Field(description="mean and band over seeds per series")


class CompareOut(BaseModel):
    run_ids: list[int]
    left_out: list[int] = Field(default_factory=list,
                                description="ids beyond the most one comparison reads")
    differing: list[str] = Field(description="parameters whose values differ (seed aside)")
    seed_keys: list[str]
    band: str
    groups: list[CompareGroupOut]


class LeaderboardEntryOut(BaseModel):
    rank: int | None
    label: str
    preset: str | None
    choices: dict[str, Any]
    n: int
    mean: Number
    std: Number
    ci95: Number
    statuses: dict[str, int]
    run_ids: list[int]
    grid: str


class LeaderboardOut(BaseModel):
    task: str
    metric: str
    better: str
    entries: list[LeaderboardEntryOut]


class SweepOut(BaseModel):
    id: int
    label: str
    status: str
    total: int
    done: int
    failed: int
    task: str | None = None
    task_index: int
    tasks: list[str]
    started_at: str | None = None
    updated_at: str | None = None
    finished_at: str | None = None
    host: str | None = None
    pid: int | None = None

    @classmethod
    def of(cls, s) -> "SweepOut":
        return cls(**{k: getattr(s, k) for k in cls.model_fields})


class TaskOut(BaseModel):
    task: str
    runs: int


class ErrorOut(BaseModel):
    detail: Any
