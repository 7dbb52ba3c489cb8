"""Query and path parameters shared by the pages and the API, with their bounds, so a
malformed value is a 422 with a clear message, never a 500 (an id beyond SQLite's
64-bit integers, a page size of a million, a filter of a megabyte)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, HTTPException, Path, Query
from pydantic import StringConstraints

from ..storage.records import RUN_STATUSES
from .compare import MAX_COMPARE
from .queries import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, RunQuery

MAX_ID = 2 ** 62
MAX_PAGE = 1_000_000
TEXT = 200

RunId = Annotated[int, Path(ge=1, le=MAX_ID, description="a stored run's id")]
SweepId = Annotated[int, Path(ge=1, le=MAX_ID, description="a sweep's id")]
Status = Literal[RUN_STATUSES]  # type: ignore[valid-type]
Page = Annotated[int, Query(ge=1, le=MAX_PAGE, description="1-based page number")]
PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="rows per page")]
Text = Annotated[str | None, Query(max_length=TEXT)]


def run_query(task: Annotated[str | None, Query(max_length=TEXT, description="task name")] = None,
              status: Annotated[Status | Literal[""] | None, Query(
                  description="run status (empty: any, what the filter form's 'any' sends)")] = None,
              tag: Annotated[str | None, Query(max_length=TEXT, description="runs with this tag")] = None,
              preset: Annotated[str | None, Query(max_length=TEXT)] = None,
              choice: Annotated[str | None, Query(
                  max_length=TEXT, description="KIND=NAME (e.g. optimizer=adam), or any text "
                                               "of the run's choices")] = None) -> RunQuery:
    return RunQuery(task=task or None, status=status or None, tag=tag or None,
                    preset=preset or None, choice=(choice or "").strip() or None)


RunFilters = Annotated[RunQuery, Depends(run_query)]


def parse_ids(texts: list[str]) -> list[int]:
    """``["3,1", "2"]`` -> ``[3, 1, 2]`` (duplicates dropped), or a 422 saying what is wrong.
    A list, so both ``ids=1,2`` and the runs table's checkboxes (``ids=1&ids=2``) work."""
    parts = [p.strip() for text in texts for p in text.split(",") if p.strip()]
    if not parts:
        raise HTTPException(422, "ids: give run ids separated by commas, e.g. ids=1,2,3")
    ids = []
    for p in parts:
        if not (p.isascii() and p.isdigit()) or not 1 <= int(p) <= MAX_ID:
            raise HTTPException(422, f"ids: {p[:40]!r} is not a run id (a positive integer)")
        ids.append(int(p))
    return list(dict.fromkeys(ids))  # compare() keeps the first MAX_COMPARE and says so


#: one ``ids`` value: run ids separated by commas
IDS_PATTERN = r"^ *[1-9][0-9]{0,17} *(, *[1-9][0-9]{0,17} *){0,199}$"
IdList = Annotated[str, StringConstraints(pattern=IDS_PATTERN)]


def compare_ids(ids: Annotated[list[IdList], Query(
        max_length=200, description=f"run ids: ids=1,2,3 or ids=1&ids=2 (the first "
                                    f"{MAX_COMPARE} are compared)")]) -> list[int]:
    return parse_ids(ids)


CompareIds = Annotated[list[int], Depends(compare_ids)]
__all__ = ["CompareIds", "DEFAULT_PAGE_SIZE", "Page", "PageSize", "RunFilters", "RunId",
           "Status", "SweepId", "Text", "parse_ids"]
