"""GoogLeNet / Inception v1 (Szegedy et al. 2014): nine inception modules."""

from __future__ import annotations

from dlbench.arch import (Architecture, Layer, Variant, adaptive_avgpool, avgpool, block, dense,
                          dropout, flatten, lrn, maxpool, seq, small_if_below)

from .common import normal_001, scaled

#: (name, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj), with the max-pools between
MODULES = (
    ("inception3a", 64, 96, 128, 16, 32, 32), ("inception3b", 128, 128, 192, 32, 96, 64), "maxpool3",
    ("inception4a", 192, 96, 208, 16, 48, 64), ("inception4b", 160, 112, 224, 24, 64, 64),
    ("inception4c", 128, 128, 256, 24, 64, 64), ("inception4d", 112, 144, 288, 32, 64, 64),
    ("inception4e", 256, 160, 320, 32, 128, 128), "maxpool4",
    ("inception5a", 256, 160, 320, 32, 128, 128), ("inception5b", 384, 192, 384, 48, 128, 128),
)


def basic_conv(cin, cout, k, stride=1, padding=0, *, batch_norm=True) -> Layer:
    return block("basic-conv2d", in_channels=cin, out_channels=cout, kernel_size=k,
                 stride=stride, padding=padding, batch_norm=batch_norm, eps=1e-3,
                 weight_init=normal_001)


def inceptions(c, width, pools: dict, **options):
    """The nine modules (widths scaled) and the pools between them; returns (dict, channels)."""
    layers = {}
    for item in MODULES:
        if isinstance(item, str):
            layers[item] = pools[item]
            continue
        name, *chans = item
        chans = [scaled(n, width) for n in chans]
        layers[name] = block("inception", in_channels=c, ch1x1=chans[0], ch3x3red=chans[1],
                             ch3x3=chans[2], ch5x5red=chans[3], ch5x5=chans[4],
                             pool_proj=chans[5], weight_init=normal_001, **options)
        c = chans[0] + chans[2] + chans[4] + chans[5]
    return layers, c


def torchvision(input_shape, num_classes, width):
    """torchvision.models.googlenet without the auxiliary heads: BasicConv2d (bias-free
    conv, BN eps 1e-3, ReLU), the "5×5" branches with 3×3 kernels, ceil_mode max-pools,
    adaptive average pool, dropout 0.2."""
    s = lambda n: scaled(n, width)  # noqa: E731
    mods, c = inceptions(s(192), width, {"maxpool3": maxpool(3, 2, ceil_mode=True),
                                          "maxpool4": maxpool(2, 2, ceil_mode=True)})
    return seq(conv1=basic_conv(input_shape[0], s(64), 7, 2, 3),
               maxpool1=maxpool(3, 2, ceil_mode=True), conv2=basic_conv(s(64), s(64), 1),
               conv3=basic_conv(s(64), s(192), 3, padding=1),
               maxpool2=maxpool(3, 2, ceil_mode=True), **mods,
               avgpool=adaptive_avgpool(1), flatten=flatten(), dropout=dropout(0.2),
               fc=dense(c, num_classes, weight_init=normal_001))


def paper(input_shape, num_classes, width):
    """Szegedy et al. 2014, Table 1: convs with bias and no BN, true 5×5 branches, LRN
    after the first pool and after conv3, 3×3/2 max-pools, 7×7 average pool, dropout 0.4."""
    s = lambda n: scaled(n, width)  # noqa: E731
    pool = maxpool(3, 2, ceil_mode=True)
    mods, c = inceptions(s(192), width, {"maxpool3": pool, "maxpool4": pool},
                         kernel_5x5=5, batch_norm=False)
    return seq(conv1=basic_conv(input_shape[0], s(64), 7, 2, 3, batch_norm=False),
               maxpool1=pool, norm1=lrn(5, 1e-4, 0.75, 1.0),
               conv2=basic_conv(s(64), s(64), 1, batch_norm=False),
               conv3=basic_conv(s(64), s(192), 3, padding=1, batch_norm=False),
               norm2=lrn(5, 1e-4, 0.75, 1.0), maxpool2=pool, **mods,
               avgpool=avgpool(7, 1), flatten=flatten(), dropout=dropout(0.4),
               fc=dense(c, num_classes, weight_init=normal_001))


def small(input_shape, num_classes, width):
    """For 8×8 to 32×32 inputs (the CIFAR form of kuangliu/pytorch-cifar): one 3×3
    conv-BN-ReLU stem to 192 channels, no stride; all nine inception modules with
    torchvision's branches; 3×3/2 max-pools (padding 1); global average pool."""
    s = lambda n: scaled(n, width)  # noqa: E731
    pool = maxpool(3, 2, 1)
    mods, c = inceptions(s(192), width, {"maxpool3": pool, "maxpool4": pool})
    return seq(conv1=basic_conv(input_shape[0], s(192), 3, padding=1), **mods,
               avgpool=adaptive_avgpool(1), flatten=flatten(), dropout=dropout(0.2),
               fc=dense(c, num_classes, weight_init=normal_001))


GOOGLENET = Architecture("googlenet", {
    "torchvision": Variant(torchvision, "torchvision's GoogLeNet (no aux heads): BN convs, 3×3 "
                                        "in the '5×5' branch, ceil_mode pools"),
    "paper": Variant(paper, "the 2014 paper: biased convs without BN, true 5×5 branches, LRN, "
                            "7×7 average pool, dropout 0.4"),
    "small": Variant(small, "for inputs below 64×64: 3×3 stem, no early downsampling, all nine "
                            "inception modules"),
}, small_if_below(64))
