"""The gradient checker itself: it passes correct code and catches wrong backward passes."""

from __future__ import annotations

import numpy as np

from dlbench.nn import Dense, Module, gradcheck, gradcheck_function
from dlbench.nn.gradcheck import relative_error

X = np.random.default_rng(0).normal(size=(4, 5))


class WrongSigmoid(Module):
    """Forgets the (1 − σ) factor: the classic mistake."""

    def forward(self, x):
        self._y = 1 / (1 + np.exp(-x))
        return self._y

    def backward(self, dy):
        return dy * self._y


class WrongBiasDense(Dense):
    """Averages the bias gradient over the batch instead of summing it."""

    def backward(self, dy):
        self.weight.grad += self._x.T @ dy
        self.bias.grad += dy.mean(axis=0)
        return dy @ self.weight.data.T


class NoisyDropout(Module):
    """Stochastic: the check must fix the mask by restoring the generator."""

    def __init__(self):
        super().__init__()
        self.rng = np.random.default_rng(5)

    def forward(self, x):
        self._mask = self.rng.uniform(size=x.shape) > 0.5
        return x * self._mask * 2

    def backward(self, dy):
        return dy * self._mask * 2


def test_catches_a_wrong_activation_backward():
    result = gradcheck(WrongSigmoid(), X)
    assert not result.passed
    assert result.failing() == ["input"]


def test_catches_a_wrong_parameter_gradient_and_names_it():
    result = gradcheck(WrongBiasDense(5, 3, rng=0), X)
    assert result.failing() == ["bias"]
    assert result.errors["weight"] < 1e-8 and result.errors["input"] < 1e-8


def test_passes_a_stochastic_module_with_fixed_mask():
    assert gradcheck(NoisyDropout(), X).passed


def test_restores_dtype_of_parameters():
    layer = Dense(5, 3, rng=0)
    gradcheck(layer, X)
    assert layer.weight.dtype == np.float32


def test_sampled_coordinates():
    result = gradcheck(Dense(50, 40, rng=0), np.ones((2, 50)), max_coords=30)
    assert result.passed and result.coords_checked["weight"] == 30


def test_relative_error_is_scale_free_and_flags_nan():
    a = np.array([1e-8, 2e-8])
    assert relative_error(a, 2 * a) > 0.3
    assert relative_error(a, a) == 0.0
    assert relative_error(np.array([np.nan]), np.array([1.0])) == float("inf")


def test_gradcheck_function_for_a_penalty():
    w = np.random.default_rng(1).normal(size=(3, 3))
    result = gradcheck_function(lambda: 0.5 * float(np.sum(w * w)), {"w": w}, {"w": w.copy()})
    assert result.passed
    bad = gradcheck_function(lambda: 0.5 * float(np.sum(w * w)), {"w": w}, {"w": 2 * w})
    assert not bad.passed


def test_zero_true_gradient_is_not_a_false_alarm_and_buffers_are_restored():
    """A bias right before batch norm has an exactly-zero gradient in training mode; the
    numeric one is round-off. The check must pass and leave running statistics alone."""
    from dlbench.nn import BatchNorm1d, Sequential

    net = Sequential(Dense(5, 4, rng=0), BatchNorm1d(4)).train()
    before = net[1].running_mean.copy()
    result = gradcheck(net, X)
    assert result.passed, result
    np.testing.assert_array_equal(net[1].running_mean, before)


def test_a_nonzero_gradient_where_zero_is_true_is_still_caught():
    from dlbench.nn import BatchNorm1d, Sequential

    class LeakyBias(Dense):
        def backward(self, dy):
            self.bias.grad += 0.5  # the true gradient is zero before batch norm
            return super().backward(dy)

    result = gradcheck(Sequential(LeakyBias(5, 4, rng=0), BatchNorm1d(4)).train(), X)
    assert "0.bias" in result.failing()
