"""Generated 2-D classification sets: ``spiral``, ``moons``, ``blobs`` (seeded, offline)."""

from __future__ import annotations

import hashlib

import numpy as np

from dlbench.bench import Dataset
from dlbench.errors import check_range

from .splits import split_indices


class _Synthetic:
    name = ""

    def __init__(self, n_samples: int = 600, noise: float = 0.1, test_fraction: float = 0.2,
                 val_fraction: float = 0.1, split_seed: int = 0, **kwargs):
        check_range("n_samples", n_samples, low=10)
        check_range("noise", noise, low=0.0)
        self.n_samples, self.noise = n_samples, noise
        self.test_fraction, self.val_fraction, self.split_seed = test_fraction, val_fraction, split_seed
        self.kwargs = kwargs

    def generate(self, rng) -> tuple[np.ndarray, np.ndarray, int]:  # pragma: no cover
        raise NotImplementedError

    def load(self, rng: np.random.Generator | None = None) -> Dataset:
        rng = rng or np.random.default_rng(self.split_seed)
        x, y, classes = self.generate(rng)
        train, val, test = split_indices(y, rng, self.test_fraction, self.val_fraction)
        x = x.astype(np.float32)
        params = f"{self.name}:{self.n_samples}:{self.noise}:{sorted(self.kwargs.items())}:" \
                 f"{self.test_fraction}:{self.val_fraction}:{self.split_seed}"
        return Dataset(self.name, x[train], y[train], x[val], y[val], x[test], y[test], classes,
                       hashlib.sha256(params.encode()).hexdigest(), f"generated {self.name}")


class Spiral(_Synthetic):
    """``classes`` interleaved spiral arms (CS231n's toy set): not linearly separable.

    Point i of class k: radius r = i/n, angle θ = 4(k + r) + N(0, (2·noise)²),
    (x, y) = r·(sin θ, cos θ).
    """

    name = "spiral"

    def __init__(self, n_samples: int = 600, noise: float = 0.1, classes: int = 3, **kw):
        check_range("classes", classes, low=2)
        super().__init__(n_samples, noise, classes=classes, **kw)

    def generate(self, rng):
        k = self.kwargs["classes"]
        per = self.n_samples // k
        xs, ys = [], []
        for c in range(k):
            r = np.linspace(0.0, 1.0, per)
            theta = np.linspace(c * 4, (c + 1) * 4, per) + rng.normal(0, 2 * self.noise, per)
            xs.append(np.c_[r * np.sin(theta), r * np.cos(theta)])
            ys.append(np.full(per, c))
        return np.concatenate(xs), np.concatenate(ys).astype(np.int64), k


class Moons(_Synthetic):
    """Two interleaving half circles with Gaussian noise (scikit-learn's ``make_moons`` shape)."""

    name = "moons"

    def generate(self, rng):
        n0 = self.n_samples // 2
        n1 = self.n_samples - n0
        t0, t1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, n1)
        upper = np.c_[np.cos(t0), np.sin(t0)]
        lower = np.c_[1 - np.cos(t1), 0.5 - np.sin(t1)]
        x = np.concatenate([upper, lower]) + rng.normal(0, self.noise, (self.n_samples, 2))
        return x, np.r_[np.zeros(n0), np.ones(n1)].astype(np.int64), 2


class Blobs(_Synthetic):
    """``centers`` isotropic Gaussian clusters (std ``noise`` × 10) around random centres."""

    name = "blobs"

    def __init__(self, n_samples: int = 600, noise: float = 0.1, centers: int = 3, **kw):
        check_range("centers", centers, low=2)
        super().__init__(n_samples, noise, centers=centers, **kw)

    def generate(self, rng):
        k = self.kwargs["centers"]
        centres = rng.uniform(-5, 5, (k, 2))
        y = np.arange(self.n_samples) % k
        x = centres[y] + rng.normal(0, self.noise * 10, (self.n_samples, 2))
        return x, y.astype(np.int64), k
