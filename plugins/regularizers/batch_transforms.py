"""Regularizers that change the training batches: augmentation and label smoothing.

``transform(x, y, rng) -> (x, y)`` runs on training batches only (never validation or
test), draws every random number from ``rng`` and never modifies its inputs in place.
"""

from __future__ import annotations

import math

import numpy as np

from dlbench.errors import UsageError, check_range
from dlbench.nn import one_hot


class Augmentation:
    """Label-preserving image augmentation: random shifts, then Gaussian pixel noise.

    Each image moves by ``(dy, dx)``, both drawn uniformly from the integers in
    ``[−max_shift, max_shift]``, with zeros shifted in (no wrap-around); then
    ``N(0, noise_std²)`` noise is added to every pixel. Labels come back unchanged.
    (Simard et al., ICDAR 2003, for shifted digits; noise injection: Bishop 1995.)

    Shapes: ``x`` ``(N, C, H, W)``, or flat ``(N, D)`` read as ``image_shape`` (``(C, H, W)``
    or ``(H, W)``); without ``image_shape`` a flat sample must be a square single-channel
    image (D = H², e.g. 64 → 8×8). The output has ``x``'s shape and dtype.

    :param noise_std: standard deviation of the additive noise, ≥ 0; default 0.05
        (chosen for pixels scaled to [0, 1]).
    :param max_shift: largest shift in pixels, ≥ 0; default 1 (one pixel of an 8×8 digit).
    :param image_shape: how to read flat samples, or ``None`` to infer a square.
    """

    def __init__(self, noise_std: float = 0.05, max_shift: int = 1, image_shape=None):
        self.noise_std = float(check_range("noise_std", noise_std, low=0))
        self.max_shift = int(check_range("max_shift", max_shift, low=0))
        self.image_shape = None if image_shape is None else tuple(int(d) for d in image_shape)
        if self.image_shape is not None and len(self.image_shape) not in (2, 3):
            raise UsageError(f"image_shape must be (C, H, W) or (H, W), got {image_shape!r}")

    def transform(self, x: np.ndarray, y: np.ndarray, rng: np.random.Generator):
        images = self._as_images(x)
        out = self._shift(images, rng) if self.max_shift else images.copy()
        if self.noise_std:
            out += rng.normal(0.0, self.noise_std, size=out.shape).astype(out.dtype, copy=False)
        return out.reshape(x.shape), y

    def _as_images(self, x: np.ndarray) -> np.ndarray:
        """``x`` as ``(N, C, H, W)`` (a view when possible)."""
        if x.ndim == 4:
            return x
        if x.ndim != 2:
            raise UsageError(f"augmentation takes (N, C, H, W) or flat (N, D) batches, got {x.shape}")
        shape = self.image_shape
        if shape is None:
            side = math.isqrt(x.shape[1])
            if side * side != x.shape[1]:
                raise UsageError(f"augmentation cannot read {x.shape[1]} features as a square "
                                 "image; pass image_shape=(C, H, W)")
            shape = (1, side, side)
        shape = shape if len(shape) == 3 else (1, *shape)
        if math.prod(shape) != x.shape[1]:
            raise UsageError(f"image_shape {shape} holds {math.prod(shape)} values, "
                             f"the batch has {x.shape[1]} features")
        return x.reshape(x.shape[0], *shape)

    def _shift(self, images: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """``out[i, :, r, q] = images[i, :, r − dy_i, q − dx_i]``, zero outside."""
        n, c, h, w = images.shape
        s = self.max_shift
        dy = rng.integers(-s, s + 1, size=n)
        dx = rng.integers(-s, s + 1, size=n)
        padded = np.pad(images, ((0, 0), (0, 0), (s, s), (s, s)))
        rows = np.arange(h)[None, :] - dy[:, None] + s        # (N, H) rows of `padded`
        cols = np.arange(w)[None, :] - dx[:, None] + s        # (N, W)
        return padded[np.arange(n)[:, None, None, None], np.arange(c)[None, :, None, None],
                      rows[:, None, :, None], cols[:, None, None, :]]

    def __repr__(self) -> str:
        return f"Augmentation(noise_std={self.noise_std:g}, max_shift={self.max_shift})"


class LabelSmoothing:
    """Label smoothing (Szegedy et al., CVPR 2016) with ``torch.nn.CrossEntropyLoss``'s
    meaning of ``label_smoothing``: targets become ``(1 − ε)·onehot(y) + ε/C``.

    Integer labels ``(N,)`` come back as probabilities ``(N, C)`` (float32, rows summing
    to 1); probability targets ``(N, C)`` are smoothed the same way. ``x`` is unchanged.

    :param label_smoothing: ε in [0, 1]; default 0.1 (Szegedy et al.).
    :param num_classes: C. Give it (the training loop knows the data set's); when ``None``
        it is ``max(y) + 1`` of each batch, which is too small for a batch that lacks
        the last class (the loss then refuses the target's shape).
    """

    def __init__(self, label_smoothing: float = 0.1, num_classes: int | None = None):
        self.label_smoothing = float(check_range("label_smoothing", label_smoothing, low=0, high=1))
        self.num_classes = None if num_classes is None else int(
            check_range("num_classes", num_classes, low=2))

    def transform(self, x: np.ndarray, y: np.ndarray, rng: np.random.Generator):
        y = np.asarray(y)
        if y.ndim == 2:
            probs = y.astype(np.float32)
        elif y.ndim == 1 and np.issubdtype(y.dtype, np.integer):
            classes = self.num_classes or int(y.max()) + 1
            if y.size and (y.min() < 0 or y.max() >= classes):
                raise UsageError(f"labels must lie in [0, {classes}), got [{y.min()}, {y.max()}]")
            probs = one_hot(y, classes, dtype=np.float32)
        else:
            raise UsageError(f"label smoothing takes int labels (N,) or probabilities (N, C), "
                             f"got {y.dtype} {y.shape}")
        eps = np.float32(self.label_smoothing)
        return x, (1 - eps) * probs + eps / probs.shape[1]

    def __repr__(self) -> str:
        return f"LabelSmoothing(label_smoothing={self.label_smoothing:g})"
