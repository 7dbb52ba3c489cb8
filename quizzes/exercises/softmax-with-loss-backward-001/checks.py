"""Hidden checks of softmax-with-loss-backward-001."""

import numpy as np

from dlbench.quiz.harness import check


def _expected(x, t):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    y = e / e.sum(axis=1, keepdims=True)
    n = len(t)
    onehot = np.zeros_like(y)
    onehot[np.arange(n), t] = 1
    return float(-np.log(y[np.arange(n), t]).mean()), (y - onehot) / n


@check("the loss is the batch mean of −log softmax", task=1)
def loss_value(t):
    x, labels = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]]), np.array([0, 2])
    loss, _ = t.call("softmax_cross_entropy", x, labels)
    t.expect_close(loss, _expected(x, labels)[0], "loss")


@check("large logits (≈1000) give a finite loss and gradient", task=1)
def stable(t):
    x, labels = np.array([[1000.0, 999.0, 998.0]]), np.array([1])
    with np.errstate(over="raise", invalid="raise"):
        loss, dx = t.call("softmax_cross_entropy", x, labels)
    want_loss, want_dx = _expected(x, labels)
    t.expect_close(loss, want_loss, "loss")
    t.expect_close(dx, want_dx, "dx")


@check("dx = (softmax(x) − onehot(t)) / N", task=2)
def gradient_values(t):
    rng = t.rng()
    x, labels = rng.standard_normal((4, 3)), np.array([0, 2, 1, 1])
    _, dx = t.call("softmax_cross_entropy", x, labels)
    t.expect_close(dx, _expected(x, labels)[1], "dx")


@check("dx matches central differences of the loss (float64)", task=2)
def gradient_check(t):
    for seed in t.seeds:
        rng = t.rng(seed)
        x, labels = rng.standard_normal((3, 4)), rng.integers(0, 4, size=3)
        _, dx = t.call("softmax_cross_entropy", x, labels)
        t.gradcheck(lambda: float(t.solution.softmax_cross_entropy(x, labels)[0]),
                    {"x": x}, {"x": dx}, "dx")
