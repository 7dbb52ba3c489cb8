"""The task protocol: a typed config with defaults, presets, a plugin grid, and ``run``.

A task plugin registers a :class:`Task` subclass::

    @dataclass
    class ConvergenceConfig(TaskConfig):
        optimizer: str = setting("sgd", "the optimizer compared")   # a plugin kind: a choice
        iterations: int = setting(500, "training iterations", low=1)

    class Convergence(Task):
        name = "convergence"
        Config = ConvergenceConfig
        grid = ("optimizer",)           # kinds the runner expands (optimizer × seeds)
        owns = {"optimizer": {"lr": "lr_grid"}}   # the task sets the optimizer's lr itself
        metrics = {"steps_to_target": Metric("min", "steps until the loss ≤ target")}
        primary_metric = ("steps_to_target", "min")
        presets = {"quick": Preset(choices={"optimizer": ["sgd", "adam"]}), ...}
        def run(self, config, rng, observer): ...

Every setting declares its type (the annotation), its range and its meaning
(:func:`setting`); :meth:`Task.validate` checks a config against them before any run
starts, and ``dlbench info task NAME`` lists them. ``run`` receives the config (an
instance of ``Config`` for one grid point, whose plugin fields hold resolved
:class:`~dlbench.bench.choices.Choice` objects), a ``numpy.random.Generator`` seeded for
the run, and an :class:`~dlbench.bench.Observer` to log series, store artifacts and
create plugins. It returns a dict of summary metrics or a :class:`~dlbench.bench.RunResult`.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..errors import UsageError
from .choices import Choice
from .settings import Metric, Setting, check_type, coerce_setting, describe_setting, setting

__all__ = ["PLUGIN_FIELDS", "Metric", "Preset", "Setting", "Task", "TaskConfig", "config_dict",
           "setting"]

PLUGIN_FIELDS = ("activation", "initializer", "optimizer", "scheduler", "regularizer",
                 "loss", "architecture", "dataset")


@dataclass
class TaskConfig:
    """Fields every task has. ``dataset`` names a dataset plugin (a choice string)."""

    dataset: str = setting("digits", "the dataset plugin to train or measure on")
    dtype: str = setting("float32", "floating-point type of arrays in the run",
                         choices=("float32", "float64"))


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
    #: (summary key, "min" | "max" | "target"): what leaderboards rank by default
    primary_metric: ClassVar[tuple[str, str]] = ("final_loss", "min")
    #: summary key -> :class:`Metric`: the direction or target of every summary metric
    metrics: ClassVar[dict[str, Metric]] = {}
    #: summary keys a leaderboard shows beside the ranked metric (overfitting: the gap)
    leaderboard_columns: ClassVar[tuple[str, ...]] = ()
    #: plugin kind -> {keyword the task sets itself: the setting that controls it}; a
    #: choice that sets such a keyword is refused when the grid is planned
    owns: ClassVar[dict[str, dict[str, str]]] = {}
    #: part of the standard suite (``dlbench run`` with no task), and where in it
    standard: ClassVar[bool] = True
    suite_order: ClassVar[int] = 100
    #: what ``load()`` of the task's dataset must return (``Dataset``, ``Surface``);
    #: ``None`` accepts anything. Checked when the grid is planned, before any run.
    data_type: ClassVar[type | None] = None
    #: rough seconds per run at each preset, for ``--dry-run`` before any run is stored
    estimate_s: ClassVar[dict[str, float]] = {}
    #: a run longer than this is stopped as ``timed-out`` (``--run-timeout`` overrides);
    #: ``None``: 50 × the preset's estimate, at least 10 minutes
    run_timeout_s: ClassVar[float | None] = None

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
    def timeout_s(cls, preset: str) -> float:
        """Seconds after which a run of this task at ``preset`` is taken to hang."""
        if cls.run_timeout_s is not None:
            return float(cls.run_timeout_s)
        return max(600.0, 50.0 * float(cls.estimate_s.get(preset, 10.0)))

    @classmethod
    def metric(cls, key: str) -> Metric:
        """The declared :class:`Metric` of a summary key (``primary_metric``'s direction
        for an undeclared default; ``min`` otherwise, as for a loss)."""
        if key in cls.metrics:
            return cls.metrics[key]
        name, direction = cls.primary_metric
        return Metric(direction if key == name and direction in ("min", "max") else "min")

    @classmethod
    def settings(cls) -> list[tuple[str, Any, Setting | None]]:
        """``(name, default, Setting)`` of every config field, in declaration order."""
        out = []
        for f in dataclasses.fields(cls.Config):
            default = f.default if f.default is not dataclasses.MISSING else (
                f.default_factory() if f.default_factory is not dataclasses.MISSING else None)
            out.append((f.name, default, describe_setting(f)))
        return out

    @classmethod
    def validate(cls, config) -> None:
        """Check every setting's type and declared range (:class:`UsageError` if not)."""
        hints = typing.get_type_hints(cls.Config)
        for f in dataclasses.fields(config):
            value = getattr(config, f.name)
            if isinstance(value, Choice):
                continue
            check_type(f.name, value, hints.get(f.name, Any))
            meta = describe_setting(f)
            if meta is not None:
                meta.check(f.name, value)

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
                raise UsageError(f"--set expects key=value, got {item[:60]!r}")
            key, raw = (s.strip() for s in item.split("=", 1))
            if key not in valid:
                raise UsageError(f"task {cls.name!r} has no setting {key!r}; "
                                 f"valid keys: {', '.join(sorted(valid))}")
            if key in out:
                raise UsageError(f"--set {key} is given twice")
            out[key] = coerce_setting(key, raw, hints.get(key, str))
        return out


def config_dict(config) -> dict:
    """A task config as a plain dict (JSON-friendly): resolved choices as their text."""
    return {f.name: (str(v) if isinstance(v, Choice) else v)
            for f in dataclasses.fields(config) for v in [getattr(config, f.name)]}
