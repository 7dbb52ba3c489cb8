"""Learning-rate schedulers: sequences against values worked out by hand from
torch.optim.lr_scheduler's formulas, the warm-up hand-over, the protocol, and bad input."""

from __future__ import annotations

from math import cos, pi

import numpy as np
import pytest

import dlbench
from dlbench.errors import HyperparameterError, UnknownNameError
from dlbench.nn import Optimizer, Parameter


def sgd(lr=0.1):
    p = Parameter(np.array([0.0]))
    return p, dlbench.registry().create("optimizer", "sgd", [p], lr=lr)


def rates(name, steps, lr=0.1, **kwargs):
    """get_lr() at creation and after each step; each must equal optimizer.lr."""
    _, opt = sgd(lr)
    sched = dlbench.registry().create("scheduler", name, opt, **kwargs)
    out = [sched.get_lr()]
    for _ in range(steps):
        opt.step()
        sched.step()
        assert sched.get_lr() == opt.lr
        out.append(sched.get_lr())
    return out


def test_the_schedulers_are_registered():
    assert dlbench.registry().names("scheduler") == ["constant", "cosine", "linear-warmup", "step"]


def test_constant_keeps_the_rate():
    assert rates("constant", 4) == [0.1] * 5


def test_constant_with_torch_constantlr_arguments():
    assert rates("constant", 5, factor=0.5, total_iters=3) == pytest.approx(
        [0.05, 0.05, 0.05, 0.1, 0.1, 0.1])


def test_step_decay():
    assert rates("step", 7, step_size=3, gamma=0.5) == pytest.approx(
        [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025])
    assert rates("step", 2, step_size=1) == pytest.approx([0.1, 0.01, 0.001])   # gamma 0.1


def test_cosine_annealing_reaches_eta_min_at_t_max_then_rises_like_torch():
    expected = [0.1, 0.01 + 0.09 * (1 + cos(pi / 4)) / 2, 0.055,
                0.01 + 0.09 * (1 - cos(pi / 4)) / 2, 0.01, 0.01 + 0.09 * (1 - cos(pi / 4)) / 2]
    assert rates("cosine", 5, T_max=4, eta_min=0.01) == pytest.approx(expected, rel=1e-14)
    assert expected[1] == pytest.approx(0.0868198, rel=1e-6)


def test_linear_warmup_then_hand_over_by_name():
    # base 0.1, W = 4, f = 0.25: 0.1·(0.25 + 0.75·t/4) for t < 4, then step(2, 0.5) from its t = 0
    expected = [0.025, 0.04375, 0.0625, 0.08125, 0.1, 0.1, 0.05, 0.05, 0.025]
    got = rates("linear-warmup", 8, warmup_steps=4, start_factor=0.25, after="step",
                after_kwargs={"step_size": 2, "gamma": 0.5})
    assert got == pytest.approx(expected, rel=1e-14)


def test_linear_warmup_wraps_an_instance_and_defaults_to_constant():
    reg = dlbench.registry()
    _, opt = sgd()
    cosine = reg.create("scheduler", "cosine", opt, T_max=2)
    warm = reg.create("scheduler", "linear-warmup", opt, warmup_steps=2, start_factor=0.5,
                      after=cosine)
    got = [warm.get_lr()]
    for _ in range(4):
        warm.step()
        got.append(opt.lr)
    assert got == pytest.approx([0.05, 0.075, 0.1, 0.05, 0.0], abs=1e-15)
    # torch's defaults: start_factor 1/3 over 5 steps, then constant
    assert rates("linear-warmup", 6) == pytest.approx(
        [0.1 / 3 + 0.1 * (2 / 3) * t / 5 for t in range(5)] + [0.1, 0.1])


def test_zero_warmup_steps_hands_over_at_once():
    assert rates("linear-warmup", 2, warmup_steps=0, after="step",
                 after_kwargs={"step_size": 1}) == pytest.approx([0.1, 0.01, 0.001])


def test_the_optimizer_uses_the_scheduled_rate():
    p, opt = sgd(0.1)
    sched = dlbench.registry().create("scheduler", "step", opt, step_size=1, gamma=0.5)
    for _ in range(3):
        p.grad[...] = 1.0
        opt.step()
        sched.step()
    assert p.data[0] == pytest.approx(-(0.1 + 0.05 + 0.025))


@pytest.mark.parametrize(("name", "kwargs", "message"), [
    ("step", {"step_size": 0}, r"step_size must be in \[1, inf\), got 0"),
    ("step", {"step_size": 2.5}, r"step_size must be an integer in \[1, inf\), got 2.5"),
    ("step", {"step_size": 2, "gamma": -0.1}, r"gamma must be in \[0, inf\)"),
    ("cosine", {"T_max": 0}, r"T_max must be in \[1, inf\)"),
    ("cosine", {"T_max": 5, "eta_min": -1.0}, r"eta_min must be in \[0, inf\)"),
    ("constant", {"factor": 1.5}, r"factor must be in \[0, 1\]"),
    ("linear-warmup", {"start_factor": 0.0}, r"start_factor must be in \(0, 1\], got 0.0"),
    ("linear-warmup", {"warmup_steps": -1}, r"warmup_steps must be in \[0, inf\)"),
    ("linear-warmup", {"after": 3}, r"after must be a scheduler name or a scheduler"),
])
def test_bad_arguments_fail_at_creation(name, kwargs, message):
    _, opt = sgd()
    with pytest.raises(HyperparameterError, match=message):
        dlbench.registry().create("scheduler", name, opt, **kwargs)


def test_warmup_after_an_unknown_name_suggests_the_closest():
    _, opt = sgd()
    with pytest.raises(UnknownNameError, match="did you mean 'cosine'"):
        dlbench.registry().create("scheduler", "linear-warmup", opt, after="cosin")


def test_warmup_refuses_an_instance_on_another_optimizer():
    _, first = sgd()
    _, second = sgd()
    other = dlbench.registry().create("scheduler", "constant", first)
    with pytest.raises(HyperparameterError, match="another optimizer"):
        dlbench.registry().create("scheduler", "linear-warmup", second, after=other)


def test_an_optimizer_without_lr_cannot_be_scheduled():
    class Halver(Optimizer):
        def step(self):
            for q in self.params:
                q.data *= 0.5

    with pytest.raises(HyperparameterError, match="Halver has no learning rate"):
        dlbench.registry().create("scheduler", "cosine", Halver([Parameter(np.zeros(1))]), T_max=3)


def test_adabound_bounds_follow_a_scheduler():
    """A scheduler changes optimizer.lr, which AdaBound's bounds follow (lr/base_lr)."""
    p = Parameter(np.array([1.0]))
    reg = dlbench.registry()
    opt = reg.create("optimizer", "adabound", [p], lr=0.1, final_lr=0.05, gamma=0.1)
    reg.create("scheduler", "constant", opt, factor=0.5, total_iters=1)
    p.grad[...] = 0.5
    opt.step()
    upper = 0.05 * 0.5 * (1 + 1 / 0.1)           # final_lr·(lr/base_lr)·(1 + 1/(γt))
    assert p.data[0] == pytest.approx(1.0 - upper * 0.1 * 0.5, rel=1e-12)
