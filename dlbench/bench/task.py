"""The task protocol: a typed config with defaults, presets, a plugin grid, and ``run``.

A task plugin registers a :class:`Task` subclass::

    @dataclass
    class ConvergenceConfig(TaskConfig):
        optimizer: str = "sgd"          # a field named after a plugin kind holds a choice
        iterations: int = 500

    class Convergence(Task):
        name = "convergence"
        Config = ConvergenceConfig
        grid = ("optimizer",)           # kinds the runner expands (optimizer × seeds)
        presets = {"quick": Preset(choices={"optimizer": ["sgd", "adam"]}), ...}
        def run(self, config, rng, observer): ...

``run`` receives the config (an instance of ``Config`` for one grid point), a
``numpy.random.Generator`` seeded for the run, and an :class:`~dlbench.bench.Observer`
to log series, store artifacts and create plugins. It returns a dict of summary metrics
or a :class:`~dlbench.bench.RunResult`.
"""

from __future__ import annotations

import ast
import dataclasses
import types
import typing
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..errors import UsageError

PLUGIN_FIELDS = ("activation", "initializer", "optimizer", "scheduler", "regularizer",
                 "loss", "architecture", "dataset")


@dataclass
class TaskConfig:
    """Fields every task has. ``dataset`` names a dataset plugin (a choice string)."""

    dataset: str = "digits"
    dtype: str = "float32"


@dataclass
class Preset:
    """Overrides of a task's defaults for one named preset.

    :param config: field -> value overrides.
    :param choices: grid kind -> list of choice strings run by default (the book's
        selection for ``quick`` and ``book``, not every registered plugin).
    :param seeds: how many seeds by default.
    :param budget_s: time budget for the whole task at this preset (the runner stops
        starting new runs past it and says so).
    :param note: shown by ``--dry-run`` and stored (e.g. why the quick preset differs
        from the book).
    """

    config: dict = field(default_factory=dict)
    choices: dict = field(default_factory=dict)
    seeds: int = 1
    budget_s: float | None = None
    note: str = ""


class Task:
    """Base class of task plugins; see the module docstring."""

    name: ClassVar[str] = ""
    summary: ClassVar[dict] = {}
    #: what is measured, as formulas (shown by ``dlbench info task NAME``)
    formula: ClassVar[str] = ""
    reference: ClassVar[str] = ""
    Config: ClassVar[type] = TaskConfig
    grid: ClassVar[tuple[str, ...]] = ()
    presets: ClassVar[dict[str, Preset]] = {}
    #: (summary key, "min" | "max"): what leaderboards rank by default
    primary_metric: ClassVar[tuple[str, str]] = ("final_loss", "min")
    #: part of the standard suite (``dlbench run`` with no task), and where in it
    standard: ClassVar[bool] = True
    suite_order: ClassVar[int] = 100
    #: what ``load()`` of the task's dataset must return (``Dataset``, ``Surface``);
    #: ``None`` accepts anything. Checked when the grid is planned, before any run.
    data_type: ClassVar[type | None] = None
    #: rough seconds per run at each preset, for ``--dry-run`` before any run is stored
    estimate_s: ClassVar[dict[str, float]] = {}

    def run(self, config, rng, observer):  # pragma: no cover - abstract
        raise NotImplementedError

    # -- config handling -------------------------------------------------------------
    @classmethod
    def fields(cls) -> dict[str, dataclasses.Field]:
        return {f.name: f for f in dataclasses.fields(cls.Config)}

    @classmethod
    def preset(cls, name: str) -> Preset:
        if name not in cls.presets:
            raise UsageError(f"task {cls.name!r} has no preset {name!r}; "
                             f"presets: {', '.join(cls.presets)}")
        return cls.presets[name]

    @classmethod
    def make_config(cls, preset: str, overrides: dict[str, Any] | None = None):
        """The config for ``preset`` with ``overrides`` (already typed) applied.

        Unknown keys fail before anything runs, naming the valid keys.
        """
        values = dict(cls.preset(preset).config)
        values.update(overrides or {})
        valid = cls.fields()
        unknown = sorted(set(values) - set(valid))
        if unknown:
            raise UsageError(f"task {cls.name!r} has no setting {', '.join(map(repr, unknown))}; "
                             f"valid keys: {', '.join(sorted(valid))}")
        return cls.Config(**values)

    @classmethod
    def parse_set(cls, items: list[str]) -> dict[str, Any]:
        """``["lr_grid=[0.1, 1]", "iterations=200"]`` -> typed values, checked by name."""
        valid = cls.fields()
        hints = typing.get_type_hints(cls.Config)
        out = {}
        for item in items:
            if "=" not in item:
                raise UsageError(f"--set expects key=value, got {item!r}")
            key, raw = (s.strip() for s in item.split("=", 1))
            if key not in valid:
                raise UsageError(f"task {cls.name!r} has no setting {key!r}; "
                                 f"valid keys: {', '.join(sorted(valid))}")
            out[key] = coerce_setting(key, raw, hints.get(key, str))
        return out


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
    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        if hint is bool and raw.lower() in ("true", "false", "yes", "no", "on", "off"):
            return raw.lower() in ("true", "yes", "on")
        raise UsageError(f"setting {key}: cannot read {raw!r} as {getattr(hint, '__name__', hint)}") from None
    origin = typing.get_origin(hint) or hint
    if origin is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if origin in (list, tuple) and isinstance(value, (list, tuple)):
        return list(value)
    if origin in (int, float, bool, list, dict) and not isinstance(value, origin):
        raise UsageError(f"setting {key}: expected {origin.__name__}, got {raw!r}")
    return value


def config_dict(config) -> dict:
    """A task config as a plain dict (JSON-friendly)."""
    return dataclasses.asdict(config)
