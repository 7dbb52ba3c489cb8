"""Pooling and LRN: equal to obviously correct loops, torch's size and divisor rules, gradients."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dlbench.errors import HyperparameterError
from dlbench.nn import gradcheck
from dlbench.nn.im2col import ShapeError
from dlbench.nn.lrn import LocalResponseNorm
from dlbench.nn.pooling import AdaptiveAvgPool2d, AvgPool2d, GlobalAvgPool2d, MaxPool2d


def loop_out(size, k, s, p, ceil):
    """torch's documented rule, written out independently of the library."""
    out = (math.ceil if ceil else math.floor)((size + 2 * p - k) / s) + 1
    if ceil and (out - 1) * s >= size + p:
        out -= 1
    return out


def loop_pool(x, k, s, p, ceil, mode, count_include_pad=True):
    """One window at a time: max over the real elements inside it, or their sum divided
    by torch's divisor (window clipped to the padded input, or to the input)."""
    n, c, h, w = x.shape
    oh, ow = loop_out(h, k, s, p, ceil), loop_out(w, k, s, p, ceil)
    y = np.zeros((n, c, oh, ow))
    for r in range(oh):
        for q in range(ow):
            r0, q0 = r * s - p, q * s - p
            r1, q1 = min(r0 + k, h + p), min(q0 + k, w + p)
            window = x[:, :, max(r0, 0):min(r1, h), max(q0, 0):min(q1, w)]
            if mode == "max":
                y[:, :, r, q] = window.max(axis=(2, 3))
            else:
                count = (r1 - r0) * (q1 - q0) if count_include_pad else window.shape[2] * window.shape[3]
                y[:, :, r, q] = window.sum(axis=(2, 3)) / count
    return y


POOL_CASES = [  # (N, C, H, W), kernel, stride, padding, ceil_mode
    ((2, 3, 8, 8), 2, None, 0, False),
    ((2, 3, 7, 7), 2, 2, 0, False),
    ((2, 3, 7, 7), 2, 2, 0, True),
    ((1, 2, 9, 6), 3, 2, 1, False),
    ((1, 2, 9, 6), 3, 2, 1, True),
    ((2, 1, 6, 5), 3, 2, 0, True),
    ((1, 2, 5, 5), 2, 2, 1, True),
    ((1, 1, 7, 7), 3, 1, 1, True),
]


@pytest.mark.parametrize("shape, k, s, p, ceil", POOL_CASES)
def test_maxpool_equals_the_loop(shape, k, s, p, ceil):
    x = np.random.default_rng(0).normal(size=shape)
    y = MaxPool2d(k, s, p, ceil_mode=ceil).forward(x)
    np.testing.assert_array_equal(y, loop_pool(x, k, s if s else k, p, ceil, "max"))


@pytest.mark.parametrize("shape, k, s, p, ceil", POOL_CASES)
@pytest.mark.parametrize("include", [True, False])
def test_avgpool_equals_the_loop_with_torchs_divisor(shape, k, s, p, ceil, include):
    x = np.random.default_rng(0).normal(size=shape)
    y = AvgPool2d(k, s, p, ceil_mode=ceil, count_include_pad=include).forward(x)
    np.testing.assert_allclose(y, loop_pool(x, k, s if s else k, p, ceil, "avg", include),
                               rtol=1e-12)


@pytest.mark.parametrize("shape, k, s, p, ceil", POOL_CASES)
@pytest.mark.parametrize("cls", [MaxPool2d, AvgPool2d])
def test_pool_gradcheck(cls, shape, k, s, p, ceil):
    # distinct values a few h apart: no ties inside a window, so max is differentiable
    x = np.random.default_rng(1).permutation(np.prod(shape)).reshape(shape) * 0.01
    result = gradcheck(cls(k, s, p, ceil_mode=ceil), x)
    assert result.passed, result


def test_maxpool_ties_send_the_gradient_to_the_first_maximum():
    pool = MaxPool2d(2)
    pool.forward(np.ones((1, 1, 2, 2)))
    np.testing.assert_array_equal(pool.backward(np.ones((1, 1, 1, 1)))[0, 0], [[1, 0], [0, 0]])


def test_overlapping_max_windows_add_their_gradients():
    x = np.zeros((1, 1, 3, 3))
    x[0, 0, 1, 1] = 5.0  # the centre is the max of all four 2×2 windows (stride 1)
    pool = MaxPool2d(2, 1)
    pool.forward(x)
    assert pool.backward(np.ones((1, 1, 2, 2)))[0, 0, 1, 1] == 4.0


