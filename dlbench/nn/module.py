"""``Module``: forward, backward and the parameters of a network piece; ``Sequential``.

A module computes ``y = forward(x)`` and, given ``dy = dL/dy``, ``backward(dy)`` returns
``dL/dx`` and *adds* ``dL/dθ`` to each parameter's ``grad`` (call :meth:`zero_grad`
between steps). Sub-modules and parameters assigned as attributes are found
automatically, as in PyTorch, which gives dotted names like ``"0.weight"``.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .parameter import Parameter


class Module:
    """Base class of layers, activations and networks.

    Subclasses implement :meth:`forward` and :meth:`backward` and may override
    :meth:`extra_repr`. Calling ``super().__init__()`` is optional: the bookkeeping
    dictionaries are created on first use.
    """

    training: bool = True

    def __init__(self) -> None:
        self.training = True

    # -- bookkeeping ---------------------------------------------------------------
    def _store(self, kind: str) -> dict:
        return self.__dict__.setdefault(kind, {})

    def __setattr__(self, name: str, value) -> None:
        d = self.__dict__
        if isinstance(value, np.ndarray):  # the hot path: caches set on every forward
            for kind in ("_parameters", "_modules"):
                registered = d.get(kind)
                if registered and name in registered:
                    del registered[name]
            object.__setattr__(self, name, value)
            return
        for kind in ("_parameters", "_modules"):
            self._store(kind).pop(name, None)
        if isinstance(value, Parameter):
            self._store("_parameters")[name] = value
            if value.name is None:
                value.name = name
        elif isinstance(value, Module):
            self._store("_modules")[name] = value
        object.__setattr__(self, name, value)

    def register_buffer(self, name: str, value: np.ndarray) -> None:
        """Keep a non-learned array (e.g. batch-norm running statistics) in the state."""
        self._store("_buffers")[name] = None
        object.__setattr__(self, name, value)

    def children(self) -> Iterator[tuple[str, "Module"]]:
        """Direct sub-modules as ``(attribute name, module)``, in assignment order."""
        yield from self._store("_modules").items()

    def modules(self) -> Iterator["Module"]:
        """This module and every sub-module, depth first."""
        yield self
        for _, child in self.children():
            yield from child.modules()

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, "Module"]]:
        """``(dotted name, module)`` for this module (name ``prefix``) and all below."""
        yield prefix, self
        for name, child in self.children():
            yield from child.named_modules(f"{prefix}.{name}" if prefix else name)

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        """``(dotted name, Parameter)`` for every parameter, each shared one once."""
        seen: set[int] = set()
        for mod_name, module in self.named_modules(prefix):
            for name, param in module._store("_parameters").items():
                if id(param) not in seen:
                    seen.add(id(param))
                    yield (f"{mod_name}.{name}" if mod_name else name), param

    def parameters(self) -> list[Parameter]:
        """Every learnable parameter (shared ones once)."""
        return [p for _, p in self.named_parameters()]

    def num_parameters(self) -> int:
        """Total number of learnable scalars."""
        return sum(p.size for p in self.parameters())

    def zero_grad(self) -> None:
        """Reset every parameter's gradient to zero."""
        for p in self.parameters():
            p.zero_grad()

    def train(self, mode: bool = True) -> "Module":
        """Switch this module and all below to training (or, with False, eval) mode."""
        for m in self.modules():
            object.__setattr__(m, "training", mode)
        return self

    def eval(self) -> "Module":
        """Switch to evaluation mode: dropout off, batch norm uses running statistics."""
        return self.train(False)

    def state_dict(self) -> dict[str, np.ndarray]:
        """Copies of every parameter and buffer, by dotted name."""
        state = {name: p.data.copy() for name, p in self.named_parameters()}
        for mod_name, module in self.named_modules():
            for name in module._store("_buffers"):
                key = f"{mod_name}.{name}" if mod_name else name
                state[key] = np.array(getattr(module, name), copy=True)
        return state

    def load_state_dict(self, state: dict[str, np.ndarray]) -> None:
        """Copy values from :meth:`state_dict` output back in place."""
        params = dict(self.named_parameters())
        for mod_name, module in self.named_modules():
            for name in module._store("_buffers"):
                key = f"{mod_name}.{name}" if mod_name else name
                if key in state:
                    object.__setattr__(module, name, np.array(state[key], copy=True))
        for name, value in state.items():
            if name in params:
                params[name].data[...] = value

    # -- computation ---------------------------------------------------------------
    def forward(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__}.forward")

    def backward(self, dy: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__}.backward")

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.forward(x)

    # -- display -------------------------------------------------------------------
    def extra_repr(self) -> str:
        """Hyperparameters shown inside the parentheses of ``repr``."""
        return ""

    def __repr__(self) -> str:
        children = list(self.children())
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not children:
            return head + ")"
        lines = [head]
        for name, child in children:
            body = repr(child).replace("\n", "\n  ")
            lines.append(f"  ({name}): {body}")
        return "\n".join(lines) + "\n)"


class Sequential(Module):
    """Modules applied one after another; backward runs them in reverse.

    >>> net = Sequential(Dense(64, 100), ReLU(), Dense(100, 10))
    >>> net[0].weight.shape
    (64, 100)
    """

    def __init__(self, *modules: Module):
        super().__init__()
        for module in modules:
            self.append(module)

    def append(self, module: Module) -> "Sequential":
        if not isinstance(module, Module):
            raise TypeError(f"Sequential takes Modules, got {type(module).__name__}")
        setattr(self, str(len(self)), module)
        return self

    def __len__(self) -> int:
        return len(self._store("_modules"))

    def __iter__(self) -> Iterator[Module]:
        return iter(list(self._store("_modules").values()))

    def __getitem__(self, index: int) -> Module:
        return list(self._store("_modules").values())[index]

    def forward(self, x: np.ndarray) -> np.ndarray:
        for module in self:
            x = module.forward(x)
        return x

    def backward(self, dy: np.ndarray) -> np.ndarray:
        for module in reversed(list(self)):
            dy = module.backward(dy)
        return dy
