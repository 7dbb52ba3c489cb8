"""Hidden checks of l2-penalty-001."""

import numpy as np

from dlbench.quiz.harness import check


@check("value = (λ/2)·Σ‖W‖² (with the ½, squared norm)", task=1)
def value(t):
    w1, w2 = np.array([[1.0, 2.0], [3.0, 0.0]]), np.array([2.0, -1.0])
    got, _ = t.call("l2_penalty", [w1, w2], 0.1)
    t.expect_close(got, 0.5 * 0.1 * (14.0 + 5.0), "value")  # ‖w1‖² = 14, ‖w2‖² = 5


@check("grads = [λW for each W]", task=2)
def grads(t):
    w1, w2 = np.array([[1.0, 2.0], [3.0, 0.0]]), np.array([2.0, -1.0])
    _, g = t.call("l2_penalty", [w1, w2], 0.1)
    t.expect(len(g) == 2, "one gradient per weight", expected=2, got=len(g))
    t.expect_close(g[0], 0.1 * w1, "grads[0]")
    t.expect_close(g[1], 0.1 * w2, "grads[1]")


@check("grads match central differences of the value (float64)", task=2)
def gradient_check(t):
    for seed in t.seeds:
        rng = t.rng(seed)
        w = rng.standard_normal((3, 4))
        _, g = t.call("l2_penalty", [w], 0.3)
        t.gradcheck(lambda: float(t.solution.l2_penalty([w], 0.3)[0]), {"W": w}, {"W": g[0]}, "dW")


@check("the weights passed in are not modified", task=2)
def no_mutation(t):
    w = np.array([1.0, -2.0])
    t.call("l2_penalty", [w], 0.5)
    t.expect_close(w, [1.0, -2.0], "W after the call", rtol=0, atol=0)
