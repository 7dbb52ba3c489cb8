"""AdaBound / AMSBound against values worked out by hand from the reference implementation
(Luolc/AdaBound): the clipped step size, both bounds binding, coupled weight decay, the
final_lr scaling by lr/base_lr, and AMSBound's maximum."""

from __future__ import annotations

from math import sqrt

import numpy as np
import pytest

import dlbench
from dlbench.nn import Parameter
from dlbench.testing.optimizers import apply_gradients


def steps(grads, **kwargs):
    return apply_gradients(dlbench.registry().get("optimizer", "adabound"), [1.0], grads, **kwargs)[:, 0]


def bounds(final_lr, gamma, t):
    return final_lr * (1 - 1 / (gamma * t + 1)), final_lr * (1 + 1 / (gamma * t))


def test_upper_bound_binds_early():
    lr, final_lr, gamma, eps = 0.1, 0.05, 0.1, 1e-8
    m1, v1 = 0.1 * 0.5, 0.001 * 0.25
    ratio1 = lr * sqrt(1 - 0.999) / (1 - 0.9) / (sqrt(v1) + eps)         # Adam's: 2.0
    lo1, hi1 = bounds(final_lr, gamma, 1)                                # 0.0045, 0.55
    th1 = 1.0 - min(max(ratio1, lo1), hi1) * m1
    m2, v2 = 0.9 * m1 + 0.1 * -1.0, 0.999 * v1 + 0.001 * 1.0
    ratio2 = lr * sqrt(1 - 0.999 ** 2) / (1 - 0.9 ** 2) / (sqrt(v2) + eps)
    lo2, hi2 = bounds(final_lr, gamma, 2)
    th2 = th1 - min(max(ratio2, lo2), hi2) * m2
    got = steps([[0.5], [-1.0]], lr=lr, final_lr=final_lr, gamma=gamma)
    np.testing.assert_allclose(got, [th1, th2], rtol=1e-14)
    assert ratio1 > hi1 and ratio2 > hi2
    assert th1 == pytest.approx(1.0 - 0.55 * 0.05)


def test_lower_bound_binds_when_adams_step_is_small():
    lr, final_lr, gamma = 1e-3, 1.0, 0.5
    ratio1 = lr / (0.1 * 0.5)                       # step 1: lr·√(1−β2)/(1−β1)/√v₁ = lr/((1−β1)|g|)
    lo1, _ = bounds(final_lr, gamma, 1)             # 1/3
    got = steps([[0.5]], lr=lr, final_lr=final_lr, gamma=gamma)
    assert ratio1 < lo1
    assert got[0] == pytest.approx(1.0 - lo1 * 0.1 * 0.5, rel=1e-12)


def test_coupled_weight_decay():
    lr, final_lr, gamma, wd = 0.1, 0.05, 0.1, 0.2
    g = 0.5 + wd * 1.0
    _, hi1 = bounds(final_lr, gamma, 1)             # Adam's ratio lr/((1−β1)|g|) is above it
    assert steps([[0.5]], lr=lr, final_lr=final_lr, gamma=gamma, weight_decay=wd)[0] == \
        pytest.approx(1.0 - hi1 * 0.1 * g, rel=1e-12)


def test_final_lr_follows_a_scheduled_lr():
    """The reference scales final_lr by lr/base_lr, so a scheduler moves the bounds too."""
    p = Parameter(np.array([1.0]))
    opt = dlbench.registry().create("optimizer", "adabound", [p], lr=0.1, final_lr=0.05, gamma=0.1)
    opt.lr = 0.05                                    # halved before the first step
    p.grad[...] = 0.5
    opt.step()
    _, hi1 = bounds(0.05 * 0.05 / 0.1, 0.1, 1)       # final_lr·lr/base_lr = 0.025
    assert p.data[0] == pytest.approx(1.0 - hi1 * 0.1 * 0.5, rel=1e-12)


def test_amsbound_uses_the_running_maximum_of_v():
    lr, final_lr, gamma, b2, eps = 0.1, 0.05, 1e-3, 0.9, 1e-8
    m1, v1 = 0.1 * 2.0, 0.1 * 4.0
    th1 = 1.0 - lr * sqrt(1 - b2) / 0.1 / (sqrt(v1) + eps) * m1       # bounds still wide
    m2, v2 = 0.9 * m1 + 0.1 * 0.1, b2 * v1 + 0.1 * 0.01               # v falls: 0.361 < 0.4
    th2 = th1 - lr * sqrt(1 - b2 ** 2) / 0.19 / (sqrt(max(v1, v2)) + eps) * m2
    got = steps([[2.0], [0.1]], lr=lr, final_lr=final_lr, gamma=gamma, betas=(0.9, b2),
                amsbound=True)
    np.testing.assert_allclose(got, [th1, th2], rtol=1e-13)
    plain = steps([[2.0], [0.1]], lr=lr, final_lr=final_lr, gamma=gamma, betas=(0.9, b2))
    assert abs(plain[1] - got[1]) > 1e-4
