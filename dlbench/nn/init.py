"""Fan computation and the engine's default initializer.

Named initializers (``normal``, ``xavier``, ``he``...) are plugins; the engine only
needs a default for layers built without one, and the rule for fans.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

#: ``init(shape, rng, *, fan_in, fan_out) -> ndarray``
Initializer = Callable[..., np.ndarray]


def fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight.

    Dense ``(in, out)`` -> ``(in, out)``; conv ``(F, C, KH, KW)`` ->
    ``(C·KH·KW, F·KH·KW)``; a vector ``(n,)`` -> ``(n, n)``.
    """
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def default_init(shape, rng: np.random.Generator, *, fan_in: int, fan_out: int) -> np.ndarray:
    """PyTorch's default for ``nn.Linear`` / ``nn.Conv2d``: U(−1/√fan_in, 1/√fan_in).

    (``kaiming_uniform_(a=√5)`` reduces to this bound.) Used for weights and biases of
    layers created without an initializer, so an un-configured layer matches torch.
    """
    bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
    return rng.uniform(-bound, bound, size=shape)


def as_rng(rng: np.random.Generator | int | None) -> np.random.Generator:
    """A Generator from a Generator, a seed, or ``None`` (fresh OS entropy)."""
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(rng)


def init_weight_and_bias(weight_shape, bias_shape, rng, weight_init: Initializer | None,
                         dtype, *, fan_in: int | None = None, fan_out: int | None = None):
    """Arrays for a weight and an optional bias.

    With ``weight_init`` given, biases start at zero (the book's and Keras' convention,
    which the course's initialization experiments assume); without it, both follow
    PyTorch's default (:func:`default_init`).
    """
    rng = as_rng(rng)
    fi, fo = fans(tuple(weight_shape))
    fan_in = fi if fan_in is None else fan_in
    fan_out = fo if fan_out is None else fan_out
    init = weight_init or default_init
    weight = np.asarray(init(tuple(weight_shape), rng, fan_in=fan_in, fan_out=fan_out), dtype=dtype)
    if tuple(weight.shape) != tuple(weight_shape):
        raise ValueError(f"initializer returned shape {weight.shape}, expected {tuple(weight_shape)}")
    if bias_shape is None:
        return weight, None
    if weight_init is None:
        bias = default_init(tuple(bias_shape), rng, fan_in=fan_in, fan_out=fan_out).astype(dtype)
    else:
        bias = np.zeros(bias_shape, dtype=dtype)
    return weight, bias
