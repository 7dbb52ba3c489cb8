"""Hidden checks of momentum-step-001 (expected values written out by hand)."""

import numpy as np

from dlbench.quiz.harness import check


@check("first step from v = 0: v = −lr·g", task=1)
def first_velocity(t):
    w, g, v = np.array([1.0, -2.0]), np.array([0.5, -1.0]), np.zeros(2)
    _, v1 = t.call("momentum_step", w, g, v, lr=0.1, momentum=0.9)
    t.expect_close(v1, [-0.05, 0.1], "v")


@check("first step from v = 0: w = w + v", task=2)
def first_weights(t):
    w, g, v = np.array([1.0, -2.0]), np.array([0.5, -1.0]), np.zeros(2)
    w1, _ = t.call("momentum_step", w, g, v, lr=0.1, momentum=0.9)
    t.expect_close(w1, [0.95, -1.9], "w")


@check("three steps with g = 1: v = −0.1, −0.19, −0.271", task=1)
def three_steps(t):
    w, v = np.array([0.0]), np.array([0.0])
    seen = []
    for _ in range(3):
        w, v = t.call("momentum_step", w, np.array([1.0]), v, lr=0.1, momentum=0.9)
        seen.append(float(np.asarray(v)[0]))
    # v1 = −0.1; v2 = 0.9·(−0.1) − 0.1 = −0.19; v3 = 0.9·(−0.19) − 0.1 = −0.271
    t.expect_close(seen, [-0.1, -0.19, -0.271], "v after each step")
    t.expect_close(w, [-0.561], "w after three steps")  # −0.1 − 0.19 − 0.271


@check("the arrays passed in are not modified", task=2)
def no_mutation(t):
    w, g, v = np.array([1.0]), np.array([2.0]), np.array([0.5])
    t.call("momentum_step", w, g, v)
    t.expect_close(np.concatenate([w, g, v]), [1.0, 2.0, 0.5], "w, grad, v after the call",
                   rtol=0, atol=0)
