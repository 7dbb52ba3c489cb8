"""Per-coordinate adaptive learning rates: Adagrad, RMSprop, Adadelta (``torch.optim``).

Each keeps running statistics of the squared gradient per parameter (arrays of the
parameter's shape and dtype in ``self.state[p]``) and divides the step by their root.
Weight decay is coupled (``g ← g + λθ``), as in torch.
"""

from __future__ import annotations

import numpy as np

from dlbench.errors import check_range
from dlbench.nn import Optimizer
from dlbench.nn.optim import check_nonnegative, gradient_with_decay, state_zeros


class Adagrad(Optimizer):
    """Adagrad (Duchi et al. 2011), exactly ``torch.optim.Adagrad``::

        g ← ±∇ + weight_decay·θ;   t ← t + 1
        η_t ← lr / (1 + (t − 1)·lr_decay)
        h ← h + g²                            (h₀ = initial_accumulator_value)
        θ ← θ − η_t · g / (√h + eps)

    The book (6.1.5) uses eps 1e-7 and lr 0.01; the course's notebook starts h at 1e-4
    (``initial_accumulator_value=1e-4``).

    :param lr: in [0, inf), default 1e-2.  :param lr_decay: in [0, inf).
    :param weight_decay: coupled L2 in [0, inf).
    :param initial_accumulator_value: h₀ in [0, inf).  :param eps: in [0, inf), 1e-10.
    """

    def __init__(self, params, lr: float = 1e-2, lr_decay: float = 0.0, weight_decay: float = 0.0,
                 initial_accumulator_value: float = 0.0, eps: float = 1e-10, *,
                 maximize: bool = False):
        check_nonnegative(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                          initial_accumulator_value=initial_accumulator_value, eps=eps)
        super().__init__(params, lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                         initial_accumulator_value=initial_accumulator_value, eps=eps,
                         maximize=maximize)
        # torch fills the accumulator at construction, so h₀ is fixed here.
        for p in self.params:
            self.state[p].update(step=0, sum=np.full_like(p.data, initial_accumulator_value))

    def step(self) -> None:
        hp = self.defaults
        lr, lr_decay, eps = float(hp["lr"]), float(hp["lr_decay"]), float(hp["eps"])
        for p in self.params:
            g = gradient_with_decay(p, maximize=hp["maximize"], weight_decay=float(hp["weight_decay"]))
            state = self.state[p]
            state["step"] += 1
            clr = lr / (1.0 + (state["step"] - 1) * lr_decay)
            state["sum"] += g * g
            p.data -= clr * g / (np.sqrt(state["sum"]) + eps)


class RMSprop(Optimizer):
    """RMSprop (Hinton, Coursera lecture 6e), exactly ``torch.optim.RMSprop``::

        g ← ±∇ + weight_decay·θ
        s ← alpha·s + (1 − alpha)·g²
        d ← √(s − ḡ²) + eps  with ḡ ← alpha·ḡ + (1 − alpha)·g  if centered,  else √s + eps
        b ← momentum·b + g/d;  θ ← θ − lr·b      if momentum > 0
        θ ← θ − lr·g/d                            otherwise

    eps is added outside the square root. The book (common/optimizer.py) uses
    alpha (its ``decay_rate``) 0.99 and eps 1e-7.

    :param lr: in [0, inf), default 1e-2.  :param alpha: smoothing constant in [0, 1].
    :param eps: in [0, inf), default 1e-8.  :param weight_decay: coupled L2 in [0, inf).
    :param momentum: in [0, inf).  :param centered: normalise by the estimated variance.
    """

    def __init__(self, params, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum: float = 0.0, centered: bool = False, *,
                 maximize: bool = False):
        check_nonnegative(lr=lr, eps=eps, weight_decay=weight_decay, momentum=momentum)
        check_range("alpha", alpha, low=0.0, high=1.0)
        super().__init__(params, lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                         momentum=momentum, centered=centered, maximize=maximize)

    def step(self) -> None:
        hp = self.defaults
        lr, alpha, eps = float(hp["lr"]), float(hp["alpha"]), float(hp["eps"])
        momentum = float(hp["momentum"])
        for p in self.params:
            g = gradient_with_decay(p, maximize=hp["maximize"], weight_decay=float(hp["weight_decay"]))
            state = self.state[p]
            square_avg = state.setdefault("square_avg", state_zeros(p))
            square_avg *= alpha
            square_avg += (1.0 - alpha) * g * g
            if hp["centered"]:
                grad_avg = state.setdefault("grad_avg", state_zeros(p))
                grad_avg *= alpha
                grad_avg += (1.0 - alpha) * g
                denom = np.sqrt(square_avg - grad_avg * grad_avg) + eps
            else:
                denom = np.sqrt(square_avg) + eps
            if momentum > 0:
                buf = state.setdefault("momentum_buffer", state_zeros(p))
                buf *= momentum
                buf += g / denom
                p.data -= lr * buf
            else:
                p.data -= lr * g / denom


class Adadelta(Optimizer):
    """Adadelta (Zeiler 2012, arXiv:1212.5701), exactly ``torch.optim.Adadelta``::

        g ← ±∇ + weight_decay·θ
        s ← rho·s + (1 − rho)·g²
        Δ ← √(u + eps) / √(s + eps) · g
        u ← rho·u + (1 − rho)·Δ²
        θ ← θ − lr·Δ

    eps is inside both square roots; ``lr`` (torch's addition, default 1.0) scales Δ.

    :param lr: in [0, inf), default 1.0.  :param rho: in [0, 1], default 0.9.
    :param eps: in [0, inf), default 1e-6.  :param weight_decay: coupled L2 in [0, inf).
    """

    def __init__(self, params, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0.0, *, maximize: bool = False):
        check_nonnegative(lr=lr, eps=eps, weight_decay=weight_decay)
        check_range("rho", rho, low=0.0, high=1.0)
        super().__init__(params, lr=lr, rho=rho, eps=eps, weight_decay=weight_decay,
                         maximize=maximize)

    def step(self) -> None:
        hp = self.defaults
        lr, rho, eps = float(hp["lr"]), float(hp["rho"]), float(hp["eps"])
        for p in self.params:
            g = gradient_with_decay(p, maximize=hp["maximize"], weight_decay=float(hp["weight_decay"]))
            state = self.state[p]
            square_avg = state.setdefault("square_avg", state_zeros(p))
            acc_delta = state.setdefault("acc_delta", state_zeros(p))
            square_avg *= rho
            square_avg += (1.0 - rho) * g * g
            delta = np.sqrt(acc_delta + eps) / np.sqrt(square_avg + eps) * g
            acc_delta *= rho
            acc_delta += (1.0 - rho) * delta * delta
            p.data -= lr * delta
