"""AdaBound and AMSBound, as the reference implementation Luolc/AdaBound (adabound.py)."""

from __future__ import annotations

import math

import numpy as np

from dlbench.errors import check_range
from dlbench.nn import Optimizer
from dlbench.nn.optim import (amsgrad_max, bias_correction, check_betas, check_nonnegative,
                              gradient_with_decay, update_moments)


class AdaBound(Optimizer):
    """AdaBound (Luo et al., ICLR 2019, arXiv:1902.09843): Adam whose per-coordinate step
    size is clipped into bounds that close in on a final SGD learning rate.

    As the reference code (Luolc/AdaBound, ``adabound/adabound.py``)::

        g ← ∇ + weight_decay·θ                           (coupled L2)
        m ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²
        u ← max(u, v) if amsbound else v
        α* = final_lr · lr / base_lr                     (base_lr: lr at creation, so a
                                                          scheduler scales the bounds too)
        η_l = α*·(1 − 1/(γt + 1));   η_u = α*·(1 + 1/(γt))
        θ ← θ − clip(lr·√(1 − β2ᵗ)/(1 − β1ᵗ) / (√u + eps), η_l, η_u) · m

    Early on the bounds are wide (Adam); as t grows both tend to α* (SGD with lr α*).

    :param lr: Adam's learning rate in (0, inf), default 1e-3 (0 would make lr/base_lr
        undefined).  :param betas: each in [0, 1).  :param final_lr: in [0, inf), 0.1.
    :param gamma: convergence speed of the bounds in (0, 1), default 1e-3 (0 would
        divide by zero in η_u; the reference accepts it and fails at the first step).
    :param eps: in [0, inf), 1e-8.  :param weight_decay: coupled L2 in [0, inf).
    :param amsbound: use the running maximum of v (AMSBound).
    """

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 final_lr: float = 0.1, gamma: float = 1e-3, eps: float = 1e-8,
                 weight_decay: float = 0.0, amsbound: bool = False):
        check_range("lr", lr, low=0.0, low_open=True)
        check_nonnegative(final_lr=final_lr, eps=eps, weight_decay=weight_decay)
        check_range("gamma", gamma, low=0.0, high=1.0, low_open=True, high_open=True)
        check_betas(betas)
        super().__init__(params, lr=lr, betas=tuple(betas), final_lr=final_lr, gamma=gamma,
                         eps=eps, weight_decay=weight_decay, amsbound=amsbound)
        self.base_lr = float(lr)

    def step(self) -> None:
        hp = self.defaults
        lr, eps, gamma = float(hp["lr"]), float(hp["eps"]), float(hp["gamma"])
        beta1, beta2 = (float(b) for b in hp["betas"])
        final_lr = float(hp["final_lr"]) * lr / self.base_lr
        for p in self.params:
            g = gradient_with_decay(p, weight_decay=float(hp["weight_decay"]))
            state = self.state[p]
            t = update_moments(state, p, g, beta1, beta2)
            m, v = state["exp_avg"], state["exp_avg_sq"]
            if hp["amsbound"]:
                v = amsgrad_max(state, p, v)
            step_size = lr * math.sqrt(bias_correction(beta2, t)) / bias_correction(beta1, t)
            lower = final_lr * (1.0 - 1.0 / (gamma * t + 1.0))
            upper = final_lr * (1.0 + 1.0 / (gamma * t))
            p.data -= np.clip(step_size / (np.sqrt(v) + eps), lower, upper) * m
