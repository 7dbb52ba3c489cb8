"""The wire format between the checker and a sandboxed submission: JSON plus raw array bytes.

Both sides use this module: the checker (``dlbench.quiz.sandbox``) and the submission's
bootstrap (``sandbox_child.py``, which loads this file by path so that it never imports
dlbench). Nothing here ever unpickles: a value is JSON (None, bool, int, float, str) or a
tagged JSON object (``{"t": "tuple", "v": [...]}``); arrays travel as raw bytes after the
JSON, described by a dtype string that must name a plain number type (bool, int, uint,
float, complex) and a shape, and are rebuilt with ``np.frombuffer``. So whatever the
submission sends, decoding it can only fail (:class:`Unreadable`), never run code.

A frame is ``DLB1<json length><blob length>`` (two little-endian uint32), the JSON, the
blobs; the marker tells a reply from bytes the submission wrote to the pipe by other means.
"""

from __future__ import annotations

import json
import re
import struct

import numpy as np

FRAME_HEADER = struct.Struct("<4sII")
MAGIC = b"DLB1"
MAX_FRAME = 64 << 20  # what the checker accepts from a submission in one reply
MAX_DEPTH = 64
_DTYPE = re.compile(r"^[<>|=]?[biufc][0-9]{1,2}$")
_GENERATORS = {"PCG64": np.random.PCG64, "PCG64DXSM": np.random.PCG64DXSM}


class Unsupported(Exception):
    """A value of a type the protocol does not carry; ``what`` names it for a learner."""

    def __init__(self, what: str):
        super().__init__(what)
        self.what = what


class Unreadable(Exception):
    """Bytes that are not a frame of this protocol (or one too large)."""


def describe(value) -> str:
    """``a set``, ``an array of dtype object``: the type of ``value`` in words."""
    if isinstance(value, np.ndarray):
        return f"an array of dtype {value.dtype}"
    name = type(value).__qualname__
    module = type(value).__module__
    full = name if module in ("builtins", None) else f"{module}.{name}"
    return ("an " if full[:1].lower() in "aeiou" else "a ") + full


class Encoder:
    """Turns a value into JSON plus blobs. ``mutables`` lists the arrays and generators
    met, in order, so the other side can report which ones a call changed. ``callables``
    (checker side only) maps an id to each function passed, for callbacks."""

    def __init__(self, *, allow_callables: bool = False):
        self.blobs: list[bytes] = []
        self.size = 0
        self.mutables: list = []
        self.callables: list | None = [] if allow_callables else None

    def _blob(self, data: bytes) -> int:
        offset = self.size
        self.blobs.append(data)
        self.size += len(data)
        return offset

    def array(self, a: np.ndarray) -> dict:
        if a.dtype.kind not in "biufc" or a.dtype.byteorder not in "=<>|":
            raise Unsupported(describe(a))
        data = np.ascontiguousarray(a).tobytes()
        return {"t": "a", "d": a.dtype.str, "s": list(a.shape), "o": self._blob(data),
                "n": len(data)}

    def value(self, v, depth: int = 0):
        if depth > MAX_DEPTH:
            raise Unsupported(f"a value nested more than {MAX_DEPTH} levels deep")
        if v is None or isinstance(v, (bool, str)):
            return v
        if isinstance(v, np.generic):
            if v.dtype.kind not in "biufc":
                raise Unsupported(describe(v))
            return {"t": "scalar", "v": self.array(np.asarray(v))}
        if isinstance(v, (int, float)):
            return int(v) if isinstance(v, int) else float(v)
        if isinstance(v, np.ndarray):
            self.mutables.append(v)
            return self.array(v)
        if isinstance(v, (tuple, list)):
            kind = "tuple" if isinstance(v, tuple) else "list"
            return {"t": kind, "v": [self.value(x, depth + 1) for x in v]}
        if isinstance(v, dict):
            return {"t": "dict", "v": [[self.value(k, depth + 1), self.value(x, depth + 1)]
                                       for k, x in v.items()]}
        if isinstance(v, np.random.Generator) and type(v.bit_generator).__name__ in _GENERATORS:
            self.mutables.append(v)
            return {"t": "rng", "b": type(v.bit_generator).__name__,
                    "state": json.dumps(v.bit_generator.state)}
        if self.callables is not None and callable(v):
            self.callables.append(v)
            return {"t": "fn", "id": len(self.callables) - 1}
        raise Unsupported(describe(v))

    def frame(self, message: dict) -> bytes:
        text = json.dumps(message, allow_nan=True, separators=(",", ":")).encode()
        return FRAME_HEADER.pack(MAGIC, len(text), self.size) + text + b"".join(self.blobs)


def encode(message: dict) -> bytes:
    """A frame of a message holding no values that need an :class:`Encoder`."""
    return Encoder().frame(message)


