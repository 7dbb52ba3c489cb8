"""BatchNorm1d / BatchNorm2d: torch semantics (running stats, eval), the book variant,
gradients in float64, float32 preserved, bad hyperparameters refused."""

from __future__ import annotations

import numpy as np
import pytest

from dlbench.errors import HyperparameterError
from dlbench.nn import BatchNorm1d, BatchNorm2d, gradcheck


def test_training_normalises_with_biased_batch_variance():
    x = np.array([[1.0, 10.0], [2.0, 20.0], [4.0, 60.0]])
    bn = BatchNorm1d(2, dtype=np.float64)
    bn.weight.data[...] = [2.0, 1.0]
    bn.bias.data[...] = [0.5, -1.0]
    y = bn.forward(x)
    # channel 0: mean 7/3, biased variance ((1-7/3)^2 + (2-7/3)^2 + (4-7/3)^2)/3 = 14/9
    x_hat0 = (x[:, 0] - 7 / 3) / np.sqrt(14 / 9 + 1e-5)
    np.testing.assert_allclose(y[:, 0], 2.0 * x_hat0 + 0.5, rtol=1e-12)
    # channel 1: mean 30, biased variance (400 + 100 + 900)/3
    x_hat1 = (x[:, 1] - 30) / np.sqrt(1400 / 3 + 1e-5)
    np.testing.assert_allclose(y[:, 1], x_hat1 - 1.0, rtol=1e-12)


def test_running_stats_use_momentum_on_new_batch_and_unbiased_variance():
    x = np.array([[1.0, 10.0], [2.0, 20.0], [4.0, 60.0]])
    bn = BatchNorm1d(2, momentum=0.1)
    bn.forward(x)
    # mean: 0.9·0 + 0.1·batch mean; var: 0.9·1 + 0.1·(unbiased = biased·3/2)
    np.testing.assert_allclose(bn.running_mean, [0.1 * 7 / 3, 0.1 * 30], rtol=1e-6)
    np.testing.assert_allclose(bn.running_var, [0.9 + 0.1 * (14 / 9) * 1.5,
                                                0.9 + 0.1 * (1400 / 3) * 1.5], rtol=1e-6)
    bn.forward(x)  # a second identical batch moves them again
    np.testing.assert_allclose(bn.running_mean, [0.19 * 7 / 3, 0.19 * 30], rtol=1e-6)


def test_eval_uses_running_stats_and_leaves_them_unchanged():
    bn = BatchNorm1d(3, dtype=np.float64)
    bn.running_mean[...] = [1.0, -2.0, 0.5]
    bn.running_var[...] = [4.0, 0.25, 1.0]
    bn.weight.data[...] = [1.0, 2.0, 3.0]
    bn.bias.data[...] = [0.0, 1.0, -1.0]
    bn.eval()
    x = np.random.default_rng(0).normal(size=(5, 3))
    y = bn.forward(x)
    expected = (x - [1.0, -2.0, 0.5]) / np.sqrt(np.array([4.0, 0.25, 1.0]) + 1e-5) * [1, 2, 3] + [0, 1, -1]
    np.testing.assert_allclose(y, expected, rtol=1e-12)
    np.testing.assert_array_equal(bn.running_mean, [1.0, -2.0, 0.5])


def test_train_and_eval_outputs_differ():
    x = np.random.default_rng(0).normal(3.0, 2.0, size=(8, 4)).astype(np.float32)
    bn = BatchNorm1d(4)
    y_train = bn.forward(x)
    assert np.abs(y_train.mean(axis=0)).max() < 1e-5  # batch statistics: centred
    y_eval = bn.eval().forward(x)
    assert np.abs(y_eval.mean(axis=0)).min() > 0.5   # running stats after one step: not centred


def test_batchnorm2d_statistics_per_channel_over_n_h_w():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 3, 4, 5)) * np.array([1.0, 5.0, 0.1]).reshape(1, 3, 1, 1)
    bn = BatchNorm2d(3, dtype=np.float64)
    y = bn.forward(x)
    np.testing.assert_allclose(y.mean(axis=(0, 2, 3)), 0.0, atol=1e-12)
    np.testing.assert_allclose(y.var(axis=(0, 2, 3)), x.var(axis=(0, 2, 3)) /
                               (x.var(axis=(0, 2, 3)) + 1e-5), rtol=1e-10)
    n = 2 * 4 * 5
    np.testing.assert_allclose(bn.running_var, 0.9 + 0.1 * x.var(axis=(0, 2, 3)) * n / (n - 1))


