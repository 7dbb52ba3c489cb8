"""The generated ``shapes`` data set: drawing, balance, positions, seeding, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

import dlbench
from dlbench.errors import HyperparameterError
from dlbench.plugins.datasets.shapes import CLASSES, render


@pytest.fixture(scope="module")
def reg():
    return dlbench.registry()


@pytest.fixture(scope="module")
def shapes(reg):
    return reg.create("dataset", "shapes").load()


def all_images(d):
    x = np.concatenate([d.x_train, d.x_val, d.x_test])
    y = np.concatenate([d.y_train, d.y_val, d.y_test])
    return x, y


def test_shapes_dtypes_and_sizes(reg, shapes):
    assert shapes.input_shape == (1, 16, 16) and shapes.num_classes == len(CLASSES) == 6
    assert shapes.sizes() == {"train": 2100, "val": 300, "test": 600}
    for x, y in ((shapes.x_train, shapes.y_train), (shapes.x_test, shapes.y_test)):
        assert x.dtype == np.float32 and y.dtype == np.int64
        assert 0.0 <= x.min() and x.max() <= 1.0
    big = reg.create("dataset", "shapes", size=28, n_samples=120).load()
    assert big.input_shape == (1, 28, 28) and sum(big.sizes().values()) == 120


def test_classes_are_balanced_in_every_split(shapes):
    _, y = all_images(shapes)
    assert np.bincount(y).tolist() == [500] * 6
    for labels, per_class in ((shapes.y_train, 350), (shapes.y_val, 50), (shapes.y_test, 100)):
        assert np.bincount(labels, minlength=6).tolist() == [per_class] * 6


def test_same_seed_same_data_other_seed_other_data(reg, shapes):
    again = reg.create("dataset", "shapes").load()
    np.testing.assert_array_equal(shapes.x_train, again.x_train)
    np.testing.assert_array_equal(shapes.y_test, again.y_test)
    assert shapes.checksum == again.checksum
    other = reg.create("dataset", "shapes", split_seed=1).load()
    assert other.checksum != shapes.checksum
    assert not np.array_equal(other.x_train, shapes.x_train)
    # every parameter that changes the data changes the checksum
    sums = {reg.create("dataset", "shapes", **kw).checksum() for kw in
            ({}, {"noise": 0.2}, {"size": 28}, {"n_samples": 600}, {"min_size": 0.4},
             {"classes": ("circle", "square")}, {"n_train": 100})}
    assert len(sums) == 7


def test_positions_spread_over_the_frame(shapes):
    """Translation invariance needs shapes everywhere: per class, the centre of
    brightness of noise-free renders covers most of the 16×16 frame."""
    x, y = all_images(shapes)
    ink = np.clip(x[:, 0] - 0.3, 0, None)  # drop most of the noise
    rows, cols = np.mgrid[0:16, 0:16] + 0.5
    mass = ink.sum(axis=(1, 2))
    cy = (ink * rows).sum(axis=(1, 2)) / mass
    cx = (ink * cols).sum(axis=(1, 2)) / mass
    for k in range(6):
        for c in (cx[y == k], cy[y == k]):
            assert c.min() < 5.5 and c.max() > 10.5, (CLASSES[k], c.min(), c.max())
            assert c.std() > 1.5
    # and no two images of a class are the same picture shifted by nothing
    assert len({img.tobytes() for img in x}) == len(x)


def test_each_shape_is_drawn_as_its_formula_says():
    """Coverage areas, in pixels, of shapes of half-size r = 4 centred on a pixel corner
    (8, 8): square (2r)² = 64, circle πr², triangle ½·2r·2r = 2r², cross 2·(2r·0.6r) −
    (0.6r)², bars 2r·0.6r. The 4×4 sub-pixel grid gets curved edges right to ~1 %."""
    r = 4.0
    names = list(CLASSES)
    img = render(names, np.full((6, 2), 8.0), np.full(6, r), 16)
    area = dict(zip(names, img.sum(axis=(1, 2))))
    assert area["square"] == pytest.approx(64.0)
    assert area["circle"] == pytest.approx(math.pi * r * r, rel=0.02)
    assert area["triangle"] == pytest.approx(2 * r * r, rel=0.05)
    bar = 2 * r * 0.6 * r
    assert area["hbar"] == pytest.approx(bar, rel=0.05)
    assert area["vbar"] == pytest.approx(bar, rel=0.05)
    assert area["cross"] == pytest.approx(2 * bar - (0.6 * r) ** 2, rel=0.05)
    np.testing.assert_array_equal(img[names.index("hbar")], img[names.index("vbar")].T)
    tri = img[names.index("triangle")]
    assert tri[4:8].sum() < tri[8:12].sum()  # apex up: the lower half holds more ink
    # nothing outside the bounding box [4, 12)²
    outside = img.copy()
    outside[:, 4:12, 4:12] = 0
    assert outside.max() == 0.0


def test_without_noise_images_are_brightness_times_coverage(reg):
    d = reg.create("dataset", "shapes", noise=0.0, n_samples=60).load()
    x, _ = all_images(d)
    peak = x.max(axis=(1, 2, 3))
    assert np.all((peak >= 0.5) & (peak <= 1.0))
    assert np.all(x.min(axis=(1, 2, 3)) == 0.0)  # a black background


def test_class_subset(reg):
    d = reg.create("dataset", "shapes", classes=("circle", "square"), n_samples=40).load()
    assert d.num_classes == 2 and d.meta["classes"] == ["circle", "square"]


@pytest.mark.parametrize("kwargs, word", [
    ({"size": 20}, "size"), ({"classes": ("circle", "hexagon")}, "classes"),
    ({"classes": ("circle",)}, "classes"), ({"n_samples": 30}, "n_samples"),
    ({"noise": -0.1}, "noise"), ({"min_size": 0.5, "max_size": 0.4}, "max_size"),
])
def test_bad_arguments_fail_at_creation_naming_the_parameter(reg, kwargs, word):
    with pytest.raises(HyperparameterError, match=word):
        reg.create("dataset", "shapes", **kwargs)


def test_dlbench_check_dataset_shapes_passes(invoke):
    result = invoke("check", "dataset", "shapes")
    assert result.exit_code == 0, result.output
    assert "ok" in result.output and "shapes" in result.output
