"""Conv2d: equal to an obviously correct loop, gradients, fans, errors; im2col geometry."""

from __future__ import annotations

import numpy as np
import pytest

from dlbench.errors import HyperparameterError
from dlbench.nn import gradcheck
from dlbench.nn.conv import Conv2d
from dlbench.nn.im2col import ShapeError, dropped, output_size


def loop_conv(x, w, b, stride, padding, groups=1):
    """The definition, one output element at a time (slow, obviously correct)."""
    n, c, h, wd = x.shape
    f, cg, kh, kw = w.shape
    (sh, sw), (ph, pw) = stride, padding
    xp = np.zeros((n, c, h + 2 * ph, wd + 2 * pw))
    xp[:, :, ph:ph + h, pw:pw + wd] = x
    oh, ow = (h + 2 * ph - kh) // sh + 1, (wd + 2 * pw - kw) // sw + 1
    y = np.zeros((n, f, oh, ow))
    per_group = f // groups
    for i in range(n):
        for o in range(f):
            g = o // per_group
            for r in range(oh):
                for s in range(ow):
                    patch = xp[i, g * cg:(g + 1) * cg, r * sh:r * sh + kh, s * sw:s * sw + kw]
                    y[i, o, r, s] = np.sum(patch * w[o]) + (b[o] if b is not None else 0.0)
    return y


CASES = [  # (N, C, H, W), F, kernel, stride, padding, groups
    ((2, 3, 7, 9), 4, 3, 1, 0, 1),
    ((2, 3, 7, 9), 4, 3, 2, 1, 1),
    ((1, 2, 8, 5), 3, (3, 2), (2, 1), (1, 0), 1),
    ((3, 4, 6, 6), 6, 5, 1, 2, 2),
    ((1, 1, 11, 11), 2, 11, 4, 2, 1),
    ((2, 2, 5, 7), 1, 1, 3, 0, 1),
    ((2, 3, 4, 5), 4, 1, 1, 0, 1),     # 1×1, stride 1: the columns are the input itself
    ((1, 2, 3, 3), 2, 1, 1, 1, 1),     # 1×1 with padding
]


