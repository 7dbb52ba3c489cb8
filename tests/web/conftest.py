"""Fixtures of the web tests: an app on a results database filled through RunStore."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed (pip install 'dlbench[web]')")

from fastapi.testclient import TestClient  # noqa: E402

from dlbench.storage import RunStore  # noqa: E402
from dlbench.web.app import create_app  # noqa: E402
from dlbench.web.settings import WebSettings  # noqa: E402

BASE_URL = "http://127.0.0.1:8765"


def client_for(db_url: str | None, **settings) -> TestClient:
    app = create_app(WebSettings(db_url=db_url, **settings))
    return TestClient(app, base_url=BASE_URL, raise_server_exceptions=False)


def add_runs(store: RunStore, *, task: str = "convergence", optimizers=("sgd", "adam"),
             seeds=(0, 1), lr: float = 0.01, preset: str = "test", status: str = "finished",
             steps: int = 20) -> list[int]:
    """Runs whose choices, seeds and curves look like ``dlbench run`` output."""
    ids = []
    for opt in optimizers:
        for seed in seeds:
            curve = [(s, 2.0 / (1 + s) + 0.01 * seed + (0.1 if opt == "sgd" else 0.0))
                     for s in range(steps)]
            config = {"task": task, "seed": seed,
                      "settings": {"lr": lr, "epochs": 3},
                      "plugins": {"optimizer": {"name": opt, "kwargs": {"lr": lr}}}}
            ids.append(store.add_run(
                task=task, config=config, config_hash=f"{task}-{opt}-{seed}-{lr}-{len(ids)}",
                status=status, code_version="abc", choices={"optimizer": opt}, seed=seed,
                preset=preset, environment={"python_version": "3.11", "numpy_version": "2"},
                summary={"final_loss": curve[-1][1], "test_acc": 0.9 - 0.01 * seed},
                series={"train_loss": curve}, duration_s=1.5))
    return ids


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'results.db'}"


@pytest.fixture
def filled(db_url) -> tuple[str, list[int]]:
    with RunStore(db_url, create=True) as store:
        ids = add_runs(store)
    return db_url, ids


@pytest.fixture
def client(filled) -> TestClient:
    with client_for(filled[0]) as c:
        yield c
