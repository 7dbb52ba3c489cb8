"""Hidden checks of dropout-001."""

import numpy as np

from dlbench.quiz.harness import check


@check("at inference (train=False) y is x unchanged", task=1)
def inference(t):
    x = t.rng().standard_normal((3, 4))
    y, _ = t.call("dropout_forward", x, 0.5, np.random.default_rng(0), train=False)
    t.expect_close(y, x, "y")


@check("in training, kept units are scaled by 1/(1 − p) and dropped ones are 0", task=1)
def scaling(t):
    x = t.rng().standard_normal((4, 5))
    y, mask = t.call("dropout_forward", x, 0.25, np.random.default_rng(1))
    mask = np.asarray(mask)
    t.expect(mask.shape == x.shape and mask.dtype == bool, "mask must be a boolean array "
             "shaped like x", expected=f"bool {x.shape}", got=f"{mask.dtype} {mask.shape}")
    t.expect_close(y, np.where(mask, x / 0.75, 0.0), "y")


@check("p is the drop probability: about 30 % of 20000 units dropped for p = 0.3", task=1)
def drop_rate(t):
    _, mask = t.call("dropout_forward", np.ones(20000), 0.3, np.random.default_rng(2))
    dropped = 1.0 - float(np.mean(mask))
    t.expect(abs(dropped - 0.3) < 0.02, "the fraction dropped is not p", expected="0.30 ± 0.02",
             got=f"{dropped:.3f}")


@check("backward: dx = dy·mask/(1 − p)", task=2)
def backward(t):
    dy = np.array([1.0, 2.0, 3.0, 4.0])
    mask = np.array([True, False, True, False])
    t.expect_close(t.call("dropout_backward", dy, mask, 0.5), [2.0, 0.0, 6.0, 0.0], "dx")


@check("backward matches central differences with the mask held fixed (float64)", task=2)
def gradient_check(t):
    for seed in t.seeds:
        rng = t.rng(seed)
        x, dy = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))

        def f():  # the same generator state each call, so the same mask
            return float(np.sum(t.solution.dropout_forward(x, 0.4, np.random.default_rng(seed))[0] * dy))

        _, mask = t.call("dropout_forward", x, 0.4, np.random.default_rng(seed))
        dx = t.call("dropout_backward", dy, mask, 0.4)
        t.gradcheck(f, {"x": x}, {"x": dx}, "dx")
