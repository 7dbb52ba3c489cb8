"""Hidden checks of sigmoid-forward-backward-001 (run in file order)."""

import numpy as np

from dlbench.quiz.harness import check


@check("sigmoid_forward gives 1/(1 + e^-x)", task=1)
def forward_values(t):
    x = np.array([-2.0, 0.0, 0.5, 3.0])
    t.expect_close(t.call("sigmoid_forward", x), 1 / (1 + np.exp(-x)), "y")


@check("sigmoid_forward keeps the shape of a 2-D input", task=1)
def forward_shape(t):
    x = t.rng().standard_normal((3, 4))
    t.expect_close(t.call("sigmoid_forward", x), 1 / (1 + np.exp(-x)), "y")


@check("sigmoid_forward does not overflow for x = ±1000", task=1)
def forward_stable(t):
    x = np.array([-1000.0, 1000.0])
    with np.errstate(over="raise"):
        y = t.call("sigmoid_forward", x)
    t.expect_close(y, [0.0, 1.0], "y")


@check("sigmoid_backward gives dy·y(1 − y)", task=2)
def backward_values(t):
    y = np.array([0.5, 0.2, 0.9])
    dy = np.array([1.0, 2.0, -1.0])
    t.expect_close(t.call("sigmoid_backward", dy, y), dy * y * (1 - y), "dx")


@check("the derivative at 0 is 0.25 (not 0.5)", task=2)
def derivative_at_zero(t):
    y = t.call("sigmoid_forward", np.array([0.0]))
    t.expect_close(t.call("sigmoid_backward", np.array([1.0]), y), [0.25], "dσ/dx at 0")


@check("backward matches central differences (float64)", task=2)
def gradient_check(t):
    for seed in t.seeds:
        rng = t.rng(seed)
        x = rng.uniform(-4, 4, size=(3, 5))
        dy = rng.standard_normal((3, 5))
        dx = t.call("sigmoid_backward", dy, t.call("sigmoid_forward", x))
        t.gradcheck(lambda: float(np.sum(t.solution.sigmoid_forward(x) * dy)),
                    {"x": x}, {"x": dx}, "dx")
