"""Shared pieces of the built-in optimizers: validation and the two kinds of weight decay.

Hyperparameters are validated once at creation (the message names the parameter and its
range) and read again from ``self.defaults`` on every step, so that a scheduler may
change ``optimizer.lr`` between steps. Scalars are turned into Python floats before use:
under NumPy 2's promotion rules a ``np.float64`` scalar would silently promote a float32
parameter's update to float64, a Python float does not.
"""

from __future__ import annotations

import numpy as np

from dlbench.errors import HyperparameterError, check_range


def check_betas(betas) -> tuple[float, float]:
    """``betas`` must be a pair with each coefficient in [0, 1)."""
    try:
        beta1, beta2 = betas
    except (TypeError, ValueError):
        raise HyperparameterError(f"betas must be a pair (beta1, beta2), got {betas!r}") from None
    check_range("betas[0]", beta1, low=0.0, high=1.0, high_open=True)
    check_range("betas[1]", beta2, low=0.0, high=1.0, high_open=True)
    return float(beta1), float(beta2)


def check_choice(name: str, value, choices: tuple) -> None:
    if value not in choices:
        raise HyperparameterError(
            f"{name} must be one of {', '.join(repr(c) for c in choices)}, got {value!r}")


def check_nonnegative(**values) -> None:
    """Each keyword must lie in [0, inf) (learning rates, eps, weight decay...)."""
    for name, value in values.items():
        check_range(name, value, low=0.0)


def gradient(p, *, maximize: bool = False, weight_decay: float = 0.0) -> np.ndarray:
    """The gradient an update uses: ``±p.grad`` plus coupled (L2) decay ``weight_decay·θ``.

    Coupled decay is torch's ``weight_decay`` for SGD, Adagrad, RMSprop, Adadelta and
    Adam: it is the gradient of ``½·λ·‖θ‖²`` and so passes through the adaptive scaling.
    Returns a new array, never ``p.grad`` itself, so callers may keep it in their state.
    """
    g = -p.grad if maximize else p.grad.copy()
    if weight_decay:
        g += weight_decay * p.data
    return g


def decay_decoupled(p, lr: float, weight_decay: float) -> None:
    """Decoupled decay (Loshchilov & Hutter, AdamW): ``θ ← θ·(1 − lr·weight_decay)``."""
    if weight_decay:
        p.data *= 1.0 - lr * weight_decay


def zeros_like(p) -> np.ndarray:
    """A state buffer of the parameter's shape and dtype (float32 runs stay float32)."""
    return np.zeros_like(p.data)


def update_moments(state: dict, p, g: np.ndarray, beta1: float, beta2: float) -> int:
    """Adam's moving averages in ``state`` (made on first use); returns the new step t.

    ``exp_avg`` m ← β1·m + (1 − β1)·g and ``exp_avg_sq`` v ← β2·v + (1 − β2)·g².
    """
    if "step" not in state:
        state.update(step=0, exp_avg=zeros_like(p), exp_avg_sq=zeros_like(p))
    state["step"] += 1
    m, v = state["exp_avg"], state["exp_avg_sq"]
    m *= beta1
    m += (1.0 - beta1) * g
    v *= beta2
    v += (1.0 - beta2) * g * g
    return state["step"]
