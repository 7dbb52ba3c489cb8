"""Reference solution: NumPy's tanh (it never overflows) and the backward from the output."""

import numpy as np


def tanh_forward(x):
    return np.tanh(x)


def tanh_backward(dy, y):
    return dy * (1.0 - y ** 2)
