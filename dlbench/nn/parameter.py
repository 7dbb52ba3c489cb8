"""A learnable array and its gradient."""

from __future__ import annotations

import numpy as np


class Parameter:
    """A learnable array: ``data`` and ``grad`` of the same shape.

    Identity-hashed (no ``__eq__``), so optimizers can key their state by parameter.
    Layers read ``data`` on every call, so it may be replaced (e.g. by a float64 copy
    for a gradient check); keep ``grad`` the same shape when doing so.

    :param data: the initial values (any shape; kept as given, not copied).
    :param name: optional label, filled in from the owning module when it has none.
    """

    __slots__ = ("data", "grad", "name")

    def __init__(self, data, name: str | None = None):
        self.data = np.asarray(data)
        self.grad = np.zeros_like(self.data)
        self.name = name

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def size(self) -> int:
        return self.data.size

    def zero_grad(self) -> None:
        """Reset ``grad`` to zeros with ``data``'s current shape and dtype."""
        if self.grad.shape == self.data.shape and self.grad.dtype == self.data.dtype:
            self.grad[...] = 0
        else:
            self.grad = np.zeros_like(self.data)

    def __repr__(self) -> str:
        label = f"{self.name}, " if self.name else ""
        return f"Parameter({label}shape={self.data.shape}, dtype={self.data.dtype})"
