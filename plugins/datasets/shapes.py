"""``shapes``: generated grayscale images of simple shapes anywhere in the frame.

Each image holds one filled shape of a class, drawn at a random position, size and
brightness on a black background, plus Gaussian pixel noise. Positions cover the whole
frame (the shape only has to fit), so a classifier has to recognise a shape wherever it
is: the setting where convolution and pooling (weights shared across positions) beat a
dense layer that must learn every position separately.

The generator, per image with class k, half-size r and centre (cx, cy) in pixels:

- r ~ U(min_size, max_size)·S / 2 for an S×S image, centre ~ U(r, S − r) on both axes;
- in shape coordinates u = (col + ½ − cx)/r, v = (row + ½ − cy)/r (v points down), the
  shape is the set: square |u|, |v| ≤ 1; circle u² + v² ≤ 1; triangle (apex up)
  −1 ≤ v ≤ 1, |u| ≤ (v + 1)/2; cross |u| ≤ t, |v| ≤ 1 or |v| ≤ t, |u| ≤ 1; hbar
  |u| ≤ 1, |v| ≤ t; vbar |u| ≤ t, |v| ≤ 1 (bar half-thickness t = 0.3);
- coverage c ∈ [0, 1] of each pixel by the shape is measured on a 4×4 sub-pixel grid
  (anti-aliased edges), the image is x = clip(a·c + N(0, noise²), 0, 1) with brightness
  a ~ U(0.5, 1).

Shapes: images ``(N, 1, S, S)`` float32 in [0, 1], labels ``(N,)`` int64; classes are
balanced (label i mod K before the stratified split).
"""

from __future__ import annotations

import hashlib

import numpy as np

from dlbench.bench import Dataset
from dlbench.errors import HyperparameterError, check_range

from .splits import split_indices

#: bumped whenever the drawing changes, so old checksums (and stored runs) differ
GENERATOR_VERSION = 1
CLASSES = ("square", "circle", "triangle", "cross", "hbar", "vbar")
SIZES = (16, 28)
SUBPIXELS = 4
BAR = 0.3  # half-thickness of bars and of the cross's arms, in units of r
CHUNK = 512  # images rendered at once (bounds the sub-pixel buffer)


