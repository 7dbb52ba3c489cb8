"""Pooling: max, average, global average and adaptive average (torch.nn's rules).

Max and average pooling loop over the ``KH·KW`` kernel offsets (never over pixels or
batch items): each offset is one strided view of the padded input, so the work is
``KH·KW`` whole-array operations.
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import check_range
from .conv import check_window_args
from .im2col import ShapeError, pad_cnhw, unpad_nchw, window_output
from .module import Module


class _Pool2d(Module):
    """Shared geometry of max and average pooling (``stride=None`` means kernel_size)."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False):
        super().__init__()
        self.kernel_size, self.stride, self.padding = check_window_args(
            kernel_size, kernel_size if stride is None else stride, padding)
        for k, p in zip(self.kernel_size, self.padding):
            if p > k // 2:
                raise ShapeError(f"{type(self).__name__}: padding {p} must be at most half "
                                 f"the kernel size {k} (torch's rule)")
        self.ceil_mode = bool(ceil_mode)
        self._cache = None

    def output_shape(self, x_shape) -> tuple[int, int, int, int]:
        if len(x_shape) != 4:
            raise ShapeError(f"{self!r} expects input (N, C, H, W), got {tuple(x_shape)}")
        oh, ow = window_output(repr(self), x_shape[2:], self.kernel_size, self.stride,
                               self.padding, self.ceil_mode)
        return (*x_shape[:2], oh, ow)

    def _padded(self, x, out, value):
        """Input padded on all sides, plus on the bottom/right where ceil_mode windows
        hang over the edge; layout (C, N, Hp, Wp)."""
        extra = tuple(max(0, (o - 1) * s + k - (size + 2 * p)) for o, s, k, size, p in
                      zip(out, self.stride, self.kernel_size, x.shape[2:], self.padding))
        return pad_cnhw(x, self.padding, extra, value)

    def _offsets(self, out):
        """``(i, j, slice of rows, slice of columns)`` for each kernel offset."""
        (kh, kw), (sh, sw), (oh, ow) = self.kernel_size, self.stride, out
        for i in range(kh):
            for j in range(kw):
                yield i, j, slice(i, i + sh * (oh - 1) + 1, sh), slice(j, j + sw * (ow - 1) + 1, sw)

    def extra_repr(self) -> str:
        s = f"kernel_size={self.kernel_size}, stride={self.stride}"
        if any(self.padding):
            s += f", padding={self.padding}"
        return s + (", ceil_mode=True" if self.ceil_mode else "")


class MaxPool2d(_Pool2d):
    """Maximum over each window; padding counts as −∞ (torch.nn.MaxPool2d).

    Shapes: ``x`` (N, C, H, W) -> (N, C, OH, OW), OH = ⌊(H + 2P − K)/S⌋ + 1 (⌈·⌉ with
    ``ceil_mode``). The gradient goes to the first maximal element of each window in
    row-major order (torch's tie rule); overlapping windows add up.
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        out = self.output_shape(x.shape)[2:]
        xp = self._padded(x, out, -np.inf)
        best = argbest = None
        # Arithmetic updates rather than masked writes (np.copyto(where=...), boolean
        # indexing): those are 2-3x slower on numpy 2.x with data-dependent masks.
        for i, j, rows, cols in self._offsets(out):
            v = xp[:, :, rows, cols]
            if best is None:
                best, argbest = v.copy(), np.zeros(v.shape, dtype=np.int32)
                continue
            better = v > best  # strict: ties keep the earlier offset
            np.maximum(best, v, out=best)
            argbest += better * (np.int32(i * self.kernel_size[1] + j) - argbest)
        self._cache = (x.shape, xp.shape, argbest, out)
        return np.ascontiguousarray(best.transpose(1, 0, 2, 3))

    def backward(self, dy: np.ndarray) -> np.ndarray:
        x_shape, xp_shape, argbest, out = self._cache
        dy_t = dy.transpose(1, 0, 2, 3)
        dxp = np.zeros(xp_shape, dtype=dy.dtype)
        for i, j, rows, cols in self._offsets(out):
            dxp[:, :, rows, cols] += dy_t * (argbest == i * self.kernel_size[1] + j)
        return unpad_nchw(dxp, self.padding, x_shape[2:])


class AvgPool2d(_Pool2d):
    """Mean over each window (torch.nn.AvgPool2d, ``count_include_pad=True`` default).

    Shapes as :class:`MaxPool2d`. The divisor follows torch: with
    ``count_include_pad`` the window clipped to the padded input (so K·K except for
    ceil_mode windows hanging over the edge), otherwise the window clipped to the input.
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
                 count_include_pad: bool = True):
        super().__init__(kernel_size, stride, padding, ceil_mode)
        self.count_include_pad = bool(count_include_pad)

    def _divisor(self, size, out) -> np.ndarray:
        """(OH, OW) window sizes torch divides by."""
        counts = []
        for n, o, k, s, p in zip(size, out, self.kernel_size, self.stride, self.padding):
            start = np.arange(o) * s - p
            end = np.minimum(start + k, n + p)
            if not self.count_include_pad:
                start, end = np.maximum(start, 0), np.minimum(end, n)
            counts.append(end - start)
        return np.outer(counts[0], counts[1])

    def forward(self, x: np.ndarray) -> np.ndarray:
        out = self.output_shape(x.shape)[2:]
        xp = self._padded(x, out, 0.0)
        total = np.zeros((x.shape[1], x.shape[0], *out), dtype=x.dtype)
        for _, _, rows, cols in self._offsets(out):
            total += xp[:, :, rows, cols]
        divisor = self._divisor(x.shape[2:], out).astype(x.dtype)
        self._cache = (x.shape, xp.shape, divisor, out)
        return np.ascontiguousarray((total / divisor).transpose(1, 0, 2, 3))

    def backward(self, dy: np.ndarray) -> np.ndarray:
        x_shape, xp_shape, divisor, out = self._cache
        share = dy.transpose(1, 0, 2, 3) / divisor
        dxp = np.zeros(xp_shape, dtype=dy.dtype)
        for _, _, rows, cols in self._offsets(out):
            dxp[:, :, rows, cols] += share
        return unpad_nchw(dxp, self.padding, x_shape[2:])

    def extra_repr(self) -> str:
        return super().extra_repr() + ("" if self.count_include_pad else
                                       ", count_include_pad=False")


