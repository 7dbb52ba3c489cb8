"""Hidden checks of maxpool-backward-001."""

import numpy as np

from dlbench.quiz.harness import check


def _pool(x, pool):
    n, c, h, w = x.shape
    return x.reshape(n, c, h // pool, pool, w // pool, pool).max(axis=(3, 5))


@check("a 4×4 example: the gradient goes to each window's maximum only", task=1)
def small(t):
    x = np.array([[[[1.0, 2.0, 5.0, 0.0], [3.0, 4.0, 1.0, 2.0],
                    [0.0, 9.0, 1.0, 1.5], [8.0, 1.0, 2.0, 0.5]]]])
    dout = np.array([[[[10.0, 20.0], [30.0, 40.0]]]])
    want = np.zeros_like(x)
    want[0, 0, 1, 1], want[0, 0, 0, 2], want[0, 0, 2, 1], want[0, 0, 3, 2] = 10, 20, 30, 40
    t.expect_close(t.call("maxpool_backward", dout, x, pool=2), want, "dx")


@check("batches and channels are independent; shape of x", task=1)
def batched(t):
    rng = t.rng()
    x, dout = rng.standard_normal((2, 3, 4, 6)), rng.standard_normal((2, 3, 2, 3))
    dx = np.asarray(t.call("maxpool_backward", dout, x, pool=2))
    t.expect(dx.shape == x.shape, "dx must have the shape of x", expected=x.shape, got=dx.shape)
    t.expect_close(dx.reshape(2, 3, 2, 2, 3, 2).sum(axis=(3, 5)), dout, "sum of dx per window")
    t.expect_close((dx != 0).sum(), 2 * 3 * 2 * 3, "number of non-zero entries of dx")


@check("backward matches central differences (float64, distinct values)", task=1)
def gradient_check(t):
    for seed in t.seeds:
        rng = t.rng(seed)
        x = rng.permutation(36).reshape(1, 1, 6, 6) * 0.1 + rng.uniform(0, 0.01, (1, 1, 6, 6))
        dout = rng.standard_normal((1, 1, 2, 2))
        dx = t.call("maxpool_backward", dout, x, pool=3)
        t.gradcheck(lambda: float(np.sum(_pool(x, 3) * dout)), {"x": x}, {"x": dx}, "dx")


@check("ties (an all-zero window, as after ReLU, and two equal maxima): only the first "
       "maximum in row-major order gets the gradient", task=1)
def ties(t):
    x = np.array([[[[0.0, 0.0, 1.0, 3.0],
                    [0.0, 0.0, 3.0, 0.5],
                    [2.0, 0.0, 0.0, 0.0],
                    [0.0, 2.0, 0.0, 0.0]]]])
    dout = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    # Top-left window: all 0, so its first cell (0, 0). Top-right: 3 at (0, 3) and (1, 2);
    # (0, 3) comes first row by row. Bottom-left: 2 at (2, 0) and (3, 1), so (2, 0).
    # Bottom-right: all 0, so (2, 2). Sending dout to every tied cell would give 4 + 2 + 2
    # + 4 non-zero entries instead of 4 (PyTorch's MaxPool2d and the book pick the first).
    want = np.zeros_like(x)
    want[0, 0, 0, 0], want[0, 0, 0, 3], want[0, 0, 2, 0], want[0, 0, 2, 2] = 1.0, 2.0, 3.0, 4.0
    t.expect_close(t.call("maxpool_backward", dout, x, pool=2), want, "dx")
