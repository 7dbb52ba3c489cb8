"""Losses with PyTorch's reductions (``"mean"`` by default).

Each loss is used as ``value = loss.forward(prediction, target)`` then
``dprediction = loss.backward()``; ``backward(dvalue)`` takes the upstream gradient for
``reduction="none"`` (default: ones). The value is a Python float for ``"mean"`` and
``"sum"``, an array for ``"none"``.
"""

from __future__ import annotations

import numpy as np

from ..errors import HyperparameterError, check_range
from .functional import log_softmax, sigmoid

REDUCTIONS = ("mean", "sum", "none")


def _as_float(x) -> np.ndarray:
    """Integer predictions become float64 (their gradient is not an integer)."""
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.floating) else x.astype(np.float64)


class Loss:
    """Base class: stores what ``backward`` needs between the two calls."""

    def __init__(self, reduction: str = "mean"):
        if reduction not in REDUCTIONS:
            raise HyperparameterError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")
        self.reduction = reduction
        self._cache = None

    def _reduce(self, elementwise: np.ndarray, count: int):
        if self.reduction == "none":
            return elementwise
        total = elementwise.sum()
        return float(total / count if self.reduction == "mean" else total)

    def _upstream(self, dvalue, shape, count: int, dtype):
        """The gradient flowing into the element-wise losses, shape ``shape``."""
        if self.reduction == "none":
            return np.ones(shape, dtype) if dvalue is None else np.asarray(dvalue, dtype)
        scale = 1.0 if dvalue is None else float(dvalue)
        if self.reduction == "mean":
            scale /= count
        return np.full(shape, scale, dtype=dtype)

    def __call__(self, prediction, target):
        return self.forward(prediction, target)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(reduction={self.reduction!r})"


class MSELoss(Loss):
    """Squared error.

    ``variant="torch"`` (default): ``mean((y − t)²)`` over all elements (``reduction``
    as in ``torch.nn.MSELoss``). ``variant="book"``: the book's
    ``½·Σ(y − t)²`` over all elements, no division by the batch
    (``mean_squared_error`` in ゼロから作る Deep Learning 4.2.1); ``reduction`` is ignored.

    Shapes: ``prediction`` and ``target`` of the same shape; ``backward`` returns that shape.
    """

    def __init__(self, reduction: str = "mean", variant: str = "torch"):
        if variant not in ("torch", "book"):
            raise HyperparameterError(f"variant must be 'torch' or 'book', got {variant!r}")
        super().__init__("sum" if variant == "book" else reduction)
        self.variant = variant

    def forward(self, prediction, target):
        prediction = _as_float(prediction)
        target = np.asarray(target, dtype=prediction.dtype)
        if target.shape != prediction.shape:
            raise ValueError(f"mse: prediction {prediction.shape} and target {target.shape} differ")
        diff = prediction - target
        self._cache = diff
        half = 0.5 if self.variant == "book" else 1.0
        return self._reduce(half * diff * diff, diff.size)

    def backward(self, dvalue=None):
        diff = self._cache
        up = self._upstream(dvalue, diff.shape, diff.size, diff.dtype)
        factor = 1.0 if self.variant == "book" else 2.0
        return factor * diff * up


class CrossEntropyLoss(Loss):
    """Softmax + cross entropy fused, as ``torch.nn.CrossEntropyLoss``.

    ``prediction``: logits ``(N, C)``. ``target``: class indices ``(N,)`` (integers) or
    class probabilities ``(N, C)`` (floats). Log-softmax uses log-sum-exp, so no ε is
    needed inside the log. ``label_smoothing`` ε replaces the target distribution by
    ``(1 − ε)·t + ε/C`` (torch's meaning). ``"mean"`` divides by N.

    Gradient: ``(softmax(x) − t) / N`` for the mean.
    """

    def __init__(self, reduction: str = "mean", label_smoothing: float = 0.0):
        super().__init__(reduction)
        self.label_smoothing = check_range("label_smoothing", float(label_smoothing), low=0.0, high=1.0)

    def forward(self, prediction, target):
        prediction = _as_float(prediction)
        if prediction.ndim != 2:
            raise ValueError(f"cross-entropy expects logits (N, C), got {prediction.shape}")
        n, c = prediction.shape
        target = np.asarray(target)
        logp = log_softmax(prediction, axis=1)
        if np.issubdtype(target.dtype, np.integer):
            if target.shape != (n,):
                raise ValueError(f"cross-entropy: integer target must be ({n},), got {target.shape}")
            if target.size and (target.min() < 0 or target.max() >= c):
                raise ValueError(f"cross-entropy: labels must be in [0, {c}), got "
                                 f"[{target.min()}, {target.max()}]")
            dist = np.zeros_like(logp)
            dist[np.arange(n), target] = 1
        else:
            if target.shape != (n, c):
                raise ValueError(f"cross-entropy: probability target must be ({n}, {c}), "
                                 f"got {target.shape}")
            dist = target.astype(logp.dtype)
        if self.label_smoothing:
            dist = dist * (1 - self.label_smoothing) + self.label_smoothing / c
        self._cache = (logp, dist)
        return self._reduce(-(dist * logp).sum(axis=1), n)

    def backward(self, dvalue=None):
        logp, dist = self._cache
        n = logp.shape[0]
        up = self._upstream(dvalue, (n,), n, logp.dtype)
        # d/dx of −Σ_k t_k log softmax(x)_k is softmax(x)·Σ_k t_k − t (= p − t when t sums to 1)
        grad = np.exp(logp) * dist.sum(axis=1, keepdims=True) - dist
        return grad * up[:, None]

    def extra_repr(self) -> str:
        return f"label_smoothing={self.label_smoothing}"


class BCEWithLogitsLoss(Loss):
    """Sigmoid + binary cross entropy fused, as ``torch.nn.BCEWithLogitsLoss``.

    ``prediction``: logits of any shape; ``target``: probabilities in [0, 1], same shape.
    Element loss ``max(x, 0) − x·t + log(1 + e^{−|x|})`` (stable for large ``|x|``);
    gradient ``σ(x) − t``; ``"mean"`` averages over all elements.
    """

    def forward(self, prediction, target):
        prediction = _as_float(prediction)
        target = np.asarray(target, dtype=prediction.dtype)
        if target.shape != prediction.shape:
            raise ValueError(f"binary-cross-entropy: prediction {prediction.shape} and "
                             f"target {target.shape} differ")
        x = prediction
        self._cache = (x, target)
        elementwise = np.maximum(x, 0) - x * target + np.log1p(np.exp(-np.abs(x)))
        return self._reduce(elementwise, x.size)

    def backward(self, dvalue=None):
        x, target = self._cache
        up = self._upstream(dvalue, x.shape, x.size, x.dtype)
        return (sigmoid(x) - target) * up
