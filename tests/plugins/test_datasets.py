"""Datasets: the shipped digits, IDX files written by the test, synthetic sets, surfaces."""

from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest

import dlbench
from dlbench.errors import DataError


@pytest.fixture(scope="module")
def reg():
    return dlbench.registry()


def test_digits_is_the_real_data_with_a_verified_checksum(reg):
    d = reg.create("dataset", "digits").load()
    assert d.num_classes == 10 and d.input_shape == (1, 8, 8)
    assert sum(d.sizes().values()) == 1797
    assert d.x_train.dtype == np.float32 and 0.0 <= d.x_train.min() and d.x_train.max() == 1.0
    assert set(np.unique(d.y_train)) == set(range(10))
    # stratified: every class is in every split in about the same proportion
    counts = np.bincount(d.y_test, minlength=10)
    assert counts.min() >= 30 and counts.max() <= 40
    again = reg.create("dataset", "digits").load()
    np.testing.assert_array_equal(d.x_train, again.x_train)
    assert d.checksum == again.checksum
    assert reg.create("dataset", "digits", split_seed=1).load().checksum != d.checksum


def test_digits_n_train_subsample_is_stratified(reg):
    d = reg.create("dataset", "digits", n_train=300).load()
    assert d.sizes()["train"] == 300
    assert np.bincount(d.y_train).min() >= 28


def test_splits_never_overlap(reg):
    from dlbench.plugins.datasets.digits import read_digits

    x, _ = read_digits()
    d = reg.create("dataset", "digits").load()
    rows = {arr.tobytes() for arr in d.x_train}
    assert not any(arr.tobytes() in rows for arr in d.x_test)
    assert len(x) == 1797


def write_idx(path, array, gz):
    codes = {np.uint8: 0x08}
    header = bytes([0, 0, codes[array.dtype.type], array.ndim]) + b"".join(
        struct.pack(">I", n) for n in array.shape)
    raw = header + array.tobytes()
    path.write_bytes(gzip.compress(raw) if gz else raw)


@pytest.fixture
def tiny_mnist(tmp_path):
    rng = np.random.default_rng(0)
    folder = tmp_path / "data" / "mnist"
    folder.mkdir(parents=True)
    for stem, n, gz in (("train", 120, True), ("t10k", 30, False)):
        images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        labels = (np.arange(n) % 10).astype(np.uint8)
        suffix = ".gz" if gz else ""
        write_idx(folder / f"{stem}-images-idx3-ubyte{suffix}", images, gz)
        write_idx(folder / f"{stem}-labels-idx1-ubyte{suffix}", labels, gz)
    return tmp_path / "data"


def test_mnist_reads_idx_files_gz_or_not(reg, tiny_mnist):
    d = reg.create("dataset", "mnist", data_dir=str(tiny_mnist), verify=False).load()
    assert d.input_shape == (1, 28, 28) and d.sizes()["test"] == 30
    assert d.sizes()["train"] + d.sizes()["val"] == 120
    assert d.x_test.max() <= 1.0 and d.x_test.dtype == np.float32


def test_mnist_checksum_mismatch_is_reported(reg, tiny_mnist):
    with pytest.raises(DataError, match="has MD5 .* expected f68b3c2dcbeaaa9fbdd348bbdeb94873"):
        reg.create("dataset", "mnist", data_dir=str(tiny_mnist)).load()


def test_missing_mnist_says_what_to_download_and_where(reg, tmp_path, monkeypatch):
    monkeypatch.setenv("DLBENCH_DATA_DIR", str(tmp_path))
    with pytest.raises(DataError) as info:
        reg.create("dataset", "fashion-mnist").load()
    text = str(info.value)
    assert "train-images-idx3-ubyte.gz" in text and "fashion-mnist.s3-website" in text
    assert "DLBENCH_DATA_DIR" in text and "--data-dir" in text


def test_truncated_idx_file_is_reported(reg, tiny_mnist):
    path = tiny_mnist / "mnist" / "t10k-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(DataError, match="header says"):
        reg.create("dataset", "mnist", data_dir=str(tiny_mnist), verify=False).load()


@pytest.mark.parametrize("name", ["spiral", "moons", "blobs"])
def test_synthetic_sets_are_seeded(reg, name):
    a = reg.create("dataset", name).load()
    b = reg.create("dataset", name).load()
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert a.x_train.shape[1] == 2 and a.num_classes >= 2
    assert not np.array_equal(a.x_train, reg.create("dataset", name, split_seed=3).load().x_train)


@pytest.mark.parametrize("name", ["book-bowl", "rosenbrock", "beale", "rastrigin"])
def test_surfaces_gradient_and_minimum(reg, name):
    s = reg.create("dataset", name).load()
    rng = np.random.default_rng(0)
    for _ in range(5):
        p = rng.uniform(-1.5, 1.5, 2)
        h = 1e-6
        num = np.array([(s.f(p + h * e) - s.f(p - h * e)) / (2 * h) for e in np.eye(2)])
        np.testing.assert_allclose(s.grad(p), num, rtol=1e-6, atol=1e-6)
    assert s.f_min == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(s.grad(s.minimum), 0.0, atol=1e-9)
