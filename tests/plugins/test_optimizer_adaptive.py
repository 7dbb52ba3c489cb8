"""Adagrad, RMSprop and Adadelta: first steps on fixed gradients against values worked out
by hand from torch.optim's update rules (eps placement and coupled weight decay included)."""

from __future__ import annotations

from math import sqrt

import numpy as np
import pytest

import dlbench
from dlbench.testing.optimizers import apply_gradients

GRADS = [[0.5], [-1.0], [0.25]]


def steps(name, grads=GRADS, **kwargs):
    return apply_gradients(dlbench.registry().get("optimizer", name), [1.0], grads, **kwargs)[:, 0]


def test_adagrad_by_hand_with_lr_decay_accumulator_and_weight_decay():
    lr, lr_decay, wd, h0, eps = 0.1, 0.5, 0.1, 0.2, 1e-10
    g1 = 0.5 + wd * 1.0
    h1 = h0 + g1 ** 2
    th1 = 1.0 - lr / (1 + 0 * lr_decay) * g1 / (sqrt(h1) + eps)
    g2 = -1.0 + wd * th1
    h2 = h1 + g2 ** 2
    th2 = th1 - lr / (1 + 1 * lr_decay) * g2 / (sqrt(h2) + eps)
    g3 = 0.25 + wd * th2
    h3 = h2 + g3 ** 2
    th3 = th2 - lr / (1 + 2 * lr_decay) * g3 / (sqrt(h3) + eps)
    got = steps("adagrad", lr=lr, lr_decay=lr_decay, weight_decay=wd,
                initial_accumulator_value=h0, eps=eps)
    np.testing.assert_allclose(got, [th1, th2, th3], rtol=1e-14)


def test_adagrad_defaults_and_first_step_is_lr_times_sign():
    info = dlbench.registry().info("optimizer", "adagrad")["defaults"]
    assert (info["lr"], info["eps"], info["initial_accumulator_value"]) == (1e-2, 1e-10, 0.0)
    # h₁ = g², so θ₁ = θ₀ − lr·g/(|g| + eps)
    assert steps("adagrad", grads=[[0.5]])[0] == pytest.approx(1 - 0.01 * 0.5 / (0.5 + 1e-10))


def test_rmsprop_by_hand_eps_outside_the_root():
    lr, alpha, eps = 0.01, 0.99, 0.1        # a large eps makes its placement visible
    s1 = (1 - alpha) * 0.5 ** 2
    th1 = 1.0 - lr * 0.5 / (sqrt(s1) + eps)
    s2 = alpha * s1 + (1 - alpha) * 1.0
    th2 = th1 - lr * -1.0 / (sqrt(s2) + eps)
    got = steps("rmsprop", grads=GRADS[:2], lr=lr, alpha=alpha, eps=eps)
    np.testing.assert_allclose(got, [th1, th2], rtol=1e-14)
    inside = 1.0 - lr * 0.5 / sqrt(s1 + eps)          # the other convention
    assert abs(got[0] - inside) > 1e-3


def test_rmsprop_centered_momentum_weight_decay_by_hand():
    lr, alpha, eps, mu, wd = 0.01, 0.9, 1e-8, 0.5, 0.1
    g1 = 0.5 + wd * 1.0
    s1, a1 = (1 - alpha) * g1 ** 2, (1 - alpha) * g1
    b1 = g1 / (sqrt(s1 - a1 ** 2) + eps)
    th1 = 1.0 - lr * b1
    g2 = -1.0 + wd * th1
    s2, a2 = alpha * s1 + (1 - alpha) * g2 ** 2, alpha * a1 + (1 - alpha) * g2
    b2 = mu * b1 + g2 / (sqrt(s2 - a2 ** 2) + eps)
    th2 = th1 - lr * b2
    got = steps("rmsprop", grads=GRADS[:2], lr=lr, alpha=alpha, eps=eps, momentum=mu,
                centered=True, weight_decay=wd)
    np.testing.assert_allclose(got, [th1, th2], rtol=1e-12)


def test_adadelta_by_hand_eps_inside_both_roots():
    lr, rho, eps = 1.0, 0.9, 1e-6
    s1 = (1 - rho) * 0.5 ** 2
    d1 = sqrt(0 + eps) / sqrt(s1 + eps) * 0.5
    u1 = (1 - rho) * d1 ** 2
    th1 = 1.0 - lr * d1
    s2 = rho * s1 + (1 - rho) * 1.0
    d2 = sqrt(u1 + eps) / sqrt(s2 + eps) * -1.0
    u2 = rho * u1 + (1 - rho) * d2 ** 2
    th2 = th1 - lr * d2
    s3 = rho * s2 + (1 - rho) * 0.25 ** 2
    d3 = sqrt(u2 + eps) / sqrt(s3 + eps) * 0.25
    th3 = th2 - lr * d3
    np.testing.assert_allclose(steps("adadelta"), [th1, th2, th3], rtol=1e-14)


def test_adadelta_lr_and_coupled_weight_decay():
    lr, rho, eps, wd = 0.5, 0.8, 1e-3, 0.1
    g1 = 0.5 + wd * 1.0
    s1 = (1 - rho) * g1 ** 2
    th1 = 1.0 - lr * sqrt(eps) / sqrt(s1 + eps) * g1
    got = steps("adadelta", grads=[[0.5]], lr=lr, rho=rho, eps=eps, weight_decay=wd)
    assert got[0] == pytest.approx(th1, rel=1e-14)
