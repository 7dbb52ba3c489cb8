"""Conformance of optimizers: descent, finiteness, dtype, determinism, weight decay."""

from __future__ import annotations

import inspect

import numpy as np

from ..plugin_registry import Entry
from ..nn import Parameter
from .core import CheckResult, Checker, example_of, example_input, require


# -- optimizers -------------------------------------------------------------------------------
QUADRATIC_SCALES = np.array([1.0, 10.0, 0.5])
QUADRATIC_CENTER = np.array([1.0, -2.0, 0.5])
QUADRATIC_START = np.array([-1.5, 1.0, 3.0])


def quadratic_loss_and_grad(theta):
    """f(θ) = ½ Σ a_i (θ_i − c_i)², a convex bowl with condition number 20."""
    d = theta - QUADRATIC_CENTER
    return 0.5 * float(np.sum(QUADRATIC_SCALES * d * d)), QUADRATIC_SCALES * d


def run_optimizer(factory, kwargs, loss_and_grad, start, steps, dtype=np.float64):
    """Run ``steps`` optimizer steps on ``loss_and_grad``; returns (losses, final θ)."""
    p = Parameter(np.array(start, dtype=dtype))
    opt = factory([p], **kwargs)
    losses = []
    for _ in range(steps):
        value, grad = loss_and_grad(p.data.astype(np.float64))
        losses.append(value)
        opt.zero_grad()
        p.grad[...] = grad
        opt.step()
    losses.append(loss_and_grad(p.data.astype(np.float64))[0])
    return np.array(losses), p


def check_optimizer(entry: Entry, steps: int = 200) -> list[CheckResult]:
    """Smoke-test an optimizer: it descends a convex quadratic, stays finite, keeps
    dtype and shape, is deterministic, clears gradients, and honours ``weight_decay``."""
    c = Checker(entry)
    ex = example_of(entry)
    kwargs = dict(ex.get("kwargs", {}))
    factory = entry.obj

    def create():
        p = Parameter(np.zeros(3))
        opt = factory([p], **kwargs)
        require(hasattr(opt, "step") and hasattr(opt, "zero_grad"), "needs step() and zero_grad()")

    if not c.attempt("create", create):
        return c.results

    def descends():
        losses, _ = run_optimizer(factory, kwargs, quadratic_loss_and_grad, QUADRATIC_START, steps)
        bad = losses[~np.isfinite(losses)]
        require(bad.size == 0, f"loss became {bad[0] if bad.size else ''} on a convex quadratic")
        require(losses[-1] < 0.5 * losses[0], (
            f"loss went {losses[0]:.4g} -> {losses[-1]:.4g} in {steps} steps on a convex quadratic"))
        return f"loss {losses[0]:.3g} -> {losses[-1]:.3g} in {steps} steps"

    def deterministic():
        a = run_optimizer(factory, kwargs, quadratic_loss_and_grad, QUADRATIC_START, 20)[1].data
        b = run_optimizer(factory, kwargs, quadratic_loss_and_grad, QUADRATIC_START, 20)[1].data
        require(np.array_equal(a, b), "two identical runs gave different parameters")

    def dtype():
        _, p = run_optimizer(factory, kwargs, quadratic_loss_and_grad, QUADRATIC_START, 5,
                             dtype=np.float32)
        require(p.data.dtype == np.float32, f"float32 parameter became {p.data.dtype}")
        require(p.data.shape == (3,), f"parameter shape changed to {p.data.shape}")

    def zero_grad():
        p = Parameter(np.ones(3))
        opt = factory([p], **kwargs)
        p.grad[...] = 1.0
        opt.zero_grad()
        require(not np.any(p.grad), "zero_grad() left non-zero gradients")

    def weight_decay():
        params = inspect.signature(factory).parameters
        if "weight_decay" not in params:
            return "no weight_decay parameter"
        p = Parameter(np.full(3, 2.0))
        opt = factory([p], **{**kwargs, "weight_decay": 0.1})
        for _ in range(3):
            p.grad[...] = 0.0
            opt.step()
        require(not np.allclose(p.data, 2.0), "weight_decay=0.1 had no effect with zero gradients")
        require(np.all(np.abs(p.data) < 2.0), "weight_decay did not shrink the parameters")

    c.attempt("descends", descends)
    c.attempt("deterministic", deterministic)
    c.attempt("dtype", dtype)
    c.attempt("zero-grad", zero_grad)
    c.attempt("weight-decay", weight_decay)
    return c.results


