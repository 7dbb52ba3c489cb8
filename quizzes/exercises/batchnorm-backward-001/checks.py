"""Hidden checks of batchnorm-backward-001: one check per output (dx, dgamma, dbeta) and one
for the shapes, so a slip in one output fails only that output's check. The gradient checks
compare values only (an output with the right number of elements is reshaped first); the
shapes are the last check's job."""

import numpy as np

from dlbench.quiz.harness import check

EPS_BY_CASE = (1e-5, 1e-2, 0.5)  # eps is an argument: a large one shows if it is ignored


def _forward(x, gamma, beta, eps):
    """y = γ(x − μ)/√(σ² + ε) + β, μ and σ² (divided by N) per feature over the batch."""
    mu = x.mean(axis=0)
    var = ((x - mu) ** 2).mean(axis=0)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta


def _case(seed, n=6, d=3):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d)) * rng.uniform(0.5, 3.0, d) + rng.uniform(-2.0, 2.0, d)
    gamma = rng.uniform(0.5, 2.0, d) * rng.choice([-1.0, 1.0], d)
    return rng.standard_normal((n, d)), x, gamma, rng.standard_normal(d)


def _values(claimed, shape):
    a = np.asarray(claimed, dtype=np.float64)
    return a.reshape(shape) if a.size == int(np.prod(shape)) else a


def _gradcheck(t, which):
    for i, seed in enumerate(t.seeds):
        dout, x, gamma, beta = _case(seed)
        eps = EPS_BY_CASE[i % len(EPS_BY_CASE)]
        out = t.call("batchnorm_backward", dout, x, gamma, eps=eps)
        arrays = {"x": x, "gamma": gamma, "beta": beta}
        claimed = dict(zip(("x", "gamma", "beta"), out))[which]
        t.gradcheck(lambda: float(np.sum(_forward(x, gamma, beta, eps) * dout)),
                    {which: arrays[which]}, {which: _values(claimed, arrays[which].shape)},
                    "d" + which)


@check("dx matches central differences of sum(y·dout) (float64)", task=1)
def dx_check(t):
    _gradcheck(t, "x")


@check("dgamma matches central differences of sum(y·dout) (float64)", task=2)
def dgamma_check(t):
    _gradcheck(t, "gamma")


@check("dbeta is the sum of dout over the batch (not the mean); matches central differences",
       task=3)
def dbeta_check(t):
    dout = np.array([[1.0, 2.0], [3.0, -4.0], [5.0, 6.0]])
    x = np.array([[0.5, 1.0], [-1.0, 2.0], [2.0, 0.0]])
    out = t.call("batchnorm_backward", dout, x, np.array([2.0, 0.5]), eps=1e-5)
    # 1 + 3 + 5 = 9 and 2 − 4 + 6 = 4 (the mean would give 3 and 4/3)
    t.expect_close(_values(out[2], (2,)), [9.0, 4.0], "dbeta")
    _gradcheck(t, "beta")


@check("returns (dx, dgamma, dbeta): dx shaped like x, dgamma and dbeta like gamma")
def shapes(t):
    dout, x, gamma, _ = _case(0, n=5, d=4)
    out = t.call("batchnorm_backward", dout, x, gamma)
    t.expect(isinstance(out, tuple) and len(out) == 3, "expected a tuple (dx, dgamma, dbeta)",
             expected="(dx, dgamma, dbeta)", got=type(out).__name__)
    got = tuple(np.shape(a) for a in out)
    t.expect(got == ((5, 4), (4,), (4,)), "wrong shapes", expected=((5, 4), (4,), (4,)), got=got)