class Decoder:
    """Rebuilds values from a frame's JSON and blobs; ``callback(id)`` makes the function
    standing for a checker's callable (submission side). Anything unexpected raises
    :class:`Unreadable`."""

    def __init__(self, blobs: bytes, callback=None):
        self.blobs = memoryview(blobs)
        self.callback = callback
        self.mutables: list = []

    def array(self, obj) -> np.ndarray:
        d, shape, offset, n = obj["d"], obj["s"], obj["o"], obj["n"]
        if not (isinstance(d, str) and _DTYPE.match(d) and isinstance(shape, list)
                and all(type(s) is int and 0 <= s for s in shape) and len(shape) <= 32
                and type(offset) is int and type(n) is int and 0 <= offset
                and offset + n <= len(self.blobs)):
            raise Unreadable("a malformed array")
        dtype = np.dtype(d)
        count = 1
        for s in shape:
            count *= s
        if count * dtype.itemsize != n:
            raise Unreadable("an array whose size does not match its shape")
        return np.frombuffer(self.blobs[offset:offset + n], dtype=dtype).reshape(shape).copy()

    def value(self, obj, depth: int = 0):
        if depth > MAX_DEPTH + 2:
            raise Unreadable("a value nested too deeply")
        if obj is None or isinstance(obj, (bool, int, float, str)):
            return obj
        if not isinstance(obj, dict):
            raise Unreadable(f"an untagged {type(obj).__name__}")
        tag = obj.get("t")
        if tag == "a":
            a = self.array(obj)
            self.mutables.append(a)
            return a
        if tag == "scalar":
            return self.array(obj["v"])[()]
        if tag in ("tuple", "list"):
            items = [self.value(x, depth + 1) for x in _list(obj["v"])]
            return tuple(items) if tag == "tuple" else items
        if tag == "dict":
            try:
                return {self.value(k, depth + 1): self.value(x, depth + 1)
                        for k, x in (_pair(p) for p in _list(obj["v"]))}
            except TypeError:
                raise Unreadable("a dict with a key that cannot be a key") from None
        if tag == "rng" and obj.get("b") in _GENERATORS:
            bit = _GENERATORS[obj["b"]]()
            bit.state = json.loads(obj["state"])
            g = np.random.Generator(bit)
            self.mutables.append(g)
            return g
        if tag == "fn" and self.callback is not None and type(obj.get("id")) is int:
            return self.callback(obj["id"])
        if tag == "unsupported" and isinstance(obj.get("what"), str):
            raise Unsupported(obj["what"][:200])
        raise Unreadable(f"an unknown tag {str(tag)[:40]!r}")


def _list(v) -> list:
    if not isinstance(v, list):
        raise Unreadable("a malformed list")
    return v


def _pair(p) -> list:
    if not (isinstance(p, list) and len(p) == 2):
        raise Unreadable("a malformed dict")
    return p


def split_frame(buffer: bytes | bytearray, limit: int = MAX_FRAME):
    """``(message, blobs, rest)`` if ``buffer`` starts with a whole frame, else None.
    Raises :class:`Unreadable` for bytes without the marker, a frame larger than ``limit``
    or JSON that is not an object."""
    if len(buffer) < FRAME_HEADER.size:
        return None
    magic, text_len, blob_len = FRAME_HEADER.unpack_from(buffer)
    if magic != MAGIC:
        raise Unreadable("bytes that are not a reply")
    if text_len + blob_len > limit:
        raise Unreadable(f"a reply of {text_len + blob_len:,} bytes (the limit is {limit:,})")
    end = FRAME_HEADER.size + text_len + blob_len
    if len(buffer) < end:
        return None
    try:
        message = json.loads(bytes(buffer[FRAME_HEADER.size:FRAME_HEADER.size + text_len]))
    except (ValueError, RecursionError):
        raise Unreadable("a reply that is not JSON") from None
    if not isinstance(message, dict):
        raise Unreadable("a reply that is not a JSON object")
    return message, bytes(buffer[FRAME_HEADER.size + text_len:end]), buffer[end:]


def changed(before: list, after: list) -> list[int]:
    """Indices of the mutables (arrays, generators) a call changed in place."""
    out = []
    for i, (old, new) in enumerate(zip(before, after)):
        if isinstance(new, np.ndarray):
            if old.shape != new.shape or old.dtype != new.dtype or old.tobytes() != new.tobytes():
                out.append(i)
        elif old != new.bit_generator.state:
            out.append(i)
    return out


def snapshot(mutables: list) -> list:
    """Copies of arrays and generator states, for :func:`changed`."""
    return [m.copy() if isinstance(m, np.ndarray) else m.bit_generator.state for m in mutables]
