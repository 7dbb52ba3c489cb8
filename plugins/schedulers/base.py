"""``LRScheduler``: the base of the built-in learning-rate schedulers.

A scheduler is created on an optimizer (``obj(optimizer, **kwargs)``), remembers the
optimizer's learning rate then as ``base_lr``, and sets ``optimizer.lr`` (that is,
``optimizer.defaults["lr"]``, which every built-in optimizer reads on each step):
to ``lr_at(0)`` at creation, and to ``lr_at(t)`` after the t-th call of :meth:`step`, which
the training loop makes once per training step, after ``optimizer.step()``. This is
torch's ``lr_scheduler`` protocol with steps counted in optimizer steps.
"""

from __future__ import annotations

from dlbench.errors import HyperparameterError, check_range


def check_int(name: str, value, low: int) -> int:
    """``value`` must be an integer ≥ ``low`` (a step count)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise HyperparameterError(f"{name} must be an integer in [{low}, inf), got {value!r}")
    return check_range(name, value, low=low)


def current_lr(optimizer) -> float:
    lr = getattr(optimizer, "lr", None)
    if lr is None:
        raise HyperparameterError(
            f"{type(optimizer).__name__} has no learning rate (optimizer.lr) to schedule")
    return float(lr)


class LRScheduler:
    """Closed-form schedule ``lr_at(t)``; subclasses define it from ``self.base_lr``.

    :param optimizer: a :class:`dlbench.nn.Optimizer` with an ``lr``.
    :param base_lr: the learning rate the schedule starts from (default: the optimizer's).
    """

    def __init__(self, optimizer, *, base_lr: float | None = None):
        self.optimizer = optimizer
        self.base_lr = current_lr(optimizer) if base_lr is None else float(base_lr)
        self.last_step = 0
        self._set(self.lr_at(0))

    def lr_at(self, t: int) -> float:
        """The learning rate for the optimizer step that follows ``t`` scheduler steps."""
        raise NotImplementedError(f"{type(self).__name__}.lr_at")

    def step(self) -> None:
        """Advance one training step; call after ``optimizer.step()``."""
        self.last_step += 1
        self._set(self.lr_at(self.last_step))

    def get_lr(self) -> float:
        """The learning rate the next ``optimizer.step()`` will use."""
        return self._lr

    def _set(self, lr: float) -> None:
        self._lr = float(lr)
        self.optimizer.lr = self._lr

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_lr={self.base_lr!r}, last_step={self.last_step})"
