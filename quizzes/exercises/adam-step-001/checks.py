"""Hidden checks of adam-step-001 (expected values worked out by hand in the comments)."""

import numpy as np

from dlbench.quiz.harness import check


@check("moments after one step from zero: m = 0.1·g, v = 0.001·g²", task=1)
def moments(t):
    g = np.array([0.5, -2.0])
    _, m, v = t.call("adam_step", np.zeros(2), g, np.zeros(2), np.zeros(2), 1)
    t.expect_close(m, [0.05, -0.2], "m")     # (1 − 0.9)·g
    t.expect_close(v, [0.00025, 0.004], "v")  # (1 − 0.999)·g²


@check("first step is ≈ lr·sign(g) whatever |g| (both moments bias-corrected)", task=2)
def first_step(t):
    g = np.array([0.5, -4.0, 0.01])
    w, _, _ = t.call("adam_step", np.zeros(3), g, np.zeros(3), np.zeros(3), 1, lr=0.1)
    # m̂ = g, v̂ = g², step = 0.1·g/(|g| + 1e-8)
    t.expect_close(w, -0.1 * g / (np.abs(g) + 1e-8), "w")


@check("second step (g = 0.5, then g = 1) matches the hand-computed update", task=2)
def second_step(t):
    w, m, v = t.call("adam_step", np.array([0.0]), np.array([0.5]), np.zeros(1), np.zeros(1), 1,
                     lr=0.1)
    w, m, v = t.call("adam_step", w, np.array([1.0]), m, v, 2, lr=0.1)
    # step 1: w = −0.1·0.5/(0.5 + 1e-8)
    w1 = -0.1 * 0.5 / (0.5 + 1e-8)
    # step 2: m = 0.9·0.05 + 0.1·1 = 0.145, m̂ = 0.145/0.19
    #         v = 0.999·0.00025 + 0.001·1 = 0.00124975, v̂ = 0.00124975/0.001999
    m_hat = 0.145 / (1 - 0.9 ** 2)
    v_hat = 0.00124975 / (1 - 0.999 ** 2)
    t.expect_close(m, [0.145], "m")
    t.expect_close(v, [0.00124975], "v")
    t.expect_close(w, [w1 - 0.1 * m_hat / (np.sqrt(v_hat) + 1e-8)], "w")
