"""The results pages (server-rendered HTML)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from .deps import run_store
from .render import render

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request):
    return render(request, "home.html", runs=[], sweeps=[], total=None)
