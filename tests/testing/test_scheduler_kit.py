"""The scheduler conformance check catches broken schedulers by the property they break."""

from __future__ import annotations

import numpy as np
import pytest

from dlbench.plugin_registry import Registry
from dlbench.testing.schedulers import check_scheduler, lr_sequence


class Halving:
    """Correct: lr_t = base·0.5^t."""

    def __init__(self, optimizer):
        self.optimizer, self.base, self.t = optimizer, optimizer.lr, 0

    def get_lr(self):
        return self.optimizer.lr

    def step(self):
        self.t += 1
        self.optimizer.lr = self.base * 0.5 ** self.t


class ForgetsTheOptimizer(Halving):
    def get_lr(self):
        return self.base * 0.5 ** self.t

    def step(self):
        self.t += 1


class GoesNaN(Halving):
    def step(self):
        super().step()
        if self.t == 7:
            self.optimizer.lr = float("nan")


class Jitters(Halving):
    def step(self):
        super().step()
        self.optimizer.lr *= np.random.default_rng().uniform(0.9, 1.0)


class TouchesMomentum(Halving):
    def step(self):
        super().step()
        self.optimizer.defaults["momentum"] = 0.9


class Absolute(Halving):
    def step(self):
        self.t += 1
        self.optimizer.lr = 0.01


class NoGetLr:
    def __init__(self, optimizer):
        pass

    def step(self):
        pass


def run(cls):
    entry = Registry().add("scheduler", "probe", cls, plugin="test", example={"kwargs": {}})
    return {r.prop: r for r in check_scheduler(entry)}


def test_a_correct_scheduler_passes():
    assert {p: r.status for p, r in run(Halving).items()} == {
        "create": "pass", "sets-lr": "pass", "deterministic": "pass",
        "params-untouched": "pass", "follows-base": "pass"}


@pytest.mark.parametrize(("cls", "prop", "status", "detail"), [
    (ForgetsTheOptimizer, "sets-lr", "fail", "the scheduler must set optimizer.lr"),
    (GoesNaN, "sets-lr", "fail", "get_lr() returned nan after 7 steps"),
    (Jitters, "deterministic", "fail", "two fresh runs gave different rates"),
    (TouchesMomentum, "params-untouched", "fail", "changed momentum to 0.9"),
    (Absolute, "follows-base", "warn", "do not scale with the optimizer's lr"),
    (NoGetLr, "create", "fail", "has no get_lr()"),
])
def test_each_broken_scheduler_is_caught(cls, prop, status, detail):
    result = run(cls)[prop]
    assert result.status == status and detail in result.detail


def test_lr_sequence_records_creation_and_each_step():
    rates, _ = lr_sequence(Halving, {}, lr=0.4, steps=3)
    np.testing.assert_allclose(rates, [0.4, 0.2, 0.1, 0.05])
