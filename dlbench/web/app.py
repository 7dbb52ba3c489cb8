"""The dashboard application: ``create_app(WebSettings) -> FastAPI``.

Server-rendered pages (``pages``), the JSON API under ``/api/`` with its OpenAPI document
at ``/openapi.json`` (``api``), the quiz (``quiz_routes``), and the static files. FastAPI's
``/docs`` and ``/redoc`` are off: they load Swagger UI from a CDN.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from .. import __version__, config
from . import errors, security
from .deps import RegistryHolder, StoreHolder, read_only
from .settings import WebSettings

STATIC = Path(__file__).parent / "static"


def _open_run_store(settings: WebSettings):
    from ..storage import RunStore

    return lambda: RunStore(config.db_url(settings.db_url), create=False)


def _open_quiz_store(settings: WebSettings):
    def opener():
        from ..errors import UsageError
        from ..storage.quiz_store import QuizStore

        if not settings.quiz_db_url:
            raise UsageError("no quiz database configured (set DLBENCH_QUIZ_DB or start "
                             "with dlbench serve)")
        return QuizStore(settings.quiz_db_url)

    return opener


@asynccontextmanager
async def _lifespan(app: FastAPI):
    yield
    app.state.run_stores.close()
    app.state.quiz_stores.close()


def create_app(settings: WebSettings | None = None) -> FastAPI:
    settings = settings or WebSettings()
    app = FastAPI(title="dlbench", version=__version__, docs_url=None, redoc_url=None,
                  lifespan=_lifespan,
                  description="The JSON API behind `dlbench serve`: stored runs, their "
                              "series, leaderboards and sweep progress (read only).")
    app.state.settings = settings
    app.state.run_stores = StoreHolder(_open_run_store(settings), read_only)
    app.state.quiz_stores = StoreHolder(_open_quiz_store(settings))
    app.state.registry = RegistryHolder()
    security.install(app, settings.host_allow_list())
    errors.install(app)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    from . import api, fonts, pages, pages_more, quiz_routes

    app.include_router(fonts.router)
    app.include_router(pages.router)
    app.include_router(pages_more.router)
    app.include_router(api.router)
    app.include_router(quiz_routes.router)

    return app
