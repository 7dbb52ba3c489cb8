"""Loading datasets by choice, with a per-process cache and the book's MNIST fallback."""

from __future__ import annotations

import inspect

from .choices import parse_choice


def load_dataset(registry, choice, *, cache: dict | None = None, data_dir=None):
    """The object ``load(rng)`` of the dataset plugin ``choice`` returns (cached).

    Datasets are deterministic given their own arguments (their splits use a fixed split
    seed), so one load serves every run of a process. A ``data_dir`` is passed to
    loaders that accept it (MNIST-style files on disk).
    """
    c = parse_choice(choice)
    key = str(c)
    if cache is not None and key in cache:
        return cache[key]
    factory = registry.get("dataset", c.name)
    kwargs = dict(c.kwargs)
    if data_dir is not None and "data_dir" in _params(factory) and "data_dir" not in kwargs:
        kwargs["data_dir"] = data_dir
    data = registry.create("dataset", c.name, **kwargs).load()
    if cache is not None:
        cache[key] = data
    return data


def _params(factory) -> set[str]:
    try:
        return set(inspect.signature(factory).parameters)
    except (TypeError, ValueError):
        return set()
