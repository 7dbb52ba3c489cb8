"""The JSON API under ``/api/`` (read only), described by ``/openapi.json``."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api", tags=["results"])
