"""Conformance of initializers: shapes for dense and conv weights, determinism."""

from __future__ import annotations

import numpy as np

from ..plugin_registry import Entry
from .core import CheckResult, Checker, example_of, require


# -- initializers -----------------------------------------------------------------------------
def check_initializer(entry: Entry) -> list[CheckResult]:
    """Shapes for dense and conv weights, finite values, same seed → same numbers."""
    c = Checker(entry)
    ex = example_of(entry)
    holder: dict = {}
    if not c.attempt("create", lambda: holder.update(init=entry.obj(**ex.get("kwargs", {})))):
        return c.results
    init = holder["init"]

    def shapes():
        for shape, fi, fo in (((20, 30), 20, 30), ((8, 3, 3, 3), 27, 72)):
            w = np.asarray(init(shape, np.random.default_rng(0), fan_in=fi, fan_out=fo))
            require(w.shape == shape, f"asked for {shape}, got {w.shape}")
            require(np.all(np.isfinite(w)), "non-finite values")

    def deterministic():
        a = init((20, 30), np.random.default_rng(7), fan_in=20, fan_out=30)
        b = init((20, 30), np.random.default_rng(7), fan_in=20, fan_out=30)
        require(np.array_equal(a, b), "the same seed gave different weights")

    c.attempt("shape", shapes)
    c.attempt("deterministic", deterministic)
    return c.results


