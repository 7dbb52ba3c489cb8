"""Building blocks for optimizer plugins: validation, weight decay, moments, bias correction.

What ``pytorch_optimizer``'s ``BaseOptimizer`` gives its optimizers, as plain functions
(so a plugin's class hierarchy stays its own). The built-in optimizers use exactly these,
so an optimizer written with them matches ``torch.optim`` in the same places::

    from dlbench.nn import Optimizer
    from dlbench.nn.optim import (bias_correction, check_betas, check_nonnegative,
                                  decoupled_weight_decay, gradient_with_decay, update_moments)

    class MyAdam(Optimizer):
        def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
            check_nonnegative(lr=lr, eps=eps, weight_decay=weight_decay)
            super().__init__(params, lr=lr, betas=check_betas(betas), eps=eps,
                             weight_decay=weight_decay)

        def step(self):
            lr, (b1, b2), eps = self.lr, self.defaults["betas"], self.defaults["eps"]
            for p in self.params:
                g = gradient_with_decay(p, weight_decay=self.defaults["weight_decay"])
                t = update_moments(self.state[p], p, g, b1, b2)
                m, v = self.state[p]["exp_avg"], self.state[p]["exp_avg_sq"]
                p.data -= lr * (m / bias_correction(b1, t)) / (
                    np.sqrt(v / bias_correction(b2, t)) + eps)

Hyperparameters are validated once at creation (the message names the parameter and its
range) and read again from ``self.defaults`` on every step, so that a scheduler may change
``optimizer.lr`` between steps. Pass Python floats (``float(beta)``), not NumPy scalars:
under NumPy 2's promotion rules a ``np.float64`` scalar silently promotes a float32
parameter's update to float64, a Python float does not.
"""

from __future__ import annotations

import numpy as np

from ..errors import HyperparameterError, check_range
from .parameter import Parameter

__all__ = ["amsgrad_max", "bias_correction", "check_betas", "check_choice", "check_nonnegative",
           "decoupled_weight_decay", "gradient_with_decay", "state_zeros", "update_moments"]


def check_betas(betas) -> tuple[float, float]:
    """``betas`` must be a pair ``(β1, β2)`` with each coefficient in [0, 1); returns it as
    two Python floats."""
    try:
        beta1, beta2 = betas
    except (TypeError, ValueError):
        raise HyperparameterError(f"betas must be a pair (beta1, beta2), got {betas!r}") from None
    check_range("betas[0]", beta1, low=0.0, high=1.0, high_open=True)
    check_range("betas[1]", beta2, low=0.0, high=1.0, high_open=True)
    return float(beta1), float(beta2)


def check_choice(name: str, value, choices: tuple) -> None:
    """``value`` must be one of ``choices`` (``variant="torch"`` or ``"book"``...)."""
    if value not in choices:
        raise HyperparameterError(
            f"{name} must be one of {', '.join(repr(c) for c in choices)}, got {value!r}")


def check_nonnegative(**values) -> None:
    """Each keyword must lie in [0, ∞) (learning rates, eps, weight decay...)."""
    for name, value in values.items():
        check_range(name, value, low=0.0)


def gradient_with_decay(p: Parameter, *, weight_decay: float = 0.0,
                        maximize: bool = False) -> np.ndarray:
    """The gradient an update uses, with *coupled* (L2) weight decay::

        g = ±∇θ + λ·θ          (− when ``maximize``; λ = ``weight_decay``)

    This is ``torch.optim``'s ``weight_decay`` for SGD, Adagrad, RMSprop, Adadelta and
    Adam: the gradient of ``½·λ·‖θ‖²`` added to the loss, so it passes through an
    adaptive method's scaling (unlike :func:`decoupled_weight_decay`). Returns a new
    array, never ``p.grad`` itself, so callers may keep it in their state.
    """
    g = -p.grad if maximize else p.grad.copy()
    if weight_decay:
        g += weight_decay * p.data
    return g


def decoupled_weight_decay(p: Parameter, lr: float, weight_decay: float) -> None:
    """*Decoupled* weight decay (Loshchilov & Hutter, AdamW), in place, before the step::

        θ ← θ·(1 − lr·λ)

    It shrinks the weights at a rate independent of the gradient's scaling, which is what
    makes AdamW's decay differ from Adam's ``weight_decay`` (:func:`gradient_with_decay`).
    """
    if weight_decay:
        p.data *= 1.0 - lr * weight_decay


def state_zeros(p: Parameter) -> np.ndarray:
    """A state buffer of the parameter's shape and dtype (float32 runs stay float32)."""
    return np.zeros_like(p.data)


def update_moments(state: dict, p: Parameter, g: np.ndarray, beta1: float, beta2: float) -> int:
    """Adam's exponential moving averages in ``state`` (created on first use), in place::

        t ← t + 1;   m ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²

    kept as ``state["step"]``, ``state["exp_avg"]`` and ``state["exp_avg_sq"]`` (torch's
    names). Returns the new step t, for :func:`bias_correction`.
    """
    if "step" not in state:
        state.update(step=0, exp_avg=state_zeros(p), exp_avg_sq=state_zeros(p))
    state["step"] += 1
    m, v = state["exp_avg"], state["exp_avg_sq"]
    m *= beta1
    m += (1.0 - beta1) * g
    v *= beta2
    v += (1.0 - beta2) * g * g
    return state["step"]


def bias_correction(beta: float, step: int) -> float:
    """``1 − βᵗ``: the factor that un-biases a moving average started at zero.

    After t steps ``m`` estimates ``(1 − β1ᵗ)·E[g]``, so ``m̂ = m / bias_correction(β1, t)``
    (and likewise ``v̂`` with β2). Zero at t = 0; close to 1 once t ≫ 1/(1 − β).
    """
    return 1.0 - beta ** step


def amsgrad_max(state: dict, p: Parameter, v: np.ndarray) -> np.ndarray:
    """AMSGrad (Reddi et al. 2018): the running element-wise maximum of ``v``, in place::

        v̂max ← max(v̂max, v)

    kept as ``state["max_exp_avg_sq"]`` (created on first use) and returned; use it
    instead of ``v`` in the denominator so the effective step size never grows. As torch,
    the maximum is of the raw ``v``, bias correction is applied afterwards.
    """
    v_max = state.setdefault("max_exp_avg_sq", state_zeros(p))
    np.maximum(v_max, v, out=v_max)
    return v_max
