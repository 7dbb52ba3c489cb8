"""The Adam family, exactly as ``torch.optim``: Adam, AdamW, NAdam, RAdam.

All four keep, per parameter (arrays of its shape and dtype in ``self.state[p]``), the step
count t and exponential moving averages of the gradient and its square::

    m ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²

and differ in how they turn (m, v, t) into a step, and in where weight decay goes:
*coupled* adds λθ to g (an L2 penalty that passes through the adaptive scaling),
*decoupled* shrinks θ ← θ·(1 − lr·λ) before the step (Loshchilov & Hutter, AdamW).
"""

from __future__ import annotations

import math

import numpy as np

from dlbench.nn import Optimizer
from dlbench.nn.optim import (amsgrad_max, bias_correction, check_betas, check_choice,
                              check_nonnegative, decoupled_weight_decay, gradient_with_decay,
                              update_moments)


class _AdamFamily(Optimizer):
    """Validation, weight decay and the two moments, shared by the Adam family."""

    def __init__(self, params, *, lr, betas, eps, weight_decay, **more):
        check_nonnegative(lr=lr, eps=eps, weight_decay=weight_decay)
        check_betas(betas)
        super().__init__(params, lr=lr, betas=tuple(betas), eps=eps,
                         weight_decay=weight_decay, **more)

    def _moments(self, p, lr: float, beta1: float, beta2: float):
        """Apply weight decay, update m and v; return ``(g, state)`` with the new step t."""
        hp = self.defaults
        wd = float(hp["weight_decay"])
        if hp["decoupled_weight_decay"]:
            decoupled_weight_decay(p, lr, wd)
            wd = 0.0
        g = gradient_with_decay(p, maximize=hp["maximize"], weight_decay=wd)
        update_moments(self.state[p], p, g, beta1, beta2)
        return g, self.state[p]

    def _hyper(self):
        hp = self.defaults
        beta1, beta2 = (float(b) for b in hp["betas"])
        return float(hp["lr"]), beta1, beta2, float(hp["eps"])


class Adam(_AdamFamily):
    """Adam (Kingma & Ba, arXiv:1412.6980), exactly ``torch.optim.Adam``::

        m, v as above (coupled weight decay unless decoupled_weight_decay)
        v̂max ← max(v̂max, v)                       if amsgrad (the RAW v, as torch)
        θ ← θ − lr/(1 − β1ᵗ) · m / (√u/√(1 − β2ᵗ) + eps),   u = v̂max if amsgrad else v

    i.e. the paper's m̂/(√v̂ + eps) with eps added after bias correction.
    ``variant="book"`` (ゼロから作る Deep Learning common/optimizer.py) puts the bias
    correction into the step size and eps next to the raw √u::

        lr_t = lr·√(1 − β2ᵗ)/(1 − β1ᵗ);   θ ← θ − lr_t · m / (√u + eps)

    which differs while √(1 − β2ᵗ) is small (the book also uses eps 1e-7).

    :param lr: in [0, inf), default 1e-3.  :param betas: each in [0, 1).
    :param eps: in [0, inf), 1e-8.  :param weight_decay: in [0, inf), coupled (L2).
    :param amsgrad: AMSGrad (Reddi et al. 2018).  :param decoupled_weight_decay: AdamW.
    :param variant: ``"torch"`` or ``"book"``.
    """

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, amsgrad: bool = False, *,
                 maximize: bool = False, decoupled_weight_decay: bool = False,
                 variant: str = "torch"):
        check_choice("variant", variant, ("torch", "book"))
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad, maximize=maximize,
                         decoupled_weight_decay=decoupled_weight_decay, variant=variant)

    def step(self) -> None:
        lr, beta1, beta2, eps = self._hyper()
        for p in self.params:
            _, state = self._moments(p, lr, beta1, beta2)
            t, m, v = state["step"], state["exp_avg"], state["exp_avg_sq"]
            if self.defaults["amsgrad"]:
                v = amsgrad_max(state, p, v)
            bias1, bias2 = bias_correction(beta1, t), bias_correction(beta2, t)
            if self.defaults["variant"] == "book":
                p.data -= lr * math.sqrt(bias2) / bias1 * m / (np.sqrt(v) + eps)
            else:
                p.data -= lr / bias1 * m / (np.sqrt(v) / math.sqrt(bias2) + eps)


