"""Conformance checks per plugin kind: what ``dlbench check`` runs on every item.

Each check takes a registry :class:`~dlbench.registry.Entry` and returns a list of
:class:`CheckResult` (one per property), never raising: a plugin that raises, returns
NaN or the wrong shape is reported with the property it broke.
"""

from __future__ import annotations

import inspect
import traceback
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..nn import Module, Parameter, gradcheck, gradcheck_loss
from ..plugin_registry import Entry


class ConformanceFailure(Exception):
    """A property does not hold; the message says what was expected and what came back."""


def require(condition, message: str) -> None:
    """Like ``assert`` but survives ``python -O`` and pytest's assertion rewriting."""
    if not condition:
        raise ConformanceFailure(message)


@dataclass
class CheckResult:
    """Outcome of one property of one item: ``status`` is pass / fail / warn / skip."""

    kind: str
    name: str
    prop: str
    status: str
    detail: str = ""

    @property
    def failed(self) -> bool:
        return self.status == "fail"

    def as_dict(self) -> dict:
        return {"kind": self.kind, "name": self.name, "property": self.prop,
                "status": self.status, "detail": self.detail}


def _example(entry: Entry) -> dict:
    return dict(entry.example or {})


def _error(exc: BaseException) -> str:
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}" if frame else ""
    return f"{type(exc).__name__}: {exc}{where}"


class _Checker:
    """Collects results for one entry; ``attempt`` turns exceptions into failures."""

    def __init__(self, entry: Entry):
        self.entry, self.results = entry, []

    def add(self, prop: str, status: str, detail: str = "") -> None:
        self.results.append(CheckResult(self.entry.kind, self.entry.name, prop, status, detail))

    def attempt(self, prop: str, fn: Callable[[], str | None]) -> bool:
        try:
            detail = fn()
        except ConformanceFailure as exc:
            self.add(prop, "fail", str(exc))
            return False
        except Exception as exc:  # a plugin's own bug: report, do not crash
            self.add(prop, "fail", _error(exc))
            return False
        self.add(prop, "pass", detail or "")
        return True


def _input(example: dict, default_shape, default_range, seed=0) -> np.ndarray:
    shape = tuple(example.get("input_shape", default_shape))
    low, high = example.get("input_range", default_range)
    return np.random.default_rng(seed).uniform(low, high, size=shape)


# -- modules: activations and layers --------------------------------------------------------
def check_module(entry: Entry, *, default_shape=(4, 5), default_range=(-2.0, 2.0)) -> list[CheckResult]:
    """Create, gradient-check (float64, train mode), check shape and dtype (float32)."""
    c = _Checker(entry)
    ex = _example(entry)
    holder: dict = {}

    def create():
        module = entry.obj(**ex.get("kwargs", {}))
        require(isinstance(module, Module), f"created {type(module).__name__}, not a dlbench.nn.Module")
        holder["m"] = module

    if not c.attempt("create", create):
        return c.results
    module = holder["m"]
    x = _input(ex, default_shape, default_range)

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
    c = _Checker(entry)
    ex = _example(entry)
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
    c = _Checker(entry)
    ex = _example(entry)
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


# -- initializers -----------------------------------------------------------------------------
def check_initializer(entry: Entry) -> list[CheckResult]:
    """Shapes for dense and conv weights, finite values, same seed → same numbers."""
    c = _Checker(entry)
    ex = _example(entry)
    holder: dict = {}
    if not c.attempt("create", lambda: holder.update(init=entry.obj(**ex.get("kwargs", {})))):
        return c.results
    init = holder["init"]

    def shapes():
        for shape, fi, fo in (((20, 30), 20, 30), ((8, 3, 3, 3), 27, 72)):
            w = np.asarray(init(shape, np.random.default_rng(0), fan_in=fi, fan_out=fo))
            require(w.shape == shape, f"asked for {shape}, got {w.shape}")
            require(np.all(np.isfinite(w)), "non-finite values")

    def deterministic():
        a = init((20, 30), np.random.default_rng(7), fan_in=20, fan_out=30)
        b = init((20, 30), np.random.default_rng(7), fan_in=20, fan_out=30)
        require(np.array_equal(a, b), "the same seed gave different weights")

    c.attempt("shape", shapes)
    c.attempt("deterministic", deterministic)
    return c.results


#: kind -> check; kinds without one are listed as "no conformance check"
CHECKS: dict[str, Callable[[Entry], list[CheckResult]]] = {
    "activation": check_module,
    "layer": lambda e: check_module(e, default_shape=(4, 5), default_range=(-1.0, 1.0)),
    "loss": check_loss,
    "optimizer": check_optimizer,
    "initializer": check_initializer,
}


def check_entry(entry: Entry, *, builtin: bool = False) -> list[CheckResult]:
    """All checks for one registered item, plus a metadata warning where fields are missing."""
    results = []
    missing = entry.missing_metadata()
    if missing:
        status = "fail" if builtin else "warn"
        results.append(CheckResult(entry.kind, entry.name, "metadata", status,
                                   "missing " + ", ".join(missing)))
    check = CHECKS.get(entry.kind)
    if check is None:
        return results
    return results + check(entry)
