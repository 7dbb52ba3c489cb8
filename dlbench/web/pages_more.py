"""Leaderboards, the book's figures and sweeps (with live progress over server-sent
events)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from fastapi.sse import EventSourceResponse, ServerSentEvent

from . import figures, results
from .deps import registry, run_store
from .params import SweepId, Text
from .queries import facets
from .render import page_language, render
from .results import NotFound
from .schemas import SweepOut

router = APIRouter(include_in_schema=False)
Store = Annotated[object, Depends(run_store)]
Registry = Annotated[object, Depends(registry)]

#: how often the event stream looks at the sweep (each look: one short read transaction)
POLL_S = 0.5
#: a comment line this often keeps proxies and the browser from timing the stream out
KEEPALIVE_S = 15.0


@router.get("/leaderboard")
def leaderboards(request: Request, store: Store):
    return render(request, "leaderboards.html", tasks=facets(store)["tasks"])


@router.get("/leaderboard/{task}")
def leaderboard_page(request: Request, store: Store, reg: Registry, task: str,
                     metric: Text = None, preset: Text = None, tag: Text = None):
    board = results.leaderboard(store, reg, task, metric=metric, preset=preset, tag=tag)
    return render(request, "leaderboard.html", board=board, task=task,
                  rows=[results.entry_out(e) for e in board["entries"]])


@router.get("/figures")
def figures_page(request: Request, store: Store, task: Text = None):
    stored = facets(store)["tasks"]
    shown = []
    for kind in figures.kinds().values():
        available = figures.figure_tasks(kind, stored)
        if task:
            available = [t for t in available if t == task]
        elif kind.tasks is None:
            available = []  # the any-task figure only once a task is chosen
        shown += [(kind, t) for t in available]
    return render(request, "figures.html", shown=shown, tasks=stored, task=task,
                  kinds=figures.kinds())


@router.get("/figures/{name}")
def figure_image(request: Request, store: Store, reg: Registry, name: str, task: Text = None,
                 lang: Annotated[Literal["en", "ja"] | None, Query()] = None):
    kind, fmt = figures.parse_name(name)
    data = figures.figure_bytes(store, reg, kind, fmt, task, lang or page_language(request))
    return Response(data, media_type=figures.FORMATS[fmt],
                    headers={"Cache-Control": "no-cache"})


@router.get("/sweeps")
def sweeps_page(request: Request, store: Store):
    return render(request, "sweeps.html", sweeps=store.sweeps(50))


@router.get("/sweeps/{sweep_id}")
def sweep_page(request: Request, store: Store, sweep_id: SweepId):
    sweep = store.get_sweep(sweep_id)
    if sweep is None:
        raise NotFound(f"no sweep with id {sweep_id}")
    return render(request, "sweep.html", sweep=sweep)


def existing_sweep(store: Store, sweep_id: SweepId):
    """The sweep, looked up before the event stream starts (so an unknown id is a 404,
    not an empty stream)."""
    sweep = store.get_sweep(sweep_id)
    if sweep is None:
        raise NotFound(f"no sweep with id {sweep_id}")
    return sweep


@router.get("/sweeps/{sweep_id}/events", response_class=EventSourceResponse)
async def sweep_events(request: Request, store: Store, sweep_id: SweepId,
                       sweep: Annotated[object, Depends(existing_sweep)]
                       ) -> AsyncIterable[ServerSentEvent]:
    """``progress`` events (the sweep as JSON) whenever it changes; a last one when it
    ends, then the stream closes. One short read transaction per look."""
    last, quiet = None, 0.0
    while True:
        shown = SweepOut.of(sweep)
        if shown != last:
            yield ServerSentEvent(data=shown.model_dump(), event="progress", id=str(shown.done))
            last, quiet = shown, 0.0
        if shown.status != "running":
            yield ServerSentEvent(data=shown.model_dump(), event="end")
            return
        if quiet >= KEEPALIVE_S:
            yield ServerSentEvent(comment="keep-alive")
            quiet = 0.0
        await asyncio.sleep(POLL_S)
        quiet += POLL_S
        if await request.is_disconnected():
            return
        sweep = await run_in_threadpool(store.get_sweep, sweep_id) or sweep
