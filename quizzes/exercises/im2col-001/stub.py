"""im2col, NumPy only.

im2col(x, kh, kw, stride=1, pad=0) -> cols
    x: (N, C, H, W); pad: zeros added on each side
    cols: (N*OH*OW, C*kh*kw); rows in (n, oy, ox) order, columns in (c, ky, kx) order
    OH = (H + 2*pad - kh) // stride + 1, OW likewise
"""

import numpy as np


def im2col(x, kh, kw, stride=1, pad=0):
    raise NotImplementedError("write im2col")
