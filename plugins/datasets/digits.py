"""The real 8×8 handwritten digits shipped with dlbench (the default of every task).

Source: the test set of the UCI "Optical Recognition of Handwritten Digits" data set
(E. Alpaydin, C. Kaynak, 1998; CC BY 4.0), 1,797 images of 8×8 pixels with values
0..16 and 10 classes, exactly the ``digits.csv.gz`` scikit-learn's wheel ships
(extracted once; scikit-learn is not a dependency). Each row: 64 pixels then the label.
"""

from __future__ import annotations

import gzip
import hashlib
from importlib import resources

import numpy as np

from dlbench.bench import Dataset
from dlbench.errors import DataError, check_range

from .splits import split_indices

FILE = "digits.csv.gz"
SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"
PROVENANCE = ("UCI Optical Recognition of Handwritten Digits, test set (Alpaydin & Kaynak "
              "1998, CC BY 4.0), as shipped in scikit-learn 1.9.1's datasets/data/digits.csv.gz")


def read_digits() -> tuple[np.ndarray, np.ndarray]:
    """``(images (1797, 1, 8, 8) float32 in [0, 1], labels (1797,) int64)``, checksum verified."""
    raw = resources.files("dlbench.plugins.datasets").joinpath("data", FILE).read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != SHA256:
        raise DataError(f"shipped {FILE} has SHA-256 {digest}, expected {SHA256}: the "
                        "installation is damaged; reinstall dlbench")
    table = np.loadtxt(gzip.decompress(raw).decode("ascii").splitlines(), delimiter=",",
                       dtype=np.float64)
    images = (table[:, :64] / 16.0).astype(np.float32).reshape(-1, 1, 8, 8)
    return images, table[:, 64].astype(np.int64)


class Digits:
    """Loader of ``digits``: stratified, seeded train / validation / test splits.

    :param test_fraction: share of each class held out for testing (default 0.2).
    :param val_fraction: share of each class held out for validation (default 0.1).
    :param n_train: keep only this many training samples (e.g. 300 for overfitting);
        drawn stratified from the training split, the rest is discarded.
    :param split_seed: seed of the split, fixed so every run sees the same data.
    """

    def __init__(self, test_fraction: float = 0.2, val_fraction: float = 0.1,
                 n_train: int | None = None, split_seed: int = 0):
        check_range("test_fraction", test_fraction, low=0.0, high=1.0, high_open=True)
        check_range("val_fraction", val_fraction, low=0.0, high=1.0, high_open=True)
        if n_train is not None:
            check_range("n_train", n_train, low=1)
        self.test_fraction, self.val_fraction = test_fraction, val_fraction
        self.n_train, self.split_seed = n_train, split_seed

    def load(self, rng: np.random.Generator | None = None) -> Dataset:
        x, y = read_digits()
        rng = rng or np.random.default_rng(self.split_seed)
        train, val, test = split_indices(y, rng, self.test_fraction, self.val_fraction, self.n_train)
        params = f"{SHA256}:{self.test_fraction}:{self.val_fraction}:{self.n_train}:{self.split_seed}"
        return Dataset("digits", x[train], y[train], x[val], y[val], x[test], y[test], 10,
                       hashlib.sha256(params.encode()).hexdigest(), PROVENANCE,
                       {"source_sha256": SHA256})
