"""Conformance of optimizers: the properties every ``dlbench.nn.Optimizer`` plugin must have.

:func:`check_optimizer` runs the optimizer (created as ``obj(params, **example["kwargs"])``)
on small problems and reports each property by name; none needs a gradient check:

``create``               it builds from the example kwargs and has ``step`` / ``zero_grad``;
``descends-quadratic``   loss on a convex quadratic (condition number 20) at least halves
                         in 200 steps and stays finite;
``descends-rosenbrock``  loss on Rosenbrock from (−1.5, 2) at least halves in 500 steps
                         and stays finite;
``shape-dtype``          float32 parameters of several shapes stay float32, keep their shape
                         and are updated in place;
``state-per-parameter``  two parameters stepped together move exactly as when stepped
                         alone (no state shared between parameters);
``deterministic``        the same run twice gives the same numbers bit for bit;
``lr-from-defaults``     setting ``optimizer.lr = 0`` between steps stops the updates
                         (hyperparameters are read on every step, so schedulers work);
``zero-grad``            ``zero_grad()`` clears every gradient;
``weight-decay``         ``weight_decay=0.1`` shrinks parameters when the gradient is zero,
                         or is refused with ``HyperparameterError`` (never silently ignored).

Helpers for a plugin's own tests: :func:`apply_gradients` (the parameter after each step
on fixed gradients, to compare with values computed by hand), :func:`run_optimizer`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ..errors import HyperparameterError
from ..nn import Parameter
from ..plugin_registry import Entry, accepts
from .core import CheckResult, Checker, example_of, require

QUADRATIC_SCALES = np.array([1.0, 10.0, 0.5])
QUADRATIC_CENTER = np.array([1.0, -2.0, 0.5])
QUADRATIC_START = np.array([-1.5, 1.0, 3.0])
ROSENBROCK_START = np.array([-1.5, 2.0])
QUADRATIC_STEPS, ROSENBROCK_STEPS = 200, 500


def quadratic_loss_and_grad(theta):
    """f(θ) = ½ Σ a_i (θ_i − c_i)², a convex bowl with condition number 20; θ shape (3,)."""
    d = theta - QUADRATIC_CENTER
    return 0.5 * float(np.sum(QUADRATIC_SCALES * d * d)), QUADRATIC_SCALES * d


def rosenbrock_loss_and_grad(theta):
    """f(x, y) = (1 − x)² + 100 (y − x²)², minimum 0 at (1, 1); θ shape (2,)."""
    x, y = theta
    f = (1 - x) ** 2 + 100 * (y - x * x) ** 2
    return float(f), np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


def run_optimizer(factory, kwargs, loss_and_grad, start, steps, dtype=np.float64):
    """Run ``steps`` optimizer steps on ``loss_and_grad``; returns (losses, final parameter).

    ``losses`` has ``steps + 1`` entries: before the first step and after each one.
    """
    p = Parameter(np.array(start, dtype=dtype))
    opt = factory([p], **kwargs)
    losses = []
    with np.errstate(all="ignore"):  # a diverging plugin is reported, not warned about
        for _ in range(steps):
            value, grad = loss_and_grad(p.data.astype(np.float64))
            losses.append(value)
            opt.zero_grad()
            p.grad[...] = grad
            opt.step()
        losses.append(loss_and_grad(p.data.astype(np.float64))[0])
    return np.array(losses), p


def apply_gradients(factory, start, grads: Sequence, **kwargs) -> np.ndarray:
    """Step a fresh optimizer on fixed gradients; returns θ after each step.

    >>> apply_gradients(SGD, [1.0], [[0.5], [0.5]], lr=0.1)   # doctest: +SKIP
    array([[0.95], [0.9 ]])

    :param start: the initial parameter (any shape, float64).
    :param grads: one gradient per step, each of the parameter's shape.
    :return: array of shape ``(len(grads), *start.shape)``.
    """
    p = Parameter(np.array(start, dtype=np.float64))
    opt = factory([p], **kwargs)
    out = []
    for g in grads:
        p.grad[...] = g
        opt.step()
        out.append(p.data.copy())
    return np.array(out)


def _descends(factory, kwargs, loss_and_grad, start, steps, problem) -> Callable[[], str]:
    def check():
        losses, _ = run_optimizer(factory, kwargs, loss_and_grad, start, steps)
        bad = np.flatnonzero(~np.isfinite(losses))
        require(bad.size == 0, f"loss became {losses[bad[0]] if bad.size else ''} at step "
                               f"{bad[0] if bad.size else ''} on {problem}")
        require(losses[-1] < 0.5 * losses[0], (
            f"loss went {losses[0]:.4g} -> {losses[-1]:.4g} in {steps} steps on {problem} "
            "(expected at least halved)"))
        return f"loss {losses[0]:.3g} -> {losses[-1]:.3g} in {steps} steps"
    return check


def _shape_dtype(factory, kwargs) -> None:
    rng = np.random.default_rng(0)
    params = [Parameter(rng.standard_normal(s).astype(np.float32)) for s in ((3,), (2, 4), (1,))]
    arrays = [p.data for p in params]
    opt = factory(params, **kwargs)
    with np.errstate(all="ignore"):
        for _ in range(3):
            for p in params:
                p.grad[...] = rng.standard_normal(p.shape)
            opt.step()
    for p, before in zip(params, arrays):
        require(p.data.dtype == np.float32, f"float32 parameter became {p.data.dtype}")
        require(p.data.shape == before.shape, f"parameter shape {before.shape} became {p.data.shape}")
        require(p.data is before, "step() replaced p.data instead of updating it in place")


def _state_per_parameter(factory, kwargs) -> None:
    """Two parameters of different shapes, stepped together and each alone."""
    rng = np.random.default_rng(1)
    starts = [rng.standard_normal(3), rng.standard_normal((2, 2))]
    grads = [[rng.standard_normal(s.shape) for _ in range(4)] for s in starts]
    together = [Parameter(s.copy()) for s in starts]
    opt = factory(together, **kwargs)
    for step in range(4):
        for p, g in zip(together, grads):
            p.grad[...] = g[step]
        opt.step()
    for i, (start, g) in enumerate(zip(starts, grads)):
        alone = apply_gradients(factory, start, g, **kwargs)[-1]
        require(np.allclose(together[i].data, alone, rtol=1e-12, atol=1e-15), (
            f"parameter {i} moved differently when stepped with another parameter "
            "(state shared between parameters?)"))


def _deterministic(factory, kwargs) -> None:
    a = run_optimizer(factory, kwargs, quadratic_loss_and_grad, QUADRATIC_START, 20)[1].data
    b = run_optimizer(factory, kwargs, quadratic_loss_and_grad, QUADRATIC_START, 20)[1].data
    require(np.array_equal(a, b), f"two identical runs gave different parameters: {a} vs {b}")


def _lr_from_defaults(factory, kwargs) -> str | None:
    p = Parameter(np.array([1.0, -2.0]))
    opt = factory([p], **kwargs)
    if getattr(opt, "lr", None) is None:
        return "skipped: the optimizer has no lr"
    p.grad[...] = [0.5, -0.25]
    opt.step()
    before = p.data.copy()
    opt.lr = 0.0
    opt.step()
    require(np.array_equal(p.data, before), (
        "after optimizer.lr = 0 the parameter still moved: lr is not read from "
        "self.defaults on every step, so schedulers cannot change it"))


def _zero_grad(factory, kwargs) -> None:
    p = Parameter(np.ones(3))
    opt = factory([p], **kwargs)
    p.grad[...] = 1.0
    opt.zero_grad()
    require(not np.any(p.grad), "zero_grad() left non-zero gradients")


def _weight_decay(factory, kwargs) -> str | None:
    if not accepts(factory, "weight_decay"):
        return "takes no weight_decay"
    p = Parameter(np.full(3, 2.0))
    try:
        opt = factory([p], **{**kwargs, "weight_decay": 0.1})
    except HyperparameterError as exc:
        return f"refused: {exc}"
    for _ in range(3):
        p.grad[...] = 0.0
        opt.step()
    require(not np.allclose(p.data, 2.0, rtol=1e-7, atol=0),
            "weight_decay=0.1 had no effect with zero gradients (silently ignored?)")
    require(np.all(np.abs(p.data) < 2.0), f"weight_decay did not shrink the parameters: {p.data}")
    return f"θ 2 -> {p.data[0]:.6g} in 3 steps with zero gradient"


def check_optimizer(entry: Entry) -> list[CheckResult]:
    """Every property in the module docstring, one :class:`CheckResult` each."""
    c = Checker(entry)
    kwargs = dict(example_of(entry).get("kwargs", {}))
    factory = entry.obj

    def create():
        opt = factory([Parameter(np.zeros(3))], **kwargs)
        require(callable(getattr(opt, "step", None)) and callable(getattr(opt, "zero_grad", None)),
                f"{type(opt).__name__} needs step() and zero_grad()")

    if not c.attempt("create", create):
        return c.results
    c.attempt("descends-quadratic", _descends(
        factory, kwargs, quadratic_loss_and_grad, QUADRATIC_START, QUADRATIC_STEPS,
        "a convex quadratic"))
    c.attempt("descends-rosenbrock", _descends(
        factory, kwargs, rosenbrock_loss_and_grad, ROSENBROCK_START, ROSENBROCK_STEPS,
        "Rosenbrock from (-1.5, 2)"))
    c.attempt("shape-dtype", lambda: _shape_dtype(factory, kwargs))
    c.attempt("state-per-parameter", lambda: _state_per_parameter(factory, kwargs))
    c.attempt("deterministic", lambda: _deterministic(factory, kwargs))
    c.attempt("lr-from-defaults", lambda: _lr_from_defaults(factory, kwargs))
    c.attempt("zero-grad", lambda: _zero_grad(factory, kwargs))
    c.attempt("weight-decay", lambda: _weight_decay(factory, kwargs))
    return c.results