class AdamW(Adam):
    """AdamW (Loshchilov & Hutter, arXiv:1711.05101), exactly ``torch.optim.AdamW``:
    Adam with decoupled weight decay ``θ ← θ·(1 − lr·weight_decay)`` before the Adam step,
    ``weight_decay`` default 1e-2.
    """

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad, maximize=maximize, decoupled_weight_decay=True)


class NAdam(_AdamFamily):
    """NAdam (Dozat 2016), exactly ``torch.optim.NAdam`` with its momentum schedule::

        μ_t = β1·(1 − ½·0.96^(t·momentum_decay)),   Π_t = μ_1⋯μ_t
        d = √(v/(1 − β2ᵗ)) + eps
        θ ← θ − lr·(1 − μ_t)/(1 − Π_t) · g/d − lr·μ_{t+1}/(1 − Π_t·μ_{t+1}) · m/d

    :param lr: in [0, inf), default 2e-3.  :param betas: each in [0, 1).
    :param eps: in [0, inf), 1e-8.  :param weight_decay: in [0, inf), coupled unless
        ``decoupled_weight_decay`` (then θ ← θ·(1 − lr·λ), NAdamW).
    :param momentum_decay: ψ in [0, inf), default 4e-3.
    """

    def __init__(self, params, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, maximize: bool = False):
        check_nonnegative(momentum_decay=momentum_decay)
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         momentum_decay=momentum_decay,
                         decoupled_weight_decay=decoupled_weight_decay, maximize=maximize)

    def step(self) -> None:
        lr, beta1, beta2, eps = self._hyper()
        psi = float(self.defaults["momentum_decay"])
        for p in self.params:
            g, state = self._moments(p, lr, beta1, beta2)
            t, m, v = state["step"], state["exp_avg"], state["exp_avg_sq"]
            mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * psi))
            mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
            state["mu_product"] = mu_product = state.get("mu_product", 1.0) * mu
            denom = np.sqrt(v / bias_correction(beta2, t)) + eps
            p.data -= lr * (1.0 - mu) / (1.0 - mu_product) * g / denom
            p.data -= lr * mu_next / (1.0 - mu_product * mu_next) * m / denom


class RAdam(_AdamFamily):
    """RAdam (Liu et al., arXiv:1908.03265), exactly ``torch.optim.RAdam``::

        ρ∞ = 2/(1 − β2) − 1;   ρ_t = ρ∞ − 2t·β2ᵗ/(1 − β2ᵗ);   m̂ = m/(1 − β1ᵗ)
        if ρ_t > 5:  r_t = √((ρ_t − 4)(ρ_t − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρ_t))
                     θ ← θ − lr · m̂ · r_t · √(1 − β2ᵗ)/(√v + eps)
        else:        θ ← θ − lr · m̂          (un-adapted momentum step, no warm-up needed)

    With the default β2 = 0.999 the first five steps are un-adapted.

    :param lr: in [0, inf), default 1e-3.  :param betas: each in [0, 1).
    :param eps: in [0, inf), 1e-8.  :param weight_decay: in [0, inf), coupled unless
        ``decoupled_weight_decay`` (then θ ← θ·(1 − lr·λ)).
    """

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0,
                 decoupled_weight_decay: bool = False, *, maximize: bool = False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         decoupled_weight_decay=decoupled_weight_decay, maximize=maximize)

    def step(self) -> None:
        lr, beta1, beta2, eps = self._hyper()
        rho_inf = 2.0 / (1.0 - beta2) - 1.0
        for p in self.params:
            _, state = self._moments(p, lr, beta1, beta2)
            t, m, v = state["step"], state["exp_avg"], state["exp_avg_sq"]
            bias1, bias2 = bias_correction(beta1, t), bias_correction(beta2, t)
            rho_t = rho_inf - 2.0 * t * beta2 ** t / bias2
            if rho_t > 5.0:
                rect = math.sqrt((rho_t - 4.0) * (rho_t - 2.0) * rho_inf
                                 / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t))
                p.data -= lr / bias1 * rect * math.sqrt(bias2) * m / (np.sqrt(v) + eps)
            else:
                p.data -= lr / bias1 * m
