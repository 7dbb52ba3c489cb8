"""Adam, AdamW, NAdam and RAdam: first steps on fixed gradients against values worked out
by hand from torch.optim's update rules: bias correction, eps placement (torch vs the
book), AMSGrad's maximum of the raw second moment, coupled vs decoupled weight decay,
NAdam's momentum schedule and RAdam's switch at ρ_t > 5."""

from __future__ import annotations

from math import sqrt

import numpy as np
import pytest

import dlbench
from dlbench.testing.optimizers import apply_gradients

GRADS = [[0.5], [-1.0], [0.25]]


def steps(name, grads=GRADS, start=1.0, **kwargs):
    return apply_gradients(dlbench.registry().get("optimizer", name), [start], grads, **kwargs)[:, 0]


def test_adam_by_hand_with_bias_correction():
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-8
    m1, v1 = 0.1 * 0.5, 0.001 * 0.25
    th1 = 1.0 - lr * (m1 / (1 - b1)) / (sqrt(v1 / (1 - b2)) + eps)     # ≈ 1 − lr·sign(g)
    m2, v2 = b1 * m1 + 0.1 * -1.0, b2 * v1 + 0.001 * 1.0
    th2 = th1 - lr * (m2 / (1 - b1 ** 2)) / (sqrt(v2 / (1 - b2 ** 2)) + eps)
    m3, v3 = b1 * m2 + 0.1 * 0.25, b2 * v2 + 0.001 * 0.0625
    th3 = th2 - lr * (m3 / (1 - b1 ** 3)) / (sqrt(v3 / (1 - b2 ** 3)) + eps)
    np.testing.assert_allclose(steps("adam", lr=lr), [th1, th2, th3], rtol=1e-14)
    assert th1 == pytest.approx(0.9, abs=1e-8)


def test_adam_eps_after_bias_correction_vs_book_variant():
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 0.1      # a large eps makes the placement visible
    m1, v1 = 0.1 * 0.5, 0.001 * 0.25
    torch_form = 1.0 - lr / (1 - b1) * m1 / (sqrt(v1) / sqrt(1 - b2) + eps)   # 1 − 0.1·0.5/0.6
    lr_t = lr * sqrt(1 - b2) / (1 - b1)
    book_form = 1.0 - lr_t * m1 / (sqrt(v1) + eps)
    assert steps("adam", grads=[[0.5]], lr=lr, eps=eps)[0] == pytest.approx(torch_form, rel=1e-14)
    assert torch_form == pytest.approx(1 - 0.05 / 0.6)
    book = steps("adam", grads=GRADS[:2], lr=lr, eps=eps, variant="book")
    m2, v2 = b1 * m1 - 0.1, b2 * v1 + 0.001
    book2 = book_form - lr * sqrt(1 - b2 ** 2) / (1 - b1 ** 2) * m2 / (sqrt(v2) + eps)
    np.testing.assert_allclose(book, [book_form, book2], rtol=1e-14)
    assert abs(book_form - torch_form) > 0.05


def test_amsgrad_takes_the_max_of_the_raw_second_moment_then_corrects():
    lr, b1, b2, eps = 0.1, 0.9, 0.9, 1e-8
    grads = [[2.0], [0.1]]                      # v falls at step 2, so the maximum matters
    m1, v1 = 0.1 * 2.0, 0.1 * 4.0
    th1 = 1.0 - lr / (1 - b1) * m1 / (sqrt(v1) / sqrt(1 - b2) + eps)
    m2, v2 = b1 * m1 + 0.1 * 0.1, b2 * v1 + 0.1 * 0.01     # 0.361 < 0.4
    vmax = max(v1, v2)                          # = v1, the raw moment
    th2 = th1 - lr / (1 - b1 ** 2) * m2 / (sqrt(vmax) / sqrt(1 - b2 ** 2) + eps)
    got = steps("adam", grads=grads, lr=lr, betas=(b1, b2), amsgrad=True)
    np.testing.assert_allclose(got, [th1, th2], rtol=1e-14)
    # maximum of the bias-corrected v̂ instead (a common mistake) gives another step
    vhat_max = max(v1 / (1 - b2), v2 / (1 - b2 ** 2))
    wrong = th1 - lr / (1 - b1 ** 2) * m2 / (sqrt(vhat_max) + eps)
    assert abs(got[1] - wrong) > 1e-3
    assert v2 < v1 and abs(got[1] - steps("adam", grads=grads, lr=lr, betas=(b1, b2))[1]) > 1e-3


