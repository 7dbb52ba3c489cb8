"""Seeds drawn as a mean line and a band: align curves on their steps, aggregate.

Curves of different seeds may stop at different steps (divergence, early stopping) and
NaN / ±inf mark a diverged point; such points are left out of the mean and band rather
than poisoning them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

BANDS = ("minmax", "std")


@dataclass
class Band:
    """Per-step statistics over seeds; every array has shape ``(steps,)``.

    ``n`` counts the seeds with a finite value at that step; where it is 0 the mean,
    ``lo`` and ``hi`` are NaN (matplotlib leaves a gap).
    """

    x: np.ndarray
    mean: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    n: np.ndarray
    seeds: int

    @property
    def any_finite(self) -> bool:
        return bool(np.any(self.n > 0))


def stack(curves: Sequence[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """``(x, Y)``: the union of the curves' steps, shape ``(steps,)``, and their values on
    it, shape ``(len(curves), steps)``, NaN where a curve has no finite value."""
    x = np.unique(np.concatenate([np.asarray(s, dtype=np.float64) for s, _ in curves])) \
        if curves else np.zeros(0)
    Y = np.full((len(curves), len(x)), np.nan)
    for i, (steps, values) in enumerate(curves):
        values = np.asarray(values, dtype=np.float64)
        idx = np.searchsorted(x, np.asarray(steps, dtype=np.float64))
        Y[i, idx] = np.where(np.isfinite(values), values, np.nan)
    return x, Y


def aggregate(curves: Sequence[tuple[np.ndarray, np.ndarray]], band: str = "minmax") -> Band:
    """Mean over seeds and a band: ``"minmax"`` (lowest to highest seed) or ``"std"``
    (mean ± sample standard deviation; zero width for a single seed)."""
    if band not in BANDS:
        raise ValueError(f"band must be one of {BANDS}, got {band!r}")
    x, Y = stack(curves)
    n = np.sum(np.isfinite(Y), axis=0)
    mean = np.full(len(x), np.nan)
    lo, hi = mean.copy(), mean.copy()
    ok = n > 0
    if np.any(ok):
        Yk = Y[:, ok]
        mean[ok] = np.nanmean(Yk, axis=0)
        if band == "minmax":
            lo[ok], hi[ok] = np.nanmin(Yk, axis=0), np.nanmax(Yk, axis=0)
        else:
            k = n[ok]
            sq = np.nansum((Yk - mean[ok]) ** 2, axis=0)
            sd = np.sqrt(sq / np.maximum(k - 1, 1)) * (k > 1)  # sample std; 0 for one seed
            lo[ok], hi[ok] = mean[ok] - sd, mean[ok] + sd
    return Band(x, mean, lo, hi, n, len(curves))


def rebin(counts: np.ndarray, edges: np.ndarray, new_edges: np.ndarray) -> np.ndarray:
    """Histogram ``counts`` (``(bins,)`` over ``edges``, ``(bins + 1,)``) moved onto
    ``new_edges`` by linear interpolation of the cumulative count: totals are kept when
    ``new_edges`` cover ``edges``. Used to average seeds whose bins differ (ReLU ranges
    follow the data)."""
    cum = np.concatenate([[0.0], np.cumsum(np.asarray(counts, dtype=np.float64))])
    return np.diff(np.interp(new_edges, edges, cum, left=0.0, right=cum[-1]))


def common_edges(all_edges: Sequence[np.ndarray]) -> np.ndarray:
    """The shared edges if every seed used the same, else as many bins over the union."""
    first = np.asarray(all_edges[0], dtype=np.float64)
    if all(len(e) == len(first) and np.allclose(e, first) for e in all_edges[1:]):
        return first
    lo = min(float(np.min(e)) for e in all_edges)
    hi = max(float(np.max(e)) for e in all_edges)
    return np.linspace(lo, hi, len(first))
