"""Plain SGD, as ``torch.optim.SGD`` without momentum."""

from __future__ import annotations

from dlbench.errors import check_range
from dlbench.nn import Optimizer


class SGD(Optimizer):
    """θ ← θ − lr·(g + weight_decay·θ).

    :param lr: learning rate η ≥ 0 (torch's default 1e-3; the book uses 0.01).
    :param weight_decay: coupled L2 coefficient λ ≥ 0, added to the gradient as torch does.
    """

    def __init__(self, params, lr: float = 1e-3, weight_decay: float = 0.0):
        check_range("lr", lr, low=0.0)
        check_range("weight_decay", weight_decay, low=0.0)
        super().__init__(params, lr=lr, weight_decay=weight_decay)

    def step(self) -> None:
        lr, wd = self.defaults["lr"], self.defaults["weight_decay"]
        for p in self.params:
            g = p.grad + wd * p.data if wd else p.grad
            p.data -= lr * g
