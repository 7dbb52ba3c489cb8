"""What the architecture descriptions share: width scaling and the initializers the
reference implementations use (each ``init(shape, rng, *, fan_in, fan_out)``)."""

from __future__ import annotations

import math

import numpy as np


def scaled(channels: int, width: float) -> int:
    """``channels · width`` rounded, never below 1 (the width multiplier)."""
    return max(1, round(channels * width))


def he_normal_fan_out(shape, rng: np.random.Generator, *, fan_in: int, fan_out: int):
    """N(0, 2/fan_out): torchvision's ``kaiming_normal_(mode="fan_out", nonlinearity="relu")``
    for the convs of VGG and ResNet."""
    return rng.normal(0.0, math.sqrt(2.0 / fan_out), size=shape)


def he_normal(shape, rng: np.random.Generator, *, fan_in: int, fan_out: int):
    """N(0, 2/fan_in): the book's ``weight_init_std="he"`` (DeepConvNet)."""
    return rng.normal(0.0, math.sqrt(2.0 / fan_in), size=shape)


def normal_001(shape, rng: np.random.Generator, *, fan_in: int, fan_out: int):
    """N(0, 0.01²): the book's SimpleConvNet, torchvision VGG's linear layers and
    GoogLeNet's layers (there truncated at ±2, which N(0, 0.01²) never reaches)."""
    return rng.normal(0.0, 0.01, size=shape)


def input_channels(input_shape) -> int:
    return int(input_shape[0])
