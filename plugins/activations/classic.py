"""The book's activations: step, identity, sigmoid, tanh, ReLU, and softmax.

Shapes: any input shape; the output has the input's shape and dtype (see
:class:`~.base.Elementwise`). Softmax normalises along one axis (default the last).
"""

from __future__ import annotations

import numpy as np

from dlbench.nn import Module, sigmoid, softmax

from .base import Elementwise, as_float_array


class Step(Elementwise):
    """Heaviside step ``y = 1[x > 0]`` (the book's ``step_function``; 0 at x = 0).

    Its derivative is 0 wherever it exists, so no gradient flows back: the reason the
    perceptron's step was replaced by sigmoid for gradient-based learning.
    """

    def function(self, x):
        return x > 0

    def derivative(self, x, y):
        return np.zeros_like(x)


class Identity(Elementwise):
    """``y = x``, ``y′ = 1`` (torch.nn.Identity): the output layer of a regression."""

    def function(self, x):
        return x

    def derivative(self, x, y):
        return np.ones_like(x)


class Sigmoid(Elementwise):
    """``σ(x) = 1/(1 + e^{−x})``; ``σ′ = σ(1 − σ)`` (at most 0.25, at x = 0).

    Evaluated as ``e^{x}/(1 + e^{x})`` for negative x, so it never overflows.
    """

    def function(self, x):
        return sigmoid(x)

    def derivative(self, x, y):
        return y * (1 - y)


class Tanh(Elementwise):
    """``tanh(x) = 2σ(2x) − 1``; ``tanh′ = 1 − tanh²`` (1 at x = 0)."""

    def function(self, x):
        return np.tanh(x)

    def derivative(self, x, y):
        return 1 - y * y


class ReLU(Elementwise):
    """``max(0, x)``; the gradient at exactly 0 is taken as 0 (torch's convention)."""

    # Arithmetic forms rather than masked selects: np.where with a data-dependent mask is
    # ~15x slower than np.maximum on numpy 2.x, and ReLU sits in every hot loop.
    def function(self, x):
        return np.maximum(x, 0)

    def derivative(self, x, y):
        return x > 0


class Softmax(Module):
    """``softmax(x)_i = e^{x_i} / Σ_j e^{x_j}`` along ``axis`` (torch.nn.Softmax's ``dim``).

    The maximum is subtracted first (shift invariance), so large logits do not overflow.
    Backward: ``dx = y ⊙ (dy − Σ_j dy_j y_j)`` along the same axis.

    :param axis: the axis whose entries sum to 1 (default the last, the class axis of
        ``(N, C)`` logits).
    """

    def __init__(self, axis: int = -1):
        super().__init__()
        self.axis = int(axis)

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = as_float_array(x)
        self._y = softmax(x, axis=self.axis).astype(x.dtype, copy=False)
        return self._y

    def backward(self, dy: np.ndarray) -> np.ndarray:
        y = self._y
        dx = y * (dy - np.sum(dy * y, axis=self.axis, keepdims=True))
        return dx.astype(y.dtype, copy=False)

    def extra_repr(self) -> str:
        return f"axis={self.axis}"
