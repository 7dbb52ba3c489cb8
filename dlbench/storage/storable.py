"""What a results database can hold: storage, not the benchmark code, owns these rules.

A summary value is a real number (``None`` means "not measured" and is stored as NaN);
an artifact is a numeric array. Anything else is :class:`Unstorable`, raised before any
write, and the run service stores that run as ``failed`` with the reason.
"""

from __future__ import annotations

import math
import numbers

import numpy as np


class Unstorable(ValueError):
    """A result value the database cannot hold; the run is stored as ``failed`` with this."""


def storable_summary(summary: dict) -> dict[str, float]:
    """Summary values as floats: ``None`` means "not measured" and is stored as NaN;
    anything that is not a real number is :class:`Unstorable`."""
    out = {}
    for key, value in (summary or {}).items():
        if value is None:
            out[str(key)] = math.nan
        elif isinstance(value, numbers.Real) or (isinstance(value, np.ndarray) and value.size == 1):
            out[str(key)] = float(value)
        else:
            raise Unstorable(f"summary {key!r} is {type(value).__name__} {value!r}, not a number")
    return out


def storable_array(key: str, array) -> np.ndarray:
    arr = np.asarray(array)
    if arr.dtype.kind not in "biuf":
        raise Unstorable(f"artifact {key!r} has dtype {arr.dtype}; only numeric arrays are stored")
    return np.ascontiguousarray(arr.astype(arr.dtype.newbyteorder("<"), copy=False))
