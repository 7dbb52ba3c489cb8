"""Dropout (Srivastava et al., JMLR 2014): torch's inverted form, the book's as an option.

``p`` is the probability of DROPPING a unit (torch's meaning; the book's
``dropout_ratio``). Each unit is kept where ``u >= p`` for ``u ~ U[0, 1)`` drawn from the
layer's own Generator ``rng`` (the gradient checker restores it, so the mask is fixed).

- ``variant="inverted"`` (default, ``torch.nn.Dropout``): training ``y = x·mask/(1 − p)``,
  eval ``y = x``. The expected activation is the same in both modes.
- ``variant="book"`` (ゼロから作る Deep Learning 6.4.3, common/layers.py ``Dropout``):
  training ``y = x·mask``, eval ``y = x·(1 − p)``.
"""

from __future__ import annotations

import numpy as np

from ..errors import HyperparameterError, check_range
from .init import as_rng
from .module import Module

VARIANTS = ("inverted", "book")


class Dropout(Module):
    """Zeroes each element with probability ``p`` in training; any input shape.

    :param p: drop probability, in [0, 1).
    :param variant: ``"inverted"`` (scale by 1/(1−p) in training) or ``"book"`` (scale by
        (1−p) in eval).
    :param rng: Generator (or seed) for the masks; kept as the attribute ``rng``.
    """

    def __init__(self, p: float = 0.5, variant: str = "inverted", rng=None):
        super().__init__()
        self.p = float(check_range("p", p, low=0, high=1, high_open=True))
        if variant not in VARIANTS:
            raise HyperparameterError(f"variant must be one of {VARIANTS}, got {variant!r}")
        self.variant = variant
        self.rng = as_rng(rng)
        self._scale = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """``x`` any shape -> ``y`` of the same shape and dtype."""
        if self.training:
            keep = self.rng.random(x.shape) >= self.p
            factor = 1.0 / (1.0 - self.p) if self.variant == "inverted" else 1.0
            self._scale = keep * np.asarray(factor, dtype=x.dtype)
        else:
            self._scale = np.asarray(1.0 if self.variant == "inverted" else 1.0 - self.p,
                                     dtype=x.dtype)
        return (x * self._scale).astype(x.dtype, copy=False)

    def backward(self, dy: np.ndarray) -> np.ndarray:
        """The same elementwise factor as the last forward pass."""
        return (dy * self._scale).astype(dy.dtype, copy=False)

    def extra_repr(self) -> str:
        return f"p={self.p:g}" + ("" if self.variant == "inverted" else f", variant={self.variant!r}")
