"""MNIST and Fashion-MNIST from the standard IDX files in a local folder (never downloaded).

The folder is ``--data-dir`` or ``$DLBENCH_DATA_DIR``; files are looked for in
``<folder>/<name>/`` and then ``<folder>/``, gzipped (``.gz``) or not. Gzipped files are
verified against the official MD5 digests (torchvision's list); uncompressed files have no
official digest, so their structure is verified (magic number, sizes, label range) and
their SHA-256 enters the dataset checksum.
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import numpy as np

from dlbench import config
from dlbench.bench import Dataset
from dlbench.errors import DataError, check_range

from .splits import split_indices

FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
         "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")

SOURCES = {
    "mnist": {
        "url": "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "md5": ("f68b3c2dcbeaaa9fbdd348bbdeb94873", "d53e105ee54ea40749a09fcbcd1e9432",
                "9fb629c4189551a2d022fa330f9573f3", "ec29112dd5afa0611ce80d1b7f02629c"),
    },
    "fashion-mnist": {
        "url": "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        "md5": ("8d4fb7e6c68d591d4c3dfef9ec88bf0d", "25c81989df183df01b3e8a0aad5dffbe",
                "bef4ecab320f06d8554ea6380940ec79", "bb300cfdad3c16e7a12a480ee83cd310"),
    },
}
_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def parse_idx(raw: bytes, what: str) -> np.ndarray:
    """Decode an IDX file (big-endian header: 0, 0, dtype code, ndim, then ndim sizes)."""
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _DTYPES:
        raise DataError(f"{what} is not an IDX file (bad magic number)")
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    dtype = np.dtype(_DTYPES[raw[2]])
    offset = 4 + 4 * ndim
    count = int(np.prod(dims)) if dims else 0
    if len(raw) != offset + count * dtype.itemsize:
        raise DataError(f"{what}: header says {dims} but the file has {len(raw) - offset} data bytes")
    return np.frombuffer(raw, dtype=dtype, offset=offset, count=count).reshape(dims)


def find_file(folder: Path, name: str, stem: str) -> Path | None:
    for base in (folder / name, folder):
        for candidate in (base / f"{stem}.gz", base / stem):
            if candidate.is_file():
                return candidate
    return None


class IdxDataset:
    """Loader of ``mnist`` / ``fashion-mnist`` (60,000 train + 10,000 test, 28×28).

    Splits: the official test set is the test split; ``val_fraction`` of the official
    training set (stratified, seeded by ``split_seed``) is the validation split.
    Images are scaled to [0, 1] as the book does, shape ``(N, 1, 28, 28)``.

    :param data_dir: folder with the IDX files (default ``$DLBENCH_DATA_DIR``).
    :param n_train: keep only this many training samples (stratified).
    :param verify: check gzipped files against the official MD5 digests.
    """

    name = "mnist"

    def __init__(self, data_dir: str | None = None, val_fraction: float = 1 / 12,
                 n_train: int | None = None, split_seed: int = 0, verify: bool = True):
        check_range("val_fraction", val_fraction, low=0.0, high=1.0, high_open=True)
        self.data_dir = data_dir
        self.val_fraction, self.n_train, self.split_seed = val_fraction, n_train, split_seed
        self.verify = verify

    def _folder(self) -> Path:
        folder = config.data_dir(self.data_dir)
        if folder is None:
            raise DataError(self._missing("no data folder is set"))
        return folder

    def _missing(self, why: str) -> str:
        src = SOURCES[self.name]
        names = ", ".join(f"{f}.gz" for f in FILES)
        return (f"{self.name} is not available ({why}). Download {names} from {src['url']} "
                f"into <folder>/{self.name}/ and pass --data-dir <folder> or set "
                f"{config.ENV_DATA_DIR}=<folder>.")

    def _read(self, folder: Path, index: int) -> tuple[np.ndarray, str]:
        stem = FILES[index]
        path = find_file(folder, self.name, stem)
        if path is None:
            raise DataError(self._missing(f"{stem}[.gz] not found in {folder}"))
        raw = path.read_bytes()
        if path.suffix == ".gz":
            if self.verify:
                md5 = hashlib.md5(raw, usedforsecurity=False).hexdigest()
                expected = SOURCES[self.name]["md5"][index]
                if md5 != expected:
                    raise DataError(f"{path} has MD5 {md5}, expected {expected} (the official "
                                    f"{self.name} file); re-download it from {SOURCES[self.name]['url']}")
            try:
                raw = gzip.decompress(raw)
            except (OSError, EOFError) as exc:
                raise DataError(f"{path} is not a valid gzip file: {exc}") from exc
        return parse_idx(raw, str(path)), hashlib.sha256(raw).hexdigest()

    def load(self, rng: np.random.Generator | None = None) -> Dataset:
        folder = self._folder()
        arrays, digests = zip(*(self._read(folder, i) for i in range(4)))
        x_tr, y_tr, x_te, y_te = arrays
        if x_tr.ndim != 3 or x_tr.shape[0] != y_tr.shape[0] or x_te.shape[0] != y_te.shape[0]:
            raise DataError(f"{self.name}: image and label files do not match "
                            f"({x_tr.shape}, {y_tr.shape}, {x_te.shape}, {y_te.shape})")
        labels = np.concatenate([y_tr, y_te])
        if labels.min() < 0 or labels.max() > 9:
            raise DataError(f"{self.name}: labels outside 0..9")
        rng = rng or np.random.default_rng(self.split_seed)
        train, val, _ = split_indices(y_tr, rng, 0.0, self.val_fraction, self.n_train)

        def prep(x):
            return (x.astype(np.float32) / 255.0)[:, None, :, :]

        params = ":".join([*digests, str(self.val_fraction), str(self.n_train), str(self.split_seed)])
        return Dataset(self.name, prep(x_tr[train]), y_tr[train].astype(np.int64),
                       prep(x_tr[val]), y_tr[val].astype(np.int64), prep(x_te),
                       y_te.astype(np.int64), 10, hashlib.sha256(params.encode()).hexdigest(),
                       f"{self.name} IDX files from {folder}")


class Mnist(IdxDataset):
    name = "mnist"


class FashionMnist(IdxDataset):
    name = "fashion-mnist"
