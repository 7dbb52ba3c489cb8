"""ResNet-18/34/50 (He et al. 2015) and SE-ResNet-50 (Hu et al. 2018)."""

from __future__ import annotations

from dlbench.arch import (Architecture, Variant, act, adaptive_avgpool, batchnorm, block, conv,
                          dense, flatten, maxpool, seq, small_if_below)

from .common import he_normal_fan_out, scaled

DEPTHS = {"resnet18": ("basic-block", (2, 2, 2, 2)), "resnet34": ("basic-block", (3, 4, 6, 3)),
          "resnet50": ("bottleneck", (3, 4, 6, 3))}


def stages(kind, counts, c, width, **options):
    """layer1..layer4; the first block of layer2-4 halves the size. Returns (dict, channels)."""
    layers = {}
    for i, (count, base) in enumerate(zip(counts, (64, 128, 256, 512)), start=1):
        width_i = scaled(base, width)
        blocks = []
        for j in range(count):
            stride = 2 if i > 1 and j == 0 else 1
            if kind == "basic-block":
                blocks.append(block(kind, in_channels=c, out_channels=width_i, stride=stride,
                                    weight_init=he_normal_fan_out, **options))
                c = width_i
            else:
                blocks.append(block(kind, in_channels=c, planes=width_i, stride=stride,
                                    weight_init=he_normal_fan_out, **options))
                c = 4 * width_i
        layers[f"layer{i}"] = seq(*blocks)
    return layers, c


def resnet(name, *, small_input=False, **options):
    kind, counts = DEPTHS[name]

    def describe(input_shape, num_classes, width):
        c = scaled(64, width)
        if small_input:  # CIFAR stem: 3×3/1, no max-pool
            stem = {"conv1": conv(input_shape[0], c, 3, 1, 1, bias=False,
                                  weight_init=he_normal_fan_out),
                    "bn1": batchnorm(c), "relu": act("relu")}
        else:
            stem = {"conv1": conv(input_shape[0], c, 7, 2, 3, bias=False,
                                  weight_init=he_normal_fan_out),
                    "bn1": batchnorm(c), "relu": act("relu"), "maxpool": maxpool(3, 2, 1)}
        layers, c = stages(kind, counts, c, width, **options)
        return seq(**stem, **layers, avgpool=adaptive_avgpool(1), flatten=flatten(),
                   fc=dense(c, num_classes))
    return describe


SMALL_DOC = ("for inputs below 64×64 (the CIFAR stem of He et al. sec. 4.2 / kuangliu): 3×3/1 "
             "first conv, no max-pool, the same four stages")


def resnet_arch(name: str, depth: int) -> Architecture:
    variants = {"torchvision": Variant(resnet(name), f"torchvision's ResNet-{depth}"
                                       + (" (V1.5: stride on the 3×3)" if depth == 50 else "")),
                "small": Variant(resnet(name, small_input=True), SMALL_DOC)}
    if depth == 50:
        variants["v1"] = Variant(resnet(name, stride_on="1x1"),
                                 "the 2015 paper's layout: stride on the first 1×1 of a bottleneck")
    return Architecture(name, variants, small_if_below(64))


RESNET18, RESNET34, RESNET50 = (resnet_arch("resnet18", 18), resnet_arch("resnet34", 34),
                                resnet_arch("resnet50", 50))

SE_RESNET50 = Architecture("se-resnet50", {
    "torchvision": Variant(resnet("resnet50", se_reduction=16),
                           "torchvision's ResNet-50 (V1.5) with SE (r=16, FC with bias) after "
                           "each bottleneck's last BN, before the addition (timm's seresnet50)"),
    "paper": Variant(resnet("resnet50", se_reduction=16, stride_on="1x1"),
                     "SENet paper's SE-ResNet-50: as the default but stride on the first 1×1 "
                     "(Caffe ResNet)"),
    "small": Variant(resnet("resnet50", small_input=True, se_reduction=16),
                     SMALL_DOC + ", SE in every bottleneck"),
}, small_if_below(64))
