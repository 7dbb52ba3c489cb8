"""Inception, residual and squeeze-excitation blocks: wiring, shapes, names, gradients."""

from __future__ import annotations

import numpy as np
import pytest

from dlbench.errors import HyperparameterError
from dlbench.nn import gradcheck
from dlbench.nn.blocks import (BasicBlock, BasicConv2d, Bottleneck, Inception,
                               SqueezeExcitation)
from dlbench.nn.im2col import ShapeError

relu = lambda h: np.maximum(h, 0)  # noqa: E731


def x_of(shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape)


def test_basic_block_is_relu_of_branch_plus_identity():
    block = BasicBlock(4, 4, rng=0)
    x = x_of((2, 4, 5, 5))
    h = relu(block.bn1.forward(block.conv1.forward(x)))
    expected = relu(block.bn2.forward(block.conv2.forward(h)) + x)
    np.testing.assert_allclose(block.forward(x), expected, rtol=1e-6)
    assert block.downsample is None


def test_projection_shortcut_when_shape_changes():
    block = BasicBlock(4, 8, stride=2, rng=0)
    x = x_of((2, 4, 5, 5))
    assert block.forward(x).shape == (2, 8, 3, 3)
    names = [n for n, _ in block.named_parameters()]
    assert "downsample.0.weight" in names and "downsample.1.weight" in names
    assert block.downsample[0].kernel_size == (1, 1) and block.downsample[0].stride == (2, 2)
    with pytest.raises(ShapeError, match="identity shortcut needs stride 1 and equal channels"):
        BasicBlock(4, 8, shortcut="identity")
    assert BasicBlock(4, 4, shortcut="projection", rng=0).downsample is not None


def test_bottleneck_stride_placement_v15_and_v1():
    v15 = Bottleneck(16, 4, stride=2, rng=0)
    assert (v15.conv1.stride, v15.conv2.stride) == ((1, 1), (2, 2))
    v1 = Bottleneck(16, 4, stride=2, stride_on="1x1", rng=0)
    assert (v1.conv1.stride, v1.conv2.stride) == ((2, 2), (1, 1))
    y = v15.forward(x_of((2, 16, 7, 7)))
    assert y.shape == (2, 16, 4, 4)
    # torchvision's parameter count of a stride-2 bottleneck 16 -> 4 -> 16 with projection
    convs = 16 * 4 + 4 * 4 * 9 + 4 * 16 + 16 * 16
    bns = 2 * (4 + 4 + 16 + 16)
    assert v15.num_parameters() == convs + bns
    with pytest.raises(HyperparameterError, match="stride_on must be"):
        Bottleneck(4, 1, stride_on="3x1")


def test_se_sits_after_the_last_bn_before_the_addition():
    block = Bottleneck(8, 2, se_reduction=4, rng=0)
    x = x_of((2, 8, 3, 3))
    h = relu(block.bn1.forward(block.conv1.forward(x)))
    h = relu(block.bn2.forward(block.conv2.forward(h)))
    h = block.se.forward(block.bn3.forward(block.conv3.forward(h)))
    np.testing.assert_allclose(block.forward(x), relu(h + x), rtol=1e-6)


def test_squeeze_excitation_formula():
    se = SqueezeExcitation(8, reduction=4, rng=0)
    assert se.fc1.weight.shape == (8, 2) and se.fc2.weight.shape == (2, 8)
    assert se.num_parameters() == 8 * 2 + 2 + 2 * 8 + 8
    x = x_of((3, 8, 4, 4))
    s = x.mean(axis=(2, 3))
    z = relu(s @ se.fc1.weight.data + se.fc1.bias.data)
    gate = 1 / (1 + np.exp(-(z @ se.fc2.weight.data + se.fc2.bias.data)))
    np.testing.assert_allclose(se.forward(x), x * gate[:, :, None, None], rtol=1e-6)
    assert SqueezeExcitation(4, 16).fc1.out_features == 1  # never below one unit


def test_inception_concatenates_four_branches():
    block = Inception(6, 2, 3, 4, 1, 2, 3, rng=0)
    y = block.forward(x_of((2, 6, 5, 5)))
    assert y.shape == (2, 2 + 4 + 2 + 3, 5, 5)
    np.testing.assert_allclose(y[:, :2], block.branch1.forward(x_of((2, 6, 5, 5))), rtol=1e-6)
    assert block.branch3[1].conv.kernel_size == (3, 3)  # torchvision's "5×5" branch
    assert block.branch4[0].ceil_mode and block.branch1.bn.eps == 1e-3
    assert block.branch1.conv.bias is None
    paper = Inception(6, 2, 3, 4, 1, 2, 3, kernel_5x5=5, batch_norm=False, rng=0)
    assert paper.branch3[1].conv.kernel_size == (5, 5) and paper.branch1.bn is None
    assert paper.forward(x_of((1, 6, 5, 5))).shape == (1, 11, 5, 5)


def test_basic_conv2d_is_conv_bn_relu():
    layer = BasicConv2d(2, 3, 3, padding=1, rng=0)
    x = x_of((2, 2, 4, 4))
    np.testing.assert_allclose(layer.forward(x), relu(layer.bn.forward(layer.conv.forward(x))),
                               rtol=1e-6)


BLOCKS = [
    (lambda: BasicConv2d(2, 3, 3, padding=1, rng=0), (3, 2, 4, 4), None),
    (lambda: BasicBlock(2, 2, rng=0), (3, 2, 4, 4), None),
    (lambda: BasicBlock(2, 4, stride=2, rng=0), (3, 2, 5, 5), None),
    (lambda: Bottleneck(4, 2, stride=2, rng=0), (2, 4, 5, 5), 40),
    (lambda: Bottleneck(4, 2, stride=2, stride_on="1x1", rng=0), (2, 4, 5, 5), 40),
    (lambda: Bottleneck(8, 2, se_reduction=4, rng=0), (2, 8, 3, 3), 40),
    (lambda: Inception(3, 2, 2, 3, 1, 2, 2, rng=0), (2, 3, 4, 4), 40),
    (lambda: Inception(3, 2, 2, 3, 1, 2, 2, kernel_5x5=5, batch_norm=False, rng=0), (2, 3, 5, 5), 40),
    (lambda: SqueezeExcitation(8, 4, rng=0), (3, 8, 3, 3), None),
]


@pytest.mark.parametrize("make, shape, max_coords", BLOCKS)
def test_block_gradcheck(make, shape, max_coords):
    # ReLUs after batch norm sit near their kink more often than elsewhere; a smaller
    # step (still far above float64 round-off) keeps the differences on one side of it.
    block = make().train()
    result = gradcheck(block, x_of(shape, 1), max_coords=max_coords, h=1e-6)
    assert result.passed, result
    assert set(result.errors) == {"input"} | {n for n, _ in block.named_parameters()}


def test_a_residual_block_that_drops_the_shortcut_gradient_is_caught():
    class NoShortcutGradient(BasicBlock):
        def backward(self, dy):
            return super().backward(dy) - dy * self._mask  # removes the identity path

    assert not gradcheck(NoShortcutGradient(2, 2, rng=0), x_of((2, 2, 3, 3))).passed
