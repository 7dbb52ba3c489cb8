"""kind -> conformance check, and :func:`check_entry`, which runs one item's checks.

Kinds without an entry get the metadata check only. Each kind's checks live in their
own module; add a kind here when its checks exist. A check takes the entry and, when
its signature names it, the ``registry`` the item was looked up in (tasks run through
it, architectures build their layers from it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from ..plugin_registry import Entry, Registry, accepts, with_injected
from .architectures import check_architecture
from .core import CheckResult
from .datasets import check_dataset, check_task
from .initializers import check_initializer
from .modules import check_loss, check_module
from .optimizers import check_optimizer
from .quiz_banks import check_quiz_bank
from .regularizers import check_regularizer
from .schedulers import check_scheduler

CHECKS: dict[str, Callable[..., list[CheckResult]]] = {
    "dataset": check_dataset,
    "task": check_task,
    "activation": check_module,
    "layer": lambda e: check_module(e, default_shape=(4, 5), default_range=(-1.0, 1.0)),
    "loss": check_loss,
    "optimizer": check_optimizer,
    "initializer": check_initializer,
    "regularizer": check_regularizer,
    "scheduler": check_scheduler,
    "architecture": check_architecture,
    "quiz-bank": check_quiz_bank,
}


def check_entry(entry: Entry, *, builtin: bool = False,
                registry: Registry | None = None) -> list[CheckResult]:
    """All checks for one registered item, plus a metadata warning where fields are missing.

    Missing metadata fails a built-in and only warns for a third-party plugin. Pass the
    ``registry`` the entry came from: checks that need one (tasks, architectures) skip
    without it, and an item whose signature names ``registry`` (a scheduler that creates
    another by name) is created with it, as :meth:`Registry.create` would.
    """
    results = []
    missing = entry.missing_metadata()
    if missing:
        status = "fail" if builtin else "warn"
        results.append(CheckResult(entry.kind, entry.name, "metadata", status,
                                   "missing " + ", ".join(missing)))
    check = CHECKS.get(entry.kind)
    if check is None:
        return results
    if registry is not None:
        example = dict(entry.example or {})
        kwargs = with_injected(entry.obj, dict(example.get("kwargs", {})), registry=registry)
        if "registry" in kwargs:
            entry = dataclasses.replace(entry, example={**example, "kwargs": kwargs})
    if accepts(check, "registry"):
        return results + check(entry, registry=registry)
    return results + check(entry)
