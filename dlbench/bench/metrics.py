"""Numbers computed from runs: accuracy, steps to a target, area under a curve, the
book's curve smoothing, and seed statistics (mean, std, Student-t 95% interval)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

# Two-sided 95% Student-t quantiles t_{0.975, df}, df = 1..30 (standard tables).
_T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
         2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
         2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


def t_quantile_975(df: int) -> float:
    """t_{0.975} with ``df`` degrees of freedom (table to 30, then a Cornish–Fisher
    expansion around the normal quantile, accurate to 1e-3 beyond)."""
    if df < 1:
        return math.nan
    if df <= 30:
        return _T975[df - 1]
    z = 1.959963984540054
    return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2)


def seed_stats(values: Sequence[float]) -> dict:
    """Mean, sample std and the 95% confidence half-width over seeds (finite values)."""
    v = np.asarray([x for x in values if math.isfinite(x)], dtype=np.float64)
    n = len(v)
    if n == 0:
        return {"n": 0, "mean": math.nan, "std": math.nan, "ci95": math.nan}
    std = float(v.std(ddof=1)) if n > 1 else math.nan
    half = t_quantile_975(n - 1) * std / math.sqrt(n) if n > 1 else math.nan
    return {"n": n, "mean": float(v.mean()), "std": std, "ci95": half}


def accuracy(logits: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of rows whose arg-max equals the label. Shapes ``(N, C)``, ``(N,)``."""
    if len(labels) == 0:
        return math.nan
    return float(np.mean(np.argmax(logits, axis=1) == labels))


def steps_to_target(values: Sequence[float], target: float, *, steps: Sequence[int] | None = None):
    """First step at which ``values`` is at or below ``target`` (``None`` if never)."""
    for i, value in enumerate(values):
        if math.isfinite(value) and value <= target:
            return steps[i] if steps is not None else i
    return None


def area_under_curve(values: Sequence[float]) -> float:
    """Mean of the curve over its steps (trapezoid area / length): lower is faster.

    Non-finite points count as the curve's first value, so a diverging run is penalised
    rather than skipped.
    """
    v = np.asarray(values, dtype=np.float64)
    if v.size == 0:
        return math.nan
    v = np.where(np.isfinite(v), v, v[0] if math.isfinite(v[0]) else np.nan)
    if v.size == 1:
        return float(v[0])
    return float(np.trapezoid(v) / (v.size - 1)) if hasattr(np, "trapezoid") else float(np.trapz(v) / (v.size - 1))


def smooth_curve(values: Sequence[float]) -> np.ndarray:
    """The book's ``smooth_curve`` (common/util.py): a Kaiser-window (β = 2) moving
    average of width 11 with reflected ends, used for its loss plots."""
    x = np.asarray(values, dtype=np.float64)
    window_len = 11
    if x.size < window_len:
        return x.copy()
    s = np.r_[x[window_len - 1:0:-1], x, x[-1:-window_len:-1]]
    w = np.kaiser(window_len, 2)
    y = np.convolve(w / w.sum(), s, mode="valid")
    return y[5:len(y) - 5]
