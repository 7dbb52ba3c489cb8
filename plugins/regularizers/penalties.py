"""Weight penalties added to the batch-mean data loss: L2, L1 and the elastic net.

Each ``penalty(named_params, activations) -> (value, grads)`` looks only at the weights
(parameters with ``ndim >= 2``: dense ``(in, out)``, conv ``(F, C, KH, KW)``); biases,
batch-norm γ/β and PReLU slopes are never penalised. ``grads`` maps each weight's dotted
name to ``∂value/∂W``, in the weight's dtype; ``value`` is a Python float.
"""

from __future__ import annotations

import numpy as np

from dlbench.errors import check_range
from dlbench.nn import penalised_weights


def _l1_l2(named_params, l1: float, l2: float) -> tuple[float, dict[str, np.ndarray]]:
    """``l1·Σ|W| + ½·l2·Σ W²`` over the weights, and its (sub)gradient ``l1·sign(W) + l2·W``."""
    value, grads = 0.0, {}
    for name, p in penalised_weights(named_params):
        w = p.data
        value += l1 * float(np.abs(w, dtype=np.float64).sum())
        value += 0.5 * l2 * float(np.square(w, dtype=np.float64).sum())
        # np.sign gives 0 at exactly 0: the subgradient torch's autograd also picks.
        grads[name] = (l1 * np.sign(w) + l2 * w).astype(w.dtype, copy=False)
    return value, grads


class L2Penalty:
    """L2 weight decay as a loss term: ``λ/2·Σ‖W‖²`` (the SQUARED norm), gradient ``λW``.

    The book's ``MultiLayerNet`` adds ``0.5·λ·Σ W²`` over every weight matrix (not the
    biases) and ``λW`` to each weight's gradient; this is that. With plain SGD it equals
    torch's ``SGD(weight_decay=λ)``; with adaptive optimizers it is *coupled* decay
    (AdamW's decoupled decay is an optimizer option, not a loss term).

    :param weight_decay: λ ≥ 0; default 0.1, the book's ch06/overfit_weight_decay.py.
    """

    def __init__(self, weight_decay: float = 0.1):
        self.weight_decay = float(check_range("weight_decay", weight_decay, low=0))

    def penalty(self, named_params, activations):
        return _l1_l2(named_params, 0.0, self.weight_decay)

    def __repr__(self) -> str:
        return f"L2Penalty(weight_decay={self.weight_decay:g})"


class L1Penalty:
    """L1 (lasso) penalty ``α·Σ|W|``; subgradient ``α·sign(W)``, 0 where ``W = 0``.

    Drives small weights to exactly zero (sparse weights), unlike L2's proportional
    shrinkage. The name ``alpha`` is scikit-learn's (``Lasso``).

    :param alpha: α ≥ 0; default 1e-3 (chosen: no framework has an L1 default).
    """

    def __init__(self, alpha: float = 1e-3):
        self.alpha = float(check_range("alpha", alpha, low=0))

    def penalty(self, named_params, activations):
        return _l1_l2(named_params, self.alpha, 0.0)

    def __repr__(self) -> str:
        return f"L1Penalty(alpha={self.alpha:g})"


class ElasticNetPenalty:
    """Elastic net (Zou & Hastie 2005) in scikit-learn's parametrisation:
    ``α·ρ·Σ|W| + ½·α·(1 − ρ)·Σ W²`` with ``ρ = l1_ratio``.

    ``l1_ratio=1`` is :class:`L1Penalty` (``alpha``); ``l1_ratio=0`` is :class:`L2Penalty`
    (``weight_decay=alpha``).

    :param alpha: overall strength α ≥ 0; default 1e-3 (chosen).
    :param l1_ratio: ρ in [0, 1]; default 0.5 (scikit-learn's ``ElasticNet``).
    """

    def __init__(self, alpha: float = 1e-3, l1_ratio: float = 0.5):
        self.alpha = float(check_range("alpha", alpha, low=0))
        self.l1_ratio = float(check_range("l1_ratio", l1_ratio, low=0, high=1))

    def penalty(self, named_params, activations):
        return _l1_l2(named_params, self.alpha * self.l1_ratio,
                      self.alpha * (1.0 - self.l1_ratio))

    def __repr__(self) -> str:
        return f"ElasticNetPenalty(alpha={self.alpha:g}, l1_ratio={self.l1_ratio:g})"
