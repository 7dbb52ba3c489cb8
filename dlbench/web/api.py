"""The JSON API under ``/api/`` (read only), described by ``/openapi.json``.

Every endpoint reads through RunStore's typed reads (or :mod:`.queries` for the counted
page) in short read transactions; errors are JSON ``{"detail": ...}`` with 404 (unknown
id or name), 422 (malformed parameter) or 503 (database missing, locked, unreadable).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from . import results
from .compare import compare
from .deps import registry, run_store
from .params import (DEFAULT_PAGE_SIZE, CompareIds, Page, PageSize, RunFilters, RunId, SweepId,
                     Text)
from .queries import runs_page
from .results import NotFound, clean
from .schemas import (CompareOut, ErrorOut, LeaderboardOut, RunDetailOut, RunOut, RunPageOut,
                      RunSeriesOut, SweepOut, TaskOut)

ERRORS = {400: {"model": ErrorOut, "description": "bad request (unknown metric, Host)"},
          404: {"model": ErrorOut, "description": "unknown id or name"},
          422: {"model": ErrorOut, "description": "malformed parameter"},
          503: {"model": ErrorOut, "description": "database missing, locked or unreadable"}}

router = APIRouter(prefix="/api", tags=["results"], responses=ERRORS)
Store = Annotated[object, Depends(run_store)]
Registry = Annotated[object, Depends(registry)]


@router.get("/runs", response_model=RunPageOut, summary="A filtered page of stored runs")
def api_runs(store: Store, filters: RunFilters, page: Page = 1,
             page_size: PageSize = DEFAULT_PAGE_SIZE):
    p = runs_page(store, filters, page, page_size)
    return RunPageOut(total=p.total, page=p.page, page_size=p.page_size, pages=p.pages,
                      runs=[RunOut.of(r) for r in p.runs])


@router.get("/runs/{run_id}", response_model=RunDetailOut, summary="One run, whole")
def api_run(store: Store, run_id: RunId):
    detail = results.run_detail(store, run_id)
    base = RunOut.of(detail.run).model_dump()
    return RunDetailOut(**base, config=clean(detail.run.config), params=clean(detail.params),
                        environment=clean(detail.environment), series=dict(detail.metrics),
                        artifacts=results.artifact_summaries(store, detail))


@router.get("/runs/{run_id}/series", response_model=RunSeriesOut,
            summary="Every series of a run (all points)")
def api_run_series(store: Store, run_id: RunId):
    detail = results.run_detail(store, run_id)
    return RunSeriesOut(run_id=run_id, series=results.run_series(store, detail))


@router.get("/compare", response_model=CompareOut,
            summary="Runs side by side: differing parameters, seeds as mean and band")
def api_compare(store: Store, ids: CompareIds,
                band: Annotated[str, Query(pattern="^(std|minmax)$")] = "std"):
    return compare(store, ids, band)


@router.get("/tasks", response_model=list[TaskOut], summary="Tasks with stored runs")
def api_tasks(store: Store):
    return [TaskOut(task=t, runs=n) for t, n in results.tasks_with_runs(store).items()]


@router.get("/leaderboard/{task}", response_model=LeaderboardOut,
            summary="The ranking of `dlbench leaderboard TASK`")
def api_leaderboard(store: Store, reg: Registry, task: str, metric: Text = None,
                    preset: Text = None, tag: Text = None):
    board = results.leaderboard(store, reg, task, metric=metric, preset=preset, tag=tag)
    return LeaderboardOut(task=task, metric=board["metric"], better=board["better"],
                          entries=[results.entry_out(e) for e in board["entries"]])


@router.get("/sweeps", response_model=list[SweepOut], summary="The newest sweeps")
def api_sweeps(store: Store, limit: Annotated[int, Query(ge=1, le=200)] = 20):
    return [SweepOut.of(s) for s in store.sweeps(limit)]


@router.get("/sweeps/{sweep_id}", response_model=SweepOut, summary="One sweep's progress")
def api_sweep(store: Store, sweep_id: SweepId):
    sweep = store.get_sweep(sweep_id)
    if sweep is None:
        raise NotFound(f"no sweep with id {sweep_id}")
    return SweepOut.of(sweep)
