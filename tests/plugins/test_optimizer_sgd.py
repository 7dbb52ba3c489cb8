"""SGD, momentum and Nesterov: first steps on fixed gradients against values worked out by
hand from the update rules in their docstrings (torch.optim.SGD, and the book's forms)."""

from __future__ import annotations

import numpy as np
import pytest

import dlbench
from dlbench.nn import Parameter
from dlbench.testing.optimizers import apply_gradients

GRADS = [[0.5], [-1.0], [0.25]]


def steps(name, start=(1.0,), grads=GRADS, **kwargs):
    return apply_gradients(dlbench.registry().get("optimizer", name), list(start), grads, **kwargs)


def test_sgd_plain_steps():
    got = steps("sgd", start=[1.0, -2.0], grads=[[0.5, 0.25], [-1.0, 0.5]], lr=0.1)
    np.testing.assert_allclose(got, [[1.0 - 0.05, -2.0 - 0.025],
                                     [0.95 + 0.1, -2.025 - 0.05]])


def test_sgd_default_lr_is_torchs():
    assert dlbench.registry().info("optimizer", "sgd")["defaults"]["lr"] == 1e-3
    np.testing.assert_allclose(steps("sgd", grads=[[1.0]]), [[1.0 - 1e-3]])


def test_sgd_momentum_dampening_weight_decay_by_hand():
    lr, mu, damp, wd = 0.1, 0.9, 0.5, 0.1
    g1 = 0.5 + wd * 1.0                 # coupled decay: g + λθ
    b1 = g1                             # the first buffer is g itself, not dampened
    th1 = 1.0 - lr * b1                 # 0.94
    g2 = -1.0 + wd * th1
    b2 = mu * b1 + (1 - damp) * g2
    th2 = th1 - lr * b2
    g3 = 0.25 + wd * th2
    b3 = mu * b2 + (1 - damp) * g3
    th3 = th2 - lr * b3
    got = steps("sgd", lr=lr, momentum=mu, dampening=damp, weight_decay=wd)
    np.testing.assert_allclose(got[:, 0], [th1, th2, th3], rtol=1e-14)
    assert th1 == pytest.approx(0.94)


def test_sgd_maximize_ascends():
    np.testing.assert_allclose(steps("sgd", grads=[[0.5]], lr=0.1, maximize=True), [[1.05]])


def test_momentum_torch_form_by_hand():
    # b ← 0.9 b + g (b₁ = g);  θ ← θ − 0.1 b
    b1, b2, b3 = 0.5, 0.9 * 0.5 - 1.0, 0.9 * (0.9 * 0.5 - 1.0) + 0.25
    expected = [1 - 0.1 * b1, 1 - 0.1 * (b1 + b2), 1 - 0.1 * (b1 + b2 + b3)]
    np.testing.assert_allclose(steps("momentum", lr=0.1)[:, 0], expected, rtol=1e-14)


def test_momentum_book_form_by_hand_equals_torch_form_for_constant_lr():
    # the book: v ← αv − ηg; W ← W + v
    v1 = -0.1 * 0.5
    v2 = 0.9 * v1 - 0.1 * -1.0
    v3 = 0.9 * v2 - 0.1 * 0.25
    book = [1 + v1, 1 + v1 + v2, 1 + v1 + v2 + v3]
    np.testing.assert_allclose(steps("momentum", lr=0.1, variant="book")[:, 0], book, rtol=1e-14)
    np.testing.assert_allclose(steps("momentum", lr=0.1)[:, 0], book, rtol=1e-14)


def test_momentum_forms_differ_once_lr_changes():
    """torch rescales the whole buffer by the new lr, the book only the new gradient."""
    def run(variant):
        p = Parameter(np.array([1.0]))
        opt = dlbench.registry().create("optimizer", "momentum", [p], lr=0.1, variant=variant)
        for lr, g in ((0.1, 0.5), (0.01, -1.0)):
            opt.lr = lr
            p.grad[...] = g
            opt.step()
        return p.data[0]

    # torch: b₂ = 0.9·0.5 − 1 = −0.55;  θ = 0.95 − 0.01·(−0.55)
    assert run("torch") == pytest.approx(0.95 + 0.0055, rel=1e-14)
    # book:  v₂ = 0.9·(−0.05) − 0.01·(−1) = −0.035;  θ = 0.95 − 0.035
    assert run("book") == pytest.approx(0.95 - 0.035, rel=1e-14)


def test_nesterov_torch_form_by_hand():
    # b ← 0.9 b + g (b₁ = g);  θ ← θ − 0.1 (g + 0.9 b)
    b1 = 0.5
    th1 = 1.0 - 0.1 * (0.5 + 0.9 * b1)          # 0.905
    b2 = 0.9 * b1 - 1.0
    th2 = th1 - 0.1 * (-1.0 + 0.9 * b2)
    b3 = 0.9 * b2 + 0.25
    th3 = th2 - 0.1 * (0.25 + 0.9 * b3)
    got = steps("nesterov", lr=0.1)[:, 0]
    np.testing.assert_allclose(got, [th1, th2, th3], rtol=1e-14)
    assert th1 == pytest.approx(0.905)


def test_nesterov_torch_form_is_the_old_velocity_form():
    """arXiv:1212.0901: θ ← θ + α²·v_old − (1 + α)·η·g, v ← αv − ηg (same θ as torch)."""
    alpha, lr, theta, v, expected = 0.9, 0.1, 1.0, 0.0, []
    for (g,) in GRADS:
        theta += alpha * alpha * v - (1 + alpha) * lr * g
        v = alpha * v - lr * g
        expected.append(theta)
    np.testing.assert_allclose(steps("nesterov", lr=0.1)[:, 0], expected, rtol=1e-13)


def test_nesterov_book_form_by_hand_and_it_differs():
    # the book's code: v ← αv − ηg first, then W += α²v − (1+α)ηg with the UPDATED v
    v1 = -0.1 * 0.5
    th1 = 1.0 + 0.81 * v1 - 1.9 * 0.1 * 0.5          # 0.8645
    v2 = 0.9 * v1 - 0.1 * -1.0
    th2 = th1 + 0.81 * v2 - 1.9 * 0.1 * -1.0
    v3 = 0.9 * v2 - 0.1 * 0.25
    th3 = th2 + 0.81 * v3 - 1.9 * 0.1 * 0.25
    book = steps("nesterov", lr=0.1, variant="book")[:, 0]
    np.testing.assert_allclose(book, [th1, th2, th3], rtol=1e-14)
    assert th1 == pytest.approx(0.8645)
    torch_form = steps("nesterov", lr=0.1)[:, 0]
    assert abs(book[0] - torch_form[0]) > 0.04        # 0.8645 vs 0.905


def test_nesterov_coupled_weight_decay():
    # g = 0.5 + 0.1·1;  θ₁ = 1 − 0.1·(g + 0.9·g)
    g = 0.5 + 0.1 * 1.0
    np.testing.assert_allclose(steps("nesterov", grads=[[0.5]], lr=0.1, weight_decay=0.1),
                               [[1.0 - 0.1 * 1.9 * g]], rtol=1e-14)
