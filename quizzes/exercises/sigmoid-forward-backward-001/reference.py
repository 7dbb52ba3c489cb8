"""Reference solution: a sigmoid that never overflows, and its backward from the output."""

import numpy as np


def sigmoid_forward(x):
    x = np.asarray(x, dtype=np.float64)
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    ex = np.exp(x[~pos])
    out[~pos] = ex / (1.0 + ex)
    return out


def sigmoid_backward(dy, y):
    return dy * y * (1.0 - y)
