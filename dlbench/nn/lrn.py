"""Local response normalization across channels (AlexNet, 2012; torch.nn.LocalResponseNorm)."""

from __future__ import annotations

import numpy as np

from ..errors import check_range
from .im2col import ShapeError
from .module import Module


def channel_window_sum(z: np.ndarray, before: int, after: int) -> np.ndarray:
    """``out[:, c] = Σ z[:, c']`` for ``c − before ≤ c' ≤ c + after`` (clipped to the
    channels), via one cumulative sum along axis 1 (no loop over channels)."""
    n, c = z.shape[:2]
    padded = np.zeros((n, c + before + after + 1, *z.shape[2:]), dtype=z.dtype)
    np.cumsum(z, axis=1, out=padded[:, before + 1: before + 1 + c])
    padded[:, before + 1 + c:] = padded[:, before + c: before + c + 1]
    return padded[:, before + after + 1:] - padded[:, :c]


class LocalResponseNorm(Module):
    """``b_c = a_c / (k + α/n · Σ_{c' near c} a_{c'}²)^β`` over ``n = size`` neighbouring
    channels (torch's window: ``size // 2`` before, ``(size − 1) // 2`` after, zero beyond
    the edges, divided by ``size`` even there).

    Shapes: ``x`` (N, C, ...) -> same shape. Defaults are torch's (``alpha=1e-4``,
    ``beta=0.75``, ``k=1``); AlexNet's paper used size 5, α = 1e-4 (its α without the
    ``/n``, i.e. torch's ``alpha=5e-4``), β 0.75, k 2.

    Backward, with ``d_c = k + α/n·Σ a²``:
    ``∂L/∂a_c = dy_c·d_c^{−β} − (2αβ/n)·a_c·Σ_{c' : c ∈ window(c')} dy_{c'}·a_{c'}·d_{c'}^{−β−1}``.
    """

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0):
        super().__init__()
        self.size = check_range("size", int(size), low=1)
        self.alpha = float(alpha)
        self.beta = check_range("beta", float(beta), low=0.0)
        self.k = float(k)
        self._cache = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        if x.ndim < 3:
            raise ShapeError(f"{self!r} expects input (N, C, ...), got {x.shape}")
        before, after = self.size // 2, (self.size - 1) // 2
        d = self.k + (self.alpha / self.size) * channel_window_sum(x * x, before, after)
        scale = d ** -self.beta
        self._cache = (x, d, scale)
        return x * scale

    def backward(self, dy: np.ndarray) -> np.ndarray:
        x, d, scale = self._cache
        before, after = self.size // 2, (self.size - 1) // 2
        # the windows that contain channel c are those of c' in [c − after, c + before]
        back = channel_window_sum(dy * x * scale / d, after, before)
        coef = 2.0 * self.alpha * self.beta / self.size
        return dy * scale - coef * x * back

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
