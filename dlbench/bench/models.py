"""Networks the standard tasks train: the book's ``MultiLayerNet`` as a Sequential."""

from __future__ import annotations

import numpy as np

from ..nn import Dense, Sequential


def mlp(observer, input_dim: int, hidden: list[int], num_classes: int, *, activation: str,
        initializer: str | None, rng: np.random.Generator, bias: bool = True,
        dtype=np.float32) -> Sequential:
    """``Dense → activation`` per hidden layer, then a final ``Dense`` to logits.

    Shapes: input ``(N, input_dim)`` -> logits ``(N, num_classes)``. ``activation`` and
    ``initializer`` are plugin choices (``"relu"``, ``"normal(std=0.01)"``); with
    ``initializer=None`` layers use the engine's default (torch's). Every layer,
    including the output one, is initialised the same way, as the book's
    ``MultiLayerNet`` does.
    """
    init = observer.create("initializer", initializer) if initializer else None
    sizes = [input_dim, *hidden, num_classes]
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(Dense(n_in, n_out, bias=bias, weight_init=init, rng=rng, dtype=dtype))
        if i < len(hidden):
            layers.append(observer.create("activation", activation))
    return Sequential(*layers)


def activation_names(net: Sequential, registry) -> list[str]:
    """Dotted names of the top-level modules of ``net`` that are registered activations."""
    classes = set()
    for entry in registry.entries("activation"):
        if isinstance(entry.obj, type):
            classes.add(entry.obj)
    return [name for name, module in net.children() if type(module) in classes]


def dense_names(net: Sequential) -> list[str]:
    """Dotted names of the ``Dense`` layers of ``net``, input to output."""
    return [name for name, module in net.children() if isinstance(module, Dense)]
