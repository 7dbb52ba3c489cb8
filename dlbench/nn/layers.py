"""Dense (fully connected) and Flatten layers."""

from __future__ import annotations

import math

import numpy as np

from .init import Initializer, init_weight_and_bias
from .module import Module
from .parameter import Parameter


class Dense(Module):
    """Fully connected layer ``y = x @ W + b`` (the book's ``Affine``).

    Shapes: ``x`` ``(N, in_features)`` -> ``y`` ``(N, out_features)``; ``weight``
    ``(in_features, out_features)`` (the book's layout, the transpose of torch's);
    ``bias`` ``(out_features,)``.

    :param weight_init: ``init(shape, rng, *, fan_in, fan_out)``; it is given
        fan_in = in_features and fan_out = out_features. Default: PyTorch's
        U(±1/√in_features) for weight and bias; with an initializer, the bias starts at 0.
    :param rng: Generator (or seed) for the initial values.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, *,
                 weight_init: Initializer | None = None, rng=None, dtype=np.float32):
        super().__init__()
        if in_features < 1 or out_features < 1:
            raise ValueError(f"Dense needs in_features, out_features >= 1, got "
                             f"{in_features}, {out_features}")
        self.in_features, self.out_features = int(in_features), int(out_features)
        w, b = init_weight_and_bias((self.in_features, self.out_features),
                                    (self.out_features,) if bias else None,
                                    rng, weight_init, dtype)
        self.weight = Parameter(w)
        self.bias = Parameter(b) if b is not None else None
        self._x = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        if x.ndim != 2 or x.shape[1] != self.in_features:
            raise ValueError(f"Dense({self.in_features}, {self.out_features}) expects input "
                             f"(N, {self.in_features}), got {x.shape}")
        self._x = x
        y = x @ self.weight.data
        if self.bias is not None:
            y += self.bias.data
        return y

    def backward(self, dy: np.ndarray) -> np.ndarray:
        self.weight.grad += self._x.T @ dy
        if self.bias is not None:
            self.bias.grad += dy.sum(axis=0)
        return dy @ self.weight.data.T

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}"
                + ("" if self.bias is not None else ", bias=False"))


class Flatten(Module):
    """Flattens every axis after the first: ``(N, d1, d2, ...)`` -> ``(N, d1·d2·...)``."""

    def __init__(self) -> None:
        super().__init__()
        self._shape = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._shape = x.shape
        return x.reshape(x.shape[0], math.prod(x.shape[1:]))

    def backward(self, dy: np.ndarray) -> np.ndarray:
        return dy.reshape(self._shape)
