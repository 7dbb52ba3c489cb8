"""VGG-11/16/19 (Simonyan & Zisserman 2014): stacks of 3×3 convs between 2×2 max-pools."""

from __future__ import annotations

from dlbench.arch import (AUTO, Architecture, Variant, act, adaptive_avgpool, batchnorm, conv,
                          dense, dropout, flatten, maxpool, seq, small_if_below)

from .common import he_normal_fan_out, normal_001, scaled

#: torchvision's configurations "A", "D", "E": channels of each 3×3 conv, "M" a 2×2 max-pool
CONFIGS = {
    "vgg11": (64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"),
    "vgg16": (64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M",
              512, 512, 512, "M"),
    "vgg19": (64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M",
              512, 512, 512, 512, "M"),
}


def features(config, in_channels, width, batch_norm, size=None):
    """The conv stack, indexed like torchvision's ``features``. With ``size`` (the input
    side), a pool is left out once the map is already 1×1 (small inputs)."""
    layers, c = [], in_channels
    for v in config:
        if v == "M":
            if size is None or size >= 2:
                layers.append(maxpool(2, 2))
                size = None if size is None else size // 2
            continue
        out = scaled(v, width)
        layers.append(conv(c, out, 3, padding=1, weight_init=he_normal_fan_out))
        if batch_norm:
            layers.append(batchnorm(out))
        layers.append(act("relu"))
        c = out
    return seq(*layers), c


def large(name, batch_norm):
    def describe(input_shape, num_classes, width):
        feats, c = features(CONFIGS[name], input_shape[0], width, batch_norm)
        hidden = scaled(4096, width)
        init = {"weight_init": normal_001}
        classifier = seq(dense(c * 49, hidden, **init), act("relu"), dropout(0.5),
                         dense(hidden, hidden, **init), act("relu"), dropout(0.5),
                         dense(hidden, num_classes, **init))
        return seq(features=feats, avgpool=adaptive_avgpool(7), flatten=flatten(),
                   classifier=classifier)
    return describe


def small(name):
    def describe(input_shape, num_classes, width):
        feats, c = features(CONFIGS[name], input_shape[0], width, True, min(input_shape[1:]))
        hidden = scaled(512, width)
        classifier = seq(dense(AUTO, hidden), act("relu"), dropout(0.5), dense(hidden, num_classes))
        return seq(features=feats, flatten=flatten(), classifier=classifier)
    return describe


def vgg(name: str, depth: int) -> Architecture:
    return Architecture(name, {
        "torchvision": Variant(large(name, False), f"torchvision's VGG-{depth}: no batch norm, "
                                                   "adaptive pool to 7×7, FC 4096-4096"),
        "bn": Variant(large(name, True), f"torchvision's VGG-{depth}-BN: batch norm after "
                                         "every conv"),
        "small": Variant(small(name), "for inputs below 64×64: the same 3×3 stacks with batch "
                                      "norm; pools dropped once the map is 1×1; FC 512"),
    }, small_if_below(64))


VGG11, VGG16, VGG19 = vgg("vgg11", 11), vgg("vgg16", 16), vgg("vgg19", 19)