@pytest.mark.parametrize("x_shape, f, k, s, p, g", CASES)
def test_conv_equals_the_loop_definition(x_shape, f, k, s, p, g):
    rng = np.random.default_rng(0)
    conv = Conv2d(x_shape[1], f, k, s, p, groups=g, rng=1, dtype=np.float64)
    x = rng.normal(size=x_shape)
    expected = loop_conv(x, conv.weight.data, conv.bias.data, conv.stride, conv.padding, g)
    np.testing.assert_allclose(conv.forward(x), expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("x_shape, f, k, s, p, g", CASES[:4] + CASES[-2:])
@pytest.mark.parametrize("bias", [True, False])
def test_conv_gradcheck(x_shape, f, k, s, p, g, bias):
    conv = Conv2d(x_shape[1], f, k, s, p, bias=bias, groups=g, rng=0)
    result = gradcheck(conv, np.random.default_rng(2).normal(size=x_shape))
    assert result.passed, result
    assert set(result.errors) == {"input", "weight"} | ({"bias"} if bias else set())


def test_a_wrong_backward_is_caught(monkeypatch):
    """col2im that forgets the last kernel offset must fail the input check."""
    import dlbench.nn.conv as conv_module
    from dlbench.nn import im2col as geometry

    def broken(dcols, padded_shape, kernel, stride, out):
        d = dcols.reshape(padded_shape[0], *kernel, -1).copy()
        d[:, -1, -1] = 0
        return geometry.col2im(d.reshape(dcols.shape), padded_shape, kernel, stride, out)

    monkeypatch.setattr(conv_module, "col2im", broken)
    result = gradcheck(Conv2d(2, 3, 3, padding=1, rng=0), np.random.default_rng(0).normal(size=(2, 2, 5, 5)))
    assert not result.passed and result.failing() == ["input"]


def test_float32_in_float32_out_and_shapes():
    conv = Conv2d(16, 32, 3, padding=1, rng=0)
    x = np.random.default_rng(0).normal(size=(4, 16, 28, 28)).astype(np.float32)
    y = conv.forward(x)
    assert y.shape == (4, 32, 28, 28) and y.dtype == np.float32 and y.flags.c_contiguous
    dx = conv.backward(np.ones_like(y))
    assert dx.shape == x.shape and dx.dtype == np.float32
    assert conv.weight.grad.dtype == np.float32


@pytest.mark.parametrize("n", [1, 3])
def test_results_never_alias_reused_scratch_memory(n):
    """Temporaries are reused across calls and layers; what a layer returns must not be."""
    rng = np.random.default_rng(0)
    a, b = Conv2d(2, 3, 1, rng=0), Conv2d(2, 3, 1, rng=1)
    x = rng.normal(size=(n, 2, 4, 4))
    ya = a.forward(x)
    kept = ya.copy()
    b.forward(x)
    np.testing.assert_array_equal(ya, kept)
    dxa = a.backward(np.ones_like(ya))
    kept = dxa.copy()
    b.backward(np.full_like(ya, 2.0))
    np.testing.assert_array_equal(dxa, kept)


def test_weight_layout_fans_and_default_init():
    seen = {}

    def init(shape, rng, *, fan_in, fan_out):
        seen.update(shape=shape, fan_in=fan_in, fan_out=fan_out)
        return np.zeros(shape)

    conv = Conv2d(3, 8, (5, 3), weight_init=init, rng=0)
    assert seen == {"shape": (8, 3, 5, 3), "fan_in": 3 * 5 * 3, "fan_out": 8 * 5 * 3}
    assert not conv.bias.data.any()
    grouped = Conv2d(4, 6, 3, groups=2, rng=0)
    assert grouped.weight.shape == (6, 2, 3, 3)
    bound = 1 / np.sqrt(2 * 3 * 3)  # torch: U(±1/√fan_in) with fan_in = C/groups·K·K
    assert bound * 0.9 < np.abs(grouped.weight.data).max() <= bound
    assert np.abs(grouped.bias.data).max() <= bound


def test_reads_param_data_on_every_call():
    conv = Conv2d(1, 1, 1, rng=0)
    conv.weight.data = np.full((1, 1, 1, 1), 2.0)
    conv.bias.data = np.zeros(1)
    np.testing.assert_array_equal(conv.forward(np.ones((1, 1, 2, 2))), np.full((1, 1, 2, 2), 2.0))


def test_same_seed_same_weights():
    np.testing.assert_array_equal(Conv2d(3, 4, 3, rng=5).weight.data, Conv2d(3, 4, 3, rng=5).weight.data)


@pytest.mark.parametrize("kwargs, match", [
    ({"padding": -1}, r"padding must be in \[0, inf\), got -1"),
    ({"stride": 0}, r"stride must be in \[1, inf\)"),
    ({"kernel_size": 0}, r"kernel_size must be in \[1, inf\)"),
    ({"groups": 2}, r"groups=2 must divide in_channels=3"),
])
def test_bad_hyperparameters_fail_at_creation(kwargs, match):
    args = {"in_channels": 3, "out_channels": 4, "kernel_size": 3, **kwargs}
    with pytest.raises(HyperparameterError, match=match):
        Conv2d(**args)


def test_channel_mismatch_and_too_small_input_name_the_layer_and_shapes():
    conv = Conv2d(3, 4, 5, rng=0)
    with pytest.raises(ShapeError, match=r"Conv2d\(3, 4, kernel_size=\(5, 5\).*expects input "
                                         r"\(N, 3, H, W\), got \(1, 2, 8, 8\)"):
        conv.forward(np.zeros((1, 2, 8, 8)))
    with pytest.raises(ShapeError, match=r"input 3×3 padded to 3×3 is smaller than the kernel 5×5"):
        conv.forward(np.zeros((1, 3, 3, 3)))


@pytest.mark.parametrize("size, k, s, p, ceil, expected", [
    (224, 11, 4, 2, False, 55),   # AlexNet (torchvision) conv1
    (224, 11, 4, 0, False, 54),   # the paper's 224 does not divide: floor
    (55, 3, 2, 0, False, 27),
    (112, 3, 2, 0, True, 56),     # GoogLeNet's ceil_mode pools
    (6, 2, 2, 0, True, 3),
    (5, 2, 2, 1, True, 3),        # a 4th window would start in the right padding: dropped
    (3, 5, 1, 0, False, 0),       # does not fit
])
def test_output_size_rule(size, k, s, p, ceil, expected):
    assert output_size(size, k, s, p, ceil) == expected


def test_dropped_rows_are_counted():
    assert dropped(224, 11, 4, 0, 54) == 1  # (224 − 11) % 4 = 1 row never seen
    assert dropped(224, 11, 4, 2, 55) == 0
    assert dropped(7, 2, 2, 0, 3) == 1
