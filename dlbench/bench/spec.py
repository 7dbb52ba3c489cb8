"""Planning: from a task, a preset and the user's choices to concrete :class:`RunSpec` s.

Each spec carries the fully resolved config and its hash: SHA-256 of the canonical JSON
(sorted keys, no spaces) of the task name, every setting after the preset and
overrides, each plugin's name, arguments (defaults filled in), registering plugin and
its version, the dataset actually used with its checksum, the dtype and the seed. How a
run is executed (workers, database, progress) is not part of it, so the same experiment
run serially or in a pool has the same hash and is reused.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import typing
from dataclasses import dataclass, field

from ..errors import DataError, UsageError
from ..plugin_registry import check_keywords, jsonable
from .choices import Choice, parse_choice, parse_choice_list, split_choices
from .datasets import load_dataset
from .task import PLUGIN_FIELDS, Task, coerce_setting, config_dict

NONE = "none"  # "no regularizer / no scheduler", a choice that names no plugin
_SKIP_DEFAULTS = {"params", "optimizer", "rng", "dtype"}


@dataclass
class RunSpec:
    """One run to execute: picklable, self-contained (a worker rebuilds plugins from it)."""

    task: str
    preset: str
    seed: int
    config: dict
    choices: dict
    resolved: dict
    config_hash: str
    plugin_versions: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)

    def label(self) -> str:
        parts = [f"{k}={v}" for k, v in self.choices.items()]
        return f"{self.task} " + " ".join(parts + [f"seed={self.seed}"])


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=repr)


def flatten(config_dict: dict, prefix: str = "") -> dict[str, object]:
    """``{"optimizer": {"lr": 0.1}}`` -> ``{"optimizer.lr": 0.1}`` (stored as params,
    compared by ``results compare`` and leaderboards)."""
    out: dict[str, object] = {}
    for key, value in config_dict.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and value:
            out.update(flatten(value, name))
        else:
            out[name] = value
    return out


def config_hash(resolved: dict) -> str:
    return hashlib.sha256(canonical_json(resolved).encode("utf-8")).hexdigest()


def normalize_choice(registry, kind: str, value) -> Choice:
    """Check a choice's arguments against the plugin (a typo such as ``adam(betaz=...)``
    fails before any run) and write ints given for float arguments as floats, so
    ``sgd(lr=1)`` and ``sgd(lr=1.0)`` are one experiment with one hash."""
    choice = parse_choice(value)
    if choice.name == NONE and kind in ("regularizer", "scheduler"):
        return choice
    entry = registry.entry(kind, choice.name)
    check_keywords(entry, choice.kwargs)
    defaults = entry.defaults()
    return Choice(choice.name, {
        k: float(v) if isinstance(defaults.get(k), float) and type(v) is int else v
        for k, v in choice.kwargs.items()})


def resolve_plugin(registry, kind: str, value) -> dict:
    """``"adam(lr=0.1)"`` -> name, full kwargs (defaults filled in), plugin and version."""
    choice = parse_choice(value)
    if choice.name == NONE and kind in ("regularizer", "scheduler"):
        return {"name": NONE}
    entry = registry.entry(kind, choice.name)
    choice = normalize_choice(registry, kind, choice)
    defaults = {k: v for k, v in entry.defaults().items() if k not in _SKIP_DEFAULTS}
    record = next((p for p in registry.plugins if p.name == entry.plugin), None)
    return {"name": choice.name, "kwargs": jsonable({**defaults, **choice.kwargs}),
            "plugin": entry.plugin, "version": getattr(record, "version", None)}


def resolve_dataset(registry, config, cache: dict, data_dir,
                    expected: type | None = None) -> tuple[dict, list[str]]:
    """Load the dataset a config names (or its fallback) and describe it for the hash."""
    notes = []
    name = config.dataset
    try:
        data = load_dataset(registry, name, cache=cache, data_dir=data_dir)
    except DataError as exc:
        fallback = getattr(config, "dataset_fallback", "")
        if not fallback:
            raise
        notes.append(f"{parse_choice(name).name} is not available ({exc}); "
                     f"ran on {parse_choice(fallback).name} instead")
        name = fallback
        data = load_dataset(registry, name, cache=cache, data_dir=data_dir)
    if expected is not None and not isinstance(data, expected):
        raise UsageError(f"dataset {parse_choice(name).name!r} gives a {type(data).__name__}; "
                         f"this task needs a {expected.__name__}")
    info = {"choice": str(parse_choice(name)), "checksum": getattr(data, "checksum", None)}
    if hasattr(data, "sizes"):
        info["sizes"] = data.sizes()
    return info, notes


def plan(registry, task_name: str, *, preset: str = "quick", choices: dict | None = None,
         seeds: list[int] | None = None, overrides: dict | None = None,
         data_dir=None, dataset_cache: dict | None = None) -> list[RunSpec]:
    """Expand a task's grid into run specs, resolving and validating everything first.

    :param choices: kind -> list of choice strings given by the user (``--optimizer``);
        kinds missing here take the preset's selection, then the config default.
    :param seeds: explicit seeds; default ``range(preset.seeds)``.
    :param overrides: typed ``--set`` values.
    """
    task_cls: type[Task] = registry.get("task", task_name)
    task_entry = registry.entry("task", task_name)
    task_record = next((p for p in registry.plugins if p.name == task_entry.plugin), None)
    task_plugin = {"plugin": task_entry.plugin, "version": getattr(task_record, "version", None)}
    pre = task_cls.preset(preset)
    base = task_cls.make_config(preset, overrides)
    fields = task_cls.fields()
    hints = typing.get_type_hints(task_cls.Config)
    choices = {k: v for k, v in (choices or {}).items() if v}
    for kind in choices:
        if kind not in fields:
            raise UsageError(f"task {task_name!r} does not take a {kind}; "
                             f"its settings: {', '.join(sorted(fields))}")
    axes = list(task_cls.grid) + [k for k in choices if k not in task_cls.grid]
    values = []
    for kind in axes:
        # precedence: --KIND choices, then an explicit --set of that setting, then the
        # preset's selection, then the config default
        explicit = [getattr(base, kind)] if overrides and kind in overrides else None
        given = choices.get(kind) or explicit or pre.choices.get(kind) or [getattr(base, kind)]
        hint = hints.get(kind, str)
        if kind in PLUGIN_FIELDS:
            values.append(list(dict.fromkeys(str(normalize_choice(registry, kind, c))
                                             for c in parse_choice_list(given))))
        elif hint is str:  # choice-like strings such as degradation's net
            values.append([str(c) for c in parse_choice_list(given)])
        else:  # a typed setting swept with --grid, e.g. batch_size=32,128
            items = [p for v in given for p in (split_choices(v) if isinstance(v, str) else [v])]
            typed = [coerce_setting(kind, v, hint) if isinstance(v, str) else v for v in items]
            values.append(list({canonical_json(v): v for v in typed}.values()))  # lists too
    seed_list = list(seeds) if seeds is not None else list(range(pre.seeds))
    cache = dataset_cache if dataset_cache is not None else {}
    specs = []
    for combo in itertools.product(*values):
        config = dataclasses.replace(base, **dict(zip(axes, combo)))
        settings = config_dict(config)
        plugins = {k: resolve_plugin(registry, k, settings[k])
                   for k in PLUGIN_FIELDS if k in settings and k != "dataset" and settings[k]}
        dataset, notes = resolve_dataset(registry, config, cache, data_dir, task_cls.data_type)
        versions = {p["plugin"]: p["version"] for p in plugins.values() if p.get("plugin")}
        for seed in seed_list:
            resolved = {"task": task_name, "task_plugin": task_plugin, "settings": settings,
                        "plugins": plugins,
                        "dataset": dataset, "dtype": settings.get("dtype"), "seed": int(seed)}
            specs.append(RunSpec(task_name, preset, int(seed), settings, dict(zip(axes, combo)),
                                 resolved, config_hash(resolved), versions, list(notes)))
    return specs
