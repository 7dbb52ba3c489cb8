"""The Optimizer base class, the contract's Halver example, SGD by hand, clipping."""

from __future__ import annotations

import numpy as np
import pytest

import dlbench
from dlbench.errors import HyperparameterError
from dlbench.nn import Dense, Optimizer, Parameter, clip_grad_norm, clip_grad_value


class Halver(Optimizer):
    def step(self):
        for q in self.params:
            q.data *= 0.5


def test_contract_example_from_design():
    p = Parameter(np.zeros(3))
    opt = dlbench.registry().create("optimizer", "sgd", [p], lr=0.1)
    p.grad[...] = 1.0
    opt.step()
    opt.zero_grad()
    np.testing.assert_allclose(p.data, [-0.1, -0.1, -0.1])
    assert not p.grad.any()


def test_no_hyperparameter_is_required():
    p = Parameter(np.array([4.0]))
    opt = Halver([p])
    opt.step()
    assert p.data[0] == 2.0 and opt.defaults == {} and opt.lr is None


def test_accepts_a_module_and_keeps_per_parameter_state():
    net = Dense(2, 2, rng=0)
    opt = Halver(net)
    assert opt.params == net.parameters()
    opt.state[opt.params[0]]["step"] = 1
    assert opt.state[opt.params[1]] == {}


def test_sgd_by_hand_with_coupled_weight_decay():
    p = Parameter(np.array([1.0, -2.0]))
    opt = dlbench.registry().create("optimizer", "sgd", [p], lr=0.1, weight_decay=0.5)
    p.grad[...] = [0.2, 0.4]
    opt.step()
    # θ − η(g + λθ) = [1 − 0.1(0.2 + 0.5), −2 − 0.1(0.4 − 1.0)]
    np.testing.assert_allclose(p.data, [0.93, -1.94])


def test_sgd_refuses_negative_lr_naming_the_range():
    with pytest.raises(HyperparameterError, match=r"lr must be in \[0, inf\), got -0.1"):
        dlbench.registry().create("optimizer", "sgd", [Parameter(np.zeros(1))], lr=-0.1)


def test_clip_grad_norm_scales_globally():
    a, b = Parameter(np.zeros(2)), Parameter(np.zeros(1))
    a.grad[...] = [3.0, 0.0]
    b.grad[...] = [4.0]
    norm = clip_grad_norm([a, b], 1.0)
    assert norm == pytest.approx(5.0)
    total = np.sqrt(np.sum(a.grad ** 2) + np.sum(b.grad ** 2))
    assert total == pytest.approx(1.0, rel=1e-5)
    np.testing.assert_allclose(a.grad / b.grad[0], [0.75, 0.0])


def test_clip_grad_value():
    p = Parameter(np.zeros(3))
    p.grad[...] = [-5.0, 0.5, 7.0]
    clip_grad_value([p], 1.0)
    np.testing.assert_array_equal(p.grad, [-1.0, 0.5, 1.0])
