"""Declared meaning of task settings and summary metrics, and typed ``--set`` values.

A task's config fields are declared with :func:`setting` (type from the annotation,
range, meaning), so validation, ``dlbench info task NAME`` and the README all read one
declaration; its summary metrics with :class:`Metric` (which way is better, or the
ideal value), so a leaderboard never ranks exploding gradients "best".
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import types
import typing
from dataclasses import dataclass, field
from typing import Any

from ..errors import UsageError
from .choices import literal


@dataclass(frozen=True)
class Setting:
    """What a task setting means and which values it accepts.

    Numbers (and each item of a list of numbers) must lie in ``[low, high]`` (open ends
    with ``low_open`` / ``high_open``; ``None`` is unbounded); lists need at least
    ``min_len`` items; strings must be one of ``choices`` when given.
    """

    help: str
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    min_len: int | None = None
    max_len: int | None = None
    choices: tuple | None = None

    def describe(self) -> str:
        """The range in words: ``≥ 1``, ``(0, 1]``, ``one of a, b``, ``1+ items, each > 0``."""
        if self.choices:
            return "one of " + ", ".join(map(str, self.choices))
        parts = []
        if self.low is not None and self.high is not None:
            parts.append(f"{'(' if self.low_open else '['}{self.low:g}, {self.high:g}"
                         f"{')' if self.high_open else ']'}")
        elif self.low is not None:
            parts.append(f"{'>' if self.low_open else '≥'} {self.low:g}")
        elif self.high is not None:
            parts.append(f"{'<' if self.high_open else '≤'} {self.high:g}")
        if self.min_len is not None or self.max_len is not None:
            size = (f"{self.min_len}+" if self.max_len is None else f"{self.max_len}"
                    if self.min_len == self.max_len else f"{self.min_len or 0}–{self.max_len}")
            return f"{size} items" + (f", each {parts[0]}" if parts else "")
        return parts[0] if parts else "any"

    def check(self, key: str, value) -> None:
        """Raise :class:`UsageError` if ``value`` is outside the declared range."""
        if self.choices is not None and value not in self.choices:
            raise UsageError(f"setting {key} must be {self.describe()}, got {value!r}")
        if isinstance(value, (list, tuple)):
            if self.min_len is not None and len(value) < self.min_len:
                raise UsageError(f"setting {key} needs at least {self.min_len} item(s), got {value!r}")
            if self.max_len is not None and len(value) > self.max_len:
                raise UsageError(f"setting {key} takes at most {self.max_len} items, got {value!r}")
            for item in value:
                self._check_number(key, item, value)
        else:
            self._check_number(key, value, value)

    def _check_number(self, key, item, whole) -> None:
        if not isinstance(item, numbers.Real) or isinstance(item, bool):
            return
        ok = True
        if self.low is not None:
            ok = item > self.low if self.low_open else item >= self.low
        if ok and self.high is not None:
            ok = item < self.high if self.high_open else item <= self.high
        if not ok or (isinstance(item, float) and not math.isfinite(item)):  # nan, ±inf
            raise UsageError(f"setting {key} must be {self.describe()}, got {whole!r}")


def setting(default, help: str, **limits):
    """A task-config field with its meaning and range (see :class:`Setting`)::

        iterations: int = setting(500, "training iterations", low=1)
        hidden: list[int] = setting([100, 100], "hidden layer sizes", low=1, min_len=1)
    """
    meta = {"dlbench": Setting(help, **limits)}
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda: type(default)(default), metadata=meta)
    return field(default=default, metadata=meta)


def describe_setting(f: dataclasses.Field) -> Setting | None:
    return f.metadata.get("dlbench")


@dataclass(frozen=True)
class Metric:
    """What a summary metric means and which way is better.

    :param direction: ``"min"`` or ``"max"`` (lower / higher is better), or ``"target"``:
        closest to ``target`` is best, distance measured as ``|log10(v / target)|`` when
        ``log`` (ratios such as ``grad_ratio``, ideal 1) else ``|v - target|``.
    """

    direction: str
    help: str = ""
    target: float | None = None
    log: bool = False

    def __post_init__(self):
        if self.direction not in ("min", "max", "target"):
            raise ValueError(f"direction must be min, max or target, got {self.direction!r}")
        if self.direction == "target" and self.target is None:
            raise ValueError("a target metric needs its target value")

    def badness(self, value: float) -> float:
        """A number where smaller is better (for ranking means over seeds)."""
        if self.direction == "min":
            return value
        if self.direction == "max":
            return -value
        if self.log:
            return abs(math.log10(value / self.target)) if value > 0 else math.inf
        return abs(value - self.target)

    def describe(self) -> str:
        if self.direction == "min":
            return "lower is better"
        if self.direction == "max":
            return "higher is better"
        how = "by |log10(value / target)|" if self.log else "by |value − target|"
        return f"closest to {self.target:g} is best ({how})"


def _type_name(hint) -> str:
    if typing.get_origin(hint) is not None:  # list[int], not just list
        return str(hint).replace("typing.", "")
    return getattr(hint, "__name__", None) or str(hint).replace("typing.", "")


def check_type(key: str, value, hint) -> None:
    """``value`` must be of the annotated type: ``int`` (not bool), ``float`` (ints
    welcome), ``bool``, ``str``, ``list[X]``, ``X | None``."""
    if hint is Any:
        return
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(hint)
        if value is None and type(None) in args:
            return
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1:
            return check_type(key, value, rest[0])
        return
    bad = UsageError(f"setting {key}: expected {_type_name(hint)}, got {value!r}")
    if origin in (list, tuple):
        if not isinstance(value, (list, tuple)):
            raise bad
        (item_hint,) = typing.get_args(hint)[:1] or (Any,)
        for item in value:
            try:
                check_type(key, item, item_hint)
            except UsageError:
                raise bad from None
        return
    if hint is bool:
        ok = isinstance(value, bool)
    elif hint is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif hint is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif hint is str:
        ok = isinstance(value, str)
    elif isinstance(hint, type):
        ok = isinstance(value, hint)
    else:
        ok = True
    if not ok:
        raise bad


def coerce_setting(key: str, raw: str, hint) -> Any:
    """A ``--set`` / ``--grid`` string as the type the task's config declares.

    ``X | None`` accepts ``None`` and otherwise coerces to ``X`` (so ``clip_norm=1`` and
    ``clip_norm=1.0`` give the same value, and the same config hash).
    """
    args = typing.get_args(hint)
    if args and type(None) in args and (typing.get_origin(hint) in (typing.Union, types.UnionType)):
        rest = [a for a in args if a is not type(None)]
        if raw.strip().lower() in ("none", "null"):
            return None
        hint = rest[0] if len(rest) == 1 else str
    if hint is str:
        return raw
    if hint is bool and raw.strip().lower() in ("true", "false", "yes", "no", "on", "off"):
        return raw.strip().lower() in ("true", "yes", "on")
    try:
        value = literal(raw, f"setting {key}")
    except UsageError:
        raise UsageError(f"setting {key}: cannot read {raw[:60]!r} as "
                         f"{getattr(hint, '__name__', hint)}") from None
    origin = typing.get_origin(hint) or hint
    if origin is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if origin in (list, tuple) and isinstance(value, (list, tuple)):
        return list(value)
    if origin in (int, float, bool, list, dict) and not isinstance(value, origin):
        raise UsageError(f"setting {key}: expected {origin.__name__}, got {raw!r}")
    return value
