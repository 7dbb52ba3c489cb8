"""Lion against values worked out by hand from the authors' reference implementation
(google/automl lion_pytorch.py): decoupled decay, sign of the β1 interpolation, then the
β2 momentum update."""

from __future__ import annotations

import numpy as np

import dlbench
from dlbench.testing.optimizers import apply_gradients


def test_lion_by_hand():
    lr, wd = 0.1, 0.5                  # betas (0.9, 0.99)
    grads = [[0.5, -0.1], [-1.0, 0.3], [0.25, 0.0]]
    # step 1: θ ← θ(1 − 0.05) = [0.95, −1.9]; c = 0.1·g = [0.05, −0.01]; θ −= 0.1·sign(c)
    th1 = [0.95 - 0.1, -1.9 + 0.1]
    m1 = [0.01 * 0.5, 0.01 * -0.1]
    # step 2: θ·0.95 = [0.8075, −1.71]; c = 0.9·m₁ + 0.1·g₂ = [−0.0955, 0.0291]
    th2 = [0.8075 + 0.1, -1.71 - 0.1]
    m2 = [0.99 * m1[0] + 0.01 * -1.0, 0.99 * m1[1] + 0.01 * 0.3]        # [−0.00505, 0.00201]
    # step 3: θ·0.95 = [0.862125, −1.7195]; c = 0.9·m₂ + 0.1·g₃ = [0.020455, 0.001809]
    th3 = [0.862125 - 0.1, -1.7195 - 0.1]
    assert 0.9 * m2[0] + 0.1 * 0.25 > 0 and 0.9 * m2[1] + 0.1 * 0.0 > 0
    got = apply_gradients(dlbench.registry().get("optimizer", "lion"), [1.0, -2.0], grads,
                          lr=lr, weight_decay=wd)
    np.testing.assert_allclose(got, [th1, th2, th3], rtol=1e-14)


def test_lion_update_interpolates_with_beta1_but_tracks_momentum_with_beta2():
    # m₁ = 0.01·1 = 0.01. Step 2 with g = −0.1:
    #   β1 interpolation 0.9·0.01 + 0.1·(−0.1) = −0.001 → moves up by lr
    #   a β2 interpolation 0.99·0.01 + 0.01·(−0.1) = +0.0089 would move down
    got = apply_gradients(dlbench.registry().get("optimizer", "lion"), [0.0], [[1.0], [-0.1]],
                          lr=0.1)
    np.testing.assert_allclose(got[:, 0], [-0.1, 0.0], atol=1e-15)


def test_lion_defaults_are_the_reference_ones():
    defaults = dlbench.registry().info("optimizer", "lion")["defaults"]
    assert defaults == {"lr": 1e-4, "betas": [0.9, 0.99], "weight_decay": 0.0}
