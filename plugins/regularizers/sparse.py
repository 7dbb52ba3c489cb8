"""Sparsity of hidden activations: the KL penalty of sparse autoencoders, or an L1
activity penalty when the activations are not rates in (0, 1).

``activations`` (see ``dlbench.nn.regularizer``) maps each hidden activation module's
dotted name to its output on the batch, ``(N, units...)``. Each unit ``j`` has the batch
mean activation ``ρ̂_j = (1/N)·Σ_i h_ij``.

- ``"kl"`` (Ng, CS294A "Sparse autoencoder" notes, 2011):
  ``β·Σ_j KL(ρ‖ρ̂_j)``, ``KL(ρ‖ρ̂) = ρ·log(ρ/ρ̂) + (1 − ρ)·log((1 − ρ)/(1 − ρ̂))``,
  so ``∂/∂h_ij = (β/N)·(−ρ/ρ̂_j + (1 − ρ)/(1 − ρ̂_j))``. Only defined for ρ̂ in (0, 1):
  sigmoid units.
- ``"l1"`` (activity regularization, e.g. Keras ``ActivityRegularization(l1=...)``):
  ``λ·(1/N)·Σ_i Σ_j |h_ij|``, ``∂/∂h_ij = (λ/N)·sign(h_ij)``. For ReLU, tanh, ... units.

``mode="auto"`` decides on the first batch: KL if every hidden activation lies strictly
inside (0, 1), L1 otherwise; it keeps that choice for the rest of training (a saturated
float32 sigmoid hitting exactly 0 or 1 later must not switch the objective) and records
it in :attr:`SparsityPenalty.mode_used`.
"""

from __future__ import annotations

import numpy as np

from dlbench.errors import HyperparameterError, UsageError, check_range

MODES = ("auto", "kl", "l1")
RATE_CLIP = 1e-7  # keeps log(ρ̂) and log(1 − ρ̂) finite if a rate reaches 0 or 1


class SparsityPenalty:
    """Sparse-activation penalty; see the module docstring for the formulas.

    :param rho: target mean activation ρ in (0, 1) for the KL form; default 0.05 (Ng).
    :param beta: weight β ≥ 0 of the KL form; default 3 (Ng).
    :param l1: weight λ ≥ 0 of the L1 activity form; default 1e-3 (chosen).
    :param mode: ``"auto"`` (default), ``"kl"`` or ``"l1"``.

    After the first :meth:`penalty` call :attr:`mode_used` is ``"kl"`` or ``"l1"``.
    """

    def __init__(self, rho: float = 0.05, beta: float = 3.0, l1: float = 1e-3,
                 mode: str = "auto"):
        self.rho = float(check_range("rho", rho, low=0, high=1, low_open=True, high_open=True))
        self.beta = float(check_range("beta", beta, low=0))
        self.l1 = float(check_range("l1", l1, low=0))
        if mode not in MODES:
            raise HyperparameterError(f"mode must be one of {MODES}, got {mode!r}")
        self.mode = mode
        self.mode_used: str | None = None if mode == "auto" else mode

    def penalty(self, named_params, activations):
        """``activations`` ``{name: (N, ...)}`` -> ``(value, {name: ∂value/∂h})``."""
        if not activations:
            return 0.0, {}
        if self.mode_used is None:
            inside = all(np.all((h > 0) & (h < 1)) for h in activations.values())
            self.mode_used = "kl" if inside else "l1"
        term = self._kl if self.mode_used == "kl" else self._l1
        value, grads = 0.0, {}
        for name, h in activations.items():
            v, g = term(name, h)
            value += v
            grads[name] = g.astype(h.dtype, copy=False)
        return value, grads

    def _kl(self, name: str, h: np.ndarray) -> tuple[float, np.ndarray]:
        n = h.shape[0]
        rate = h.mean(axis=0, dtype=np.float64)
        if self.mode == "kl" and np.any((rate <= 0) | (rate >= 1)):
            raise UsageError(f"sparse mode 'kl' needs activations in (0, 1) (e.g. sigmoid); "
                             f"{name!r} has mean activations in [{rate.min():.3g}, {rate.max():.3g}]"
                             "; use mode='l1' or 'auto'")
        rate = np.clip(rate, RATE_CLIP, 1 - RATE_CLIP)
        rho = self.rho
        kl = rho * np.log(rho / rate) + (1 - rho) * np.log((1 - rho) / (1 - rate))
        d_rate = self.beta * (-rho / rate + (1 - rho) / (1 - rate))
        return self.beta * float(kl.sum()), np.broadcast_to(d_rate / n, h.shape).copy()

    def _l1(self, name: str, h: np.ndarray) -> tuple[float, np.ndarray]:
        n = h.shape[0]
        value = self.l1 * float(np.abs(h, dtype=np.float64).sum()) / n
        return value, (self.l1 / n) * np.sign(h)

    def describe(self) -> dict:
        """What it did, for the run record: the form it used and its weights."""
        return {"mode": self.mode, "mode_used": self.mode_used, "rho": self.rho,
                "beta": self.beta, "l1": self.l1}

    def __repr__(self) -> str:
        return (f"SparsityPenalty(rho={self.rho:g}, beta={self.beta:g}, l1={self.l1:g}, "
                f"mode={self.mode!r}, mode_used={self.mode_used!r})")
