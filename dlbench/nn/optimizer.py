"""``Optimizer``: the base class every optimizer plugin derives from; gradient clipping."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import numpy as np

from .parameter import Parameter


def _as_params(params) -> list[Parameter]:
    if hasattr(params, "parameters") and callable(params.parameters):
        params = params.parameters()
    if isinstance(params, Parameter):
        params = [params]
    out = list(params)
    for p in out:
        if not isinstance(p, Parameter):
            raise TypeError(f"optimizers take Parameters, got {type(p).__name__}")
    return out


class Optimizer:
    """Base class: ``Optimizer(params, **defaults)``; no hyperparameter is required.

    Subclasses implement :meth:`step`, which updates each ``p.data`` in place from
    ``p.grad``. Attributes available to them:

    - ``self.params``: ``list[Parameter]`` (a Module or a single Parameter is accepted too);
    - ``self.defaults``: the hyperparameters, read on every step so a scheduler may
      change ``self.defaults["lr"]`` (also reachable as ``self.lr``) between steps;
    - ``self.state``: ``dict`` per parameter (``self.state[p]``), for moments and steps.

    >>> class Halver(Optimizer):
    ...     def step(self):
    ...         for q in self.params:
    ...             q.data *= 0.5
    """

    def __init__(self, params: Iterable[Parameter] | Parameter, **defaults):
        self.params: list[Parameter] = _as_params(params)
        self.defaults: dict = dict(defaults)
        self.state: defaultdict[Parameter, dict] = defaultdict(dict)

    @property
    def lr(self) -> float | None:
        """The current learning rate (``defaults["lr"]``), if the optimizer has one."""
        return self.defaults.get("lr")

    @lr.setter
    def lr(self, value: float) -> None:
        self.defaults["lr"] = value

    def step(self) -> None:
        """Update every parameter in place from its gradient."""
        raise NotImplementedError(f"{type(self).__name__}.step")

    def zero_grad(self) -> None:
        """Reset every parameter's gradient to zero."""
        for p in self.params:
            p.zero_grad()

    def __repr__(self) -> str:
        hp = ", ".join(f"{k}={v!r}" for k, v in self.defaults.items())
        return f"{type(self).__name__}({hp})"


def clip_grad_norm(params: Iterable[Parameter], max_norm: float) -> float:
    """Scale all gradients together so their global L2 norm is at most ``max_norm``.

    Same rule as ``torch.nn.utils.clip_grad_norm_``: ``g ← g · min(1, max_norm/(‖g‖+1e-6))``.

    :return: the global norm before clipping (useful to log exploding gradients).
    """
    params = list(params)
    total = float(np.sqrt(sum(float(np.sum(p.grad.astype(np.float64) ** 2)) for p in params)))
    scale = max_norm / (total + 1e-6)
    if scale < 1.0:
        for p in params:
            p.grad *= scale
    return total


def clip_grad_value(params: Iterable[Parameter], clip_value: float) -> None:
    """Clamp every gradient element to ``[−clip_value, clip_value]`` (in place)."""
    for p in params:
        np.clip(p.grad, -clip_value, clip_value, out=p.grad)
