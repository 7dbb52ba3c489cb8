"""Maxout: parameter layout, hand values, routing of the gradient to the winning piece,
gradient checks, and its registration as both an activation and a layer."""

from __future__ import annotations

import numpy as np
import pytest

import dlbench
from dlbench.errors import HyperparameterError
from dlbench.nn import Dense, gradcheck, penalised_weights
from dlbench.testing import check_entry
from dlbench.testing.core import example_input


@pytest.fixture(scope="module")
def reg():
    return dlbench.registry(refresh=True)


def maxout(reg, **kw):
    return reg.create("layer", "maxout", **kw)


def test_parameter_layout_and_dtype(reg):
    m = maxout(reg, in_features=4, out_features=3, pool_size=5, rng=0)
    assert m.weight.shape == (4, 3, 5) and m.bias.shape == (15,)
    assert m.weight.dtype == np.float32 and m.bias.dtype == np.float32
    # the weight is penalised like any weight, the 1-D bias is not
    assert [n for n, _ in penalised_weights(m.named_parameters())] == ["weight"]
    y = m.forward(np.ones((2, 4), dtype=np.float32))
    assert y.shape == (2, 3) and y.dtype == np.float32


def test_hand_values_and_gradient_routed_to_the_winning_piece(reg):
    m = maxout(reg, in_features=2, out_features=1, pool_size=3, dtype=np.float64)
    # pieces of the single unit: z0 = x0, z1 = x1, z2 = −x0 − x1 + 1
    m.weight.data[:, 0, :] = [[1.0, 0.0, -1.0], [0.0, 1.0, -1.0]]
    m.bias.data[:] = [0.0, 0.0, 1.0]
    x = np.array([[2.0, 1.0],     # z = (2, 1, −2): piece 0
                  [0.0, 3.0],     # z = (0, 3, −2): piece 1
                  [-1.0, -1.0]])  # z = (−1, −1, 3): piece 2
    np.testing.assert_array_equal(m.forward(x), [[2.0], [3.0], [3.0]])
    dy = np.array([[1.0], [10.0], [100.0]])
    dx = m.backward(dy)
    # dx_n = dy_n · W[:, 0, winner_n]
    np.testing.assert_array_equal(dx, [[1.0, 0.0], [0.0, 10.0], [-100.0, -100.0]])
    # dW[:, 0, j] = Σ_{n won by j} x_n dy_n; db[j] = Σ_{n won by j} dy_n
    np.testing.assert_array_equal(m.weight.grad[:, 0, :], [[2.0, 0.0, -100.0], [1.0, 30.0, -100.0]])
    np.testing.assert_array_equal(m.bias.grad, [1.0, 10.0, 100.0])


def test_ties_go_to_the_first_piece(reg):
    m = maxout(reg, in_features=1, out_features=1, pool_size=2, dtype=np.float64)
    m.weight.data[...] = 1.0
    m.bias.data[...] = 0.0
    m.forward(np.array([[2.0]]))
    m.backward(np.array([[1.0]]))
    np.testing.assert_array_equal(m.bias.grad, [1.0, 0.0])


def test_equals_a_dense_layer_grouped_by_unit(reg):
    m = maxout(reg, in_features=6, out_features=4, pool_size=3, rng=1, dtype=np.float64)
    dense = Dense(6, 12, dtype=np.float64)
    dense.weight.data[...] = m.weight.data.reshape(6, 12)
    dense.bias.data[...] = m.bias.data
    x = np.random.default_rng(0).normal(size=(5, 6))
    np.testing.assert_allclose(m.forward(x), dense.forward(x).reshape(5, 4, 3).max(axis=-1),
                               rtol=1e-15)


def test_initializer_receives_the_fans_of_one_piece(reg):
    seen = {}

    def record(shape, rng, *, fan_in, fan_out):
        seen.update(shape=shape, fan_in=fan_in, fan_out=fan_out)
        return rng.normal(size=shape)

    m = maxout(reg, in_features=7, out_features=2, pool_size=4, weight_init=record, rng=0)
    assert seen == {"shape": (7, 2, 4), "fan_in": 7, "fan_out": 2}
    assert not m.bias.data.any()  # with an initializer the bias starts at 0, as Dense


@pytest.mark.parametrize("shape,pool", [((5, 4), 2), ((3, 2, 4), 3), ((6, 4), 1)])
def test_gradient_check(reg, shape, pool):
    m = maxout(reg, in_features=4, out_features=3, pool_size=pool, rng=2)
    x = np.random.default_rng(3).uniform(-1, 1, size=shape)
    result = gradcheck(m, x)
    assert result.passed, result
    assert set(result.errors) == {"input", "weight", "bias"}


def test_same_seed_same_weights(reg):
    a = maxout(reg, in_features=3, out_features=2, rng=9)
    b = maxout(reg, in_features=3, out_features=2, rng=9)
    np.testing.assert_array_equal(a.weight.data, b.weight.data)


@pytest.mark.parametrize("kind", ["activation", "layer"])
def test_registered_as_activation_and_layer_and_checked(reg, kind):
    entry = reg.entry(kind, "maxout")
    assert entry.obj is reg.get("layer", "maxout")
    assert not [r for r in check_entry(entry, builtin=True) if r.failed]


@pytest.mark.parametrize("kind", ["activation", "layer"])
def test_check_example_has_no_near_ties(reg, kind):
    """A tie between the two best pieces is maxout's kink: the check input must keep the
    winner ahead by far more than the finite-difference step."""
    entry = reg.entry(kind, "maxout")
    m = entry.obj(**entry.example["kwargs"])
    x = example_input(entry.example, (4, 5), (-1.0, 1.0))
    w = m.weight.data.astype(np.float64)
    z = (x @ w.reshape(w.shape[0], -1) + m.bias.data).reshape(x.shape[0], m.out_features, -1)
    top2 = np.sort(z, axis=-1)[..., -2:]
    assert (top2[..., 1] - top2[..., 0]).min() > 1e-2


def test_bad_arguments(reg):
    with pytest.raises(HyperparameterError, match="pool_size"):
        maxout(reg, in_features=3, out_features=2, pool_size=0)
    m = maxout(reg, in_features=3, out_features=2)
    with pytest.raises(ValueError, match=r"\(\.\.\., 3\)"):
        m.forward(np.ones((2, 4)))
