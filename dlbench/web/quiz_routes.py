"""The quiz pages and their JSON API (owned by the quiz side of the dashboard)."""

from fastapi import APIRouter

router = APIRouter()
