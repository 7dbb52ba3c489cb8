"""2-D convolution (cross-correlation, as every framework computes it) by im2col + GEMM."""

from __future__ import annotations

import numpy as np

from ..errors import HyperparameterError, check_range
from .im2col import (ShapeError, col2im, im2col, pad_cnhw, pair, scratch, unpad_nchw,
                     window_output)
from .init import Initializer, init_weight_and_bias
from .module import Module
from .parameter import Parameter


def check_window_args(kernel_size, stride, padding) -> tuple:
    """Validate torch-style window arguments; returns them as pairs."""
    kernel, stride, padding = pair(kernel_size, "kernel_size"), pair(stride, "stride"), \
        pair(padding, "padding")
    for name, values, low in (("kernel_size", kernel, 1), ("stride", stride, 1),
                              ("padding", padding, 0)):
        for v in values:
            check_range(name, v, low=low)
    return kernel, stride, padding


class Conv2d(Module):
    """``y[n, f] = b[f] + Σ_c Σ_ij W[f, c, i, j] · x_pad[n, c, s·oh + i, s·ow + j]``.

    Shapes: ``x`` (N, C, H, W) -> ``y`` (N, F, OH, OW) with
    OH = ⌊(H + 2P − KH)/S⌋ + 1 (likewise OW); ``weight`` (F, C/groups, KH, KW), ``bias`` (F,).

    Arguments and defaults are ``torch.nn.Conv2d``'s (no dilation, zero padding only).
    ``groups`` splits the channels into independent convolutions (AlexNet's two GPUs).
    Default init is torch's U(±1/√fan_in) for weight and bias, fan_in = C/groups·KH·KW;
    a ``weight_init`` receives fan_in = C/groups·KH·KW and fan_out = F·KH·KW (bias then 0).

    Computation: im2col into ``(C·KH·KW, N·OH·OW)`` columns, one matrix product
    (batched over groups); backward is two products and col2im (see :mod:`.im2col`).
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 bias: bool = True, groups: int = 1, *, weight_init: Initializer | None = None,
                 rng=None, dtype=np.float32):
        super().__init__()
        check_range("in_channels", in_channels, low=1)
        check_range("out_channels", out_channels, low=1)
        check_range("groups", groups, low=1)
        if in_channels % groups or out_channels % groups:
            raise HyperparameterError(
                f"groups={groups} must divide in_channels={in_channels} and "
                f"out_channels={out_channels}")
        self.kernel_size, self.stride, self.padding = check_window_args(kernel_size, stride,
                                                                        padding)
        self.in_channels, self.out_channels, self.groups = int(in_channels), int(out_channels), \
            int(groups)
        shape = (self.out_channels, self.in_channels // groups, *self.kernel_size)
        w, b = init_weight_and_bias(shape, (self.out_channels,) if bias else None, rng,
                                    weight_init, dtype)
        self.weight = Parameter(w)
        self.bias = Parameter(b) if b is not None else None
        self._cache = None

    def output_shape(self, x_shape) -> tuple[int, int, int, int]:
        """``(N, F, OH, OW)`` for an input of ``x_shape``; ShapeError if it cannot take it."""
        if len(x_shape) != 4 or x_shape[1] != self.in_channels:
            raise ShapeError(f"{self!r} expects input (N, {self.in_channels}, H, W), "
                             f"got {tuple(x_shape)}")
        oh, ow = window_output(repr(self), x_shape[2:], self.kernel_size, self.stride,
                               self.padding)
        return x_shape[0], self.out_channels, oh, ow

    def forward(self, x: np.ndarray) -> np.ndarray:
        n, _, oh, ow = self.output_shape(x.shape)
        g, f = self.groups, self.out_channels
        w = self.weight.data
        xp = pad_cnhw(x, self.padding)
        previous = self._cache[2] if self._cache is not None else None
        cols = im2col(xp, self.kernel_size, self.stride, (oh, ow), previous)  # (C·K·K, N·OH·OW)
        m = cols.shape[1]
        y = scratch("conv-out", (g, f // g, m), np.result_type(w, cols))
        np.matmul(w.reshape(g, f // g, -1), cols.reshape(g, -1, m), out=y)
        y = y.reshape(f, n, oh, ow)
        if self.bias is not None:
            y += self.bias.data.reshape(f, 1, 1, 1)
        self._cache = (x.shape, xp.shape, cols, (oh, ow))
        return y.transpose(1, 0, 2, 3).copy()  # always a copy: y is scratch memory

    def backward(self, dy: np.ndarray) -> np.ndarray:
        x_shape, xp_shape, cols, out = self._cache
        g, f = self.groups, self.out_channels
        w = self.weight.data
        dy_t = np.ascontiguousarray(dy.transpose(1, 0, 2, 3)).reshape(g, f // g, -1)
        cols_g = cols.reshape(g, -1, cols.shape[1])
        # (cols · dyᵀ)ᵀ rather than dy · colsᵀ: same product, but BLAS runs the long
        # N·OH·OW reduction about 1.7× faster in this orientation
        dw = np.matmul(cols_g, dy_t.transpose(0, 2, 1))  # (g, C/g·K·K, F/g)
        self.weight.grad += dw.transpose(0, 2, 1).reshape(w.shape)
        if self.bias is not None:
            self.bias.grad += dy_t.reshape(f, -1).sum(axis=1)
        dcols = scratch("conv-dcols", cols_g.shape, np.result_type(w, dy_t))
        np.matmul(w.reshape(g, f // g, -1).transpose(0, 2, 1), dy_t, out=dcols)
        dxp = col2im(dcols.reshape(cols.shape), xp_shape, self.kernel_size, self.stride, out)
        return unpad_nchw(dxp, self.padding, x_shape[2:])

    def extra_repr(self) -> str:
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        if any(self.padding):
            s += f", padding={self.padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        return s + ("" if self.bias is not None else ", bias=False")
