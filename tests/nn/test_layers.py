"""Dense and Flatten: formula, layout, fans given to the initializer, dtypes, gradients."""

from __future__ import annotations

import numpy as np
import pytest

from dlbench.nn import Dense, Flatten, gradcheck


def test_dense_is_x_at_w_plus_b_with_book_layout():
    layer = Dense(3, 2, rng=0)
    assert layer.weight.shape == (3, 2) and layer.bias.shape == (2,)
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_allclose(layer.forward(x), x @ layer.weight.data + layer.bias.data, rtol=1e-6)


def test_dense_passes_fans_to_its_initializer_and_zeroes_bias():
    seen = {}

    def init(shape, rng, *, fan_in, fan_out):
        seen.update(shape=shape, fan_in=fan_in, fan_out=fan_out)
        return np.full(shape, 0.5)

    layer = Dense(7, 3, weight_init=init, rng=0)
    assert seen == {"shape": (7, 3), "fan_in": 7, "fan_out": 3}
    assert np.all(layer.weight.data == 0.5) and not layer.bias.data.any()


def test_dense_default_init_is_torch_uniform_bound():
    layer = Dense(400, 50, rng=0)
    bound = 1 / np.sqrt(400)
    assert np.abs(layer.weight.data).max() <= bound
    assert np.abs(layer.weight.data).max() > 0.95 * bound
    assert layer.weight.dtype == np.float32


def test_dense_same_seed_same_weights():
    np.testing.assert_array_equal(Dense(5, 4, rng=3).weight.data, Dense(5, 4, rng=3).weight.data)


def test_dense_reads_param_data_each_call():
    layer = Dense(2, 2, rng=0)
    layer.weight.data = np.eye(2)
    layer.bias.data = np.zeros(2)
    np.testing.assert_array_equal(layer.forward(np.array([[1.0, 2.0]])), [[1.0, 2.0]])


def test_dense_shape_error_names_the_layer():
    with pytest.raises(ValueError, match=r"Dense\(3, 2\) expects input \(N, 3\)"):
        Dense(3, 2, rng=0).forward(np.zeros((4, 5)))


@pytest.mark.parametrize("bias", [True, False])
def test_dense_gradcheck(bias):
    result = gradcheck(Dense(5, 3, bias=bias, rng=0), np.random.default_rng(1).normal(size=(4, 5)))
    assert result.passed, result
    assert set(result.errors) == {"input", "weight"} | ({"bias"} if bias else set())


def test_flatten_round_trip_and_gradcheck():
    f = Flatten()
    x = np.random.default_rng(0).normal(size=(2, 3, 4, 5))
    assert f.forward(x).shape == (2, 60)
    assert f.backward(np.ones((2, 60))).shape == x.shape
    assert gradcheck(f, x).passed
