"""The book's two CNNs (ゼロから作る Deep Learning ch. 7 and 8) and LeNet-5."""

from __future__ import annotations

from dlbench.arch import (AUTO, Architecture, Variant, act, avgpool, conv, dense, dropout,
                          flatten, maxpool, seq)

from .common import he_normal, normal_001, scaled


def simple_cnn(input_shape, num_classes, width):
    """ch07/simple_convnet.py: conv(30, 5×5, pad 0, stride 1) - ReLU - pool 2×2/2 -
    Affine 100 - ReLU - Affine; every weight N(0, 0.01²), biases 0. The Affine's input
    size is inferred, as the book computes ``pool_output_size``."""
    filters, hidden = scaled(30, width), scaled(100, width)
    return seq(
        conv1=conv(input_shape[0], filters, 5, weight_init=normal_001), relu1=act("relu"),
        pool1=maxpool(2, 2), flatten=flatten(),
        affine1=dense(AUTO, hidden, weight_init=normal_001), relu2=act("relu"),
        affine2=dense(hidden, num_classes, weight_init=normal_001))


def deep_convnet(input_shape, num_classes, width):
    """ch08/deep_convnet.py: six 3×3 convs (16, 16, 32, 32, 64, 64; padding 1, conv4
    padding 2) with ReLU, a 2×2 max-pool after every second, Affine 50 - ReLU - Dropout
    0.5 - Affine - Dropout 0.5; He init √(2/fan_in), biases 0. Dropout is torch's
    inverted form (the book scales at test time instead; same expectation)."""
    c = input_shape[0]
    f1, f2, f3, hidden = scaled(16, width), scaled(32, width), scaled(64, width), scaled(50, width)
    layers = {}
    for i, (cin, cout, pad) in enumerate(((c, f1, 1), (f1, f1, 1), (f1, f2, 1), (f2, f2, 2),
                                          (f2, f3, 1), (f3, f3, 1)), start=1):
        layers[f"conv{i}"] = conv(cin, cout, 3, 1, pad, weight_init=he_normal)
        layers[f"relu{i}"] = act("relu")
        if i % 2 == 0:
            layers[f"pool{i // 2}"] = maxpool(2, 2)
    return seq(**layers, flatten=flatten(), affine1=dense(AUTO, hidden, weight_init=he_normal),
               relu7=act("relu"), dropout1=dropout(0.5),
               affine2=dense(hidden, num_classes, weight_init=he_normal), dropout2=dropout(0.5))


def lenet(kernel: int):
    def describe(input_shape, num_classes, width):
        c, h, _ = input_shape
        c1, c2 = scaled(6, width), scaled(16, width)
        f1, f2 = scaled(120, width), scaled(84, width)
        # 5×5: MNIST's 28×28 is padded by 2 to the paper's 32×32; 3×3 keeps the size
        pad1 = (2 if h < 32 else 0) if kernel == 5 else 1
        pad2 = 0 if kernel == 5 else 1
        return seq(
            conv1=conv(c, c1, kernel, padding=pad1), tanh1=act("tanh"), pool1=avgpool(2),
            conv2=conv(c1, c2, kernel, padding=pad2), tanh2=act("tanh"), pool2=avgpool(2),
            flatten=flatten(), fc1=dense(AUTO, f1), tanh3=act("tanh"), fc2=dense(f1, f2),
            tanh4=act("tanh"), fc3=dense(f2, num_classes))
    return describe


SIMPLE_CNN = Architecture(
    "simple-cnn", {"book": Variant(simple_cnn, "the book's SimpleConvNet (ch. 7), any input "
                                               "of at least 6×6")},
    lambda shape: "book", input_shape=(1, 28, 28), num_classes=10)

DEEP_CONVNET = Architecture(
    "deep-convnet", {"book": Variant(deep_convnet, "the book's DeepConvNet (ch. 8): VGG-like, "
                                                   "6 convs, He init, dropout")},
    lambda shape: "book", input_shape=(1, 28, 28), num_classes=10)

LENET = Architecture(
    "lenet", {
        "lenet5": Variant(lenet(5), "LeCun et al. 1998: 5×5 convs 6-16, average pooling, FC "
                                    "120-84, tanh (28×28 inputs padded by 2 to 32×32)"),
        "small": Variant(lenet(3), "for inputs below 20×20: 3×3 convs with padding 1, "
                                   "otherwise LeNet-5"),
    },
    lambda shape: "small" if min(shape[1:]) < 20 else "lenet5",
    input_shape=(1, 32, 32), num_classes=10)
