"""Architectures: torchvision's numbers at 224, variants, width, built model = inferred table,
bad inputs, and (slow) every scaled-down net memorises a tiny batch."""

from __future__ import annotations

import numpy as np
import pytest

import dlbench
from dlbench.arch import Architecture
from dlbench.errors import HyperparameterError, UnknownNameError
from dlbench.nn import Dropout
from dlbench.nn.im2col import ShapeError

NAMES = ["alexnet", "deep-convnet", "googlenet", "lenet", "resnet18", "resnet34", "resnet50",
         "se-resnet50", "simple-cnn", "vgg11", "vgg16", "vgg19", "zfnet"]

#: torchvision's model table (params exact, GFLOPS = GMACs) at 3×224×224, 1000 classes
TARGETS = {
    "alexnet": (61_100_840, 0.714), "vgg11": (132_863_336, 7.61), "vgg16": (138_357_544, 15.47),
    "vgg19": (143_667_240, 19.63), "resnet18": (11_689_512, 1.814),
    "resnet34": (21_797_672, 3.664), "resnet50": (25_557_032, 4.089),
    "googlenet": (6_624_904, 1.498), "se-resnet50": (28_088_024, 4.09),
}


@pytest.fixture(scope="module")
def reg():
    return dlbench.registry(refresh=True)


