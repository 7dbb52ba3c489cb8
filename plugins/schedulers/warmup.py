"""Linear warm-up in front of another scheduler (torch's ``SequentialLR`` of ``LinearLR``
and the wrapped schedule)."""

from __future__ import annotations

from dlbench.errors import HyperparameterError, check_range

from .base import LRScheduler, check_int, current_lr


class LinearWarmup(LRScheduler):
    """Ramp the learning rate up linearly, then hand over to another scheduler::

        lr_t = base_lr·(start_factor + (1 − start_factor)·t/warmup_steps)   for t < warmup_steps
        lr_t = after's lr after (t − warmup_steps) of its steps             for t ≥ warmup_steps

    the same as ``SequentialLR([LinearLR(start_factor, total_iters=warmup_steps), after],
    milestones=[warmup_steps])`` in torch. Warm-up is the remedy for Adam's unreliable
    first steps that RAdam claims to make unnecessary (Liu et al. 2020).

    :param warmup_steps: integer in [0, inf), default 5 (torch LinearLR's total_iters).
    :param start_factor: the first step's fraction of base_lr, in (0, 1], default 1/3
        (torch LinearLR's).
    :param after: the scheduler that follows: a registered scheduler's name (created
        with ``after_kwargs`` from ``registry``) or an instance already created on this
        optimizer.
    :param after_kwargs: keyword arguments for ``after`` when it is a name.
    :param registry: where ``after`` is looked up; ``registry.create("scheduler",
        "linear-warmup", ...)`` passes itself (an injected argument, see
        :data:`dlbench.hookspecs.INJECTABLE`).
    """

    def __init__(self, optimizer, warmup_steps: int = 5, start_factor: float = 1.0 / 3.0,
                 after="constant", after_kwargs: dict | None = None, registry=None):
        self.warmup_steps = check_int("warmup_steps", warmup_steps, 0)
        self.start_factor = check_range("start_factor", start_factor, low=0.0, high=1.0,
                                        low_open=True)
        base_lr = current_lr(optimizer)  # before `after` is created and sets its own lr
        self.after = _make_after(optimizer, after, after_kwargs, registry)
        super().__init__(optimizer, base_lr=base_lr)

    def lr_at(self, t: int) -> float:
        if t < self.warmup_steps:
            return self.base_lr * (self.start_factor
                                   + (1.0 - self.start_factor) * t / self.warmup_steps)
        return self.after.get_lr()

    def step(self) -> None:
        self.last_step += 1
        if self.last_step > self.warmup_steps:  # hand-over done: the wrapped one advances
            self.after.step()
        self._set(self.lr_at(self.last_step))


def _make_after(optimizer, after, after_kwargs, registry):
    if isinstance(after, str):
        if registry is None:
            raise HyperparameterError(
                f"after={after!r} names a scheduler but there is no registry to create it "
                "from: create linear-warmup with registry.create(...) or pass registry=")
        return registry.create("scheduler", after, optimizer, **(after_kwargs or {}))
    if after_kwargs:
        raise HyperparameterError("after_kwargs is only used when after is a scheduler name")
    if not (callable(getattr(after, "step", None)) and callable(getattr(after, "get_lr", None))):
        raise HyperparameterError(
            f"after must be a scheduler name or a scheduler with step() and get_lr(), got {after!r}")
    if getattr(after, "optimizer", optimizer) is not optimizer:
        raise HyperparameterError("after was created on another optimizer")
    return after
