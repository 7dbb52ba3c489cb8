"""Closed-form schedules: constant, step decay, cosine annealing (``torch.optim.lr_scheduler``)."""

from __future__ import annotations

import math

from dlbench.errors import check_range

from .base import LRScheduler, check_int


class Constant(LRScheduler):
    """Keep the optimizer's learning rate; optionally scaled for the first steps.

    ``lr_t = base_lr·factor`` for ``t < total_iters``, else ``base_lr``: the arguments of
    ``torch.optim.lr_scheduler.ConstantLR``, but with defaults (factor 1, total_iters 0)
    that leave the rate unchanged, as the name says (torch's are 1/3 and 5).

    :param factor: in [0, 1].  :param total_iters: integer in [0, inf).
    """

    def __init__(self, optimizer, factor: float = 1.0, total_iters: int = 0):
        self.factor = check_range("factor", factor, low=0.0, high=1.0)
        self.total_iters = check_int("total_iters", total_iters, 0)
        super().__init__(optimizer)

    def lr_at(self, t: int) -> float:
        return self.base_lr * self.factor if t < self.total_iters else self.base_lr


class StepLR(LRScheduler):
    """Step decay, as ``torch.optim.lr_scheduler.StepLR``: ``lr_t = base_lr·gamma^⌊t/step_size⌋``.

    :param step_size: integer in [1, inf): steps between decays.
    :param gamma: multiplicative factor in [0, inf), default 0.1.
    """

    def __init__(self, optimizer, step_size: int, gamma: float = 0.1):
        self.step_size = check_int("step_size", step_size, 1)
        self.gamma = check_range("gamma", gamma, low=0.0)
        super().__init__(optimizer)

    def lr_at(self, t: int) -> float:
        return self.base_lr * self.gamma ** (t // self.step_size)


class CosineAnnealing(LRScheduler):
    """Cosine annealing, as ``torch.optim.lr_scheduler.CosineAnnealingLR`` (no restarts)::

        lr_t = eta_min + (base_lr − eta_min)·(1 + cos(π·t/T_max))/2

    It reaches eta_min at t = T_max and, like torch's, rises again after it (period
    2·T_max): set T_max to the number of training steps.

    :param T_max: integer in [1, inf): steps of the half period.
    :param eta_min: the minimum learning rate, in [0, inf).
    """

    def __init__(self, optimizer, T_max: int, eta_min: float = 0.0):  # noqa: N803 (torch's name)
        self.T_max = check_int("T_max", T_max, 1)
        self.eta_min = check_range("eta_min", eta_min, low=0.0)
        super().__init__(optimizer)

    def lr_at(self, t: int) -> float:
        cos = (1.0 + math.cos(math.pi * t / self.T_max)) / 2.0
        return self.eta_min + (self.base_lr - self.eta_min) * cos
