"""The optimizer conformance check catches each kind of broken optimizer by the property it
breaks, reports it in one line without a traceback, and passes a correct one."""

from __future__ import annotations

import numpy as np
import pytest

from dlbench.nn import Optimizer
from dlbench.plugin_registry import Registry
from dlbench.testing.optimizers import (ROSENBROCK_START, apply_gradients, check_optimizer,
                                        rosenbrock_loss_and_grad)


class GoodSGD(Optimizer):
    """Correct: θ ← θ − lr·(g + λθ)."""

    def __init__(self, params, lr=1e-3, weight_decay=0.0):
        super().__init__(params, lr=lr, weight_decay=weight_decay)

    def step(self):
        for p in self.params:
            p.data -= self.defaults["lr"] * (p.grad + self.defaults["weight_decay"] * p.data)


class Ascent(GoodSGD):
    def step(self):
        for p in self.params:
            p.data += self.defaults["lr"] * p.grad


class TurnsNaN(GoodSGD):
    def step(self):
        super().step()
        state = self.state[self.params[0]]
        state["t"] = state.get("t", 0) + 1
        if state["t"] == 10:
            self.params[0].data[...] = np.nan


class PromotesToFloat64(GoodSGD):
    def step(self):
        for p in self.params:
            p.data = p.data.astype(np.float64) - self.defaults["lr"] * p.grad


class NotInPlace(GoodSGD):
    def step(self):
        for p in self.params:
            p.data = p.data - self.defaults["lr"] * p.grad


class IgnoresWeightDecay(GoodSGD):
    def step(self):
        for p in self.params:
            p.data -= self.defaults["lr"] * p.grad


class GrowsWithWeightDecay(GoodSGD):
    def step(self):
        for p in self.params:
            p.data -= self.defaults["lr"] * (p.grad - self.defaults["weight_decay"] * p.data)


class UnseededNoise(GoodSGD):
    def step(self):
        noise = np.random.default_rng().uniform(0.9, 1.1)   # a fresh, unseeded generator
        for p in self.params:
            p.data -= self.defaults["lr"] * noise * (p.grad + self.defaults["weight_decay"] * p.data)


class SharedStepCount(GoodSGD):
    """Bias-corrected momentum with ONE step counter for all parameters (a real bug)."""

    def step(self):
        self.t = getattr(self, "t", 0)
        for p in self.params:
            self.t += 1
            m = self.state[p].setdefault("m", np.zeros_like(p.data))
            m *= 0.9
            m += 0.1 * p.grad
            p.data -= self.defaults["lr"] * m / (1 - 0.9 ** self.t)


class CachesLr(GoodSGD):
    def __init__(self, params, lr=1e-3, weight_decay=0.0):
        super().__init__(params, lr=lr, weight_decay=weight_decay)
        self._lr = lr

    def step(self):
        for p in self.params:
            p.data -= self._lr * (p.grad + self.defaults["weight_decay"] * p.data)


class KeepsGradients(GoodSGD):
    def zero_grad(self):
        pass


class CannotBeCreated(GoodSGD):
    def __init__(self, params, lr=1e-3, weight_decay=0.0):
        raise RuntimeError("boom")


def run(cls, kwargs=None):
    entry = Registry().add("optimizer", "probe", cls, plugin="test",
                           example={"kwargs": {"lr": 1e-3} if kwargs is None else kwargs})
    return {r.prop: r for r in check_optimizer(entry)}


def test_a_correct_optimizer_passes_every_property():
    results = run(GoodSGD)
    assert {p: r.status for p, r in results.items()} == dict.fromkeys([
        "create", "descends-quadratic", "descends-rosenbrock", "shape-dtype",
        "state-per-parameter", "deterministic", "lr-from-defaults", "zero-grad",
        "weight-decay"], "pass")


