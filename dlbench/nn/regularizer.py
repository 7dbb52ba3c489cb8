"""The regularizer protocol: four optional methods the training loop calls.

A regularizer plugin returns an object implementing any subset of the methods of
:class:`Regularizer` (subclassing it is optional; the defaults do nothing). The training
loop (``dlbench.bench.training``) calls them as follows:

``wrap_model(net) -> net``
    Once, before training, on the network (a :class:`~dlbench.nn.Sequential`). Dropout
    inserts a dropout layer before every ``Dense`` but the first (i.e. after each hidden
    activation); batch-norm inserts a batch-norm layer right after every ``Dense`` but the
    last (i.e. before each hidden activation). Returns the (new) network.

``penalty(named_params, activations) -> (value, grads)``
    Every training step, after the forward pass. ``named_params`` is a list of
    ``(dotted name, Parameter)``; **weights** are the parameters with ``ndim >= 2``
    (dense ``(in, out)``, conv ``(F, C, KH, KW)``, maxout pieces), and only they are
    penalised: biases, batch-norm γ/β and PReLU slopes (all 1-D) never are.
    ``activations`` maps the dotted name of each hidden activation module to its output
    on this batch, ``(N, units)``. ``value`` (a float) is added to the batch-mean data
    loss; ``grads`` maps a parameter's dotted name to ``∂value/∂param`` (added to its
    ``grad``) or an activation module's name to ``∂value/∂activation`` (added to the
    gradient flowing back through that module's output). Stored series keep the data loss
    and the penalty apart.

``transform(x, y, rng) -> (x, y)``
    On every training batch (never validation or test): augmentation, label smoothing.
    ``y`` may come back as probabilities ``(N, C)`` instead of indices ``(N,)``.

``should_stop(history) -> bool``
    After every epoch. ``history`` maps ``"epoch"``, ``"train_loss"``, ``"val_loss"``,
    ``"val_acc"`` to lists (one entry per epoch so far); the validation split is drawn
    outside the training samples, never the test set. True ends training.
"""

from __future__ import annotations

import numpy as np


class Regularizer:
    """Base class with do-nothing defaults; override what the method needs."""

    def wrap_model(self, net):
        return net

    def penalty(self, named_params, activations) -> tuple[float, dict[str, np.ndarray]]:
        return 0.0, {}

    def transform(self, x: np.ndarray, y: np.ndarray, rng: np.random.Generator):
        return x, y

    def should_stop(self, history: dict[str, list]) -> bool:
        return False


def penalised_weights(named_params):
    """The ``(name, Parameter)`` pairs a penalty applies to: those with ``ndim >= 2``."""
    return [(name, p) for name, p in named_params if p.data.ndim >= 2]
