"""Lion, as the authors' reference implementation (google/automl ``lion/lion_pytorch.py``)."""

from __future__ import annotations

import numpy as np

from dlbench.nn import Optimizer
from dlbench.nn.optim import check_betas, check_nonnegative, decoupled_weight_decay, state_zeros


class Lion(Optimizer):
    """Lion, EvoLved Sign Momentum (Chen et al., arXiv:2302.06675).

    As the reference code (google/automl; lucidrains/lion-pytorch is the same)::

        θ ← θ·(1 − lr·weight_decay)                      (decoupled decay)
        θ ← θ − lr · sign(β1·m + (1 − β1)·g)
        m ← β2·m + (1 − β2)·g

    Every coordinate moves by exactly lr (sign(0) = 0 aside), so lr is typically 3-10×
    smaller than AdamW's and weight_decay 3-10× larger.

    :param lr: in [0, inf), default 1e-4.  :param betas: each in [0, 1), (0.9, 0.99).
    :param weight_decay: decoupled, in [0, inf), default 0.
    """

    def __init__(self, params, lr: float = 1e-4, betas: tuple[float, float] = (0.9, 0.99),
                 weight_decay: float = 0.0):
        check_nonnegative(lr=lr, weight_decay=weight_decay)
        check_betas(betas)
        super().__init__(params, lr=lr, betas=tuple(betas), weight_decay=weight_decay)

    def step(self) -> None:
        hp = self.defaults
        lr, wd = float(hp["lr"]), float(hp["weight_decay"])
        beta1, beta2 = (float(b) for b in hp["betas"])
        for p in self.params:
            g = p.grad
            m = self.state[p].setdefault("exp_avg", state_zeros(p))
            decoupled_weight_decay(p, lr, wd)
            p.data -= lr * np.sign(beta1 * m + (1.0 - beta1) * g)
            m *= beta2
            m += (1.0 - beta2) * g
