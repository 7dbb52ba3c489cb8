"""Hidden checks of affine-backward-001: one gradient check per output, so a slip in one
of dx, dW, db fails only the check of that output."""

import numpy as np

from dlbench.quiz.harness import check


def _case(seed, n=4, d=3, m=2):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, m)), rng.standard_normal((n, d)), rng.standard_normal((d, m)), \
        rng.standard_normal(m)


def _gradcheck(t, which):
    for seed in t.seeds:
        dout, x, W, b = _case(seed)
        grads = dict(zip(("x", "W", "b"), t.call("affine_backward", dout, x, W)))
        arrays = {"x": x, "W": W, "b": b}
        t.gradcheck(lambda: float(np.sum((x @ W + b) * dout)), {which: arrays[which]},
                    {which: grads[which]}, "d" + which)


@check("dx matches central differences of sum((xW + b)·dout)", task=1)
def dx_check(t):
    _gradcheck(t, "x")


@check("dW matches central differences of sum((xW + b)·dout)", task=2)
def dw_check(t):
    _gradcheck(t, "W")


@check("db matches central differences of sum((xW + b)·dout)", task=3)
def db_check(t):
    _gradcheck(t, "b")


@check("dx, dW, db have the shapes of x, W, b")
def shapes(t):
    dout, x, W, _ = _case(0, n=5, d=4, m=3)
    out = t.call("affine_backward", dout, x, W)
    t.expect(isinstance(out, tuple) and len(out) == 3, "expected a tuple (dx, dW, db)",
             expected="(dx, dW, db)", got=type(out).__name__)
    got = tuple(np.shape(a) for a in out)
    t.expect(got == ((5, 4), (4, 3), (3,)), "wrong shapes", expected=((5, 4), (4, 3), (3,)), got=got)
