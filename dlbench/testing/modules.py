"""Conformance of modules (activations, layers) and losses: gradient, shape, dtype."""

from __future__ import annotations

import numpy as np

from ..plugin_registry import Entry
from ..nn import Module, gradcheck, gradcheck_loss
from .core import CheckResult, Checker, example_of, example_input, require


# -- modules: activations and layers --------------------------------------------------------
def check_module(entry: Entry, *, default_shape=(4, 5), default_range=(-2.0, 2.0)) -> list[CheckResult]:
    """Create, gradient-check (float64, train mode), check shape and dtype (float32)."""
    c = Checker(entry)
    ex = example_of(entry)
    holder: dict = {}

    def create():
        module = entry.obj(**ex.get("kwargs", {}))
        require(isinstance(module, Module), f"created {type(module).__name__}, not a dlbench.nn.Module")
        holder["m"] = module

    if not c.attempt("create", create):
        return c.results
    module = holder["m"]
    x = example_input(ex, default_shape, default_range)

    def grad():
        result = gradcheck(module.train(), x, max_coords=ex.get("max_coords"))
        worst, err = result.worst
        require(result.passed, f"gradient check failed: {result}")
        return f"worst relative error {err:.1e} ({worst})"

    def dtype():
        if entry.kind == "activation":
            xs = x.astype(np.float32)
            y = module.forward(xs)
            require(y.shape == xs.shape, f"output shape {y.shape} != input shape {xs.shape}")
        else:
            xs = x.astype(np.float32)
            for p in module.parameters():
                require(p.dtype == np.float32, f"parameter {p.name} is {p.dtype}, expected float32")
            y = module.forward(xs)
        require(y.dtype == np.float32, f"float32 input gave {y.dtype} output")
        require(np.all(np.isfinite(y)), "non-finite output on the example input")
        dx = module.backward(np.ones_like(y))
        require(dx.shape == xs.shape, f"backward returned {dx.shape}, input was {xs.shape}")
        require(dx.dtype == np.float32, f"backward returned {dx.dtype} for float32")

    c.attempt("gradient", grad)
    c.attempt("shape-dtype", dtype)
    module.zero_grad()
    return c.results


# -- losses -----------------------------------------------------------------------------------
def _target(kind: str, shape, rng):
    if kind == "class-indices":
        return rng.integers(0, shape[1], size=shape[0])
    if kind == "probabilities":
        t = rng.uniform(size=shape)
        return t / t.sum(axis=1, keepdims=True)
    if kind == "binary":
        return (rng.uniform(size=shape) > 0.5).astype(np.float64)
    return rng.standard_normal(shape)


def check_loss(entry: Entry) -> list[CheckResult]:
    """Create, gradient-check w.r.t. the prediction, and check the value is a finite scalar."""
    c = Checker(entry)
    ex = example_of(entry)
    holder: dict = {}
    if not c.attempt("create", lambda: holder.update(loss=entry.obj(**ex.get("kwargs", {})))):
        return c.results
    loss = holder["loss"]
    rng = np.random.default_rng(0)
    shape = tuple(ex.get("input_shape", (4, 3)))
    pred = rng.standard_normal(shape)
    target = _target(ex.get("target", "same-shape"), shape, rng)

    def grad():
        result = gradcheck_loss(loss, pred, target)
        require(result.passed, f"gradient check failed: {result}")
        return f"worst relative error {result.worst[1]:.1e}"

    def value():
        v = loss.forward(pred.astype(np.float32), target)
        require(np.ndim(v) == 0, f"reduction gave shape {np.shape(v)}, expected a scalar")
        require(np.isfinite(v), f"loss is {v} on the example input")
        g = loss.backward()
        require(g.shape == shape, f"backward returned {g.shape}, prediction was {shape}")

    c.attempt("gradient", grad)
    c.attempt("value", value)
    return c.results


