"""Hidden checks of batchnorm-forward-001."""

import numpy as np

from dlbench.quiz.harness import check


def _inputs(seed=0, n=8, d=3):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d)) * np.array([1.0, 10.0, 0.1]) + np.array([5.0, -3.0, 0.0])
    return x, np.array([1.0, 2.0, 0.5]), np.array([0.0, 1.0, -1.0]), np.zeros(d), np.ones(d)


@check("training output: each feature has mean β and standard deviation ≈ γ", task=1)
def normalized(t):
    x, gamma, beta, rm, rv = _inputs()
    y, _, _ = t.call("batchnorm_forward", x, gamma, beta, rm, rv)
    t.expect_close(np.mean(y, axis=0), beta, "mean of y per feature", atol=1e-7)
    t.expect_close(np.std(y, axis=0), gamma, "std of y per feature", rtol=1e-2)


@check("training output equals γ(x − μ)/√(σ² + ε) + β with per-feature batch statistics", task=1)
def exact_values(t):
    x, gamma, beta, rm, rv = _inputs(1)
    y, _, _ = t.call("batchnorm_forward", x, gamma, beta, rm, rv, eps=1e-5)
    mu, var = x.mean(axis=0), x.var(axis=0)
    t.expect_close(y, gamma * (x - mu) / np.sqrt(var + 1e-5) + beta, "y")


@check("running mean: (1 − momentum)·r + momentum·μ", task=2)
def running_mean(t):
    x, gamma, beta, rm, rv = _inputs(2)
    _, new_rm, _ = t.call("batchnorm_forward", x, gamma, beta, rm, rv, momentum=0.1)
    t.expect_close(new_rm, 0.9 * rm + 0.1 * x.mean(axis=0), "running_mean")


@check("running variance uses the unbiased batch variance (divided by N − 1)", task=2)
def running_var(t):
    x, gamma, beta, rm, rv = _inputs(3)
    _, _, new_rv = t.call("batchnorm_forward", x, gamma, beta, rm, rv, momentum=0.1)
    t.expect_close(new_rv, 0.9 * rv + 0.1 * x.var(axis=0, ddof=1), "running_var")


@check("inference normalizes with the running averages, not the batch", task=3)
def inference(t):
    x, gamma, beta, _, _ = _inputs(4)
    rm, rv = np.array([1.0, 2.0, 3.0]), np.array([4.0, 0.25, 1.0])
    y, out_rm, out_rv = t.call("batchnorm_forward", x, gamma, beta, rm, rv, train=False)
    t.expect_close(y, gamma * (x - rm) / np.sqrt(rv + 1e-5) + beta, "y")
    t.expect_close(np.concatenate([out_rm, out_rv]), np.concatenate([rm, rv]),
                   "running averages after inference", rtol=0, atol=0)
