"""Built-in activations: values at hand-chosen points, float64 gradient checks, dtypes,
overflow-free extremes, RReLU's train/eval modes, PReLU's slope gradient, the accuracy of
the vectorized erf behind exact GELU, and proof that the checker catches a wrong backward.

Expected values are written out from the published formulas (``math`` is the independent
reference for exp, tanh and erf), never obtained from the implementation under test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import dlbench
from dlbench.errors import HyperparameterError
from dlbench.nn import gradcheck
from dlbench.nn.special import erf, erfc
from dlbench.plugin_registry import Entry
from dlbench.testing import check_module
from dlbench.testing.core import example_input

ALL = ["elu", "gelu", "identity", "leaky-relu", "maxout", "prelu", "relu", "rrelu", "selu",
       "sigmoid", "silu", "softmax", "softplus", "step", "tanh"]
KINKED = ["step", "relu", "leaky-relu", "prelu", "rrelu"]
LAMBDA, ALPHA = 1.0507009873554805, 1.6732632423543772


@pytest.fixture(scope="module")
def reg():
    return dlbench.registry(refresh=True)


def act(reg, name, **kw):
    return reg.create("activation", name, **kw)


def values(module, xs, dtype=np.float64):
    """Output and derivative (backward of ones) at the points ``xs``."""
    x = np.array(xs, dtype=dtype)
    y = module.forward(x)
    return y, module.backward(np.ones_like(y))


def test_every_activation_is_registered(reg):
    assert reg.names("activation") == ALL
    assert "maxout" in reg.names("layer")


# -- values at chosen points ----------------------------------------------------------------
def test_step_identity_relu(reg):
    y, d = values(act(reg, "step"), [-0.5, 0.0, 0.5])
    assert y.tolist() == [0, 0, 1] and d.tolist() == [0, 0, 0]
    y, d = values(act(reg, "identity"), [-3.0, 2.5])
    assert y.tolist() == [-3.0, 2.5] and d.tolist() == [1, 1]
    y, d = values(act(reg, "relu"), [-1.0, 0.0, 2.0])
    assert y.tolist() == [0, 0, 2] and d.tolist() == [0, 0, 1]  # torch: ReLU'(0) = 0


def test_sigmoid_at_zero_and_ln3(reg):
    # σ(0) = 1/2, σ'(0) = 1/4 (the course's 確認テスト); σ(ln 3) = 1/(1 + 1/3) = 3/4,
    # σ'(ln 3) = 3/4 · 1/4 = 3/16.
    y, d = values(act(reg, "sigmoid"), [0.0, math.log(3)])
    np.testing.assert_allclose(y, [0.5, 0.75], rtol=1e-15)
    np.testing.assert_allclose(d, [0.25, 0.1875], rtol=1e-15)


def test_tanh_is_a_rescaled_sigmoid(reg):
    y, d = values(act(reg, "tanh"), [0.0])
    assert y[0] == 0 and d[0] == 1  # tanh'(0) = 1 − 0² = 1
    x = np.linspace(-5, 5, 41)
    sig = act(reg, "sigmoid").forward(2 * x)
    np.testing.assert_allclose(act(reg, "tanh").forward(x), 2 * sig - 1, atol=1e-15)


def test_leaky_relu(reg):
    y, d = values(act(reg, "leaky-relu"), [-2.0, 3.0])
    assert y.tolist() == [-0.02, 3.0] and d.tolist() == [0.01, 1.0]
    y, d = values(act(reg, "leaky-relu", negative_slope=0.2), [-2.0, 0.0])
    assert y.tolist() == [-0.4, 0.0] and d.tolist() == [0.2, 0.2]  # torch: slope at 0


def test_prelu_value_and_slope_gradient(reg):
    m = act(reg, "prelu")
    assert m.weight.shape == (1,) and m.weight.data[0] == np.float32(0.25)
    x = np.array([-2.0, 3.0, -1.0])
    np.testing.assert_allclose(m.forward(x), [-0.5, 3.0, -0.25])
    dx = m.backward(np.array([1.0, 10.0, 2.0]))
    np.testing.assert_allclose(dx, [0.25, 10.0, 0.5])
    # ∂L/∂a = Σ_{x ≤ 0} x·dy = (−2)(1) + (−1)(2) = −4
    np.testing.assert_allclose(m.weight.grad, [-4.0])


def test_prelu_per_channel_slopes(reg):
    m = act(reg, "prelu", num_parameters=3)
    m.weight.data[...] = [0.1, 0.2, 0.3]
    x = np.array([[-1.0, -1.0, -1.0], [-2.0, 4.0, -3.0]])       # (N=2, C=3)
    np.testing.assert_allclose(m.forward(x), [[-0.1, -0.2, -0.3], [-0.2, 4.0, -0.9]], rtol=1e-6)
    m.backward(np.ones_like(x))
    # channel sums of x over x ≤ 0: c0 −1 − 2 = −3, c1 −1, c2 −1 − 3 = −4
    np.testing.assert_allclose(m.weight.grad, [-3.0, -1.0, -4.0])
    with pytest.raises(ValueError, match="3 channels on axis 1"):
        m.forward(np.ones((2, 4)))
    assert m.weight.data.ndim == 1  # so weight penalties (ndim >= 2) skip it


def test_rrelu_eval_uses_the_mean_slope(reg):
    m = act(reg, "rrelu").eval()
    # (1/8 + 1/3)/2 = 11/48, so −48 ↦ −11
    y, d = values(m, [-48.0, 5.0])
    np.testing.assert_allclose(y, [-11.0, 5.0], rtol=1e-15)
    np.testing.assert_allclose(d, [11 / 48, 1.0], rtol=1e-15)


def test_rrelu_training_draws_a_slope_per_element_from_its_rng(reg):
    m = act(reg, "rrelu", rng=np.random.default_rng(3))
    x = -np.ones(1000)
    y = m.forward(x)
    slopes = -y
    assert slopes.min() >= 1 / 8 and slopes.max() <= 1 / 3
    assert len(np.unique(slopes)) > 990                      # one draw per element
    assert abs(slopes.mean() - 11 / 48) < 0.01               # U(1/8, 1/3): sd/√1000 ≈ 0.0019
    np.testing.assert_array_equal(m.backward(np.ones(1000)), slopes)  # the slope it used
    again = act(reg, "rrelu", rng=np.random.default_rng(3)).forward(x)
    np.testing.assert_array_equal(again, y)                  # same seed, same slopes
    assert not np.array_equal(m.forward(x), y)               # fresh slopes each pass
    assert m.forward(np.array([2.0]))[0] == 2.0              # positives pass through


def test_elu_and_selu(reg):
    y, d = values(act(reg, "elu"), [-1.0, 2.0])
    np.testing.assert_allclose(y, [math.exp(-1) - 1, 2.0], rtol=1e-15)
    np.testing.assert_allclose(d, [math.exp(-1), 1.0], rtol=1e-15)
    y, d = values(act(reg, "elu", alpha=2.0), [-1.0])
    np.testing.assert_allclose([y[0], d[0]], [2 * (math.exp(-1) - 1), 2 * math.exp(-1)], rtol=1e-15)
    y, d = values(act(reg, "selu"), [1.0, -1.0, -50.0])
    np.testing.assert_allclose(y, [LAMBDA, LAMBDA * ALPHA * (math.exp(-1) - 1), -LAMBDA * ALPHA],
                               rtol=1e-15)
    np.testing.assert_allclose(d[:2], [LAMBDA, LAMBDA * ALPHA * math.exp(-1)], rtol=1e-15)
    assert -LAMBDA * ALPHA == pytest.approx(-1.7580993408473766, rel=1e-15)


def test_gelu_exact_and_tanh(reg):
    phi1 = 0.5 * (1 + math.erf(1 / math.sqrt(2)))                # Φ(1) = 0.8413447460685429
    y, d = values(act(reg, "gelu"), [1.0, -1.0, 0.0])
    np.testing.assert_allclose(y, [phi1, -(1 - phi1), 0.0], rtol=1e-15, atol=1e-300)
    # GELU'(x) = Φ(x) + x φ(x): at 0 it is 1/2; at 1, Φ(1) + e^{−1/2}/√(2π)
    np.testing.assert_allclose(d[[2, 0]], [0.5, phi1 + math.exp(-0.5) / math.sqrt(2 * math.pi)],
                               rtol=1e-15)
    tanh_1 = 0.5 * (1 + math.tanh(math.sqrt(2 / math.pi) * (1 + 0.044715)))
    approx = act(reg, "gelu", approximate="tanh")
    np.testing.assert_allclose(approx.forward(np.array([1.0])), [tanh_1], rtol=1e-15)
    assert phi1 - tanh_1 == pytest.approx(1.5276e-4, rel=1e-3)
    # The two forms differ by at most ≈ 4.73e−4, reached near |x| ≈ 2.7.
    x = np.linspace(-8, 8, 16001)
    gap = np.abs(act(reg, "gelu").forward(x) - approx.forward(x))
    assert 4.70e-4 < gap.max() < 4.76e-4 and 2.6 < abs(x[gap.argmax()]) < 2.8


def test_softplus_and_threshold(reg):
    y, d = values(act(reg, "softplus"), [0.0, 25.0, 19.0])
    np.testing.assert_allclose(y[:2], [math.log(2), 25.0], rtol=1e-15)
    assert y[1] == 25.0 and d[1] == 1.0                        # linear above threshold 20
    assert y[2] == math.log1p(math.exp(19.0)) and y[2] != 19.0  # below it, still soft
    assert d[0] == 0.5
    y, d = values(act(reg, "softplus", beta=2.0, threshold=10.0), [0.0, 6.0])
    np.testing.assert_allclose(y, [math.log(2) / 2, 6.0], rtol=1e-15)  # 2·6 > 10: linear


def test_silu(reg):
    y, d = values(act(reg, "silu"), [1.0, 0.0])
    s1 = 1 / (1 + math.exp(-1))
    np.testing.assert_allclose(y, [s1, 0.0], rtol=1e-15)
    np.testing.assert_allclose(d, [s1 * (1 + 1 - s1), 0.5], rtol=1e-15)


def test_softmax(reg):
    m = act(reg, "softmax")
    np.testing.assert_allclose(m.forward(np.array([0.0, math.log(3)])), [0.25, 0.75], rtol=1e-15)
    logits = np.random.default_rng(0).normal(size=(6, 2)) * 3
    p = m.forward(logits)
    # 2-class softmax is the sigmoid of the logit difference
    np.testing.assert_allclose(p[:, 0], act(reg, "sigmoid").forward(logits[:, 0] - logits[:, 1]),
                               rtol=1e-14)
    np.testing.assert_allclose(m.forward(logits + 1000.0), p, rtol=1e-12)  # shift invariance
    cols = act(reg, "softmax", axis=0).forward(logits)
    np.testing.assert_allclose(cols.sum(axis=0), [1.0, 1.0], rtol=1e-15)


# -- gradient checks (float64) ---------------------------------------------------------------
GRAD_CASES = [
    ("sigmoid", {}, (-4, 4)), ("tanh", {}, (-3, 3)), ("identity", {}, (-2, 2)),
    ("leaky-relu", {"negative_slope": 0.3}, (-2, 2)), ("elu", {"alpha": 0.7}, (-3, 2)),
    ("selu", {}, (-3, 2)), ("gelu", {}, (-5, 5)), ("gelu", {"approximate": "tanh"}, (-5, 5)),
    ("softplus", {"beta": 2.0, "threshold": 3.0}, (-4, 4)), ("silu", {}, (-6, 6)),
    ("softmax", {"axis": 0}, (-3, 3)), ("prelu", {"num_parameters": 3, "init": 0.1}, (-2, 2)),
]


@pytest.mark.parametrize("name,kwargs,span", GRAD_CASES, ids=lambda v: str(v))
def test_gradient_check(reg, name, kwargs, span):
    x = np.random.default_rng(1).uniform(*span, size=(5, 3, 2))
    if name in ("leaky-relu", "prelu"):
        x = np.where(np.abs(x) < 0.05, 0.5, x)  # away from the kink at 0
    if name == "softplus":
        x = np.where(np.abs(2 * x - 3.0) < 0.05, 0.0, x)  # away from the threshold switch
    result = gradcheck(act(reg, name, **kwargs), x)
    assert result.passed, result


@pytest.mark.parametrize("mode", ["train", "eval"])
def test_rrelu_gradient_check_with_fixed_slopes(reg, mode):
    m = act(reg, "rrelu", rng=5)
    m.train(mode == "train")
    x = np.random.default_rng(2).uniform(0.1, 2, size=(4, 6)) * np.where(np.arange(6) % 2, 1, -1)
    result = gradcheck(m, x)  # restores m.rng before every forward: same slopes
    assert result.passed, result


def test_every_registered_example_passes_check(reg):
    for name in ALL:
        failed = [r for r in check_module(reg.entry("activation", name)) if r.failed]
        assert not failed, failed


@pytest.mark.parametrize("name", KINKED)
def test_check_examples_stay_away_from_the_kink(reg, name):
    """The check's input must not straddle x = 0 within the difference step h = 1e−4,
    and must cover both sides, or the gradient check proves nothing."""
    ex = reg.entry("activation", name).example
    x = example_input(ex, (4, 5), (-2, 2))
    assert np.abs(x).min() > 1e-2
    assert (x < 0).any() and (x > 0).any()


# -- dtypes and extremes ---------------------------------------------------------------------
def example_module(reg, name):
    entry = reg.entry("activation", name)
    return entry.obj(**entry.example["kwargs"]), tuple(entry.example["input_shape"])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ALL)
def test_dtype_and_shape_preserved(reg, name, dtype):
    m, shape = example_module(reg, name)
    x = np.random.default_rng(0).uniform(-3, 3, size=shape).astype(dtype)
    y = m.forward(x)
    dx = m.backward(np.ones_like(y))
    assert y.dtype == dtype and dx.dtype == dtype
    assert y.shape == x.shape and dx.shape == x.shape


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", [n for n in ALL if n != "maxout"])
def test_no_overflow_or_nan_up_to_1e4(reg, name, dtype):
    m, _ = example_module(reg, name)
    x = np.array([[-1e4, -800.0, -100.0, -20.0, 0.0, 20.0, 100.0, 800.0, 1e4]], dtype=dtype)
    x = np.repeat(x, 3, axis=0)  # prelu's example has 3 channels on axis 1
    x = x.reshape(3, 3, 3) if name == "prelu" else x
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y = m.forward(x)
        dx = m.backward(np.ones_like(y))
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(dx))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_limits_at_1e4(reg, dtype):
    x = np.array([-1e4, 1e4], dtype=dtype)
    expected = {"sigmoid": [0, 1], "softplus": [0, 1e4], "elu": [-1, 1e4],
                "selu": [-LAMBDA * ALPHA, LAMBDA * 1e4], "silu": [0, 1e4], "gelu": [0, 1e4],
                "tanh": [-1, 1]}
    for name, want in expected.items():
        np.testing.assert_allclose(act(reg, name).forward(x), want, rtol=1e-6, err_msg=name)


# -- bad input and a wrong backward ----------------------------------------------------------
@pytest.mark.parametrize("name,kwargs,word", [
    ("gelu", {"approximate": "erf"}, "approximate"), ("softplus", {"beta": 0.0}, "beta"),
    ("rrelu", {"lower": 0.4, "upper": 0.3}, "upper"), ("prelu", {"num_parameters": 0}, "num_parameters"),
    ("elu", {"alpha": -1.0}, "alpha"),
])
def test_invalid_hyperparameters_fail_at_creation(reg, name, kwargs, word):
    with pytest.raises(HyperparameterError, match=word):
        act(reg, name, **kwargs)


def test_the_checker_catches_a_leaky_relu_without_its_slope_in_backward(reg):
    good = reg.get("activation", "leaky-relu")

    class SlopeForgotten(good):
        def derivative(self, x, y):
            return (x > 0).astype(x.dtype)  # should be negative_slope for x ≤ 0

    example = reg.entry("activation", "leaky-relu").example
    bad = {r.prop: r for r in check_module(Entry("activation", "bad", SlopeForgotten, "test",
                                                 example=example))}
    assert bad["gradient"].failed and "input" in bad["gradient"].detail
    ok = {r.prop: r for r in check_module(reg.entry("activation", "leaky-relu"))}
    assert not ok["gradient"].failed


def test_the_checker_catches_a_prelu_that_forgets_its_slope_gradient(reg):
    class NoSlopeGradient(reg.get("activation", "prelu")):
        def backward(self, dy):
            saved = self.weight.grad.copy()
            dx = super().backward(dy)
            self.weight.grad[...] = saved
            return dx

    result = gradcheck(NoSlopeGradient(), np.array([-1.0, -0.5, 2.0]))
    assert result.failing() == ["weight"]


# -- the vectorized erf behind exact GELU ----------------------------------------------------
def test_erf_and_erfc_match_math_to_float64_accuracy():
    x = np.concatenate([np.linspace(-30, 30, 60001), np.logspace(-300, 1.5, 3000),
                        -np.logspace(-300, 1.5, 3000), [0.46875, 4.0, -4.0]])
    want = np.array([math.erf(v) for v in x])
    np.testing.assert_allclose(erf(x), want, rtol=2e-15, atol=0)
    want_c = np.array([math.erfc(v) for v in x])
    np.testing.assert_allclose(erfc(x), want_c, rtol=2e-15, atol=1e-300)
    # relative accuracy deep in the right tail, where 1 − erf would give 0
    for v in (5.0, 10.0, 20.0, 26.0):
        assert erfc(v) == pytest.approx(math.erfc(v), rel=2e-15)


def test_erf_special_values():
    assert erf(0.0) == 0 and erfc(0.0) == 1
    np.testing.assert_array_equal(erf(np.array([np.inf, -np.inf])), [1.0, -1.0])
    np.testing.assert_array_equal(erfc(np.array([np.inf, -np.inf, 30.0])), [0.0, 2.0, 0.0])
    assert np.isnan(erf(np.nan)) and np.isnan(erfc(np.nan))
    x = np.linspace(0, 6, 601)
    np.testing.assert_array_equal(erf(-x), -erf(x))  # exactly odd
    assert erf(np.zeros((2, 3))).shape == (2, 3)