def _inside(name: str, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Boolean mask of the points (u, v) (any equal shapes) inside shape ``name``."""
    au, av = np.abs(u), np.abs(v)
    if name == "square":
        return (au <= 1) & (av <= 1)
    if name == "circle":
        return u * u + v * v <= 1
    if name == "triangle":
        return (v >= -1) & (v <= 1) & (au <= (v + 1) / 2)
    if name == "cross":
        return ((au <= BAR) & (av <= 1)) | ((av <= BAR) & (au <= 1))
    if name == "hbar":
        return (au <= 1) & (av <= BAR)
    if name == "vbar":
        return (au <= BAR) & (av <= 1)
    raise AssertionError(name)  # names are validated in Shapes.__init__


def render(names: list[str], centres: np.ndarray, radii: np.ndarray, size: int) -> np.ndarray:
    """Coverage images ``(N, size, size)`` float32 in [0, 1] of shape ``names[i]`` with
    centre ``centres[i]`` = (cx, cy) and half-size ``radii[i]``, in pixel units."""
    step = 1.0 / SUBPIXELS
    # sub-pixel sample positions (row/col coordinates) on a (size·SUBPIXELS) grid
    grid = (np.arange(size * SUBPIXELS) + 0.5) * step
    out = np.empty((len(names), size, size), dtype=np.float32)
    for name in dict.fromkeys(names):
        rows = np.flatnonzero(np.asarray(names) == name)
        for start in range(0, len(rows), CHUNK):
            idx = rows[start:start + CHUNK]
            r = radii[idx, None, None]
            u = (grid[None, None, :] - centres[idx, 0, None, None]) / r
            v = (grid[None, :, None] - centres[idx, 1, None, None]) / r
            fine = _inside(name, u, v).astype(np.float32)
            out[idx] = fine.reshape(len(idx), size, SUBPIXELS, size, SUBPIXELS).mean(axis=(2, 4))
    return out


class Shapes:
    """Loader of ``shapes``: generated, seeded, stratified train / validation / test.

    :param size: image side, 16 (default) or 28 (MNIST's size).
    :param n_samples: images in all (split 70/10/20 % by default), at least 10 per class.
    :param noise: standard deviation of the Gaussian pixel noise (before clipping).
    :param min_size: smallest shape, as a fraction of the side (default 0.3).
    :param max_size: largest shape, as a fraction of the side (default 0.6).
    :param classes: the shape classes, a subset of ``square, circle, triangle, cross,
        hbar, vbar`` in the order that gives the labels (default all six).
    :param test_fraction: share of each class held out for testing (default 0.2).
    :param val_fraction: share of each class held out for validation (default 0.1).
    :param n_train: keep only this many training samples (stratified).
    :param split_seed: seed of the generator and of the split (the same data every run).
    """

    name = "shapes"

    def __init__(self, size: int = 16, n_samples: int = 3000, noise: float = 0.1,
                 min_size: float = 0.3, max_size: float = 0.6, classes=CLASSES,
                 test_fraction: float = 0.2, val_fraction: float = 0.1,
                 n_train: int | None = None, split_seed: int = 0):
        if size not in SIZES:
            raise HyperparameterError(f"size must be one of {', '.join(map(str, SIZES))}, "
                                      f"got {size!r}")
        classes = tuple(classes)
        unknown = [c for c in classes if c not in CLASSES]
        if unknown or len(classes) < 2 or len(set(classes)) != len(classes):
            raise HyperparameterError(f"classes must be at least two distinct names of "
                                      f"{', '.join(CLASSES)}; got {list(classes)}")
        check_range("n_samples", n_samples, low=10 * len(classes))
        check_range("noise", noise, low=0.0)
        check_range("min_size", min_size, low=0.0, high=1.0, low_open=True)
        check_range("max_size", max_size, low=min_size, high=1.0)
        check_range("test_fraction", test_fraction, low=0.0, high=1.0, high_open=True)
        check_range("val_fraction", val_fraction, low=0.0, high=1.0, high_open=True)
        if n_train is not None:
            check_range("n_train", n_train, low=1)
        self.size, self.n_samples, self.noise = int(size), int(n_samples), float(noise)
        self.min_size, self.max_size, self.classes = float(min_size), float(max_size), classes
        self.test_fraction, self.val_fraction = test_fraction, val_fraction
        self.n_train, self.split_seed = n_train, split_seed

    def generate(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """``(images (N, 1, S, S) float32, labels (N,) int64)`` drawn from ``rng``."""
        n, s = self.n_samples, self.size
        labels = np.arange(n) % len(self.classes)
        radii = rng.uniform(self.min_size, self.max_size, n) * s / 2
        centres = radii[:, None] + rng.random((n, 2)) * (s - 2 * radii[:, None])
        brightness = rng.uniform(0.5, 1.0, n).astype(np.float32)
        coverage = render([self.classes[k] for k in labels], centres, radii, s)
        noise = rng.normal(0.0, self.noise, coverage.shape).astype(np.float32)
        images = np.clip(brightness[:, None, None] * coverage + noise, 0.0, 1.0)
        return images[:, None].astype(np.float32), labels.astype(np.int64)

    def checksum(self) -> str:
        params = (f"shapes:v{GENERATOR_VERSION}:{self.size}:{self.n_samples}:{self.noise}:"
                  f"{self.min_size}:{self.max_size}:{','.join(self.classes)}:"
                  f"{self.test_fraction}:{self.val_fraction}:{self.n_train}:{self.split_seed}")
        return hashlib.sha256(params.encode()).hexdigest()

    def load(self, rng: np.random.Generator | None = None) -> Dataset:
        rng = rng or np.random.default_rng(self.split_seed)
        x, y = self.generate(rng)
        train, val, test = split_indices(y, rng, self.test_fraction, self.val_fraction,
                                         self.n_train)
        return Dataset("shapes", x[train], y[train], x[val], y[val], x[test], y[test],
                       len(self.classes), self.checksum(),
                       f"generated shapes {self.size}×{self.size}: {', '.join(self.classes)}",
                       {"classes": list(self.classes), "size": self.size})
