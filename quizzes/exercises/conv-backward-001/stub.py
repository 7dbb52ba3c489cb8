"""Backward pass of a 2-D convolution (cross-correlation, as in PyTorch and the book), NumPy only.

conv_backward(dout, x, W, stride=1, pad=0) -> (dx, dW, db)
    forward: xp = x with `pad` zeros added on each side of H and W, then
        y[n, f, i, j] = sum over c, ky, kx of xp[n, c, i*stride + ky, j*stride + kx] * W[f, c, ky, kx]
                        + b[f]
    x: (N, C, H, W);  W: (F, C, KH, KW);  b: (F,)
    dout: (N, F, OH, OW) = dL/dy,  OH = (H + 2*pad - KH) // stride + 1, OW likewise
    dx: (N, C, H, W);  dW: (F, C, KH, KW);  db: (F,)
Any method is fine: plain loops, or im2col / col2im.
"""

import numpy as np


def conv_backward(dout, x, W, stride=1, pad=0):
    raise NotImplementedError("write conv_backward")
