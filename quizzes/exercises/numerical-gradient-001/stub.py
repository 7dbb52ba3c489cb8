"""Numerical gradient by central differences, NumPy only.

numerical_gradient(f, x, h=1e-4) -> grad
    f: function array -> float;  x: float64 array of any shape (restore it before returning)
    grad: same shape as x, grad[i] = (f(x + h e_i) - f(x - h e_i)) / (2h)
"""

import numpy as np


def numerical_gradient(f, x, h=1e-4):
    raise NotImplementedError("write numerical_gradient")
