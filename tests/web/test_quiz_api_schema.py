"""schemathesis fuzzes the quiz's JSON API (``/api/quiz/...``) from its OpenAPI document
with a fixed seed (derandomized): no 500, responses match their models, schema-valid
requests are accepted and schema-invalid ones refused."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, settings  # noqa: E402

from dlbench.web.app import create_app  # noqa: E402
from dlbench.web.settings import WebSettings  # noqa: E402


def _app():
    """An app on databases in a fresh folder (the schema is loaded at import time, before
    fixtures exist; the folder is the system's temporary one)."""
    folder = Path(tempfile.mkdtemp(prefix="dlbench-quizapi-"))
    app = create_app(WebSettings(db_url=f"sqlite:///{folder / 'results.db'}",
                                 quiz_db_url=f"sqlite:///{folder / 'quiz.db'}",
                                 allowed_hosts=("testserver",)))  # the in-process client
    app.state.quiz_learner = "fuzz"
    return app


schema = schemathesis.openapi.from_asgi("/openapi.json", _app()).include(
    path_regex=r"^/api/quiz/")


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_quiz_api_conforms_to_its_schema(case):
    case.call_and_validate()
