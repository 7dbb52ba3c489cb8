"""``Elementwise``: the base of activations applied element by element.

A subclass gives ``f`` (:meth:`Elementwise.function`) and ``f′`` (:meth:`Elementwise.derivative`);
the base caches what backward needs and keeps dtypes: float32 in gives float32 out, and
``backward`` returns ``dL/dx`` in the input's dtype (as torch does).

Shapes: any input shape; the output and ``dL/dx`` have the input's shape.
"""

from __future__ import annotations

import numpy as np

from dlbench.nn import Module


def as_float_array(x) -> np.ndarray:
    """``x`` as an ndarray; integer or boolean input becomes float64 (an activation of
    integers would otherwise be truncated back to integers)."""
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.floating) else x.astype(np.float64)


class Elementwise(Module):
    """``y = f(x)`` elementwise; ``backward(dy) = dy · f′(x)``.

    Subclasses implement :meth:`function` and :meth:`derivative`; both receive arrays of
    the input's dtype and may return any float dtype (the base casts back).
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = as_float_array(x)
        y = np.asarray(self.function(x)).astype(x.dtype, copy=False)
        self._x, self._y = x, y
        return y

    def backward(self, dy: np.ndarray) -> np.ndarray:
        grad = dy * self.derivative(self._x, self._y)
        return np.asarray(grad).astype(self._x.dtype, copy=False)

    def function(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__}.function")

    def derivative(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """``f′(x)``; ``y = f(x)`` from the forward pass is given for reuse."""
        raise NotImplementedError(f"{type(self).__name__}.derivative")