def test_batchnorm1d_three_dim_input_reduces_over_n_and_length():
    x = np.random.default_rng(2).normal(size=(3, 2, 6))
    y = BatchNorm1d(2, dtype=np.float64).forward(x)
    np.testing.assert_allclose(y.mean(axis=(0, 2)), 0.0, atol=1e-12)


def test_book_variant_eps_and_biased_running_variance():
    x = np.array([[1.0], [2.0], [4.0]])
    bn = BatchNorm1d(1, variant="book")
    assert bn.eps == 1e-6
    bn.forward(x)
    # the book: running_var = 0.9·running_var + 0.1·var with the biased var 14/9
    np.testing.assert_allclose(bn.running_var, [0.9 + 0.1 * 14 / 9], rtol=1e-6)
    np.testing.assert_allclose(bn.running_mean, [0.1 * 7 / 3], rtol=1e-6)


@pytest.mark.parametrize("layer, shape", [
    (lambda: BatchNorm1d(3), (5, 3)),
    (lambda: BatchNorm1d(2), (3, 2, 4)),
    (lambda: BatchNorm2d(2), (2, 2, 3, 3)),
    (lambda: BatchNorm1d(3, variant="book"), (4, 3)),
    (lambda: BatchNorm1d(3, affine=False), (4, 3)),
])
@pytest.mark.parametrize("mode", ["train", "eval"])
def test_gradcheck(layer, shape, mode):
    bn = layer()
    # not seed 0: gradcheck draws its upstream dy from seed 0, and x̂ ∝ dy makes dx ≈ 0
    rng = np.random.default_rng(42)
    if bn.affine:
        bn.weight.data = rng.uniform(0.5, 2.0, size=bn.weight.shape).astype(np.float32)
        bn.bias.data = rng.normal(size=bn.bias.shape).astype(np.float32)
    bn.train(mode == "train")
    result = gradcheck(bn, rng.normal(1.0, 2.0, size=shape))
    assert result.passed, result
    assert set(result.errors) == {"input"} | ({"weight", "bias"} if bn.affine else set())


def test_float32_preserved_and_params_are_1d():
    bn = BatchNorm2d(4)
    x = np.random.default_rng(0).normal(size=(2, 4, 3, 3)).astype(np.float32)
    y = bn.forward(x)
    assert y.dtype == np.float32 and bn.backward(np.ones_like(y)).dtype == np.float32
    assert bn.running_mean.dtype == np.float32 and bn.running_var.dtype == np.float32
    assert {name: p.shape for name, p in bn.named_parameters()} == {"weight": (4,), "bias": (4,)}
    assert set(bn.state_dict()) == {"weight", "bias", "running_mean", "running_var"}


def test_reads_param_data_each_call():
    bn = BatchNorm1d(2, dtype=np.float64)
    bn.weight.data = np.array([0.0, 0.0])
    bn.bias.data = np.array([3.0, 4.0])
    np.testing.assert_array_equal(bn.forward(np.array([[1.0, 2.0], [3.0, 5.0]])), [[3, 4], [3, 4]])


@pytest.mark.parametrize("kwargs, name", [
    ({"num_features": 0}, "num_features"),
    ({"num_features": 3, "momentum": 1.5}, "momentum"),
    ({"num_features": 3, "eps": 0.0}, "eps"),
    ({"num_features": 3, "variant": "keras"}, "variant"),
])
def test_bad_hyperparameters_name_themselves(kwargs, name):
    with pytest.raises(HyperparameterError, match=name):
        BatchNorm1d(**kwargs)


def test_wrong_input_shape_and_single_value_per_channel():
    with pytest.raises(ValueError, match=r"BatchNorm2d\(3\) expects input \(N, 3, H, W\)"):
        BatchNorm2d(3).forward(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        BatchNorm1d(3).forward(np.zeros((1, 3)))
