"""Weight initialization schemes: instances are ``init(shape, rng, *, fan_in, fan_out)``.

Every scheme draws from the given :class:`numpy.random.Generator` and returns a float64
array of ``shape`` (layers cast to their dtype). Fans: dense ``(in, out)`` gives
``fan_in = in``, ``fan_out = out``; conv ``(F, C, KH, KW)`` gives ``fan_in = C·KH·KW``,
``fan_out = F·KH·KW`` (see :func:`dlbench.nn.fans`).

The fan-scaled schemes share :class:`FanScaled`: a subclass says what standard deviation
it wants; a uniform distribution with that std has bound ``√3·std``.
"""

from __future__ import annotations

import math

import numpy as np

from dlbench.errors import HyperparameterError, check_range

#: torch.nn.init.calculate_gain for the nonlinearities the course uses.
GAINS = {"linear": lambda a: 1.0, "identity": lambda a: 1.0, "sigmoid": lambda a: 1.0,
         "tanh": lambda a: 5.0 / 3, "relu": lambda a: math.sqrt(2.0),
         "leaky_relu": lambda a: math.sqrt(2.0 / (1 + a * a)), "selu": lambda a: 0.75}


def calculate_gain(nonlinearity: str, a: float = 0.0) -> float:
    """torch.nn.init.calculate_gain: √2 for relu, √(2/(1 + a²)) for leaky_relu, 5/3 for
    tanh, 3/4 for selu, 1 for linear / identity / sigmoid (``-`` may replace ``_``)."""
    key = nonlinearity.replace("-", "_")
    if key not in GAINS:
        raise HyperparameterError(
            f"nonlinearity must be one of {', '.join(sorted(GAINS))}, got {nonlinearity!r}")
    return GAINS[key](a)


class Zeros:
    """All zeros. Every unit of a layer then computes the same output and receives the
    same gradient, so they stay identical forever (the symmetry problem): a lesson, not
    a usable initialization for weights."""

    def __call__(self, shape, rng: np.random.Generator, *, fan_in: int, fan_out: int):
        return np.zeros(shape)

    def __repr__(self) -> str:
        return "Zeros()"


class Constant:
    """Every weight equal to ``val``: the same symmetry problem as zeros (all units of a
    layer compute the same output and get the same update, so they never differ)."""

    def __init__(self, val: float = 0.01):
        self.val = float(val)

    def __call__(self, shape, rng: np.random.Generator, *, fan_in: int, fan_out: int):
        return np.full(shape, self.val)

    def __repr__(self) -> str:
        return f"Constant(val={self.val})"


class Normal:
    """N(mean, std²) regardless of fan: the book's ``weight_init_std=0.01``."""

    def __init__(self, std: float = 0.01, mean: float = 0.0):
        self.std = check_range("std", float(std), low=0.0)
        self.mean = float(mean)

    def __call__(self, shape, rng: np.random.Generator, *, fan_in: int, fan_out: int):
        return rng.normal(self.mean, self.std, size=shape)

    def __repr__(self) -> str:
        return f"Normal(std={self.std}, mean={self.mean})"


class FanScaled:
    """Zero-mean normal or uniform with a std computed from the fans.

    Subclasses set ``distribution`` (``"normal"`` or ``"uniform"``) and implement
    :meth:`std`. Uniform draws use U(−b, b) with ``b = √3·std`` (variance b²/3 = std²).
    """

    distribution = "normal"

    def std(self, fan_in: int, fan_out: int) -> float:
        raise NotImplementedError(f"{type(self).__name__}.std")

    def __call__(self, shape, rng: np.random.Generator, *, fan_in: int, fan_out: int):
        if fan_in < 1 or fan_out < 1:
            raise ValueError(f"{type(self).__name__} needs fan_in, fan_out >= 1, "
                             f"got {fan_in}, {fan_out}")
        std = self.std(fan_in, fan_out)
        if self.distribution == "uniform":
            bound = math.sqrt(3.0) * std
            return rng.uniform(-bound, bound, size=shape)
        return rng.normal(0.0, std, size=shape)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({args})"


class Xavier(FanScaled):
    """The course's "Xavier": N(0, 1/fan_in), the book's ``weight_init_std='xavier'``
    (``'sigmoid'``) ``√(1/n)`` with n the previous layer's size.

    Glorot & Bengio's paper uses fan_in + fan_out (see ``glorot-normal``,
    ``glorot-uniform``); this simplification has LeCun's variance (``lecun-normal``).
    """

    def std(self, fan_in, fan_out):
        return math.sqrt(1.0 / fan_in)


class LeCunNormal(FanScaled):
    """N(0, 1/fan_in) (LeCun et al. 1998), the initialization SELU's fixed point assumes.
    Untruncated; Keras' ``lecun_normal`` is a truncated normal of the same variance."""

    def std(self, fan_in, fan_out):
        return math.sqrt(1.0 / fan_in)


class GlorotNormal(FanScaled):
    """torch.nn.init.xavier_normal_: N(0, std²), std = gain·√(2/(fan_in + fan_out))."""

    def __init__(self, gain: float = 1.0):
        self.gain = check_range("gain", float(gain), low=0.0)

    def std(self, fan_in, fan_out):
        return self.gain * math.sqrt(2.0 / (fan_in + fan_out))


class GlorotUniform(GlorotNormal):
    """torch.nn.init.xavier_uniform_: U(−b, b), b = gain·√(6/(fan_in + fan_out))."""

    distribution = "uniform"


class He(FanScaled):
    """torch.nn.init.kaiming_normal_: N(0, std²), std = gain/√fan, fan = fan_in (default)
    or fan_out; gain = √2 for relu (std √(2/fan_in), the book's ``'he'`` / ``'relu'``).

    :param a: negative slope, used only by ``nonlinearity="leaky_relu"``.
    :param nonlinearity: relu (default; torch's default leaky_relu with a = 0 gives the
        same √2), leaky_relu, tanh, selu, sigmoid, linear.
    """

    def __init__(self, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "relu"):
        if mode not in ("fan_in", "fan_out"):
            raise HyperparameterError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
        self.a = float(a)
        self.mode = mode
        self.nonlinearity = nonlinearity
        self.gain = calculate_gain(nonlinearity, self.a)

    def std(self, fan_in, fan_out):
        return self.gain / math.sqrt(fan_in if self.mode == "fan_in" else fan_out)


class HeUniform(He):
    """torch.nn.init.kaiming_uniform_: U(−b, b), b = gain·√(3/fan) = √(6/fan_in) for relu."""

    distribution = "uniform"
