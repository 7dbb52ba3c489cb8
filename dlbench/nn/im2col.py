"""Output sizes, im2col and col2im: convolution as one matrix product.

Layout. The columns are kept as ``(C, KH, KW, N, OH, OW)`` (reshaped to
``(C·KH·KW, N·OH·OW)`` for the GEMM), not the book's ``(N·OH·OW, C·KH·KW)``: gathering
them then copies whole rows of ``OW`` pixels, and col2im adds contiguous
``(C, N, OH, OW)`` slabs. Each kernel offset ``(i, j)`` is one strided view of the
padded input (a basic slice with step = stride, no copy), so both directions loop over
the ``KH·KW`` offsets only, never over pixels or batch items.
"""

from __future__ import annotations

import math
import threading

import numpy as np

from ..errors import UsageError


class ShapeError(UsageError, ValueError):
    """An input a layer cannot take: the message names the layer and the shapes."""


def pair(value, name: str = "value") -> tuple[int, int]:
    """``3`` -> ``(3, 3)``; ``(3, 5)`` -> ``(3, 5)`` (torch's int-or-tuple arguments)."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair, got {value!r}")
        return int(value[0]), int(value[1])
    return int(value), int(value)


def output_size(size: int, kernel: int, stride: int, padding: int,
                ceil_mode: bool = False) -> int:
    """Output length of a sliding window: ⌊(H + 2P − K)/S⌋ + 1 (⌈·⌉ with ``ceil_mode``).

    With ``ceil_mode`` torch drops a last window that would start entirely in the right
    padding (it must start inside the input or the left padding); so does this.
    Returns a value < 1 when the window does not fit; callers turn that into an error.
    """
    span = size + 2 * padding - kernel
    if span < 0:
        return 0
    out = (math.ceil(span / stride) if ceil_mode else span // stride) + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        out -= 1
    return out


def window_output(layer: str, size: tuple[int, int], kernel, stride, padding,
                  ceil_mode: bool = False) -> tuple[int, int]:
    """``(OH, OW)`` of a window layer on an ``H×W`` input, or :class:`ShapeError` naming
    ``layer`` when the padded input is smaller than the kernel."""
    (h, w), (kh, kw), (sh, sw), (ph, pw) = size, kernel, stride, padding
    oh = output_size(h, kh, sh, ph, ceil_mode)
    ow = output_size(w, kw, sw, pw, ceil_mode)
    if oh < 1 or ow < 1:
        raise ShapeError(
            f"{layer}: input {h}×{w} padded to {h + 2 * ph}×{w + 2 * pw} is smaller than "
            f"the kernel {kh}×{kw}")
    return oh, ow


def dropped(size: int, kernel: int, stride: int, padding: int, out: int) -> int:
    """How many input rows (or columns) no window covers: the floor rule's discard."""
    last_covered = (out - 1) * stride + kernel - 1  # in padded coordinates
    return max(0, padding + size - 1 - last_covered)


def pad_cnhw(x: np.ndarray, pad: tuple[int, int], extra: tuple[int, int] = (0, 0),
             value: float = 0.0) -> np.ndarray:
    """``x`` (N, C, H, W) -> padded copy in (C, N, H + 2P + e, W + 2P + e) layout.

    ``extra`` adds rows/columns at the bottom/right only (ceil_mode windows that hang
    over the edge). One allocation, one copy: cheaper than ``np.pad`` + transpose.
    """
    n, c, h, w = x.shape
    ph, pw = pad
    out = np.full((c, n, h + 2 * ph + extra[0], w + 2 * pw + extra[1]), value, dtype=x.dtype)
    out[:, :, ph:ph + h, pw:pw + w] = x.transpose(1, 0, 2, 3)
    return out


_scratch = threading.local()


def scratch(role: str, shape, dtype) -> np.ndarray:
    """An uninitialised array for a temporary that dies within one call, reused across
    calls and layers (one per role and thread, grown as needed). A fresh array of tens of
    megabytes costs page faults on every call; reusing one costs nothing."""
    pool = _scratch.__dict__
    size = math.prod(shape)
    buf = pool.get(role)
    if buf is None or buf.size < size or buf.dtype != dtype:
        buf = pool[role] = np.empty(size, dtype=dtype)
    return buf[:size].reshape(shape)


def im2col(xp: np.ndarray, kernel, stride, out, buffer: np.ndarray | None = None) -> np.ndarray:
    """Columns ``(C·KH·KW, N·OH·OW)`` of padded ``xp`` (C, N, Hp, Wp).

    One strided slice copy per kernel offset: about twice as fast as copying the 6-D
    window view in one go (numpy's generic copy loop handles many short axes poorly).
    ``buffer`` (the previous call's columns, if the shape and dtype still fit) is
    overwritten instead of allocating anew. A 1×1, stride-1 kernel needs no copy: the
    columns are ``xp`` itself, reshaped (``xp`` must then not be modified afterwards)."""
    c, n = xp.shape[:2]
    (kh, kw), (sh, sw), (oh, ow) = kernel, stride, out
    if (kh, kw, sh, sw) == (1, 1, 1, 1) and xp.shape[2:] == (oh, ow) and xp.flags.c_contiguous:
        return xp.reshape(c, n * oh * ow)  # a 1×1 conv's columns are the input itself
    shape = (c, kh, kw, n, oh, ow)
    if buffer is not None and buffer.size == math.prod(shape) and buffer.dtype == xp.dtype:
        cols = buffer.reshape(shape)
    else:
        cols = np.empty(shape, dtype=xp.dtype)
    for i in range(kh):
        for j in range(kw):
            cols[:, i, j] = xp[:, :, i:i + sh * (oh - 1) + 1:sh, j:j + sw * (ow - 1) + 1:sw]
    return cols.reshape(c * kh * kw, n * oh * ow)


def col2im(dcols: np.ndarray, padded_shape, kernel, stride, out) -> np.ndarray:
    """Adjoint of :func:`im2col`: sum ``dcols`` (C·KH·KW, N·OH·OW) back into an array of
    ``padded_shape`` (C, N, Hp, Wp). Loops over the KH·KW offsets only. The result is
    scratch memory: copy what you keep (:func:`unpad_nchw` does)."""
    c, n = padded_shape[:2]
    (kh, kw), (sh, sw), (oh, ow) = kernel, stride, out
    d = dcols.reshape(c, kh, kw, n, oh, ow)
    dxp = scratch("col2im", tuple(padded_shape), dcols.dtype)
    dxp.fill(0)
    for i in range(kh):
        for j in range(kw):
            dxp[:, :, i:i + sh * (oh - 1) + 1:sh, j:j + sw * (ow - 1) + 1:sw] += d[:, i, j]
    return dxp


def unpad_nchw(dxp: np.ndarray, pad: tuple[int, int], size: tuple[int, int]) -> np.ndarray:
    """Gradient w.r.t. the unpadded input: crop (C, N, Hp, Wp) and return (N, C, H, W)."""
    ph, pw = pad
    crop = dxp[:, :, ph:ph + size[0], pw:pw + size[1]]
    return crop.transpose(1, 0, 2, 3).copy()  # always a copy: dxp may be scratch memory
