"""Hidden checks of relu-backward-001."""

import numpy as np

from dlbench.quiz.harness import check


@check("positive inputs pass the gradient unchanged", task=1)
def positive(t):
    x, dout = np.array([0.5, 2.0, 3.0]), np.array([1.0, -2.0, 0.25])
    t.expect_close(t.call("relu_backward", dout, x), dout, "dx")


@check("negative inputs get a zero gradient", task=1)
def negative(t):
    x, dout = np.array([-0.5, -2.0, 1.0]), np.array([1.0, -2.0, 0.25])
    t.expect_close(t.call("relu_backward", dout, x), [0.0, 0.0, 0.25], "dx")


@check("the gradient at exactly x = 0 is 0", task=1)
def at_zero(t):
    t.expect_close(t.call("relu_backward", np.array([3.0]), np.array([0.0])), [0.0], "dx")


@check("a 4-D input (N, C, H, W) keeps its shape", task=1)
def four_d(t):
    rng = t.rng()
    x, dout = rng.standard_normal((2, 3, 4, 4)), rng.standard_normal((2, 3, 4, 4))
    t.expect_close(t.call("relu_backward", dout, x), dout * (x > 0), "dx")


@check("backward matches central differences (float64, inputs away from 0)", task=1)
def gradient_check(t):
    for seed in t.seeds:
        rng = t.rng(seed)
        x = rng.uniform(0.1, 2.0, size=(4, 5)) * rng.choice([-1.0, 1.0], size=(4, 5))
        dout = rng.standard_normal((4, 5))
        dx = t.call("relu_backward", dout, x)
        t.gradcheck(lambda: float(np.sum(np.maximum(x, 0) * dout)), {"x": x}, {"x": dx}, "dx")
