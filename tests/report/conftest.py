"""A small seeded results database, made once for tests/report: every standard task at
its ``test`` preset with two seeds, plus ``architectures`` runs written directly (the
CNN task's summary keys and per-epoch series), and helpers to add bad runs."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

import dlbench
from dlbench.storage import RunStore

STANDARD_TASKS = ("vanishing-gradients", "weight-init", "batch-norm", "overfitting",
                  "convergence", "trajectories", "hyperparameter-search")

#: (architecture, dataset) -> (params, macs, test accuracy per seed)
CNN_RUNS = {("lenet", "digits"): (61_706, 429_000, (0.93, 0.95)),
            ("vgg-mini", "digits"): (250_000, 3_100_000, (0.96, 0.97)),
            ("lenet", "fashion-mnist"): (61_706, 429_000, (0.81, 0.84))}


def add_run(store, task, choices, *, seed=0, status="finished", summary=None, series=None,
            code_version="test-v1", config=None, error=None, artifacts=None) -> int:
    """Write one run directly (what the runner would store), returning its id."""
    config = config or {"task": task, "settings": dict(choices), "seed": seed}
    digest = hashlib.sha256(json.dumps([task, choices, seed, code_version, status],
                                       sort_keys=True).encode()).hexdigest()
    return store.add_run(
        task=task, config=config, config_hash=digest, choices=choices, seed=seed,
        preset="test", code_version=code_version, status=status,
        environment={"python_version": "3.11", "numpy_version": "2"}, summary=summary or {},
        series={k: list(zip(steps, values)) for k, (steps, values) in (series or {}).items()},
        artifacts=artifacts or {}, error=error, duration_s=0.01)


def add_cnn_runs(store) -> list[int]:
    ids = []
    for (arch, dataset), (params, macs, accs) in CNN_RUNS.items():
        for seed, acc in enumerate(accs):
            epochs = np.arange(1, 4)
            ids.append(add_run(
                store, "architectures", {"architecture": arch, "dataset": dataset}, seed=seed,
                summary={"test_acc": acc, "params": float(params), "macs": float(macs),
                         "seconds_per_epoch": 1.5},
                series={"train_loss": (epochs, 2.0 / epochs + 0.1 * seed),
                        "test_acc": (epochs, acc - 0.1 / epochs)}))
    return ids


@pytest.fixture(scope="package")
def seeded_db(tmp_path_factory) -> str:
    """URL of a database with every standard task (test preset, seeds 0 and 1) and the
    CNN runs above."""
    url = f"sqlite:///{tmp_path_factory.mktemp('report') / 'seeded.db'}"
    for task in STANDARD_TASKS:
        outcomes = dlbench.run(task, preset="test", seeds=2, db=url)
        assert {o.status for o in outcomes} <= {"finished", "diverged"}, task
    with RunStore(url, create=True) as store:
        add_cnn_runs(store)
    dlbench._default_registry = None
    return url


@pytest.fixture
def store(seeded_db):
    with RunStore(seeded_db) as s:
        yield s


def runs_of(store, task, **choices) -> list:
    """The runs of ``task`` with these choices, by seed."""
    runs = [r for r in store.list_runs(task=task)
            if all(r.choices.get(k) == v for k, v in choices.items())]
    return sorted(runs, key=lambda r: r.seed)


def lines_with_gid(ax, prefix: str):
    return [ln for ln in ax.get_lines() if (ln.get_gid() or "").startswith(prefix)]


def note_text(fig) -> str:
    """Every note written in the figure (gid "note" or "empty")."""
    texts = list(fig.texts) + [t for ax in fig.axes for t in ax.texts]
    sup = getattr(fig, "_supxlabel", None)
    if sup is not None:
        texts.append(sup)
    text = " ".join(t.get_text() for t in texts if t.get_gid() in ("note", "empty"))
    return " ".join(text.split())  # notes are wrapped to the figure's width
