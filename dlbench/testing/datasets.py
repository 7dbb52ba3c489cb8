"""Conformance of datasets (splits, shapes, dtypes, determinism) and tasks (the test preset)."""

from __future__ import annotations

import math

import numpy as np

from ..errors import DataError
from ..plugin_registry import Entry
from .core import Checker, CheckResult, describe_error, example_of, require


def check_dataset(entry: Entry) -> list[CheckResult]:
    """A classification dataset: three splits, float32 inputs, int labels in range, the
    same data and checksum on a second load. A 2-D surface: a finite value and a gradient
    that matches central differences. Loaders that need local files are skipped when the
    files are absent."""
    from ..bench import Dataset, Surface

    c = Checker(entry)
    ex = example_of(entry)
    holder: dict = {}

    def load():
        holder["a"] = entry.obj(**ex.get("kwargs", {})).load()

    try:
        load()
    except DataError as exc:
        if ex.get("needs_files"):
            c.add("load", "skip", f"local files not present ({str(exc).split('(')[0].strip()})")
            return c.results
        c.add("load", "fail", str(exc))
        return c.results
    except Exception as exc:  # a plugin's own bug: reported, never raised
        c.add("load", "fail", describe_error(exc))
        return c.results
    c.add("load", "pass")
    data = holder["a"]

    def splits():
        require(isinstance(data, Dataset), f"load() returned {type(data).__name__}, not a Dataset")
        for split in ("train", "val", "test"):
            x, y = getattr(data, f"x_{split}"), getattr(data, f"y_{split}")
            require(len(x) == len(y), f"{split}: {len(x)} inputs but {len(y)} labels")
            require(x.dtype == np.float32, f"{split}: inputs are {x.dtype}, expected float32")
            require(np.issubdtype(y.dtype, np.integer), f"{split}: labels are {y.dtype}")
            if len(y):
                require(0 <= y.min() and y.max() < data.num_classes,
                        f"{split}: labels outside [0, {data.num_classes})")
                require(np.all(np.isfinite(x)), f"{split}: non-finite inputs")
        require(len(data.y_train) > 0, "empty training split")
        return f"{data.sizes()} {data.input_shape}"

    def surface():
        p = np.asarray(data.starts[0], dtype=np.float64)
        h = 1e-6
        num = np.array([(data.f(p + h * e) - data.f(p - h * e)) / (2 * h) for e in np.eye(2)])
        g = np.asarray(data.grad(p), dtype=np.float64)
        err = float(np.max(np.abs(g - num)) / max(1.0, float(np.max(np.abs(num)))))
        require(err < 1e-5, f"gradient differs from central differences by {err:.1e}")
        require(math.isfinite(data.f(p)), "f is not finite at the first start point")

    def deterministic():
        again = entry.obj(**ex.get("kwargs", {})).load()
        require(getattr(again, "checksum", None) == getattr(data, "checksum", None),
                "a second load gave another checksum")
        if isinstance(data, Dataset):
            require(np.array_equal(again.x_train, data.x_train), "a second load gave other data")

    if isinstance(data, Surface):
        c.attempt("gradient", surface)
    else:
        c.attempt("splits", splits)
    c.attempt("deterministic", deterministic)
    return c.results


def check_task(entry: Entry, registry=None) -> list[CheckResult]:
    """Run the task's ``test`` preset (one seed, in memory): every run must finish or
    diverge, and every summary value must be a number."""
    c = Checker(entry)
    if registry is None:
        c.add("test-preset", "skip", "no registry to run the task with")
        return c.results

    def runs():
        from ..app import run

        outcomes = run(entry.name, preset="test", seed=0, registry=registry)
        bad = [o for o in outcomes if o.status not in ("finished", "diverged")]
        require(not bad, "; ".join(f"{o.spec.label()}: {o.error}" for o in bad))
        for o in outcomes:
            for key, value in o.summary.items():
                require(isinstance(value, (int, float)), f"summary {key!r} is {type(value).__name__}")
        return f"{len(outcomes)} runs of the test preset"

    c.attempt("test-preset", runs)
    return c.results