@pytest.mark.parametrize(("cls", "prop", "detail"), [
    (Ascent, "descends-quadratic", "expected at least halved"),
    (Ascent, "descends-rosenbrock", "Rosenbrock"),
    (TurnsNaN, "descends-quadratic", "loss became nan at step 10"),
    (PromotesToFloat64, "shape-dtype", "float32 parameter became float64"),
    (NotInPlace, "shape-dtype", "replaced p.data instead of updating it in place"),
    (IgnoresWeightDecay, "weight-decay", "had no effect with zero gradients"),
    (GrowsWithWeightDecay, "weight-decay", "did not shrink"),
    (UnseededNoise, "deterministic", "two identical runs gave different parameters"),
    (SharedStepCount, "state-per-parameter", "moved differently when stepped with another"),
    (CachesLr, "lr-from-defaults", "lr is not read from self.defaults"),
    (KeepsGradients, "zero-grad", "left non-zero gradients"),
    (CannotBeCreated, "create", "RuntimeError: boom"),
])
def test_each_broken_optimizer_fails_the_property_it_breaks(cls, prop, detail):
    results = run(cls)
    assert results[prop].status == "fail"
    assert detail in results[prop].detail
    for r in results.values():
        assert "Traceback" not in r.detail and "\n" not in r.detail


def test_properties_other_than_the_broken_one_still_pass():
    """One bug, one failing property: the report points at the cause."""
    failing = {p for p, r in run(IgnoresWeightDecay).items() if r.failed}
    assert failing == {"weight-decay"}
    failing = {p for p, r in run(CachesLr).items() if r.failed}
    assert failing == {"lr-from-defaults"}


def test_an_optimizer_that_refuses_weight_decay_passes():
    class RefusesWeightDecay(GoodSGD):
        def __init__(self, params, lr=1e-3, weight_decay=0.0):
            from dlbench.errors import HyperparameterError

            if weight_decay:
                raise HyperparameterError("weight_decay is not supported")
            super().__init__(params, lr=lr)

    result = run(RefusesWeightDecay)["weight-decay"]
    assert result.status == "pass" and result.detail.startswith("refused:")


def test_optimizer_without_lr_skips_the_lr_property():
    class Halver(Optimizer):
        def __init__(self, params):
            super().__init__(params)

        def step(self):
            for q in self.params:
                q.data *= 0.5

    results = run(Halver, {})
    assert results["lr-from-defaults"].detail == "skipped: the optimizer has no lr"
    assert results["weight-decay"].detail == "takes no weight_decay"


def test_rosenbrock_gradient_matches_central_differences():
    x = np.array(ROSENBROCK_START, dtype=np.float64)
    _, grad = rosenbrock_loss_and_grad(x)
    h = 1e-6
    numeric = [(rosenbrock_loss_and_grad(x + h * e)[0] - rosenbrock_loss_and_grad(x - h * e)[0])
               / (2 * h) for e in np.eye(2)]
    np.testing.assert_allclose(grad, numeric, rtol=1e-7)
    assert rosenbrock_loss_and_grad(np.array([1.0, 1.0]))[0] == 0.0


def test_apply_gradients_returns_theta_after_each_step():
    got = apply_gradients(GoodSGD, [1.0, 2.0], [[1.0, 0.0], [0.0, 1.0]], lr=0.5)
    np.testing.assert_array_equal(got, [[0.5, 2.0], [0.5, 1.5]])


def test_cli_reports_a_broken_third_party_optimizer_by_property(invoke, tmp_path):
    plugin = tmp_path / "ascent.py"
    plugin.write_text(
        "from dlbench import hookimpl\n"
        "from dlbench.nn import Optimizer\n"
        "class Ascent(Optimizer):\n"
        "    def __init__(self, params, lr=0.01):\n"
        "        super().__init__(params, lr=lr)\n"
        "    def step(self):\n"
        "        for p in self.params:\n"
        "            p.data += self.defaults['lr'] * p.grad\n"
        "@hookimpl\n"
        "def register_optimizers(register):\n"
        "    register('ascent', Ascent, example={'kwargs': {'lr': 0.01}})\n")
    result = invoke("-p", plugin, "check", "optimizer", "ascent")
    assert result.exit_code == 1
    line = next(x for x in result.stdout.splitlines() if "ascent" in x)
    assert line.startswith("FAIL") and "descends-quadratic: loss went" in line
    assert "Traceback" not in result.output
