"""Shape inference: sizes, counts, receptive fields, AUTO, and errors that name the layer."""

from __future__ import annotations

import pytest

from dlbench.arch import (AUTO, act, adaptive_avgpool, batchnorm, block, conv, dense, flatten,
                          infer, maxpool, seq)
from dlbench.nn.im2col import ShapeError


def test_conv_and_pool_rows_by_hand():
    net = seq(conv(3, 8, 5, 2, 1), act("relu"), maxpool(3, 2, ceil_mode=True), flatten(),
              dense(AUTO, 10))
    result = infer(net, (3, 33, 33))
    c0, _, pool, flat, fc = result.rows
    assert c0.output_shape == (8, 16, 16)              # ⌊(33 + 2 − 5)/2⌋ + 1
    assert c0.params == 8 * 3 * 25 + 8
    assert c0.macs == 8 * 16 * 16 * 3 * 25
    assert pool.output_shape == (8, 8, 8)              # ⌈(16 − 3)/2⌉ + 1 (floor would give 7)
    assert flat.output_shape == (512,)
    assert fc.params == 512 * 10 + 10 and fc.macs == 5120
    assert result.params == c0.params + fc.params and result.macs == c0.macs + fc.macs
    assert result.resolved.items[4][1].kwargs["in_features"] == 512  # AUTO filled in


def test_receptive_field_grows_by_kernel_times_jump():
    net = seq(conv(1, 1, 3), conv(1, 1, 3, 2), conv(1, 1, 3), maxpool(2), flatten(), dense(AUTO, 2))
    rows = infer(net, (1, 32, 32)).rows
    assert [r.rf for r in rows[:4]] == [(3, 3), (5, 5), (9, 9), (11, 11)]
    assert rows[-1].rf is None  # a dense unit sees everything


def test_vgg16_conv5_3_sees_196_pixels():
    """The classic number: VGG-16's receptive field is 196 at conv5_3 and 212 after pool5."""
    from dlbench.plugins.architectures import VGG16

    rows = {r.name: r for r in VGG16.infer((3, 224, 224), 1000)[1].rows}
    assert rows["features.28"].rf == (196, 196) and rows["features.30"].rf == (212, 212)


def test_dropped_rows_are_noted():
    rows = infer(seq(conv(3, 4, 11, 4)), (3, 224, 224)).rows
    assert rows[0].output_shape == (4, 54, 54)
    assert rows[0].note == "drops last 1 row(s), 1 col(s) of 224×224"
    assert infer(seq(conv(3, 4, 11, 4, 2)), (3, 224, 224)).rows[0].note == ""


def test_nested_rows_and_totals_count_each_layer_once():
    net = seq(stem=conv(3, 8, 3, padding=1, bias=False), bn=batchnorm(8),
              body=seq(block("basic-block", in_channels=8, out_channels=16, stride=2)),
              pool=adaptive_avgpool(1), flat=flatten(), fc=dense(16, 4))
    result = infer(net, (3, 8, 8))
    names = [r.name for r in result.rows]
    assert names[:6] == ["stem", "bn", "body", "body.0", "body.0.conv1", "body.0.bn1"]
    assert "body.0.downsample.0" in names
    block_row = next(r for r in result.rows if r.name == "body.0")
    assert not block_row.leaf and block_row.output_shape == (16, 4, 4)
    children = [r for r in result.rows if r.name.startswith("body.0.") and r.leaf]
    assert block_row.params == sum(r.params for r in children)
    assert result.params == sum(r.params for r in result.rows if r.leaf)
    assert block_row.rf == (9, 9)  # 3 (stem) + 2·1 (conv1 3×3) + 2·2 (conv2 after stride 2)


def test_inception_concatenates_and_se_keeps_the_shape():
    inc = block("inception", in_channels=8, ch1x1=2, ch3x3red=2, ch3x3=3, ch5x5red=1, ch5x5=4,
                pool_proj=5)
    se = block("squeeze-excitation", channels=14, reduction=4)
    rows = infer(seq(inc, se), (8, 6, 6)).rows
    assert rows[0].output_shape == (14, 6, 6)
    se_row = next(r for r in rows if r.name == "1")
    assert se_row.output_shape == (14, 6, 6)
    assert se_row.params == 14 * 3 + 3 + 3 * 14 + 14 and se_row.macs == 2 * 14 * 3


@pytest.mark.parametrize("net, shape, message", [
    (seq(conv(3, 8, 3), conv(4, 8, 3)), (3, 9, 9),
     r"1 \(conv2d\): expects 4 input channels, got 8 \(input 8×7×7\)"),
    (seq(conv(3, 8, 11, 4)), (3, 8, 8),
     r"0 \(conv2d\) 11×11/4: input 8×8 padded to 8×8 is smaller than the kernel 11×11"),
    (seq(conv(3, 8, 3, padding=-1)), (3, 8, 8), r"0 \(conv2d\): padding must be >= 0"),
    (seq(maxpool(2, padding=2)), (3, 8, 8), r"0 \(maxpool2d\): padding 2 must be at most half"),
    (seq(conv(3, 8, 3), dense(AUTO, 2)), (3, 8, 8),
     r"1 \(dense\): expects a flat input \(D,\), got 8×6×6 \(a flatten layer is missing\)"),
    (seq(conv(3, 2, 3), flatten(), dense(100, 2)), (3, 8, 8),
     r"2 \(dense\): expects 100 input features, got 72 \(input 2×6×6\)"),
    (seq(block("basic-block", in_channels=3, out_channels=8, shortcut="identity")), (3, 8, 8),
     r"0 \(basic-block\): an identity shortcut needs stride 1 and equal channels"),
    (seq(block("squeeze-excitation", channels=8)), (4, 3, 3),
     r"0 \(squeeze-excitation\): expects 8 channels, got 4"),
])
def test_bad_inputs_name_the_layer_and_the_shapes(net, shape, message):
    with pytest.raises(ShapeError, match=message):
        infer(net, shape)


def test_unknown_layer_type_is_an_error_but_any_activation_passes():
    from dlbench.arch import Layer

    assert infer(seq(act("gelu")), (2,)).rows[0].output_shape == (2,)
    with pytest.raises(ShapeError, match="no shape rule for layer type 'mystery'"):
        infer(seq(Layer("layer", "mystery")), (2,))
