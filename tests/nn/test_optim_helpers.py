"""``dlbench.nn.optim``: each helper against its formula, by hand, in float32 and float64."""

from __future__ import annotations

import numpy as np
import pytest

from dlbench.errors import HyperparameterError
from dlbench.nn import Parameter
from dlbench.nn.optim import (amsgrad_max, bias_correction, check_betas, check_choice,
                              check_nonnegative, decoupled_weight_decay, gradient_with_decay,
                              state_zeros, update_moments)


def param(data, grad, dtype=np.float64):
    p = Parameter(np.array(data, dtype=dtype))
    p.grad[...] = grad
    return p


def test_coupled_decay_adds_lambda_theta_and_never_returns_the_grad_itself():
    p = param([2.0, -4.0], [1.0, 1.0])
    g = gradient_with_decay(p, weight_decay=0.5)
    np.testing.assert_array_equal(g, [2.0, -1.0])  # 1 + 0.5·2, 1 + 0.5·(−4)
    g[...] = 0
    np.testing.assert_array_equal(p.grad, [1.0, 1.0])
    np.testing.assert_array_equal(gradient_with_decay(p, maximize=True), [-1.0, -1.0])


def test_decoupled_decay_shrinks_theta_by_one_minus_lr_lambda():
    p = param([2.0, -4.0], [9.0, 9.0], np.float32)
    decoupled_weight_decay(p, lr=0.1, weight_decay=0.5)
    np.testing.assert_allclose(p.data, [1.9, -3.8], rtol=1e-6)
    assert p.data.dtype == np.float32


def test_moments_and_bias_correction_give_adams_first_step():
    """After one step m̂ = g and v̂ = g², so Adam's first update is lr·sign(g)."""
    p = param([0.0, 0.0], [0.5, -2.0], np.float32)
    state: dict = {}
    t = update_moments(state, p, p.grad.copy(), 0.9, 0.999)
    assert t == 1 and state["step"] == 1
    m_hat = state["exp_avg"] / bias_correction(0.9, t)
    v_hat = state["exp_avg_sq"] / bias_correction(0.999, t)
    np.testing.assert_allclose(m_hat, [0.5, -2.0], rtol=1e-6)
    np.testing.assert_allclose(v_hat, [0.25, 4.0], rtol=1e-5)
    assert state["exp_avg"].dtype == np.float32
    update_moments(state, p, np.array([1.0, 1.0], np.float32), 0.9, 0.999)
    np.testing.assert_allclose(state["exp_avg"], [0.9 * 0.05 + 0.1, 0.9 * -0.2 + 0.1], rtol=1e-6)
    assert bias_correction(0.9, 0) == 0.0 and bias_correction(0.9, 2) == pytest.approx(0.19)


def test_amsgrad_max_keeps_the_running_elementwise_maximum():
    p = param([0.0, 0.0], [0.0, 0.0])
    state: dict = {}
    np.testing.assert_array_equal(amsgrad_max(state, p, np.array([1.0, 3.0])), [1.0, 3.0])
    np.testing.assert_array_equal(amsgrad_max(state, p, np.array([2.0, 0.5])), [2.0, 3.0])
    np.testing.assert_array_equal(state["max_exp_avg_sq"], [2.0, 3.0])


def test_validation_names_the_parameter():
    assert check_betas([0.9, 0.99]) == (0.9, 0.99)
    with pytest.raises(HyperparameterError, match=r"betas\[1\]"):
        check_betas((0.9, 1.0))
    with pytest.raises(HyperparameterError, match="a pair"):
        check_betas(0.9)
    with pytest.raises(HyperparameterError, match="lr"):
        check_nonnegative(lr=-1e-3)
    with pytest.raises(HyperparameterError, match="variant must be one of 'torch', 'book'"):
        check_choice("variant", "paper", ("torch", "book"))
    assert state_zeros(param([1.0], [0.0], np.float32)).dtype == np.float32
