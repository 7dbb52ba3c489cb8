"""``Surface``: a 2-D test function for optimizer trajectories (a dataset plugin's load())."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Surface:
    """f(x, y) with its gradient, where to start, and where the minimum is.

    :param f: ``f(p) -> float`` for a point ``p`` of shape ``(2,)`` (float64).
    :param grad: ``grad(p) -> ndarray (2,)``.
    :param starts: standard start points, shape ``(k, 2)``.
    :param minimum: a global minimiser ``(2,)`` and ``f_min`` its value.
    :param bounds: ``((xmin, xmax), (ymin, ymax))`` for contour plots.
    :param lrs: learning rate per optimizer name for trajectories (the book's for its
        bowl), used when the task is not told otherwise.
    """

    name: str
    f: Callable[[np.ndarray], float]
    grad: Callable[[np.ndarray], np.ndarray]
    starts: np.ndarray
    minimum: np.ndarray
    f_min: float
    bounds: tuple
    checksum: str
    description: str = ""
    lrs: dict = field(default_factory=dict)

    def grid(self, n: int = 200) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(X, Y, Z)`` meshes of shape ``(n, n)`` over ``bounds``, for contour plots."""
        (x0, x1), (y0, y1) = self.bounds
        X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
        Z = np.array([self.f(np.array([a, b])) for a, b in zip(X.ravel(), Y.ravel())])
        return X, Y, Z.reshape(X.shape)
