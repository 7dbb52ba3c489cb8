"""``Dataset``: what every dataset plugin's ``load(rng)`` returns."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Dataset:
    """Train / validation / test splits of a classification data set.

    Shapes: ``x_*`` ``(N, *input_shape)`` float32 (images NCHW, e.g. ``(N, 1, 8, 8)``, or
    flat vectors ``(N, D)``); ``y_*`` ``(N,)`` int64 class indices in ``[0, num_classes)``.
    The validation split is drawn from outside the training samples and is what early
    stopping and hyperparameter search look at; the test split is only reported.

    :param checksum: SHA-256 identifying the data actually used (source file and split
        parameters), part of every run's config hash.
    """

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    num_classes: int
    checksum: str
    description: str = ""
    meta: dict = field(default_factory=dict)

    @property
    def input_shape(self) -> tuple[int, ...]:
        """Shape of one sample, e.g. ``(64,)`` or ``(1, 8, 8)``."""
        return tuple(self.x_train.shape[1:])

    def flat(self) -> "Dataset":
        """The same splits with each sample flattened to a vector (for MLPs)."""
        def f(x):
            return x.reshape(x.shape[0], -1)
        return Dataset(self.name, f(self.x_train), self.y_train, f(self.x_val), self.y_val,
                       f(self.x_test), self.y_test, self.num_classes, self.checksum,
                       self.description, dict(self.meta))

    def sizes(self) -> dict[str, int]:
        return {"train": len(self.y_train), "val": len(self.y_val), "test": len(self.y_test)}