@pytest.fixture(autouse=True)
def one_blas_thread():
    """Tiny matrices: extra BLAS threads only add synchronisation (badly so on a busy machine)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        yield


def test_every_architecture_is_registered(reg):
    assert reg.names("architecture") == NAMES


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_torchvision_numbers_at_224(reg, name):
    params, gmacs = TARGETS[name]
    variant, result = reg.get("architecture", name).infer((3, 224, 224), 1000)
    assert variant == "torchvision"
    assert result.params == params
    assert abs(result.macs / 1e9 - gmacs) <= 0.05 * gmacs


@pytest.mark.parametrize("name, params", [("vgg11", 132_868_840), ("vgg16", 138_365_992),
                                          ("vgg19", 143_678_248)])
def test_bn_variants_are_torchvisions_vgg_bn(reg, name, params):
    assert reg.get("architecture", name).infer((3, 224, 224), 1000, "bn")[1].params == params


def test_paper_forms_differ_as_documented(reg):
    _, alex = reg.get("architecture", "alexnet").infer((3, 227, 227), 1000, "paper")
    assert alex.params == 60_965_224  # the paper's "60 million", with groups = 2
    with pytest.raises(ShapeError, match=r"classifier.1 \(dense\): expects 9216 input features, "
                                         r"got 6400 \(input 256×5×5\)"):
        reg.get("architecture", "alexnet").infer((3, 224, 224), 1000, "paper")
    rows = {r.name: r for r in reg.get("architecture", "zfnet").infer((3, 224, 224), 1000)[1].rows}
    assert rows["features.0"].detail == "7×7/2 p1" and rows["features.0"].output_shape[1:] == (110, 110)
    assert rows["features.3"].output_shape[1:] == (55, 55)  # the paper's Fig. 3 sizes
    assert rows["features.14"].output_shape == (256, 6, 6)
    rows = {r.name: r for r in reg.get("architecture", "googlenet").infer(
        (3, 224, 224), 1000, "paper")[1].rows}
    assert rows["inception3a.branch3.1.conv"].detail == "5×5/1 p2"
    assert "inception3a.branch3.1.bn" not in rows and "norm1" in rows
    v1 = {r.name: r for r in reg.get("architecture", "resnet50").infer(
        (3, 224, 224), 1000, "v1")[1].rows}
    assert v1["layer2.0.conv1"].detail == "1×1/2" and v1["layer2.0.conv2"].detail == "3×3/1 p1"


@pytest.mark.parametrize("shape, expected", [((3, 224, 224), "torchvision"), ((3, 64, 64), "torchvision"),
                                             ((3, 63, 63), "small"), ((1, 8, 8), "small")])
def test_variant_chosen_by_input_size(reg, shape, expected):
    assert reg.get("architecture", "resnet18").infer(shape, 10)[0] == expected


def test_lenet_and_book_nets_variants(reg):
    assert reg.get("architecture", "lenet").infer((1, 28, 28), 10)[0] == "lenet5"
    assert reg.get("architecture", "lenet").infer((1, 8, 8), 10)[0] == "small"
    _, simple = reg.get("architecture", "simple-cnn").infer((1, 28, 28), 10)
    assert simple.params == 30 * 25 + 30 + 30 * 12 * 12 * 100 + 100 + 100 * 10 + 10  # the book's
    _, deep = reg.get("architecture", "deep-convnet").infer((1, 28, 28), 10)
    assert [r.output_shape for r in deep.rows if r.name.startswith("pool")] == \
        [(16, 14, 14), (32, 8, 8), (64, 4, 4)]  # conv4's padding 2 makes 14 → 16 → 8


def test_width_multiplies_channels(reg):
    _, full = reg.get("architecture", "vgg11").infer((3, 32, 32), 10)
    _, half = reg.get("architecture", "vgg11").infer((3, 32, 32), 10, width=0.5)
    first = lambda r: next(x for x in r.rows if x.type == "conv2d").output_shape[0]  # noqa: E731
    assert (first(full), first(half)) == (64, 32)
    assert half.params < full.params / 3


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("shape", [(1, 8, 8), (1, 28, 28), (3, 32, 32)])
def test_built_model_matches_inference(reg, name, shape):
    model = reg.create("architecture", name, input_shape=shape, num_classes=5, width=0.125, rng=0)
    variant, result = reg.get("architecture", name).infer(shape, 5, width=0.125)
    assert model.variant == variant
    assert model.num_parameters() == result.params
    sizes = {n: p.size for n, p in model.named_parameters()}
    for row in result.rows:
        assert row.params == sum(v for n, v in sizes.items() if n.startswith(row.name + ".")), row
    x = np.random.default_rng(0).uniform(size=(2, *shape)).astype(np.float32)
    y = model.forward(x)
    assert y.shape == (2, 5) and y.dtype == np.float32 and np.all(np.isfinite(y))
    assert model.backward(np.ones_like(y)).shape == x.shape


def test_same_seed_same_model(reg):
    a = reg.create("architecture", "resnet18", input_shape=(1, 8, 8), num_classes=3, width=0.125, rng=4)
    b = reg.create("architecture", "resnet18", input_shape=(1, 8, 8), num_classes=3, width=0.125, rng=4)
    for (_, p), (_, q) in zip(a.named_parameters(), b.named_parameters()):
        np.testing.assert_array_equal(p.data, q.data)


def test_torchvision_names_and_init(reg):
    model = reg.create("architecture", "resnet18", input_shape=(3, 64, 64), num_classes=10,
                       width=0.25, rng=0)
    names = dict(model.named_parameters())
    assert {"conv1.weight", "bn1.weight", "layer2.0.downsample.0.weight", "fc.weight"} <= set(names)
    w = names["layer1.0.conv1.weight"].data  # kaiming_normal_(mode="fan_out"): std √(2/(F·9))
    assert abs(w.std() / np.sqrt(2 / (16 * 9)) - 1) < 0.15
    assert isinstance(reg.get("architecture", "vgg16"), Architecture)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"input_shape": (3, 224)}, ShapeError, "input_shape must be"),
    ({"num_classes": 0}, HyperparameterError, r"num_classes must be in \[1, inf\)"),
    ({"width": 0}, HyperparameterError, r"width must be in \(0, inf\)"),
    ({"variant": "tiny"}, UnknownNameError, "unknown variant of vgg16 'tiny'"),
    ({"input_shape": (3, 16, 16), "variant": "torchvision"}, ShapeError,
     r"features.30 \(maxpool2d\) 2×2/2: input 1×1 padded to 1×1 is smaller than the kernel 2×2"),
])
def test_bad_arguments_are_clear(reg, kwargs, error, message):
    with pytest.raises(error, match=message):
        reg.create("architecture", "vgg16", **kwargs)


def _deterministic_loss(net, loss, x, y):
    """The function training minimises, without its noise: batch statistics (train-mode
    BN, as during training) and dropout off."""
    net.train()
    for module in net.modules():
        if isinstance(module, Dropout):
            module.eval()
    return loss.forward(net.forward(x), y)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_scaled_down_net_memorises_a_tiny_batch(reg, name):
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, size=(8, 1, 8, 8)).astype(np.float32)
    y = np.arange(8) % 4
    width = 1.0 if name == "deep-convnet" else 0.25  # its dropout acts on 50 hidden units and the logits
    net = reg.create("architecture", name, input_shape=(1, 8, 8), num_classes=4, width=width, rng=0)
    loss = reg.create("loss", "cross-entropy")
    opt = reg.create("optimizer", "adam", net.parameters(), lr=3e-3)
    for step in range(300):
        net.train()
        opt.zero_grad()
        loss.forward(net.forward(x), y)
        net.backward(loss.backward())
        opt.step()
        if step % 10 == 9 and _deterministic_loss(net, loss, x, y) < 0.01:
            break
    final = _deterministic_loss(net, loss, x, y)
    assert final < 0.05, f"{name} ({net.variant}) stuck at loss {final:.3f} after {step + 1} steps"
