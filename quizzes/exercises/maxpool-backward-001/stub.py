"""Backward pass of non-overlapping max pooling, NumPy only.

maxpool_backward(dout, x, pool=2) -> dx
    x: (N, C, H, W), H and W divisible by pool; dout: (N, C, H//pool, W//pool)
    dx: like x; each dout value goes to the argmax of its window (the first one on ties)
"""

import numpy as np


def maxpool_backward(dout, x, pool=2):
    raise NotImplementedError("write maxpool_backward")
