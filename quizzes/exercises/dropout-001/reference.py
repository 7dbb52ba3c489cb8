"""Reference solution: inverted dropout (PyTorch's convention: p = drop probability)."""

import numpy as np


def dropout_forward(x, p, rng, train=True):
    if not train:
        return x, np.ones(x.shape, dtype=bool)
    mask = rng.random(x.shape) >= p
    return x * mask / (1.0 - p), mask


def dropout_backward(dy, mask, p):
    return dy * mask / (1.0 - p)
