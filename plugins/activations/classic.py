"""Sigmoid and ReLU, the course's first two activations.

Shapes: any input shape; the output has the input's shape and dtype.
"""

from __future__ import annotations

import numpy as np

from dlbench.nn import Module, sigmoid


class Sigmoid(Module):
    """σ(x) = 1/(1 + e^{−x}); backward dy·σ(1 − σ), from the cached output."""

    def forward(self, x):
        self._y = sigmoid(x).astype(x.dtype, copy=False)
        return self._y

    def backward(self, dy):
        y = self._y
        return dy * y * (1 - y)


class ReLU(Module):
    """max(0, x); the gradient at exactly 0 is taken as 0 (torch's convention)."""

    def forward(self, x):
        self._mask = x > 0
        return np.where(self._mask, x, 0).astype(x.dtype, copy=False)

    def backward(self, dy):
        return np.where(self._mask, dy, 0).astype(dy.dtype, copy=False)