def test_wrong_backward_is_caught():
    class Halved(AvgPool2d):
        def backward(self, dy):
            return super().backward(dy) * 0.5

    result = gradcheck(Halved(2), np.random.default_rng(0).normal(size=(1, 1, 4, 4)))
    assert not result.passed


def test_float32_stays_float32():
    x = np.random.default_rng(0).normal(size=(2, 3, 6, 6)).astype(np.float32)
    for layer in (MaxPool2d(2), AvgPool2d(3, 2, 1, True), AdaptiveAvgPool2d(4), GlobalAvgPool2d(),
                  LocalResponseNorm(3)):
        y = layer.forward(x)
        assert y.dtype == np.float32, layer
        assert layer.backward(np.ones_like(y)).dtype == np.float32, layer


def test_pool_errors_name_the_layer():
    with pytest.raises(ShapeError, match=r"MaxPool2d\(kernel_size=\(3, 3\).*input 2×2 padded to "
                                         r"2×2 is smaller than the kernel 3×3"):
        MaxPool2d(3).forward(np.zeros((1, 1, 2, 2)))
    with pytest.raises(ShapeError, match="at most half the kernel size"):
        MaxPool2d(2, padding=2)
    with pytest.raises(HyperparameterError, match=r"padding must be in \[0, inf\)"):
        AvgPool2d(2, padding=-1)


def loop_adaptive(x, oh, ow):
    n, c, h, w = x.shape
    y = np.zeros((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            r0, r1 = (i * h) // oh, -(-((i + 1) * h) // oh)
            c0, c1 = (j * w) // ow, -(-((j + 1) * w) // ow)
            y[:, :, i, j] = x[:, :, r0:r1, c0:c1].mean(axis=(2, 3))
    return y


@pytest.mark.parametrize("shape, out", [((2, 3, 7, 7), 7), ((2, 3, 7, 7), 3), ((1, 2, 5, 9), (2, 4)),
                                        ((1, 1, 3, 3), 6), ((1, 2, 13, 13), 6)])
def test_adaptive_avgpool_uses_torchs_bins(shape, out):
    x = np.random.default_rng(0).normal(size=shape)
    oh, ow = (out, out) if isinstance(out, int) else out
    layer = AdaptiveAvgPool2d(out)
    np.testing.assert_allclose(layer.forward(x), loop_adaptive(x, oh, ow), rtol=1e-12)
    assert gradcheck(layer, x).passed


def test_global_avgpool_is_the_channel_mean():
    x = np.random.default_rng(0).normal(size=(2, 3, 4, 5))
    layer = GlobalAvgPool2d()
    np.testing.assert_allclose(layer.forward(x), x.mean(axis=(2, 3)))
    assert gradcheck(layer, x).passed


def loop_lrn(x, size, alpha, beta, k):
    c = x.shape[1]
    y = np.zeros_like(x)
    for ch in range(c):
        lo, hi = max(0, ch - size // 2), min(c - 1, ch + (size - 1) // 2)
        y[:, ch] = x[:, ch] / (k + alpha / size * (x[:, lo:hi + 1] ** 2).sum(axis=1)) ** beta
    return y


@pytest.mark.parametrize("size, alpha, beta, k", [(5, 1e-4, 0.75, 1.0), (2, 0.5, 0.75, 2.0),
                                                  (4, 1.0, 1.3, 1.0), (1, 0.3, 0.5, 1.0)])
def test_lrn_equals_the_loop_and_passes_gradcheck(size, alpha, beta, k):
    x = np.random.default_rng(0).normal(size=(2, 7, 3, 3)) * 2
    layer = LocalResponseNorm(size, alpha, beta, k)
    np.testing.assert_allclose(layer.forward(x), loop_lrn(x, size, alpha, beta, k), rtol=1e-12)
    result = gradcheck(layer, x)
    assert result.passed, result


def test_lrn_wrong_backward_is_caught():
    class NoCrossTerm(LocalResponseNorm):
        def backward(self, dy):  # forgets that a_c also appears in its neighbours' denominators
            return dy * self._cache[2]

    assert not gradcheck(NoCrossTerm(3, alpha=1.0), np.random.default_rng(0).normal(size=(1, 4, 2, 2))).passed
