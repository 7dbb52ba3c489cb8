"""Reference solution: the mask of positive inputs lets the gradient through."""

import numpy as np


def relu_backward(dout, x):
    return np.where(x > 0, dout, 0.0)
