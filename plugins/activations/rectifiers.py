"""Rectifier variants: leaky ReLU, PReLU (learned slope), RReLU (random slope), ELU, SELU.

Shapes: any input shape; the output has the input's shape and dtype. PReLU with
``num_parameters = C > 1`` expects the channel axis 1 to have size C (axis 0 for 1-D
input), as ``torch.nn.PReLU``.
"""

from __future__ import annotations

import numpy as np

from dlbench.errors import check_range
from dlbench.nn import Module, Parameter, as_rng

from .base import Elementwise, as_float_array

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


class LeakyReLU(Elementwise):
    """``x`` for x > 0, ``negative_slope·x`` otherwise; derivative 1 or ``negative_slope``
    (torch.nn.LeakyReLU; the slope is used at x = 0)."""

    def __init__(self, negative_slope: float = 0.01):
        super().__init__()
        self.negative_slope = float(negative_slope)

    # max(x, 0) + slope·min(x, 0) equals the select for any slope and avoids np.where,
    # which is slow with data-dependent masks.
    def function(self, x):
        return np.maximum(x, 0) + self.negative_slope * np.minimum(x, 0)

    def derivative(self, x, y):
        positive = x > 0
        return (positive + self.negative_slope * ~positive).astype(x.dtype, copy=False)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class PReLU(Module):
    """Leaky ReLU whose negative slope ``a`` is learned (He et al. 2015), torch.nn.PReLU.

    ``y = x`` for x > 0, ``a_c·x`` otherwise. ``∂y/∂x = 1`` or ``a_c``;
    ``∂L/∂a_c = Σ_{x ≤ 0, channel c} x·dy``.

    :param num_parameters: 1 (one slope shared by every element) or the number of
        channels C (one slope per channel of axis 1).
    :param init: initial slope (torch's 0.25).
    Parameter ``weight``: shape ``(num_parameters,)``; 1-D, so weight penalties skip it.
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, *, dtype=np.float32):
        super().__init__()
        self.num_parameters = check_range("num_parameters", int(num_parameters), low=1)
        self.weight = Parameter(np.full((self.num_parameters,), float(init), dtype=dtype))

    def _slope(self, x: np.ndarray) -> np.ndarray:
        """The slopes broadcast against ``x``: shape () or (1, C, 1, ...)."""
        w = self.weight.data
        if self.num_parameters == 1:
            return w.reshape(())
        axis = 1 if x.ndim >= 2 else 0
        if x.ndim == 0 or x.shape[axis] != self.num_parameters:
            raise ValueError(f"PReLU(num_parameters={self.num_parameters}) expects "
                             f"{self.num_parameters} channels on axis {axis}, got input {x.shape}")
        shape = [1] * x.ndim
        shape[axis] = self.num_parameters
        return w.reshape(shape)

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = as_float_array(x)
        self._x = x
        return np.where(x > 0, x, self._slope(x) * x).astype(x.dtype, copy=False)

    def backward(self, dy: np.ndarray) -> np.ndarray:
        x = self._x
        slope = self._slope(x)
        positive = x > 0
        per_element = np.where(positive, 0, x * dy)
        if self.num_parameters == 1:
            self.weight.grad += per_element.sum()
        else:
            axis = 1 if x.ndim >= 2 else 0
            others = tuple(i for i in range(x.ndim) if i != axis)
            self.weight.grad += per_element.sum(axis=others)
        return np.where(positive, dy, slope * dy).astype(x.dtype, copy=False)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class RReLU(Module):
    """Randomized leaky ReLU (Xu et al. 2015), torch.nn.RReLU.

    Training: ``y = x`` for x > 0, ``a·x`` otherwise, with a fresh ``a ~ U(lower, upper)``
    per element and per forward pass, drawn from ``self.rng``. Eval: the fixed slope
    ``(lower + upper)/2``. Backward multiplies by the slope used in the last forward.

    :param rng: ``numpy.random.Generator`` (or seed) kept as the attribute ``rng``, so a
        gradient check can restore it and replay the same slopes.
    """

    def __init__(self, lower: float = 1.0 / 8, upper: float = 1.0 / 3, *, rng=None):
        super().__init__()
        self.lower = check_range("lower", float(lower), low=0.0)
        self.upper = check_range("upper", float(upper), low=self.lower)
        self.rng = as_rng(rng)

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = as_float_array(x)
        if self.training:
            slope = self.rng.uniform(self.lower, self.upper, size=x.shape).astype(x.dtype)
        else:
            slope = np.asarray((self.lower + self.upper) / 2, dtype=x.dtype)
        self._gain = np.where(x > 0, 1, slope).astype(x.dtype, copy=False)
        return x * self._gain

    def backward(self, dy: np.ndarray) -> np.ndarray:
        return (dy * self._gain).astype(self._gain.dtype, copy=False)

    def extra_repr(self) -> str:
        return f"lower={self.lower:.4g}, upper={self.upper:.4g}"


class ELU(Elementwise):
    """``x`` for x > 0, ``α(e^x − 1)`` otherwise (Clevert et al. 2015), torch.nn.ELU.

    Derivative 1 or ``α·e^x``. ``expm1`` of ``min(x, 0)`` keeps it exact near 0 and free
    of overflow for large positive x.
    """

    scale = 1.0  # SELU's λ; 1 for ELU

    def __init__(self, alpha: float = 1.0):
        super().__init__()
        self.alpha = check_range("alpha", float(alpha), low=0.0)

    def function(self, x):
        # max(x, 0) + α·expm1(min(x, 0)): for x > 0 the second term is α·expm1(0) = 0
        return self.scale * (np.maximum(x, 0) + self.alpha * np.expm1(np.minimum(x, 0)))

    def derivative(self, x, y):
        positive = x > 0
        return self.scale * (positive + ~positive * (self.alpha * np.exp(np.minimum(x, 0))))

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"


class SELU(ELU):
    """Scaled ELU (Klambauer et al. 2017), torch.nn.SELU: ``λ·ELU_α(x)`` with the fixed
    ``α = 1.6732632423543772``, ``λ = 1.0507009873554805`` that make zero mean and unit
    variance a fixed point (with lecun-normal weights)."""

    scale = SELU_SCALE

    def __init__(self):
        super().__init__(alpha=SELU_ALPHA)

    def extra_repr(self) -> str:
        return ""
