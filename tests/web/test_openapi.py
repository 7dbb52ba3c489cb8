"""Property-based tests of the JSON API from its own OpenAPI document (schemathesis):
no generated request gets a 500, every response matches its declared model, status and
content type. Fixed seed, so a failure reproduces."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from hypothesis import seed as fixed_seed  # noqa: E402

from dlbench.storage import Owner, RunStore  # noqa: E402
from dlbench.web.app import create_app  # noqa: E402
from dlbench.web.settings import WebSettings  # noqa: E402

from .conftest import add_runs  # noqa: E402


# The app opens its database on the first request, so the schema can be loaded at import
# (the parametrization needs it then) and the database filled by a fixture before any call.
_FOLDER = Path(tempfile.mkdtemp(prefix="dlbench-openapi-"))
DB_URL = f"sqlite:///{_FOLDER / 'results.db'}"
APP = create_app(WebSettings(db_url=DB_URL, quiz_db_url=f"sqlite:///{_FOLDER / 'quiz.db'}",
                             allowed_hosts=("testserver",)))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def _database():
    with RunStore(DB_URL, create=True) as store:
        add_runs(store)
        sid = store.start_sweep(label="done", total=4, tasks=["convergence"], owner=Owner.me())
        store.finish_sweep(sid, "finished")
    yield
    APP.state.run_stores.close()
    shutil.rmtree(_FOLDER, ignore_errors=True)


@pytest.mark.slow
@schema.parametrize()
@fixed_seed(20261205)
@settings(max_examples=50, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_document(case):
    case.call_and_validate()


def test_the_document_describes_every_api_endpoint():
    api_schema = schema
    paths = set(api_schema.raw_schema["paths"])
    assert {"/api/runs", "/api/runs/{run_id}", "/api/runs/{run_id}/series", "/api/compare",
            "/api/leaderboard/{task}", "/api/sweeps", "/api/sweeps/{sweep_id}",
            "/api/tasks"} <= paths
    assert not any(p.startswith(("/runs", "/quiz/q", "/figures")) for p in paths)
    runs = api_schema.raw_schema["paths"]["/api/runs"]["get"]["responses"]["200"]
    assert "RunPageOut" in str(runs)