def test_adam_weight_decay_is_coupled():
    lr, wd = 0.1, 0.5
    g1 = 0.5 + wd * 1.0
    th1 = 1.0 - lr * (0.1 * g1 / 0.1) / (sqrt(0.001 * g1 ** 2 / 0.001) + 1e-8)
    g2 = -1.0 + wd * th1
    m2, v2 = 0.9 * 0.1 * g1 + 0.1 * g2, 0.999 * 0.001 * g1 ** 2 + 0.001 * g2 ** 2
    th2 = th1 - lr * (m2 / (1 - 0.81)) / (sqrt(v2 / (1 - 0.999 ** 2)) + 1e-8)
    np.testing.assert_allclose(steps("adam", grads=GRADS[:2], lr=lr, weight_decay=wd),
                               [th1, th2], rtol=1e-13)


def test_adamw_decays_decoupled_before_the_adam_step():
    lr, wd = 0.1, 0.5
    th1 = 1.0 * (1 - lr * wd) - lr * 0.5 / (0.5 + 1e-8)        # decay, then ≈ −lr·sign(g)
    m2, v2 = 0.9 * 0.05 + 0.1 * -1.0, 0.999 * 0.00025 + 0.001 * 1.0
    th2 = th1 * (1 - lr * wd) - lr * (m2 / 0.19) / (sqrt(v2 / (1 - 0.999 ** 2)) + 1e-8)
    got = steps("adamw", grads=GRADS[:2], lr=lr, weight_decay=wd)
    np.testing.assert_allclose(got, [th1, th2], rtol=1e-14)
    assert th1 == pytest.approx(0.85)
    coupled = steps("adam", grads=GRADS[:2], lr=lr, weight_decay=wd)
    assert abs(coupled[1] - got[1]) > 1e-2
    assert dlbench.registry().info("optimizer", "adamw")["defaults"]["weight_decay"] == 1e-2


def test_adam_decoupled_weight_decay_option_is_adamw():
    kw = dict(grads=GRADS, lr=0.1, weight_decay=0.3)
    np.testing.assert_array_equal(steps("adam", decoupled_weight_decay=True, **kw),
                                  steps("adamw", **kw))


@pytest.mark.parametrize("psi", [4e-3, 0.5])
def test_nadam_by_hand_with_its_momentum_schedule(psi):
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-8
    mu1 = b1 * (1 - 0.5 * 0.96 ** (1 * psi))
    mu2 = b1 * (1 - 0.5 * 0.96 ** (2 * psi))
    mu3 = b1 * (1 - 0.5 * 0.96 ** (3 * psi))
    m1, v1 = 0.1 * 0.5, 0.001 * 0.25
    d1 = sqrt(v1 / (1 - b2)) + eps
    th1 = 1.0 - lr * (1 - mu1) / (1 - mu1) * 0.5 / d1 - lr * mu2 / (1 - mu1 * mu2) * m1 / d1
    m2, v2 = b1 * m1 + 0.1 * -1.0, b2 * v1 + 0.001 * 1.0
    d2 = sqrt(v2 / (1 - b2 ** 2)) + eps
    th2 = (th1 - lr * (1 - mu2) / (1 - mu1 * mu2) * -1.0 / d2
           - lr * mu3 / (1 - mu1 * mu2 * mu3) * m2 / d2)
    got = steps("nadam", grads=GRADS[:2], lr=lr, momentum_decay=psi)
    np.testing.assert_allclose(got, [th1, th2], rtol=1e-13)


