"""Architecture descriptions: plain data that can be shape-inferred or instantiated.

A description is a tree of two node types:

- :class:`Layer`: one registered item, ``(kind, type, kwargs)``, e.g.
  ``Layer("layer", "conv2d", {"in_channels": 3, ...})`` or ``Layer("activation", "relu")``.
  Blocks (``bottleneck``, ``inception``...) are layers too.
- :class:`Seq`: named children applied in order (instantiated as :class:`NamedSequential`).

:func:`dlbench.arch.infer` walks it with shape rules and never allocates a weight;
:func:`dlbench.arch.build` asks the registry for each layer. Since both read the same
description, the table ``dlbench arch info`` prints is the model ``reg.create`` returns.

``AUTO`` as ``in_features`` (dense) or ``in_channels`` / ``num_features`` lets inference
fill in the size, as the book computes ``pool_output_size`` for SimpleConvNet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..nn.module import Sequential

AUTO = "auto"


@dataclass(frozen=True)
class Layer:
    """One registered layer, activation or block and its keyword arguments."""

    kind: str
    type: str
    kwargs: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Seq:
    """Children applied in order; ``items`` is a tuple of ``(name, node)``."""

    items: tuple


Node = Layer | Seq


def seq(*nodes: Node, **named: Node) -> Seq:
    """``seq(a, b)`` names the children "0", "1"... (torch's Sequential); ``seq(conv1=a)``
    keeps the given names. Not both."""
    if nodes and named:
        raise ValueError("seq() takes positional or named children, not both")
    items = tuple((str(i), n) for i, n in enumerate(nodes)) if nodes else tuple(named.items())
    return Seq(items)


class NamedSequential(Sequential):
    """A :class:`Sequential` whose children keep given names (``features``, ``layer1``...)."""

    def __init__(self, items=()):
        super().__init__()
        for name, module in items:
            setattr(self, name, module)


# -- constructors for the layers architectures use (kwargs exactly as registered) -------------
def conv(in_channels, out_channels, kernel_size, stride=1, padding=0, *, bias=True, groups=1,
         weight_init=None) -> Layer:
    kw = {"in_channels": in_channels, "out_channels": out_channels, "kernel_size": kernel_size,
          "stride": stride, "padding": padding, "bias": bias}
    if groups != 1:
        kw["groups"] = groups
    if weight_init is not None:
        kw["weight_init"] = weight_init
    return Layer("layer", "conv2d", kw)


def dense(in_features, out_features, *, weight_init=None) -> Layer:
    kw = {"in_features": in_features, "out_features": out_features}
    if weight_init is not None:
        kw["weight_init"] = weight_init
    return Layer("layer", "dense", kw)


def maxpool(kernel_size, stride=None, padding=0, ceil_mode=False) -> Layer:
    return Layer("layer", "maxpool2d", {"kernel_size": kernel_size, "stride": stride,
                                        "padding": padding, "ceil_mode": ceil_mode})


def avgpool(kernel_size, stride=None, padding=0, ceil_mode=False) -> Layer:
    return Layer("layer", "avgpool2d", {"kernel_size": kernel_size, "stride": stride,
                                        "padding": padding, "ceil_mode": ceil_mode})


def batchnorm(num_features, eps=1e-5) -> Layer:
    return Layer("layer", "batchnorm2d", {"num_features": num_features, "eps": eps})


def lrn(size=5, alpha=5e-4, beta=0.75, k=2.0) -> Layer:
    """Defaults: AlexNet's n = 5, α = 1e-4 per neighbour (torch's ``alpha`` is n·α), β, k = 2."""
    return Layer("layer", "lrn", {"size": size, "alpha": alpha, "beta": beta, "k": k})


def act(name: str = "relu", **kwargs) -> Layer:
    return Layer("activation", name, kwargs)


def dropout(p=0.5) -> Layer:
    return Layer("layer", "dropout", {"p": p})


def flatten() -> Layer:
    return Layer("layer", "flatten")


def adaptive_avgpool(output_size) -> Layer:
    return Layer("layer", "adaptive-avgpool", {"output_size": output_size})


def block(type_: str, **kwargs) -> Layer:
    """A registered block (``bottleneck``, ``inception``...) with its keyword arguments."""
    return Layer("layer", type_, kwargs)
