"""Hidden checks of tanh-forward-backward-001. The backward check gives tanh_backward the
exact y = tanh(x), not the learner's forward output, so a forward slip fails only a forward
check."""

import numpy as np

from dlbench.quiz.harness import check


@check("tanh_forward gives tanh(x) and keeps the shape of a 2-D input", task=1)
def forward_values(t):
    x = np.array([[-2.0, -0.5, 0.0], [0.25, 1.0, 3.0]])
    want = (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))  # fine for |x| ≤ 3
    t.expect_close(t.call("tanh_forward", x), want, "y")


@check("tanh_forward does not overflow for x = ±1000 (gives −1 and 1)", task=1)
def forward_stable(t):
    x = np.array([-1000.0, 1000.0])
    with np.errstate(over="raise", invalid="raise"):
        y = t.call("tanh_forward", x)
    t.expect_close(y, [-1.0, 1.0], "y")


@check("tanh_backward(dy, y) uses the forward output y: dx = dy·(1 − y²) at chosen y, and it "
       "matches central differences of sum(tanh(x)·dy) (float64)", task=2)
def backward(t):
    # One check for the backward pass, so that one slip in it fails one check.
    y = np.array([0.0, 0.5, -0.8, 0.96, 1.0])
    dy = np.array([1.0, 2.0, -1.0, 0.5, 3.0])
    # 1·(1 − 0) = 1; 2·(1 − 0.25) = 1.5; −1·(1 − 0.64) = −0.36; 0.5·(1 − 0.9216) = 0.0392;
    # 3·(1 − 1) = 0. Treating y as x (1 − tanh(y)²) would give 1, 1.573, −0.559, 0.223, 1.260.
    t.expect_close(t.call("tanh_backward", dy, y), [1.0, 1.5, -0.36, 0.0392, 0.0], "dx")
    for seed in t.seeds:
        rng = t.rng(seed)
        x, dy = rng.uniform(-3, 3, size=(3, 5)), rng.standard_normal((3, 5))
        dx = t.call("tanh_backward", dy, np.tanh(x))
        t.gradcheck(lambda: float(np.sum(np.tanh(x) * dy)), {"x": x}, {"x": dx}, "dx")
