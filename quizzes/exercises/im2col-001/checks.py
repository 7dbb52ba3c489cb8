"""Hidden checks of im2col-001 (compared with a plain loop over windows)."""

import numpy as np

from dlbench.quiz.harness import check


def _loop(x, kh, kw, stride, pad):
    n, c, h, w = x.shape
    img = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)])
    oh, ow = (h + 2 * pad - kh) // stride + 1, (w + 2 * pad - kw) // stride + 1
    rows = [img[i, :, oy * stride:oy * stride + kh, ox * stride:ox * stride + kw].ravel()
            for i in range(n) for oy in range(oh) for ox in range(ow)]
    return np.array(rows)


@check("shape for a 7×7 input, 3×3 window, stride 2, padding 1: (N·4·4, C·9)", task=1)
def shape(t):
    x = t.rng().standard_normal((2, 3, 7, 7))
    got = np.shape(t.call("im2col", x, 3, 3, stride=2, pad=1))
    t.expect(got == (32, 27), "wrong shape", expected=(32, 27), got=got)


@check("values without padding, stride 1", task=2)
def values(t):
    x = t.rng(1).standard_normal((1, 2, 4, 5))
    t.expect_close(t.call("im2col", x, 2, 3), _loop(x, 2, 3, 1, 0), "cols")


@check("values with padding 1 and stride 2 (padded cells are 0)", task=2)
def values_padded(t):
    x = t.rng(2).standard_normal((2, 1, 5, 5))
    t.expect_close(t.call("im2col", x, 3, 3, stride=2, pad=1), _loop(x, 3, 3, 2, 1), "cols")


@check("cols @ W.reshape(F, −1).T is the cross-correlation", task=3)
def convolution(t):
    rng = t.rng(3)
    x, wgt = rng.standard_normal((1, 2, 4, 4)), rng.standard_normal((3, 2, 3, 3))
    out = np.asarray(t.call("im2col", x, 3, 3)) @ wgt.reshape(3, -1).T
    want = np.array([[np.sum(x[0, :, i:i + 3, j:j + 3] * wgt[f]) for f in range(3)]
                     for i in range(2) for j in range(2)])
    t.expect_close(out, want, "cols @ W.T")
