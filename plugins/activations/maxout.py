"""Maxout (Goodfellow et al. 2013): the maximum of k affine pieces, a layer with parameters.

Parameter layout (the book's dense layout ``(in, out)`` with the pieces last):

- ``weight``: ``(in_features, out_features, pool_size)``;
- ``bias``: ``(out_features · pool_size,)``, piece j of unit i at index ``i·pool_size + j``.

Piece j of output unit i is ``z[n, i, j] = x[n] @ weight[:, i, j] + bias[i·k + j]`` and
``y[n, i] = max_j z[n, i, j]``. This is exactly ``Dense(in, out·k)`` (weight
``weight.reshape(in, out·k)``, same bias) with its outputs grouped by unit, so one GEMM
computes every piece. Each piece is an ordinary dense layer: initializers receive
``fan_in = in_features`` and ``fan_out = out_features``. The bias is kept 1-D so that
weight penalties, which apply to parameters with ``ndim >= 2``, skip it as they skip
every bias; the 3-D weight is penalised.

Shapes: ``x`` ``(..., in_features)`` -> ``y`` ``(..., out_features)``.
"""

from __future__ import annotations

import numpy as np

from dlbench.errors import check_range
from dlbench.nn import Initializer, Module, Parameter, init_weight_and_bias


class Maxout(Module):
    """``y_i = max_j (x·W[:, i, j] + b[i, j])`` over ``pool_size`` pieces.

    Backward routes ``dy_i`` to the winning piece only (ties go to the first piece):
    ``∂L/∂W[:, i, j*] = xᵀ dy_i``, ``∂L/∂b[i·k + j*] = Σ dy_i``, ``∂L/∂x = Σ_i dy_i W[:, i, j*]``.

    :param weight_init: ``init(shape, rng, *, fan_in, fan_out)``; default torch's
        ``nn.Linear`` init U(±1/√in_features) for weight and bias (bias 0 with an
        initializer, as :class:`dlbench.nn.Dense`).
    :param rng: Generator (or seed) for the initial values.
    """

    def __init__(self, in_features: int, out_features: int, pool_size: int = 2, *,
                 weight_init: Initializer | None = None, rng=None, dtype=np.float32):
        super().__init__()
        self.in_features = check_range("in_features", int(in_features), low=1)
        self.out_features = check_range("out_features", int(out_features), low=1)
        self.pool_size = check_range("pool_size", int(pool_size), low=1)
        w, b = init_weight_and_bias(
            (self.in_features, self.out_features, self.pool_size),
            (self.out_features * self.pool_size,), rng, weight_init, dtype,
            fan_in=self.in_features, fan_out=self.out_features)
        self.weight = Parameter(w)
        self.bias = Parameter(b)

    def forward(self, x: np.ndarray) -> np.ndarray:
        if x.ndim < 1 or x.shape[-1] != self.in_features:
            raise ValueError(f"Maxout({self.in_features}, {self.out_features}) expects input "
                             f"(..., {self.in_features}), got {x.shape}")
        self._lead = x.shape[:-1]
        self._x = x.reshape(-1, self.in_features)
        k = self.pool_size
        z = self._x @ self.weight.data.reshape(self.in_features, -1) + self.bias.data
        z = z.reshape(-1, self.out_features, k)
        self._winner = z.argmax(axis=-1)[..., None]                  # (M, out, 1)
        y = np.take_along_axis(z, self._winner, axis=-1)[..., 0]
        return y.reshape(*self._lead, self.out_features).astype(x.dtype, copy=False)

    def backward(self, dy: np.ndarray) -> np.ndarray:
        dy = dy.reshape(-1, self.out_features)
        dz = np.zeros((dy.shape[0], self.out_features, self.pool_size), dtype=dy.dtype)
        np.put_along_axis(dz, self._winner, dy[..., None], axis=-1)
        dz_flat = dz.reshape(dy.shape[0], -1)
        self.bias.grad += dz_flat.sum(axis=0)
        self.weight.grad += (self._x.T @ dz_flat).reshape(self.weight.grad.shape)
        dx = dz_flat @ self.weight.data.reshape(self.in_features, -1).T
        return dx.reshape(*self._lead, self.in_features).astype(self._x.dtype, copy=False)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"pool_size={self.pool_size}")
