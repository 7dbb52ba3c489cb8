"""The results pages (server-rendered HTML): home, runs table, run detail, compare.

Filters and paging live in the query string, so a reload or a shared link shows the same
rows; charts are drawn in the browser by ``static/charts.js`` (uPlot) from the JSON API,
every point (no downsampling).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from ..errors import DlbenchError
from . import results
from .compare import NOT_SET, compare
from .deps import run_store
from .params import DEFAULT_PAGE_SIZE, CompareIds, Page, PageSize, RunFilters, RunId
from .queries import MAX_PAGE_SIZE, RunQuery, facets, runs_page
from .render import render
from .results import clean

router = APIRouter(include_in_schema=False)
Store = Annotated[object, Depends(run_store)]

#: summary keys shown as columns of the runs table (when the page's runs have them)
SUMMARY_COLUMNS = 4
HOME_RUNS = 10


def summary_columns(runs) -> list[str]:
    """The summary keys most runs of the page share (the table's value columns)."""
    counts: dict[str, int] = {}
    for r in runs:
        for k in r.summary:
            counts[k] = counts.get(k, 0) + 1
    return sorted(counts, key=lambda k: (-counts[k], k))[:SUMMARY_COLUMNS]


@router.get("/")
def home(request: Request):
    """What dlbench is and what to do first, then the latest sweeps and runs. Without a
    readable database (the very first start) the page still explains, and says why."""
    try:
        store = run_store(request)
        latest = runs_page(store, RunQuery(), 1, HOME_RUNS)
        sweeps = store.sweeps(5)
    except DlbenchError as exc:
        return render(request, "home.html", runs=[], total=0, sweeps=[], columns=[],
                      db_problem=str(exc))
    return render(request, "home.html", runs=latest.runs, total=latest.total, sweeps=sweeps,
                  columns=summary_columns(latest.runs), db_problem=None)


@router.get("/runs")
def runs(request: Request, store: Store, filters: RunFilters, page: Page = 1,
         page_size: PageSize = DEFAULT_PAGE_SIZE):
    result = runs_page(store, filters, page, page_size)
    return render(request, "runs.html", result=result, filters=filters, facets=facets(store),
                  columns=summary_columns(result.runs), max_page_size=MAX_PAGE_SIZE)


@router.get("/runs/{run_id}")
def run_page(request: Request, store: Store, run_id: RunId):
    detail = results.run_detail(store, run_id)
    return render(request, "run.html", d=detail, run=detail.run,
                  artifacts=results.artifact_summaries(store, detail),
                  config=clean(detail.run.config))


@router.get("/compare")
def compare_page(request: Request, store: Store, ids: CompareIds, band: str = "std"):
    data = compare(store, ids, band)
    return render(request, "compare.html", data=data, ids=",".join(map(str, data["run_ids"])),
                  not_set=NOT_SET)
