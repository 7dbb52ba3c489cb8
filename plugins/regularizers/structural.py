"""Regularizers that change the network: dropout and batch normalization layers.

``wrap_model(net)`` takes a :class:`~dlbench.nn.Sequential` such as
``Dense, ReLU, Dense, ReLU, Dense`` and returns a new ``Sequential`` holding the same
layer objects (so the same parameters) with the extra layers inserted, in the places the
book's ``MultiLayerNetExtend`` puts them: ``Affine → BatchNorm → ReLU → Dropout → Affine``.
"""

from __future__ import annotations

import zlib

import numpy as np

from dlbench.errors import UsageError
from dlbench.nn import BatchNorm1d, Dense, Dropout, Sequential, as_rng


def _layers(net, who: str) -> tuple[list, list[int]]:
    if not isinstance(net, Sequential):
        raise UsageError(f"the {who} regularizer wraps a Sequential network, got "
                         f"{type(net).__name__}")
    layers = list(net)
    return layers, [i for i, m in enumerate(layers) if isinstance(m, Dense)]


def _rebuild(net, modules) -> Sequential:
    out = Sequential(*modules)
    return out.train(net.training)


class DropoutRegularizer:
    """Inserts :class:`~dlbench.nn.Dropout` before every ``Dense`` but the first (i.e.
    after each hidden activation); the input and the output layer are never dropped.

    :param p: drop probability in [0, 1); default 0.5, torch's and the book's
        ``MultiLayerNetExtend`` default (the book's overfit_dropout.py uses 0.2).
    :param variant: ``"inverted"`` (torch, default) or ``"book"`` (non-inverted).
    :param rng: Generator or seed for the masks; each inserted layer gets its own child
        stream (``Generator.spawn``). When ``None`` the masks are seeded from the
        network's initial weights, so a seeded run stays reproducible.
    """

    def __init__(self, p: float = 0.5, variant: str = "inverted", rng=None):
        Dropout(p, variant, rng=0)  # validates p and variant with the layer's messages
        self.p, self.variant, self.rng = float(p), variant, rng

    def wrap_model(self, net):
        layers, dense = _layers(net, "dropout")
        base = self.rng
        if base is None:
            data = b"".join(np.ascontiguousarray(p.data).tobytes() for p in net.parameters())
            base = zlib.crc32(data)
        streams = iter(as_rng(base).spawn(max(len(dense) - 1, 0)))
        modules = []
        for i, module in enumerate(layers):
            if dense and i in dense[1:]:
                modules.append(Dropout(self.p, self.variant, rng=next(streams)))
            modules.append(module)
        return _rebuild(net, modules)

    def __repr__(self) -> str:
        return f"DropoutRegularizer(p={self.p:g}, variant={self.variant!r})"


class BatchNormRegularizer:
    """Inserts :class:`~dlbench.nn.BatchNorm1d` right after every ``Dense`` but the last
    (i.e. before each hidden activation, as in Ioffe & Szegedy and the book).

    :param eps: default 1e-5 (``variant="book"``: 1e-6).
    :param momentum: weight of the new batch in the running statistics; default 0.1.
    :param variant: ``"torch"`` (unbiased running variance) or ``"book"``.
    """

    def __init__(self, eps: float | None = None, momentum: float = 0.1, variant: str = "torch"):
        BatchNorm1d(1, eps, momentum, variant=variant)  # validates with the layer's messages
        self.eps, self.momentum, self.variant = eps, float(momentum), variant

    def wrap_model(self, net):
        layers, dense = _layers(net, "batch-norm")
        modules = []
        for i, module in enumerate(layers):
            modules.append(module)
            if i in dense[:-1]:
                modules.append(BatchNorm1d(module.out_features, self.eps, self.momentum,
                                           variant=self.variant, dtype=module.weight.dtype))
        return _rebuild(net, modules)

    def __repr__(self) -> str:
        return f"BatchNormRegularizer(momentum={self.momentum:g}, variant={self.variant!r})"