def adaptive_bins(size: int, out: int) -> np.ndarray:
    """``(out, size)`` averaging matrix of torch's adaptive pooling: bin ``i`` covers
    ``[⌊i·size/out⌋, ⌈(i+1)·size/out⌉)``, so bins may overlap when size % out ≠ 0."""
    matrix = np.zeros((out, size))
    for i in range(out):  # loop over output bins (at most a handful), not pixels
        start, end = (i * size) // out, math.ceil((i + 1) * size / out)
        matrix[i, start:end] = 1.0 / (end - start)
    return matrix


class AdaptiveAvgPool2d(Module):
    """Average pooling to a fixed output size (torch.nn.AdaptiveAvgPool2d).

    Shapes: ``x`` (N, C, H, W) -> (N, C, OH, OW) for ``output_size`` (OH, OW) (an int
    means square). Computed as ``A_h · x · A_wᵀ`` with the bin matrices of
    :func:`adaptive_bins`; backward is ``A_hᵀ · dy · A_w``.
    """

    def __init__(self, output_size):
        super().__init__()
        oh, ow = (output_size, output_size) if isinstance(output_size, int) else output_size
        self.output_size = (check_range("output_size", int(oh), low=1),
                            check_range("output_size", int(ow), low=1))
        self._mats = None

    def output_shape(self, x_shape):
        if len(x_shape) != 4:
            raise ShapeError(f"{self!r} expects input (N, C, H, W), got {tuple(x_shape)}")
        return (*x_shape[:2], *self.output_size)

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.output_shape(x.shape)
        ah = adaptive_bins(x.shape[2], self.output_size[0]).astype(x.dtype)
        aw = adaptive_bins(x.shape[3], self.output_size[1]).astype(x.dtype)
        self._mats = (ah, aw)
        return np.ascontiguousarray(ah @ x @ aw.T)

    def backward(self, dy: np.ndarray) -> np.ndarray:
        ah, aw = self._mats
        return np.ascontiguousarray(ah.T @ dy @ aw)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class GlobalAvgPool2d(Module):
    """Mean over all positions of each channel: (N, C, H, W) -> (N, C).

    The same as ``AdaptiveAvgPool2d(1)`` followed by ``Flatten`` (Lin et al., "Network
    in Network", 2013: global average pooling replaces the big dense layers).
    """

    def __init__(self) -> None:
        super().__init__()
        self._shape = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        if x.ndim != 4:
            raise ShapeError(f"GlobalAvgPool2d expects input (N, C, H, W), got {x.shape}")
        self._shape = x.shape
        return x.mean(axis=(2, 3))

    def backward(self, dy: np.ndarray) -> np.ndarray:
        n, c, h, w = self._shape
        return np.broadcast_to((dy / (h * w))[:, :, None, None], self._shape).copy()
