"""Smooth activations: GELU (exact with erf, or torch's tanh approximation), softplus, SiLU.

Shapes: any input shape; the output has the input's shape and dtype.
"""

from __future__ import annotations

import math

import numpy as np

from dlbench.errors import HyperparameterError, check_range
from dlbench.nn import erfc, sigmoid

from .base import Elementwise

_INV_SQRT2 = 1 / math.sqrt(2)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)
_TANH_SCALE = math.sqrt(2 / math.pi)
_TANH_CUBIC = 0.044715


class GELU(Elementwise):
    """Gaussian error linear unit (Hendrycks & Gimpel 2016), torch.nn.GELU.

    ``approximate="none"`` (default): ``x·Φ(x)``, ``Φ(x) = ½·erfc(−x/√2)``; derivative
    ``Φ(x) + x·φ(x)``, ``φ(x) = e^{−x²/2}/√(2π)``. Computed in float64 with
    :func:`dlbench.nn.special.erfc` (Cody's approximation, float64-accurate) and cast back.

    ``approximate="tanh"``: ``½x(1 + tanh(u))``, ``u = √(2/π)(x + 0.044715x³)``;
    derivative ``½(1 + tanh u) + ½x(1 − tanh²u)·√(2/π)(1 + 3·0.044715x²)``, torch's form.
    The two differ by at most about 4.7e−4 (near |x| ≈ 2.7).
    """

    def __init__(self, approximate: str = "none"):
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise HyperparameterError(
                f"approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def function(self, x):
        if self.approximate == "tanh":
            return 0.5 * x * (1 + np.tanh(_TANH_SCALE * (x + _TANH_CUBIC * x * x * x)))
        x64 = x.astype(np.float64)
        self._cdf = 0.5 * erfc(-x64 * _INV_SQRT2)  # Φ(x), reused by backward
        return x64 * self._cdf

    def derivative(self, x, y):
        if self.approximate == "tanh":
            t = np.tanh(_TANH_SCALE * (x + _TANH_CUBIC * x * x * x))
            inner = _TANH_SCALE * (1 + 3 * _TANH_CUBIC * x * x)
            return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * inner
        x64 = x.astype(np.float64)
        density = _INV_SQRT_2PI * np.exp(-0.5 * x64 * x64)
        return self._cdf + x64 * density

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class Softplus(Elementwise):
    """``(1/β)·log(1 + e^{βx})``, and ``x`` itself where ``βx > threshold``
    (torch.nn.Softplus). Derivative ``σ(βx)`` (1 above the threshold).

    ``log1p(exp(min(βx, threshold)))`` never overflows and is exact for very negative x.
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0):
        super().__init__()
        self.beta = check_range("beta", float(beta), low=0.0, low_open=True)
        self.threshold = float(threshold)

    def function(self, x):
        z = self.beta * x
        soft = np.log1p(np.exp(np.minimum(z, self.threshold))) / self.beta
        return np.where(z > self.threshold, x, soft)

    def derivative(self, x, y):
        z = self.beta * x
        return np.where(z > self.threshold, 1.0, sigmoid(np.minimum(z, self.threshold)))

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class SiLU(Elementwise):
    """Sigmoid linear unit / Swish-1, torch.nn.SiLU: ``x·σ(x)``; derivative
    ``σ(x)(1 + x(1 − σ(x)))``. Built on the overflow-free :func:`dlbench.nn.sigmoid`."""

    def function(self, x):
        return x * sigmoid(x)

    def derivative(self, x, y):
        s = sigmoid(x)
        return s * (1 + x * (1 - s))
