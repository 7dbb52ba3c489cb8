"""Reference solution: perturb one element at a time, restore it each time."""

import numpy as np


def numerical_gradient(f, x, h=1e-4):
    grad = np.zeros_like(x, dtype=np.float64)
    for idx in np.ndindex(x.shape):
        original = x[idx]
        x[idx] = original + h
        plus = f(x)
        x[idx] = original - h
        minus = f(x)
        x[idx] = original
        grad[idx] = (plus - minus) / (2 * h)
    return grad
