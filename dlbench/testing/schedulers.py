"""Conformance of learning-rate schedulers, each property reported by name.

A scheduler is created as ``obj(optimizer, **example["kwargs"])`` on a probe optimizer
with ``lr = 0.1`` and stepped :data:`STEPS` times, each after an ``optimizer.step()``:

``create``         it builds and has ``step()`` and ``get_lr()``;
``sets-lr``        at creation and after every step, ``get_lr()`` is a finite number ≥ 0 and
                   equals ``optimizer.lr`` (the rate the next optimizer step will use);
``deterministic``  two fresh runs give the same sequence;
``params-untouched`` the scheduler changes no parameter and no other hyperparameter;
``follows-base``   the schedule is relative to the optimizer's rate: with lr 0.2 instead
                   of 0.1 every rate doubles. Only a warning: an absolute schedule is
                   legal, but surprising in a benchmark that sets lr per optimizer.
"""

from __future__ import annotations

import math

import numpy as np

from ..nn import Optimizer, Parameter
from ..plugin_registry import Entry
from .core import CheckResult, Checker, example_of, require

STEPS = 60


class ProbeOptimizer(Optimizer):
    """Plain gradient descent with an extra hyperparameter the scheduler must not touch."""

    def __init__(self, params, lr: float = 0.1, momentum: float = 0.5):
        super().__init__(params, lr=lr, momentum=momentum)

    def step(self) -> None:
        for p in self.params:
            p.data -= self.defaults["lr"] * p.grad


def lr_sequence(factory, kwargs: dict, *, lr: float = 0.1, steps: int = STEPS):
    """The learning rates a scheduler gives: at creation and after each of ``steps`` steps.

    :return: ``(rates, optimizer)``; ``rates`` has ``steps + 1`` entries. Raises
        :class:`ConformanceFailure` if ``get_lr()`` and ``optimizer.lr`` ever disagree.
    """
    p = Parameter(np.zeros(2))
    opt = ProbeOptimizer([p], lr=lr)
    sched = factory(opt, **kwargs)
    rates = []
    for t in range(steps + 1):
        if t:
            opt.step()
            sched.step()
        value = sched.get_lr()
        require(isinstance(value, (int, float, np.floating)) and math.isfinite(value) and value >= 0,
                f"get_lr() returned {value!r} after {t} steps (expected a finite number >= 0)")
        require(value == opt.lr, f"after {t} steps get_lr() is {value!r} but optimizer.lr is "
                                 f"{opt.lr!r}: the scheduler must set optimizer.lr")
        rates.append(float(value))
    return np.array(rates), opt


def check_scheduler(entry: Entry) -> list[CheckResult]:
    """Every property in the module docstring, one :class:`CheckResult` each."""
    c = Checker(entry)
    kwargs = dict(example_of(entry).get("kwargs", {}))
    factory = entry.obj

    def create():
        sched = factory(ProbeOptimizer([Parameter(np.zeros(2))]), **kwargs)
        for method in ("step", "get_lr"):
            require(callable(getattr(sched, method, None)), f"{type(sched).__name__} has no {method}()")

    if not c.attempt("create", create):
        return c.results
    holder = {}

    def sets_lr():
        holder["rates"], _ = lr_sequence(factory, kwargs)
        rates = holder["rates"]
        return f"lr {rates[0]:.3g} -> {rates[-1]:.3g} over {STEPS} steps (min {rates.min():.3g})"

    def deterministic():
        again, _ = lr_sequence(factory, kwargs)
        require(np.array_equal(holder["rates"], again), "two fresh runs gave different rates")

    def params_untouched():
        _, opt = lr_sequence(factory, kwargs)
        require(opt.defaults["momentum"] == 0.5,
                f"the scheduler changed momentum to {opt.defaults['momentum']!r}")
        require(not np.any(opt.params[0].data), "the scheduler changed a parameter")

    if c.attempt("sets-lr", sets_lr):
        c.attempt("deterministic", deterministic)
    c.attempt("params-untouched", params_untouched)
    try:
        doubled, _ = lr_sequence(factory, kwargs, lr=0.2)
        ok = "rates" in holder and np.allclose(doubled, 2 * holder["rates"], rtol=1e-12)
        c.add("follows-base", "pass" if ok else "warn",
              "" if ok else "rates do not scale with the optimizer's lr (an absolute schedule?)")
    except Exception as exc:  # a failure here is already reported by sets-lr
        c.add("follows-base", "warn", f"not measured: {exc}")
    return c.results
