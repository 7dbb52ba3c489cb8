"""``Architecture``: a registered network with named variants, inferable and buildable.

The registered object of an ``architecture`` plugin. Calling it builds the model
(``reg.create("architecture", "vgg16", input_shape=(3, 224, 224), num_classes=1000)``);
:meth:`Architecture.infer` gives ``dlbench arch info``'s table from the same description
without allocating weights. A third-party architecture gets ``arch info`` for free by
registering an ``Architecture`` too.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import HyperparameterError, UnknownNameError, UsageError, check_range
from ..nn.im2col import ShapeError
from ..nn.init import as_rng
from ..plugin_registry import accepts
from . import blockrules, rules  # noqa: F401  (fill the rule tables)
from .infer import Inference, infer
from .spec import Layer, NamedSequential, Node, Seq


@dataclass(frozen=True)
class Variant:
    """One form of an architecture.

    :param describe: ``describe(input_shape, num_classes, width) -> Node``.
    :param doc: one line saying what this variant is and how it differs from the default.
    """

    describe: Callable[..., Node]
    doc: str


def small_if_below(size: int = 64, large: str = "torchvision", small: str = "small"):
    """The usual rule: the scaled-down variant when the image side is below ``size``."""
    def choose(input_shape) -> str:
        return small if min(input_shape[1:]) < size else large
    return choose


class Architecture:
    """A network family: variants, the rule that picks one from the input size, defaults.

    :param name: the registered name (for messages).
    :param variants: ``{name: Variant}``.
    :param choose: ``choose(input_shape) -> variant name`` used when ``variant=None``.
    :param input_shape: default ``(C, H, W)``; :param num_classes: default classes.
    """

    def __init__(self, name: str, variants: dict[str, Variant], choose: Callable,
                 input_shape=(3, 224, 224), num_classes: int = 1000):
        self.name, self.variants, self.choose = name, dict(variants), choose
        self.input_shape, self.num_classes = tuple(input_shape), int(num_classes)
        # shown by `dlbench info architecture NAME` as this architecture's real defaults
        self.__signature__ = inspect.signature(self._build).replace(parameters=[
            p.replace(default=self.input_shape) if p.name == "input_shape" else
            p.replace(default=self.num_classes) if p.name == "num_classes" else p
            for p in inspect.signature(self._build).parameters.values()])

    def resolve(self, input_shape=None, num_classes=None, variant=None, width=1.0):
        """Validated ``(input_shape, num_classes, variant name, width)``."""
        shape = tuple(int(s) for s in (self.input_shape if input_shape is None else input_shape))
        if len(shape) != 3 or min(shape) < 1:
            raise ShapeError(f"{self.name}: input_shape must be (C, H, W) with positive sizes, "
                             f"got {input_shape}")
        classes = check_range("num_classes", int(self.num_classes if num_classes is None
                                                  else num_classes), low=1)
        width = check_range("width", float(width), low=0.0, low_open=True)
        name = variant or self.choose(shape)
        if name not in self.variants:
            raise UnknownNameError(f"variant of {self.name}", name, self.variants)
        return shape, classes, name, width

    def describe(self, input_shape=None, num_classes=None, variant=None, width=1.0):
        """``(variant name, description)`` for these arguments."""
        shape, classes, name, width = self.resolve(input_shape, num_classes, variant, width)
        return name, self.variants[name].describe(shape, classes, width)

    def infer(self, input_shape=None, num_classes=None, variant=None, width=1.0):
        """``(variant name, Inference)``: every layer's shape, params, MACs, receptive field."""
        shape, classes, name, width = self.resolve(input_shape, num_classes, variant, width)
        result = infer(self.variants[name].describe(shape, classes, width), shape)
        if result.flow.shape != (classes,):
            raise ShapeError(f"{self.name} ({name}) ends in shape {result.flow.shape}, "
                             f"expected ({classes},)")
        return name, result

    def _build(self, input_shape=None, num_classes=None, variant=None, width=1.0, rng=None,
               registry=None):
        if registry is None:
            raise UsageError(f"architecture {self.name!r} builds its layers from a registry: "
                             f"create it with registry.create('architecture', "
                             f"{self.name!r}, ...) or pass registry=")
        name, result = self.infer(input_shape, num_classes, variant, width)
        model = build(result.resolved, registry, as_rng(rng))
        model.variant = name
        return model

    def __call__(self, *args, **kwargs):
        """Build the model: ``(input_shape, num_classes, variant=None, width=1.0, rng=None,
        registry)``; the layers come from ``registry``, which
        :meth:`~dlbench.plugin_registry.Registry.create` passes itself."""
        return self._build(*args, **kwargs)

    def __repr__(self) -> str:
        return f"Architecture({self.name!r}, variants={list(self.variants)})"


def build(node: Node, registry, rng=None):
    """Instantiate a (resolved) description with ``registry``'s layers, in order, drawing
    every initial weight from the one Generator ``rng``."""
    rng = as_rng(rng)
    if isinstance(node, Seq):
        return NamedSequential((name, build(child, registry, rng)) for name, child in node.items)
    return _make(node, registry, rng)


def _make(layer: Layer, registry, rng):
    kwargs = dict(layer.kwargs)
    if accepts(registry.get(layer.kind, layer.type), "rng"):
        kwargs["rng"] = rng
    try:
        return registry.create(layer.kind, layer.type, **kwargs)
    except HyperparameterError as exc:
        raise HyperparameterError(f"{layer.type}: {exc}") from exc


__all__ = ["Architecture", "Inference", "Variant", "build", "small_if_below"]
