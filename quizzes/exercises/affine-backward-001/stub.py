"""Backward pass of the affine (fully connected) layer y = x @ W + b, NumPy only.

affine_backward(dout, x, W) -> (dx, dW, db)
    dout: (N, M) = dL/dy;  x: (N, D);  W: (D, M)
    dx: (N, D);  dW: (D, M);  db: (M,)
"""

import numpy as np


def affine_backward(dout, x, W):
    raise NotImplementedError("write affine_backward")