def test_nadam_weight_decay_coupled_or_decoupled():
    lr, wd, psi = 0.1, 0.5, 4e-3
    mu1, mu2 = (0.9 * (1 - 0.5 * 0.96 ** (t * psi)) for t in (1, 2))
    coeff = lambda g: lr * g / (abs(g) + 1e-8) * (1 + mu2 * 0.1 / (1 - mu1 * mu2))  # noqa: E731
    # step 1: m₁ = 0.1g, d₁ = |g| + eps; the two terms share g/d₁
    g = 0.5 + wd * 1.0
    assert steps("nadam", grads=[[0.5]], lr=lr, weight_decay=wd)[0] == pytest.approx(
        1.0 - coeff(g), rel=1e-13)
    assert steps("nadam", grads=[[0.5]], lr=lr, weight_decay=wd,
                 decoupled_weight_decay=True)[0] == pytest.approx(
        1.0 * (1 - lr * wd) - coeff(0.5), rel=1e-13)


def rho(t, b2):
    rho_inf = 2 / (1 - b2) - 1
    return rho_inf - 2 * t * b2 ** t / (1 - b2 ** t)


def test_radam_switches_to_the_rectified_step_when_rho_exceeds_5():
    lr, b1, b2, eps, g = 0.1, 0.9, 0.9, 1e-8, 0.5
    assert rho(5, b2) < 5 < rho(6, b2)           # 4.58 then 5.39
    # constant g: m̂ = g exactly and √v = |g|·√(1 − β2ᵗ)
    unadapted = [1.0 - lr * g * t for t in range(1, 6)]
    rho_inf = 19.0
    r6 = sqrt((rho(6, b2) - 4) * (rho(6, b2) - 2) * rho_inf
              / ((rho_inf - 4) * (rho_inf - 2) * rho(6, b2)))
    bias6 = 1 - b2 ** 6
    th6 = unadapted[-1] - lr * g * r6 * sqrt(bias6) / (g * sqrt(bias6) + eps)
    r7 = sqrt((rho(7, b2) - 4) * (rho(7, b2) - 2) * rho_inf
              / ((rho_inf - 4) * (rho_inf - 2) * rho(7, b2)))
    bias7 = 1 - b2 ** 7
    th7 = th6 - lr * g * r7 * sqrt(bias7) / (g * sqrt(bias7) + eps)
    got = steps("radam", grads=[[g]] * 7, lr=lr, betas=(b1, b2))
    np.testing.assert_allclose(got, [*unadapted, th6, th7], rtol=1e-13)
    assert 0 < r6 < r7 < 1


def test_radam_unadapted_steps_use_bias_corrected_momentum():
    lr, b1 = 0.1, 0.9
    m1, m2 = 0.1 * 0.5, 0.9 * 0.05 + 0.1 * -1.0
    th1 = 1.0 - lr * m1 / (1 - b1)
    th2 = th1 - lr * m2 / (1 - b1 ** 2)
    np.testing.assert_allclose(steps("radam", grads=GRADS[:2], lr=lr), [th1, th2], rtol=1e-14)


def test_radam_weight_decay_coupled_or_decoupled():
    lr, wd = 0.1, 0.5
    assert steps("radam", grads=[[0.5]], lr=lr, weight_decay=wd)[0] == pytest.approx(
        1.0 - lr * (0.5 + wd))
    assert steps("radam", grads=[[0.5]], lr=lr, weight_decay=wd,
                 decoupled_weight_decay=True)[0] == pytest.approx(1.0 * (1 - lr * wd) - lr * 0.5)


def test_adams_first_step_ignores_gradient_scale_radams_does_not():
    """Why warm-up (or RAdam) exists: Adam's first step is ±lr in every coordinate, however
    small or noisy the gradient; RAdam's first steps are plain momentum steps, ∝ g."""
    grads = [[1e-3, 10.0]]
    adam = apply_gradients(dlbench.registry().get("optimizer", "adam"), [0.0, 0.0], grads, lr=0.1)
    radam = apply_gradients(dlbench.registry().get("optimizer", "radam"), [0.0, 0.0], grads, lr=0.1)
    np.testing.assert_allclose(adam[0], [-0.1, -0.1], rtol=1e-4)
    np.testing.assert_allclose(radam[0], [-1e-4, -1.0], rtol=1e-12)
