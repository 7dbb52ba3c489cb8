"""The machinery of conformance checks: results, ``require`` and :class:`Checker`.

Each check takes a registry :class:`~dlbench.plugin_registry.Entry` and returns a list of
:class:`CheckResult` (one per property), never raising: a plugin that raises, returns
NaN or the wrong shape is reported with the property it broke. The checks themselves
live one module per kind (``modules``, ``optimizers``, ``architectures``...) and are
collected in :data:`dlbench.testing.registry_of_checks.CHECKS`.

This module is a leaf: it imports nothing of dlbench at run time, so any module (a
check, a quiz linter) may build :class:`CheckResult` without pulling in the rest.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # a leaf module: nothing of dlbench is imported at run time
    from ..plugin_registry import Entry


class ConformanceFailure(Exception):
    """A property does not hold; the message says what was expected and what came back."""


def require(condition, message: str) -> None:
    """Like ``assert`` but survives ``python -O`` and pytest's assertion rewriting."""
    if not condition:
        raise ConformanceFailure(message)


@dataclass
class CheckResult:
    """Outcome of one property of one item: ``status`` is pass / fail / warn / skip."""

    kind: str
    name: str
    prop: str
    status: str
    detail: str = ""

    @property
    def failed(self) -> bool:
        return self.status == "fail"

    def as_dict(self) -> dict:
        return {"kind": self.kind, "name": self.name, "property": self.prop,
                "status": self.status, "detail": self.detail}


def example_of(entry: Entry) -> dict:
    return dict(entry.example or {})


def describe_error(exc: BaseException) -> str:
    """``Type: message at file.py:line`` (the innermost frame), for a failed property."""
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}" if frame else ""
    return f"{type(exc).__name__}: {exc}{where}"


class Checker:
    """Collects results for one entry; ``attempt`` turns exceptions into failures."""

    def __init__(self, entry: Entry):
        self.entry, self.results = entry, []

    def add(self, prop: str, status: str, detail: str = "") -> None:
        self.results.append(CheckResult(self.entry.kind, self.entry.name, prop, status, detail))

    def attempt(self, prop: str, fn: Callable[[], str | None]) -> bool:
        try:
            detail = fn()
        except ConformanceFailure as exc:
            self.add(prop, "fail", str(exc))
            return False
        except Exception as exc:  # a plugin's own bug: report, do not crash
            self.add(prop, "fail", describe_error(exc))
            return False
        self.add(prop, "pass", detail or "")
        return True


def example_input(example: dict, default_shape, default_range, seed=0) -> np.ndarray:
    shape = tuple(example.get("input_shape", default_shape))
    low, high = example.get("input_range", default_range)
    return np.random.default_rng(seed).uniform(low, high, size=shape)
