"""Central-difference gradient checks in float64: the acceptance gate of every layer.

For a module, the scalar ``f = Σ forward(x) · dy`` (``dy`` a fixed random array) is
differentiated numerically, ``(f(a + h) − f(a − h)) / 2h`` for each coordinate of the
input and of every parameter, and compared with what ``backward(dy)`` computed.

Error measure, per array: the worst element of ``|a − n| / max(|a| + |n|, floor)``
with ``floor = 1e-3·(max|a| + max|n|)``. It is scale-free (a factor-2 slip anywhere
gives ≥ 1/3) while elements a thousand times smaller than the array's largest are
judged against that scale, so float64 round-off in near-zero gradients does not raise
false alarms. Stochastic modules (dropout, RReLU) are made repeatable by restoring every
``numpy.random.Generator`` they hold before each forward pass, so the mask is fixed.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .module import Module

DEFAULT_H = 1e-4  # the book's step (ch. 4, 5), in float64
DEFAULT_TOL = 1e-5


@dataclass
class GradcheckResult:
    """Worst relative error per checked array (``"input"``, parameter names...)."""

    errors: dict[str, float] = field(default_factory=dict)
    tolerance: float = DEFAULT_TOL
    coords_checked: dict[str, int] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return all(np.isfinite(e) and e <= self.tolerance for e in self.errors.values())

    @property
    def worst(self) -> tuple[str, float]:
        if not self.errors:
            return ("", 0.0)
        name = max(self.errors, key=lambda k: (not np.isfinite(self.errors[k]), self.errors[k]))
        return name, self.errors[name]

    def failing(self) -> list[str]:
        return [k for k, e in self.errors.items() if not (np.isfinite(e) and e <= self.tolerance)]

    def __str__(self) -> str:
        parts = ", ".join(f"{k} {e:.1e}" for k, e in self.errors.items())
        verdict = "passed" if self.passed else "FAILED"
        return f"gradcheck {verdict} (tol {self.tolerance:.0e}): {parts}"


def relative_error(analytic: np.ndarray, numeric: np.ndarray, scale: float = 0.0) -> float:
    """The scale-aware worst relative error described in the module docstring.

    :param scale: the largest gradient magnitude of the whole check (all arrays). An
        array whose true gradient is exactly zero (a bias followed by batch norm) then
        gets a floor of ``1e-5·scale`` instead of comparing round-off with round-off.
    """
    a = np.asarray(analytic, dtype=np.float64).ravel()
    n = np.asarray(numeric, dtype=np.float64).ravel()
    if a.shape != n.shape:
        return float("inf")
    if a.size == 0:
        return 0.0
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(n))):
        return float("inf")
    floor = max(1e-3 * (np.abs(a).max() + np.abs(n).max()), 1e-5 * scale, 1e-300)
    denom = np.maximum(np.abs(a) + np.abs(n), floor)
    return float((np.abs(a - n) / denom).max())


def _coords(shape, max_coords, rng):
    size = int(np.prod(shape))
    if max_coords is None or size <= max_coords:
        return [np.unravel_index(i, shape) for i in range(size)]
    picks = rng.choice(size, size=max_coords, replace=False)
    return [np.unravel_index(int(i), shape) for i in np.sort(picks)]


def numeric_gradient(f: Callable[[], float], array: np.ndarray, coords, h: float) -> np.ndarray:
    """Central differences of ``f()`` w.r.t. ``array`` (mutated and restored) at ``coords``."""
    grad = np.zeros_like(array, dtype=np.float64)
    for idx in coords:
        original = array[idx]
        array[idx] = original + h
        plus = f()
        array[idx] = original - h
        minus = f()
        array[idx] = original
        grad[idx] = (plus - minus) / (2 * h)
    return grad


def _generators(module) -> list[tuple[np.random.Generator, dict]]:
    found = []
    parts = module.modules() if isinstance(module, Module) else [module]
    for m in parts:
        for value in vars(m).values():
            if isinstance(value, np.random.Generator):
                found.append((value, copy.deepcopy(value.bit_generator.state)))
    return found


def _save_buffers(module) -> list:
    """Copies of every buffer (batch-norm running statistics), which forward passes in
    training mode update: a check must leave the module as it found it."""
    saved = []
    for m in (module.modules() if isinstance(module, Module) else []):
        for name in m.__dict__.get("_buffers", {}):
            saved.append((m, name, np.array(getattr(m, name), copy=True)))
    return saved


def _restore_buffers(module, saved) -> None:
    for m, name, value in saved:
        object.__setattr__(m, name, value)


def gradcheck(module: Module, x: np.ndarray, *, h: float = DEFAULT_H, tol: float = DEFAULT_TOL,
              seed: int = 0, max_coords: int | None = None, check_input: bool = True
              ) -> GradcheckResult:
    """Check ``module.backward`` against central differences, in float64.

    The module's parameters are converted to float64 for the check and restored after.

    :param module: any :class:`Module` (its current train/eval mode is used).
    :param x: an input batch; copied to float64.
    :param max_coords: check at most this many random coordinates per array (large blocks).
    :param check_input: also check ``dL/dx`` (off for integer inputs such as embeddings).
    :return: a :class:`GradcheckResult`; ``.passed`` and ``.errors`` per array.
    """
    rng = np.random.default_rng(seed)
    x = np.array(x, dtype=np.float64)
    params = list(module.named_parameters())
    saved = [(p, p.data, p.grad) for _, p in params]
    gens = _generators(module)
    buffers = _save_buffers(module)
    try:
        for _, p in params:
            p.data = np.array(p.data, dtype=np.float64)
            p.grad = np.zeros_like(p.data)

        def forward():
            for gen, state in gens:
                gen.bit_generator.state = copy.deepcopy(state)
            return module.forward(x)

        y = forward()
        dy = rng.standard_normal(np.shape(y))
        module.zero_grad()
        dx = module.backward(dy)
        analytic = {name: p.grad.copy() for name, p in params}

        def f() -> float:
            return float(np.sum(forward() * dy))

        result = GradcheckResult(tolerance=tol)
        targets = ([("input", x, dx)] if check_input else []) + \
                  [(name, p.data, analytic[name]) for name, p in params]
        pairs = []
        for name, array, grad in targets:
            coords = _coords(array.shape, max_coords, rng)
            num = numeric_gradient(f, array, coords, h)
            sel = tuple(np.array(c) for c in zip(*coords)) if coords else ()
            a = np.asarray(grad, dtype=np.float64)
            pairs.append((name, None if a.shape != array.shape else (a[sel], num[sel]), coords))
        scale = max([float(np.abs(np.concatenate([p[1][0].ravel(), p[1][1].ravel()])).max())
                     for p in pairs if p[1] is not None and p[2]] or [0.0])
        for name, pair, coords in pairs:
            if pair is None:
                result.errors[name] = float("inf")
            else:
                result.errors[name] = relative_error(*pair, scale=scale) if coords else 0.0
            result.coords_checked[name] = len(coords)
        return result
    finally:
        for p, data, grad in saved:
            p.data, p.grad = data, grad
        _restore_buffers(module, buffers)


def gradcheck_loss(loss, prediction: np.ndarray, target, *, h: float = DEFAULT_H,
                   tol: float = DEFAULT_TOL, seed: int = 0) -> GradcheckResult:
    """Check ``loss.backward()`` w.r.t. the prediction, in float64.

    For ``reduction="none"`` a random upstream gradient is used, else the scalar itself.
    """
    rng = np.random.default_rng(seed)
    pred = np.array(prediction, dtype=np.float64)
    target = np.asarray(target)
    if np.issubdtype(target.dtype, np.floating):
        target = target.astype(np.float64)
    value = loss.forward(pred, target)
    up = rng.standard_normal(np.shape(value)) if np.ndim(value) else None
    grad = loss.backward(up)

    def f() -> float:
        v = loss.forward(pred, target)
        return float(np.sum(np.asarray(v) * up)) if up is not None else float(v)

    coords = _coords(pred.shape, None, rng)
    num = numeric_gradient(f, pred, coords, h)
    return GradcheckResult({"input": relative_error(grad, num)}, tol, {"input": len(coords)})


def gradcheck_function(f: Callable[[], float], arrays: dict[str, np.ndarray],
                       analytic: dict[str, np.ndarray], *, h: float = DEFAULT_H,
                       tol: float = DEFAULT_TOL) -> GradcheckResult:
    """Generic check: ``f()`` reads ``arrays`` (float64, mutated in place and restored);
    ``analytic[name]`` is the claimed gradient of ``f`` w.r.t. ``arrays[name]``.

    Used for penalties and anything that is not a module or a loss.
    """
    result = GradcheckResult(tolerance=tol)
    for name, array in arrays.items():
        coords = _coords(array.shape, None, None)
        num = numeric_gradient(f, array, coords, h)
        result.errors[name] = relative_error(analytic[name], num)
        result.coords_checked[name] = len(coords)
    return result
