"""Conformance of architectures (``dlbench check architecture``): build, run, and agree
with shape inference.

Run on the registration's ``example`` (tiny widths and inputs, so it is fast). Checks:
the model maps ``(N, *input_shape)`` float32 to finite ``(N, num_classes)`` float32
logits and back; the same seed gives the same weights; and, for an
:class:`~dlbench.arch.Architecture`, the inferred table matches the built model: total
parameters and, module by module, the parameters under each inferred row's name.
"""

from __future__ import annotations

import numpy as np

from ..arch import Architecture
from ..plugin_registry import Entry, Registry
from .core import Checker, CheckResult, example_of, require


def check_architecture(entry: Entry, registry: Registry | None = None) -> list[CheckResult]:
    """Checks of one architecture; its layers come from ``registry`` (without one, an
    :class:`~dlbench.arch.Architecture` is skipped: it cannot be built)."""
    c = Checker(entry)
    kwargs = dict(example_of(entry).get("kwargs", {}))
    if isinstance(entry.obj, Architecture):
        if registry is None:
            c.add("create", "skip", "no registry to build the layers from")
            return c.results
        kwargs.setdefault("registry", registry)
    holder: dict = {}
    if not c.attempt("create", lambda: holder.update(model=entry.obj(**kwargs))):
        return c.results
    model = holder["model"]
    shape = tuple(kwargs.get("input_shape") or getattr(entry.obj, "input_shape", ()))
    classes = kwargs.get("num_classes") or getattr(entry.obj, "num_classes", None)

    def forward():
        x = np.random.default_rng(0).uniform(0, 1, size=(2, *shape)).astype(np.float32)
        y = model.train().forward(x)
        require(y.shape == (2, classes), f"output {y.shape}, expected (2, {classes})")
        require(y.dtype == np.float32, f"float32 input gave {y.dtype} logits")
        require(np.all(np.isfinite(y)), "non-finite logits")
        dx = model.backward(np.ones_like(y))
        require(dx.shape == x.shape, f"backward returned {dx.shape}, input was {x.shape}")
        return f"{model.num_parameters():,} parameters"

    def deterministic():
        again = entry.obj(**kwargs)
        for (name, a), (_, b) in zip(model.named_parameters(), again.named_parameters()):
            require(np.array_equal(a.data, b.data), f"{name} differs between two builds "
                                                    "with the same rng")

    def inferred():
        if not isinstance(entry.obj, Architecture):
            return "not a dlbench.arch.Architecture: nothing to compare"
        _, result = entry.obj.infer(shape, classes, kwargs.get("variant"), kwargs.get("width", 1.0))
        require(result.params == model.num_parameters(),
                f"inferred {result.params:,} parameters, the model has {model.num_parameters():,}")
        sizes = {name: p.size for name, p in model.named_parameters()}
        for row in result.rows:
            built = sum(n for name, n in sizes.items() if name.startswith(row.name + "."))
            require(built == row.params, f"{row.name}: inferred {row.params:,} parameters, "
                                         f"the module has {built:,}")
        return f"{len(result.rows)} rows agree"

    c.attempt("forward-backward", forward)
    c.attempt("deterministic", deterministic)
    c.attempt("inference", inferred)
    return c.results
