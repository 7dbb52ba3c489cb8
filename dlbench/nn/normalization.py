"""Batch normalization (Ioffe & Szegedy 2015) with ``torch.nn.BatchNorm1d/2d`` semantics.

Training: each channel ``c`` is normalised with the mean and the *biased* variance of the
batch, ``x̂ = (x − μ_B) / √(σ²_B + eps)``, then ``y = γ·x̂ + β``. The running statistics
move towards the batch's, ``running ← (1 − momentum)·running + momentum·batch``
(``momentum`` is the weight of the NEW batch, torch's meaning), and the running variance
takes the *unbiased* batch variance ``σ²_B · n/(n − 1)`` (``n`` values per channel).
Eval: ``y = γ·(x − running_mean)/√(running_var + eps) + β``.

``variant="book"`` is the book's ``BatchNormalization`` (common/layers.py, used by
``MultiLayerNetExtend``): eps ``10e-7`` (= 1e-6) and a *biased* running variance. Its
``momentum=0.9`` weighs the OLD value, which is torch's ``momentum=0.1``, so the default
momentum already matches. (For 4-D input the book normalises each of the C·H·W features
separately; :class:`BatchNorm2d` always uses per-channel statistics.)

γ (``weight``) and β (``bias``) are 1-D Parameters of shape ``(C,)``, so weight penalties
(``ndim >= 2`` only) never touch them; ``running_mean`` / ``running_var`` are buffers.
"""

from __future__ import annotations

import numpy as np

from ..errors import HyperparameterError, check_range
from .module import Module
from .parameter import Parameter

VARIANTS = ("torch", "book")
BOOK_EPS = 1e-6  # the book's 10e-7


class _BatchNorm(Module):
    """Shared forward/backward; subclasses fix which input ranks they accept."""

    input_ranks: tuple[int, ...] = ()
    input_forms: tuple[str, ...] = ()

    def __init__(self, num_features: int, eps: float | None = None, momentum: float = 0.1,
                 affine: bool = True, *, variant: str = "torch", dtype=np.float32):
        super().__init__()
        if variant not in VARIANTS:
            raise HyperparameterError(f"variant must be one of {VARIANTS}, got {variant!r}")
        check_range("num_features", num_features, low=1)
        self.num_features = int(num_features)
        self.variant = variant
        if eps is None:
            eps = BOOK_EPS if variant == "book" else 1e-5
        self.eps = float(check_range("eps", eps, low=0, low_open=True))
        self.momentum = float(check_range("momentum", momentum, low=0, high=1))
        self.affine = bool(affine)
        if self.affine:
            self.weight = Parameter(np.ones(self.num_features, dtype=dtype))
            self.bias = Parameter(np.zeros(self.num_features, dtype=dtype))
        self.register_buffer("running_mean", np.zeros(self.num_features, dtype=dtype))
        self.register_buffer("running_var", np.ones(self.num_features, dtype=dtype))
        self._cache = None

    # -- helpers --------------------------------------------------------------------------
    def _axes_and_shape(self, x: np.ndarray) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Axes the statistics reduce over (all but the channel axis 1) and the shape
        ``(1, C, 1, ...)`` that broadcasts a per-channel vector against ``x``."""
        if x.ndim not in self.input_ranks or x.shape[1] != self.num_features:
            forms = " or ".join(f.replace("C", str(self.num_features)) for f in self.input_forms)
            raise ValueError(f"{type(self).__name__}({self.num_features}) expects input {forms}, "
                             f"got {x.shape}")
        axes = (0,) + tuple(range(2, x.ndim))
        return axes, (1, self.num_features) + (1,) * (x.ndim - 2)

    def _affine(self, shape, dtype):
        if not self.affine:
            return None, None
        return (self.weight.data.reshape(shape).astype(dtype, copy=False),
                self.bias.data.reshape(shape).astype(dtype, copy=False))

    # -- computation ----------------------------------------------------------------------
    def forward(self, x: np.ndarray) -> np.ndarray:
        """``x`` ``(N, C, ...)`` -> ``y`` of the same shape and dtype."""
        axes, shape = self._axes_and_shape(x)
        if self.training:
            n = x.size // self.num_features
            if n < 2:
                raise ValueError(f"{type(self).__name__} needs more than 1 value per channel "
                                 f"in training, got input {x.shape}")
            mean = x.mean(axis=axes)
            var = x.var(axis=axes)  # biased: the batch is normalised with it
            self._update_running(mean, var, n)
        else:
            mean, var = self.running_mean, self.running_var
        inv_std = (1.0 / np.sqrt(var + self.eps)).astype(x.dtype, copy=False)
        x_hat = (x - mean.astype(x.dtype, copy=False).reshape(shape)) * inv_std.reshape(shape)
        self._cache = (x_hat, inv_std, axes, shape, self.training)
        gamma, beta = self._affine(shape, x.dtype)
        return x_hat if gamma is None else x_hat * gamma + beta

    def _update_running(self, mean: np.ndarray, var: np.ndarray, n: int) -> None:
        m = self.momentum
        batch_var = var if self.variant == "book" else var * (n / (n - 1))
        # In place, so the buffers keep their dtype; the names are re-read on each call.
        self.running_mean *= 1 - m
        self.running_mean += m * mean
        self.running_var *= 1 - m
        self.running_var += m * batch_var

    def backward(self, dy: np.ndarray) -> np.ndarray:
        """``dy`` like the output -> ``dx``; adds ``Σ dy·x̂`` to γ.grad and ``Σ dy`` to β.grad."""
        x_hat, inv_std, axes, shape, training = self._cache
        gamma, _ = self._affine(shape, dy.dtype)
        if self.affine:
            self.weight.grad += (dy * x_hat).sum(axis=axes)
            self.bias.grad += dy.sum(axis=axes)
        d_xhat = dy if gamma is None else dy * gamma
        if not training:  # fixed statistics: an affine map per channel
            return d_xhat * inv_std.reshape(shape)
        # Closed form of the backward through the batch mean and variance:
        # dx = (1/√(σ²+eps)) · (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)), means per channel.
        mean_d = d_xhat.mean(axis=axes, keepdims=True)
        mean_dx = (d_xhat * x_hat).mean(axis=axes, keepdims=True)
        return (d_xhat - mean_d - x_hat * mean_dx) * inv_std.reshape(shape)

    def extra_repr(self) -> str:
        extra = "" if self.variant == "torch" else f", variant={self.variant!r}"
        extra += "" if self.affine else ", affine=False"
        return f"{self.num_features}, eps={self.eps:g}, momentum={self.momentum:g}{extra}"


class BatchNorm1d(_BatchNorm):
    """Batch norm over ``(N, C)`` (after a dense layer) or ``(N, C, L)`` (per channel over N, L).

    :param num_features: C.
    :param eps: added to the variance; default 1e-5 (``variant="book"``: 1e-6).
    :param momentum: weight of the new batch in the running statistics, in [0, 1].
    :param affine: learn γ (``weight``, init 1) and β (``bias``, init 0), shape ``(C,)``.
    :param variant: ``"torch"`` (unbiased running variance) or ``"book"`` (biased).
    """

    input_ranks = (2, 3)
    input_forms = ("(N, C)", "(N, C, L)")


class BatchNorm2d(_BatchNorm):
    """Batch norm over NCHW images ``(N, C, H, W)``: statistics per channel over N, H, W.

    Same parameters as :class:`BatchNorm1d`.
    """

    input_ranks = (4,)
    input_forms = ("(N, C, H, W)",)
