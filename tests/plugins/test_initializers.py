"""Built-in initializers: sample mean and variance against each published formula, for a
dense and a conv shape, with tolerances derived from the sample size; bounds of the
uniform ones; torch's gains; bad hyperparameters; and the symmetry problem of constants.

Expected variances are written out here from the formulas (Glorot & Bengio 2010,
He et al. 2015, LeCun et al. 1998, the book's 0.01 and √(1/n)), not taken from the code.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import dlbench
from dlbench.errors import HyperparameterError
from dlbench.nn import Dense, Sequential, fans

DENSE, CONV = (400, 300), (64, 32, 3, 3)
NORMAL_KURTOSIS, UNIFORM_KURTOSIS = 3.0, 9.0 / 5.0


@pytest.fixture(scope="module")
def reg():
    return dlbench.registry(refresh=True)


def draw(reg, name, shape, seed=0, **kwargs):
    fan_in, fan_out = fans(shape)
    init = reg.create("initializer", name, **kwargs)
    return init(shape, np.random.default_rng(seed), fan_in=fan_in, fan_out=fan_out)


def matches(w: np.ndarray, variance: float, kurtosis: float) -> bool:
    """Do the sample mean and variance of ``w`` agree with mean 0 and ``variance``?

    For n iid draws of variance σ², the sample mean has standard error σ/√n and the
    sample variance has standard error σ²·√((κ − 1)/n), κ the kurtosis (3 for a normal,
    9/5 for a uniform). We allow 5 standard errors: a correct sampler fails with
    probability below 1e−6 (and the seed is fixed anyway). For the conv shape
    (n = 18,432) the variance band is ±5.2 % for a normal, for the dense shape
    (n = 120,000) ±2.0 %: far tighter than the factor 2 between He and Xavier or
    between fan_in = 288 and fan_out = 576, which :func:`test_tolerances_reject_wrong_formulas`
    shows they catch.
    """
    n = w.size
    mean_ok = abs(w.mean()) <= 5 * math.sqrt(variance / n)
    var_ok = abs(w.var() - variance) <= 5 * variance * math.sqrt((kurtosis - 1) / n)
    return bool(mean_ok and var_ok)


def test_fans_of_dense_and_conv_shapes():
    assert fans(DENSE) == (400, 300)
    assert fans(CONV) == (32 * 3 * 3, 64 * 3 * 3) == (288, 576)


# name -> (kwargs, kurtosis, variance(fan_in, fan_out)), each variance from its formula.
FORMULAS = {
    "normal": ({"std": 0.01}, NORMAL_KURTOSIS, lambda fi, fo: 0.01 ** 2),
    "xavier": ({}, NORMAL_KURTOSIS, lambda fi, fo: 1 / fi),                  # course: √(1/n)
    "lecun-normal": ({}, NORMAL_KURTOSIS, lambda fi, fo: 1 / fi),
    "glorot-normal": ({}, NORMAL_KURTOSIS, lambda fi, fo: 2 / (fi + fo)),
    "glorot-uniform": ({}, UNIFORM_KURTOSIS, lambda fi, fo: (6 / (fi + fo)) / 3),  # b²/3
    "he": ({}, NORMAL_KURTOSIS, lambda fi, fo: 2 / fi),
    "he-uniform": ({}, UNIFORM_KURTOSIS, lambda fi, fo: (6 / fi) / 3),          # b = √(6/fan_in)
}


@pytest.mark.parametrize("shape", [DENSE, CONV], ids=["dense", "conv"])
@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_sample_moments_match_the_formula(reg, name, shape):
    kwargs, kurtosis, variance = FORMULAS[name]
    w = draw(reg, name, shape, **kwargs)
    assert w.shape == shape
    fan_in, fan_out = fans(shape)
    assert matches(w, variance(fan_in, fan_out), kurtosis), (w.mean(), w.var())


@pytest.mark.parametrize("shape", [DENSE, CONV], ids=["dense", "conv"])
@pytest.mark.parametrize("name,bound", [
    ("glorot-uniform", lambda fi, fo: math.sqrt(6 / (fi + fo))),
    ("he-uniform", lambda fi, fo: math.sqrt(6 / fi)),
])
def test_uniform_bounds(reg, name, bound, shape):
    w = draw(reg, name, shape)
    b = bound(*fans(shape))
    assert np.abs(w).max() <= b
    # with ≥ 18,432 draws, P(every |w| < 0.99·b) = 0.99^n < 1e−80: the bound is reached
    assert np.abs(w).max() > 0.99 * b


@pytest.mark.parametrize("shape", [DENSE, CONV], ids=["dense", "conv"])
def test_zeros_and_constant(reg, shape):
    assert not draw(reg, "zeros", shape).any()
    w = draw(reg, "constant", shape, val=0.5)
    assert w.shape == shape and np.all(w == 0.5)
    assert np.all(draw(reg, "constant", shape) == 0.01)  # documented default


def test_tolerances_reject_wrong_formulas(reg):
    fan_in, fan_out = fans(CONV)
    he = draw(reg, "he", CONV)
    assert not matches(he, 1 / fan_in, NORMAL_KURTOSIS)            # He is not Xavier
    assert not matches(he, 2 / fan_out, NORMAL_KURTOSIS)           # fans not swapped
    assert not matches(draw(reg, "glorot-normal", CONV), 1 / fan_in, NORMAL_KURTOSIS)
    assert not matches(draw(reg, "normal", DENSE), 1.1e-4, NORMAL_KURTOSIS)  # 10 % off


def test_course_xavier_equals_lecun_normal_not_glorot(reg):
    np.testing.assert_array_equal(draw(reg, "xavier", DENSE, seed=4),
                                  draw(reg, "lecun-normal", DENSE, seed=4))
    assert not np.allclose(draw(reg, "xavier", DENSE, seed=4),
                           draw(reg, "glorot-normal", DENSE, seed=4))


@pytest.mark.parametrize("name,kwargs,variance", [
    # torch.nn.init.calculate_gain: tanh 5/3, selu 3/4, leaky_relu √(2/(1 + a²))
    ("glorot-normal", {"gain": 2.0}, lambda fi, fo: 4 * 2 / (fi + fo)),
    ("glorot-uniform", {"gain": 0.5}, lambda fi, fo: 0.25 * 2 / (fi + fo)),
    ("he", {"nonlinearity": "tanh"}, lambda fi, fo: (5 / 3) ** 2 / fi),
    ("he", {"nonlinearity": "leaky_relu", "a": 1.0}, lambda fi, fo: 1 / fi),
    ("he", {"mode": "fan_out"}, lambda fi, fo: 2 / fo),
    ("he-uniform", {"nonlinearity": "selu"}, lambda fi, fo: 0.75 ** 2 / fi),
    ("he", {"nonlinearity": "leaky_relu"}, lambda fi, fo: 2 / fi),  # torch's default, a = 0
])
def test_gains_and_modes_as_torch(reg, name, kwargs, variance):
    w = draw(reg, name, CONV, **kwargs)
    kurtosis = UNIFORM_KURTOSIS if name.endswith("uniform") else NORMAL_KURTOSIS
    assert matches(w, variance(*fans(CONV)), kurtosis), w.var()


@pytest.mark.parametrize("name,kwargs,word", [
    ("he", {"mode": "fan_avg"}, "mode"), ("he-uniform", {"nonlinearity": "swish"}, "nonlinearity"),
    ("normal", {"std": -1.0}, "std"), ("glorot-normal", {"gain": -1.0}, "gain"),
])
def test_invalid_hyperparameters_fail_at_creation(reg, name, kwargs, word):
    with pytest.raises(HyperparameterError, match=word):
        reg.create("initializer", name, **kwargs)


def test_same_seed_same_weights_different_seed_different(reg):
    np.testing.assert_array_equal(draw(reg, "he", CONV, seed=1), draw(reg, "he", CONV, seed=1))
    assert not np.array_equal(draw(reg, "he", CONV, seed=1), draw(reg, "he", CONV, seed=2))


def hidden_unit_gradients(reg, name, **kwargs):
    """W1.grad of Dense(4, 3) → Sigmoid → Dense(3, 2) initialised with ``name``."""
    init = reg.create("initializer", name, **kwargs)
    rng = np.random.default_rng(0)
    net = Sequential(Dense(4, 3, weight_init=init, rng=rng, dtype=np.float64),
                     reg.create("activation", "sigmoid"),
                     Dense(3, 2, weight_init=init, rng=rng, dtype=np.float64))
    y = net.forward(rng.normal(size=(8, 4)))
    net.backward(rng.normal(size=y.shape))
    return net[0].weight.grad


def test_constant_weights_give_every_hidden_unit_the_same_gradient(reg):
    """The symmetry problem: identical units get identical updates and never diverge."""
    g = hidden_unit_gradients(reg, "constant", val=0.5)
    assert np.abs(g).max() > 0
    np.testing.assert_allclose(g[:, 1], g[:, 0], rtol=1e-12)
    np.testing.assert_allclose(g[:, 2], g[:, 0], rtol=1e-12)
    assert not hidden_unit_gradients(reg, "zeros").any()  # zeros: no gradient reaches W1
    g = hidden_unit_gradients(reg, "he")
    assert not np.allclose(g[:, 1], g[:, 0])  # random init breaks the symmetry
