"""AlexNet (Krizhevsky et al. 2012) and ZFNet (Zeiler & Fergus 2014)."""

from __future__ import annotations

from dlbench.arch import (AUTO, Architecture, Variant, act, adaptive_avgpool, conv, dense,
                          dropout, flatten, lrn, maxpool, seq, small_if_below)

from .common import he_normal_fan_out, normal_001, scaled


def _classifier(n_in, hidden, num_classes):
    """Dropout - FC - ReLU - Dropout - FC - ReLU - FC (AlexNet's and ZFNet's head)."""
    return seq(dropout(0.5), dense(n_in, hidden), act("relu"), dropout(0.5),
               dense(hidden, hidden), act("relu"), dense(hidden, num_classes))


def alexnet_torchvision(input_shape, num_classes, width):
    """torchvision.models.alexnet: 64-192-384-256-256, conv1 11×11/4 padding 2, no LRN,
    3×3/2 max-pools, adaptive average pool to 6×6, dropout 0.5."""
    s = lambda n: scaled(n, width)  # noqa: E731
    features = seq(
        conv(input_shape[0], s(64), 11, 4, 2), act("relu"), maxpool(3, 2),
        conv(s(64), s(192), 5, padding=2), act("relu"), maxpool(3, 2),
        conv(s(192), s(384), 3, padding=1), act("relu"),
        conv(s(384), s(256), 3, padding=1), act("relu"),
        conv(s(256), s(256), 3, padding=1), act("relu"), maxpool(3, 2))
    return seq(features=features, avgpool=adaptive_avgpool(6), flatten=flatten(),
               classifier=_classifier(s(256) * 36, s(4096), num_classes))


def alexnet_paper(input_shape, num_classes, width):
    """The 2012 paper: 96-256-384-384-256 channels, conv2/4/5 split in two groups (the two
    GPUs), LRN after conv1 and conv2, conv1 11×11/4 without padding; its FC sizes need a
    227×227 input (at 224 conv1 drops a row and the classifier's 9216 inputs do not match)."""
    def s(n):
        return max(2, 2 * round(n * width / 2))  # even: two groups
    init = {"weight_init": normal_001}
    features = seq(
        conv(input_shape[0], s(96), 11, 4, **init), act("relu"), lrn(), maxpool(3, 2),
        conv(s(96), s(256), 5, padding=2, groups=2, **init), act("relu"), lrn(), maxpool(3, 2),
        conv(s(256), s(384), 3, padding=1, **init), act("relu"),
        conv(s(384), s(384), 3, padding=1, groups=2, **init), act("relu"),
        conv(s(384), s(256), 3, padding=1, groups=2, **init), act("relu"), maxpool(3, 2))
    return seq(features=features, flatten=flatten(),
               classifier=_classifier(s(256) * 36, s(4096), num_classes))


def _small(input_shape, num_classes, width, channels, kernel):
    """Five convs (the first two ``kernel``×``kernel``, then 3×3) with ReLU, LRN after the
    first two, overlapping 3×3/2 max-pools with padding 1 (so a 1×1 map still pools),
    then the dropout FC head (1024 units at width 1). Convs start from He init (fan_out):
    the papers' N(0, 0.01²) barely trains from scratch behind two LRNs."""
    c = [input_shape[0]] + [scaled(n, width) for n in channels]
    init = {"weight_init": he_normal_fan_out}
    p = kernel // 2
    features = seq(
        conv(c[0], c[1], kernel, padding=p, **init), act("relu"), lrn(), maxpool(3, 2, 1),
        conv(c[1], c[2], kernel, padding=p, **init), act("relu"), lrn(), maxpool(3, 2, 1),
        conv(c[2], c[3], 3, padding=1, **init), act("relu"),
        conv(c[3], c[4], 3, padding=1, **init), act("relu"),
        conv(c[4], c[5], 3, padding=1, **init), act("relu"), maxpool(3, 2, 1))
    return seq(features=features, flatten=flatten(),
               classifier=_classifier(AUTO, scaled(1024, width), num_classes))


def alexnet_small(input_shape, num_classes, width):
    """For 8×8 to 32×32 inputs, keeping AlexNet's ideas: a wide first kernel (5×5), ReLU,
    LRN, overlapping pooling, five convs 64-192-384-256-256, dropout (see :func:`_small`)."""
    return _small(input_shape, num_classes, width, (64, 192, 384, 256, 256), 5)


def zfnet_paper(input_shape, num_classes, width):
    """Zeiler & Fergus 2014, Fig. 3: AlexNet with a 7×7/2 first layer (instead of 11×11/4)
    and a stride-2 5×5 second layer, chosen after visualising aliasing in AlexNet's
    filters; 96-256-384-384-256 channels, no groups, LRN after conv1 and conv2, 3×3/2
    max-pools (ceil_mode reproduces the paper's 110→55, 26→13, 13→6 sizes at 224×224)."""
    s = lambda n: scaled(n, width)  # noqa: E731
    init = {"weight_init": normal_001}
    features = seq(
        conv(input_shape[0], s(96), 7, 2, 1, **init), act("relu"), lrn(),
        maxpool(3, 2, ceil_mode=True),
        conv(s(96), s(256), 5, 2, **init), act("relu"), lrn(), maxpool(3, 2, ceil_mode=True),
        conv(s(256), s(384), 3, padding=1, **init), act("relu"),
        conv(s(384), s(384), 3, padding=1, **init), act("relu"),
        conv(s(384), s(256), 3, padding=1, **init), act("relu"), maxpool(3, 2, ceil_mode=True))
    return seq(features=features, flatten=flatten(),
               classifier=_classifier(AUTO, s(4096), num_classes))


def zfnet_small(input_shape, num_classes, width):
    """For 8×8 to 32×32 inputs: as the small AlexNet but with ZFNet's change, a smaller
    first filter (3×3, stride 1), and ZFNet's 96-256-384-384-256 channels."""
    return _small(input_shape, num_classes, width, (96, 256, 384, 384, 256), 3)


ALEXNET = Architecture("alexnet", {
    "torchvision": Variant(alexnet_torchvision, "torchvision's AlexNet: 64-192-384-256-256, conv1 "
                                                "padding 2, no LRN, adaptive pool to 6×6"),
    "paper": Variant(alexnet_paper, "96-256-384-384-256, groups=2, LRN, no padding in conv1; "
                                    "needs 227×227 input"),
    "small": Variant(alexnet_small, "for inputs below 64×64: 5×5 first conv, LRN, overlapping "
                                    "pools, dropout FC head"),
}, small_if_below(64))

ZFNET = Architecture("zfnet", {
    "paper": Variant(zfnet_paper, "7×7/2 first conv (AlexNet: 11×11/4), 5×5/2 second, no "
                                  "groups, LRN; no torchvision model exists"),
    "small": Variant(zfnet_small, "for inputs below 64×64: 3×3/1 first conv, LRN, overlapping "
                                  "pools, dropout FC head"),
}, small_if_below(64, large="paper"))
