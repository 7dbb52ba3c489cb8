"""Stratified, seeded splits shared by the dataset loaders."""

from __future__ import annotations

import numpy as np


def split_indices(labels: np.ndarray, rng: np.random.Generator, test_fraction: float,
                  val_fraction: float, n_train: int | None = None):
    """Index arrays ``(train, val, test)``: per class, a shuffled share goes to test, then
    to validation, the rest to training (optionally cut to ``n_train``, stratified).

    Shapes: ``labels`` ``(N,)``; each output is a sorted 1-D int array.
    """
    train, val, test = [], [], []
    for cls in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == cls))
        n_test = int(round(len(idx) * test_fraction))
        n_val = int(round(len(idx) * val_fraction))
        test.append(idx[:n_test])
        val.append(idx[n_test:n_test + n_val])
        train.append(idx[n_test + n_val:])
    train_idx = np.concatenate(train)
    if n_train is not None and n_train < len(train_idx):
        # stratified subsample: keep the class proportions of the training split
        keep = []
        for part in train:
            k = int(round(len(part) / len(train_idx) * n_train))
            keep.append(part[:k])
        train_idx = np.concatenate(keep)
        if len(train_idx) > n_train:
            train_idx = rng.permutation(train_idx)[:n_train]
    return np.sort(train_idx), np.sort(np.concatenate(val)), np.sort(np.concatenate(test))
