"""``dlbench arch info|list`` and ``dlbench perf``: output, JSON keys, exit statuses."""

from __future__ import annotations

import pytest

from dlbench.cli.arch import human, parse_shape
from dlbench.errors import UsageError


def test_info_vgg16_table_and_totals(invoke):
    result = invoke("arch", "info", "vgg16")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("vgg16, variant torchvision: torchvision's VGG-16")
    assert lines[1] == "input 3×224×224, 1000 classes, width 1"
    conv0 = next(line for line in lines if line.strip().startswith("features.0 "))
    assert "64×224×224" in conv0 and "1,792" in conv0 and "86.7M" in conv0
    assert lines[-1] == "total: 138,357,544 parameters, 15.47G MACs (15,470,264,320)"


def test_info_json_keys(invoke):
    result = invoke("arch", "info", "resnet50", "--json")
    assert result.exit_code == 0, result.output
    data = result.json()
    assert {"params", "macs", "layers", "variant"} <= set(data)
    assert data["params"] == 25_557_032 and data["variant"] == "torchvision"
    layer = data["layers"][0]
    assert {"name", "type", "output_shape", "params", "macs"} <= set(layer)
    assert layer == {**layer, "name": "conv1", "type": "conv2d", "output_shape": [64, 112, 112],
                     "params": 9408}
    assert sum(r["params"] for r in data["layers"] if r["leaf"]) == data["params"]


def test_info_small_input_picks_and_names_the_variant(invoke):
    result = invoke("arch", "info", "se-resnet50", "--input", "1x8x8", "--classes", "10",
                    "--width", "0.25", "--depth", "0")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("se-resnet50, variant small:")
    assert "layer1.0" not in result.output  # --depth 0: top-level rows only
    assert "fc " in result.output


def test_info_notes_dropped_rows(invoke):
    result = invoke("arch", "info", "alexnet", "--variant", "paper", "--input", "3x227x227")
    assert result.exit_code == 0 and "drops" not in result.output
    result = invoke("arch", "info", "simple-cnn", "--input", "1x29x29")
    assert "drops last 1 row(s), 1 col(s) of 25×25" in result.output  # the 2×2 pool on 25×25


@pytest.mark.parametrize("args, message", [
    (["vgg16", "--variant", "torchvision", "--input", "3x16x16"],
     "features.30 (maxpool2d) 2×2/2: input 1×1 padded to 1×1 is smaller than the kernel 2×2"),
    (["alexnet", "--variant", "paper"],
     "classifier.1 (dense): expects 9216 input features, got 6400 (input 256×5×5)"),
    (["vgg16", "--input", "3x224"], "--input must look like CxHxW"),
    (["vgg61"], "unknown architecture 'vgg61'; did you mean"),
    (["vgg16", "--variant", "huge"], "unknown variant of vgg16 'huge'"),
])
def test_bad_input_exits_2_with_a_clear_message(invoke, args, message):
    result = invoke("arch", "info", *args)
    assert result.exit_code == 2
    assert message in result.output


def test_list_shows_every_architecture(invoke):
    result = invoke("arch", "list", "--json")
    assert result.exit_code == 0, result.output
    rows = {r["name"]: r for r in result.json()}
    assert len(rows) == 13
    assert rows["googlenet"]["params"] == 6_624_904 and rows["lenet"]["input_shape"] == [1, 32, 32]


def test_helpers():
    assert parse_shape("3x224x224") == parse_shape("3×224×224") == parse_shape("3,224,224") == (3, 224, 224)
    with pytest.raises(UsageError):
        parse_shape("0x2x2")
    assert (human(15_470_264_320), human(86_704_128), human(512), human(4_500)) == \
        ("15.47G", "86.7M", "512", "4.5K")


def test_perf_json_without_torch(invoke):
    result = invoke("perf", "--repeats", "1", "--warmup", "0", "--threads", "1", "--no-torch",
                    "--json")
    assert result.exit_code == 0, result.output
    data = result.json()
    assert [c["name"] for c in data["cases"]] == ["mlp", "conv"]
    assert all(c["dlbench_ms"] > 0 and c["torch_ms"] is None and c["ratio"] is None
               for c in data["cases"])
    assert data["torch"] is None and data["threads"] == 1


def test_perf_text_and_bad_repeats(invoke):
    result = invoke("perf", "--repeats", "1", "--warmup", "0", "--no-torch")
    assert result.exit_code == 0 and "torch not installed" in result.output
    assert invoke("perf", "--repeats", "0").exit_code == 2
    assert invoke("perf", "--threads", "0").exit_code == 2
