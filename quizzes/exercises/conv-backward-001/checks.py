"""Hidden checks of conv-backward-001: one gradient check per output (dx, dW, db), each run
with stride 1 and 2 and padding 0 and 1 (the failing call shows which), and one check of the
shapes. The gradient checks compare values only (an output with the right number of elements
is reshaped first), so a shape slip fails only the shapes check."""

import numpy as np

from dlbench.quiz.harness import check

# (stride, pad), simplest first. x is (2, 2, 6, 5) and W (3, 2, 3, 2): with stride 2 and no
# padding the last row and column of x are in no window, so their gradient must be 0.
SETTINGS = ((1, 0), (2, 0), (1, 1), (2, 1))


def _forward(x, W, b, stride, pad):
    """y[n, f, i, j] = Σ_{c,ky,kx} xp[n, c, i·s + ky, j·s + kx]·W[f, c, ky, kx] + b[f]."""
    n, _, h, w = x.shape
    f, _, kh, kw = W.shape
    xp = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)])
    oh, ow = (h + 2 * pad - kh) // stride + 1, (w + 2 * pad - kw) // stride + 1
    y = np.empty((n, f, oh, ow))
    for i in range(oh):
        for j in range(ow):
            window = xp[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            y[:, :, i, j] = np.tensordot(window, W, axes=([1, 2, 3], [1, 2, 3])) + b
    return y


def _values(claimed, shape):
    a = np.asarray(claimed, dtype=np.float64)
    return a.reshape(shape) if a.size == int(np.prod(shape)) else a


def _gradcheck(t, which):
    for stride, pad in SETTINGS:
        for seed in t.seeds:
            rng = t.rng(seed)
            x, W, b = rng.standard_normal((2, 2, 6, 5)), rng.standard_normal((3, 2, 3, 2)), \
                rng.standard_normal(3)
            dout = rng.standard_normal(_forward(x, W, b, stride, pad).shape)
            out = t.call("conv_backward", dout, x, W, stride=stride, pad=pad)
            arrays = {"x": x, "W": W, "b": b}
            claimed = dict(zip(("x", "W", "b"), out))[which]
            t.gradcheck(lambda: float(np.sum(_forward(x, W, b, stride, pad) * dout)),
                        {which: arrays[which]}, {which: _values(claimed, arrays[which].shape)},
                        "d" + which)


@check("dx matches central differences of sum(y·dout): stride 1 and 2, padding 0 and 1", task=1)
def dx_check(t):
    _gradcheck(t, "x")


@check("dW matches central differences of sum(y·dout): stride 1 and 2, padding 0 and 1", task=2)
def dw_check(t):
    _gradcheck(t, "W")


@check("db matches central differences of sum(y·dout): stride 1 and 2, padding 0 and 1", task=3)
def db_check(t):
    _gradcheck(t, "b")


@check("returns (dx, dW, db) with the shapes of x, W and b")
def shapes(t):
    rng = t.rng(5)
    x, W = rng.standard_normal((2, 3, 5, 4)), rng.standard_normal((2, 3, 3, 2))
    out = t.call("conv_backward", rng.standard_normal((2, 2, 3, 3)), x, W)
    t.expect(isinstance(out, tuple) and len(out) == 3, "expected a tuple (dx, dW, db)",
             expected="(dx, dW, db)", got=type(out).__name__)
    got = tuple(np.shape(a) for a in out)
    want = ((2, 3, 5, 4), (2, 3, 3, 2), (2,))
    t.expect(got == want, "wrong shapes", expected=want, got=got)
