"""The blocks of the course's CNNs: inception, residual (basic, bottleneck), squeeze-excitation.

Child names follow torchvision (``conv1``, ``bn1``, ``downsample.0``, ``branch2.1.conv``...)
so parameter names line up with its models. The ReLUs inside a block are applied inline
(``h · [h > 0]``, keeping the mask for backward) rather than as modules: the engine keeps
activations as plugins, and torchvision's blocks apply their ReLUs functionally too.

Shapes: every block maps (N, C, H, W) to (N, C', H', W'); see each class.
"""

from __future__ import annotations

import numpy as np

from ..errors import HyperparameterError, check_range
from .conv import Conv2d
from .functional import sigmoid
from .im2col import ShapeError
from .layers import Dense
from .module import Module, Sequential
from .normalization import BatchNorm2d
from .pooling import MaxPool2d


def _relu(h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(max(h, 0), mask)``; backward is ``dy * mask`` (0 at h = 0, as torch)."""
    mask = h > 0
    return h * mask, mask


class BasicConv2d(Module):
    """conv → batch norm → ReLU (torchvision GoogLeNet's ``BasicConv2d``).

    The conv has no bias (batch norm's β replaces it). ``batch_norm=False`` gives the
    2014 paper's conv (with bias) → ReLU. Shapes as :class:`Conv2d`.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 *, batch_norm: bool = True, eps: float = 1e-3, weight_init=None, rng=None):
        super().__init__()
        self.conv = Conv2d(in_channels, out_channels, kernel_size, stride, padding,
                           bias=not batch_norm, weight_init=weight_init, rng=rng)
        self.bn = BatchNorm2d(out_channels, eps=eps) if batch_norm else None
        self._mask = None

    def forward(self, x):
        h = self.conv.forward(x)
        if self.bn is not None:
            h = self.bn.forward(h)
        y, self._mask = _relu(h)
        return y

    def backward(self, dy):
        d = dy * self._mask
        if self.bn is not None:
            d = self.bn.backward(d)
        return self.conv.backward(d)


class Concat(Module):
    """Parallel branches on the same input, outputs concatenated along channels.

    Shapes: (N, C, H, W) -> (N, ΣF_b, H', W'); every branch must give the same H'×W'.
    Backward splits ``dy`` by channel and sums the branches' input gradients.
    """

    def __init__(self, **branches: Module):
        super().__init__()
        for name, branch in branches.items():
            setattr(self, name, branch)
        self._splits = None

    def forward(self, x):
        outs = [branch.forward(x) for _, branch in self.children()]
        sizes = {o.shape[2:] for o in outs}
        if len(sizes) > 1:
            shapes = ", ".join(f"{n} {o.shape}" for (n, _), o in zip(self.children(), outs))
            raise ShapeError(f"{type(self).__name__}: branch outputs differ in size: {shapes}")
        self._splits = np.cumsum([o.shape[1] for o in outs])[:-1]
        return np.concatenate(outs, axis=1)

    def backward(self, dy):
        parts = np.split(dy, self._splits, axis=1)
        dx = None
        for (_, branch), d in zip(self.children(), parts):
            g = branch.backward(np.ascontiguousarray(d))
            dx = g if dx is None else dx + g
        return dx


class Inception(Concat):
    """GoogLeNet's inception module: 1×1 | 1×1→3×3 | 1×1→"5×5" | 3×3 max-pool→1×1.

    Arguments as torchvision's ``Inception(in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red,
    ch5x5, pool_proj)``; output channels ch1x1 + ch3x3 + ch5x5 + pool_proj, size kept.
    torchvision uses a 3×3 kernel in the "5×5" branch (a known slip kept for its weights)
    and ``BasicConv2d`` (BN, eps 1e-3); ``kernel_5x5=5, batch_norm=False`` is Szegedy et
    al. 2014. The pool is 3×3, stride 1, padding 1, ``ceil_mode=True``.
    """

    def __init__(self, in_channels: int, ch1x1: int, ch3x3red: int, ch3x3: int, ch5x5red: int,
                 ch5x5: int, pool_proj: int, *, kernel_5x5: int = 3, batch_norm: bool = True,
                 eps: float = 1e-3, weight_init=None, rng=None):
        def conv(cin, cout, k=1, p=0):
            return BasicConv2d(cin, cout, k, padding=p, batch_norm=batch_norm, eps=eps,
                               weight_init=weight_init, rng=rng)

        if kernel_5x5 not in (3, 5):
            raise HyperparameterError(f"kernel_5x5 must be 3 or 5, got {kernel_5x5!r}")
        super().__init__(
            branch1=conv(in_channels, ch1x1),
            branch2=Sequential(conv(in_channels, ch3x3red), conv(ch3x3red, ch3x3, 3, 1)),
            branch3=Sequential(conv(in_channels, ch5x5red),
                               conv(ch5x5red, ch5x5, kernel_5x5, kernel_5x5 // 2)),
            branch4=Sequential(MaxPool2d(3, 1, 1, ceil_mode=True), conv(in_channels, pool_proj)),
        )


class SqueezeExcitation(Module):
    """Channel attention (Hu et al., CVPR 2018): ``y = x · σ(W₂ ReLU(W₁ mean_hw(x) + b₁) + b₂)``.

    Shapes: (N, C, H, W) -> same; ``fc1`` (C, C/r) and ``fc2`` (C/r, C) are dense layers
    with bias (the paper's FCs; torchvision and timm use equivalent 1×1 convs).
    The hidden width is ``max(1, C // reduction)``.
    """

    def __init__(self, channels: int, reduction: int = 16, *, rng=None):
        super().__init__()
        check_range("channels", channels, low=1)
        check_range("reduction", reduction, low=1)
        self.channels, self.reduction = int(channels), int(reduction)
        hidden = max(1, self.channels // self.reduction)
        self.fc1 = Dense(self.channels, hidden, rng=rng)
        self.fc2 = Dense(hidden, self.channels, rng=rng)
        self._cache = None

    def forward(self, x):
        if x.ndim != 4 or x.shape[1] != self.channels:
            raise ShapeError(f"{self!r} expects input (N, {self.channels}, H, W), got {x.shape}")
        z, mask = _relu(self.fc1.forward(x.mean(axis=(2, 3))))
        gate = sigmoid(self.fc2.forward(z)).astype(x.dtype, copy=False)
        self._cache = (x, mask, gate)
        return x * gate[:, :, None, None]

    def backward(self, dy):
        x, mask, gate = self._cache
        d_gate = (dy * x).sum(axis=(2, 3))
        d_pooled = self.fc1.backward(self.fc2.backward(d_gate * gate * (1 - gate)) * mask)
        hw = x.shape[2] * x.shape[3]
        return dy * gate[:, :, None, None] + (d_pooled / hw)[:, :, None, None]

    def extra_repr(self) -> str:
        return f"{self.channels}, reduction={self.reduction}"


class _Residual(Module):
    """``y = ReLU(F(x) + shortcut(x))``: F is conv-BN stages (ReLU between them), then an
    optional SE block; the shortcut is the identity or ``downsample`` (1×1 conv + BN)."""

    stages: tuple[str, ...] = ()

    def _setup_shortcut(self, in_channels, out_channels, stride, shortcut, weight_init, rng):
        if shortcut not in ("auto", "identity", "projection"):
            raise HyperparameterError(
                f"shortcut must be 'auto', 'identity' or 'projection', got {shortcut!r}")
        needed = stride != 1 or in_channels != out_channels
        if shortcut == "identity" and needed:
            raise ShapeError(
                f"{type(self).__name__}: an identity shortcut needs stride 1 and equal "
                f"channels, got stride {stride}, {in_channels} -> {out_channels} channels")
        self.downsample = None
        if shortcut == "projection" or (shortcut == "auto" and needed):
            self.downsample = Sequential(
                Conv2d(in_channels, out_channels, 1, stride, bias=False,
                       weight_init=weight_init, rng=rng),
                BatchNorm2d(out_channels))

    def forward(self, x):
        h, masks = x, []
        for k in self.stages:
            h = getattr(self, f"bn{k}").forward(getattr(self, f"conv{k}").forward(h))
            if k != self.stages[-1]:
                h, mask = _relu(h)
                masks.append(mask)
        if self.se is not None:
            h = self.se.forward(h)
        shortcut = x if self.downsample is None else self.downsample.forward(x)
        if shortcut.shape != h.shape:
            raise ShapeError(f"{type(self).__name__}: residual {h.shape} and shortcut "
                             f"{shortcut.shape} differ")
        y, self._mask = _relu(h + shortcut)
        self._masks = masks
        return y

    def backward(self, dy):
        d = dy * self._mask
        dx = d if self.downsample is None else self.downsample.backward(d)
        if self.se is not None:
            d = self.se.backward(d)
        for i, k in enumerate(reversed(self.stages)):
            if i:
                d = d * self._masks[-i]
            d = getattr(self, f"conv{k}").backward(getattr(self, f"bn{k}").backward(d))
        return dx + d


class BasicBlock(_Residual):
    """ResNet-18/34's block: 3×3 conv-BN-ReLU, 3×3 conv-BN, + shortcut, ReLU.

    Shapes: (N, in_channels, H, W) -> (N, out_channels, ⌈H/stride⌉, ⌈W/stride⌉). The first
    conv carries the stride. ``shortcut``: ``"auto"`` (identity when shapes match, else a
    1×1 projection with BN: the paper's option B, torchvision's), ``"identity"``,
    ``"projection"``. ``se_reduction`` adds an SE block before the addition.
    """

    expansion = 1
    stages = ("1", "2")

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1,
                 shortcut: str = "auto", se_reduction: int | None = None, *,
                 weight_init=None, rng=None):
        super().__init__()
        check_range("stride", stride, low=1)
        kw = {"bias": False, "weight_init": weight_init, "rng": rng}
        self.conv1 = Conv2d(in_channels, out_channels, 3, stride, 1, **kw)
        self.bn1 = BatchNorm2d(out_channels)
        self.conv2 = Conv2d(out_channels, out_channels, 3, 1, 1, **kw)
        self.bn2 = BatchNorm2d(out_channels)
        self.se = SqueezeExcitation(out_channels, se_reduction, rng=rng) if se_reduction else None
        self._setup_shortcut(in_channels, out_channels, stride, shortcut, weight_init, rng)


class Bottleneck(_Residual):
    """ResNet-50's block: 1×1 (reduce) → 3×3 → 1×1 (expand ×4), each with BN, + shortcut.

    Shapes: (N, in_channels, H, W) -> (N, 4·planes, ⌈H/stride⌉, ⌈W/stride⌉).
    ``stride_on="3x3"`` is ResNet V1.5 (torchvision; better accuracy), ``"1x1"`` the 2015
    paper (and Caffe) layout. ``se_reduction=16`` makes the SE-ResNet block: SE after the
    last BN, before the addition (Hu et al., Fig. 3). ``shortcut`` as :class:`BasicBlock`.
    """

    expansion = 4
    stages = ("1", "2", "3")

    def __init__(self, in_channels: int, planes: int, stride: int = 1, shortcut: str = "auto",
                 se_reduction: int | None = None, stride_on: str = "3x3", *,
                 weight_init=None, rng=None):
        super().__init__()
        check_range("stride", stride, low=1)
        if stride_on not in ("3x3", "1x1"):
            raise HyperparameterError(f"stride_on must be '3x3' or '1x1', got {stride_on!r}")
        out_channels = planes * self.expansion
        kw = {"bias": False, "weight_init": weight_init, "rng": rng}
        s1, s3 = (1, stride) if stride_on == "3x3" else (stride, 1)
        self.conv1 = Conv2d(in_channels, planes, 1, s1, **kw)
        self.bn1 = BatchNorm2d(planes)
        self.conv2 = Conv2d(planes, planes, 3, s3, 1, **kw)
        self.bn2 = BatchNorm2d(planes)
        self.conv3 = Conv2d(planes, out_channels, 1, **kw)
        self.bn3 = BatchNorm2d(out_channels)
        self.se = SqueezeExcitation(out_channels, se_reduction, rng=rng) if se_reduction else None
        self._setup_shortcut(in_channels, out_channels, stride, shortcut, weight_init, rng)
