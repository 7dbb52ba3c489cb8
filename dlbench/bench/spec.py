"""Planning: from a task, a preset and the user's choices to concrete :class:`RunSpec` s.

Everything is resolved and validated here, once, before any run starts: each choice
string is parsed into a :class:`~dlbench.bench.choices.Choice` that knows its plugin,
version and code digest (tasks receive these resolved choices, never text); a choice
that sets a keyword the task sets itself (convergence's optimizer ``lr``) is refused; a
key given both as a grid axis and with ``--set`` is refused; every setting is checked
against its declared type and range. Nothing invalid reaches a run, so nothing invalid
is stored.

Each spec carries the fully resolved config and its hash: SHA-256 of the canonical JSON
(sorted keys, no spaces) of the task name, every setting after the preset and
overrides, each plugin's name, arguments (defaults filled in), registering plugin, its
version and a digest of its source, the dataset actually used with its checksum, the
dtype and the seed. How a run is executed (workers, database, progress) is not part of
it, so the same experiment run serially or in a pool has the same hash and is reused.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import sys
import typing
from dataclasses import dataclass, field

from ..errors import DataError, UsageError
from ..plugin_registry import check_keywords, jsonable
from .choices import Choice, parse_choice, parse_choice_list, split_choices
from .datasets import load_dataset
from .task import PLUGIN_FIELDS, Task, coerce_setting, config_dict

NONE = "none"  # "no regularizer / no scheduler", a choice that names no plugin
_SKIP_DEFAULTS = {"params", "optimizer", "rng", "dtype"}
#: refuse to plan more runs than this at once (``--seeds 100000``); a sweep that large
#: belongs in several commands or a distributed executor
MAX_RUNS = 20_000


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
    #: stop the run after this many seconds (not part of the config hash)
    timeout_s: float | None = None
    #: how long the run is expected to take, seconds (stored durations of the task and
    #: preset, else the task's estimate); executors batch short runs into chunks worth
    #: ~0.1 s with it. ``None``: unknown (sent alone). Not part of the config hash.
    estimate_s: float | None = None

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


def _source_digest(obj) -> str | None:
    """Digest of the source files of the top-level package that defines ``obj`` (an
    installed or editable plugin distribution): editing a plugin without bumping its
    version still changes its runs' config hash. The same digest as a ``-p file.py``
    plugin's version (:func:`dlbench.pluginmanager.source_version`)."""
    from ..pluginmanager import source_version

    module = sys.modules.get(getattr(obj, "__module__", "") or "")
    if module is None:
        return None
    return source_version(sys.modules.get(module.__name__.split(".", 1)[0]) or module)


class Resolver:
    """Resolves choice text into :class:`Choice` objects for one plan (digests cached)."""

    def __init__(self, registry):
        self.registry = registry
        self._records = {p.name: p for p in getattr(registry, "plugins", [])}
        self._digests: dict[str, str | None] = {}

    def identity(self, plugin: str, obj) -> tuple[str | None, str | None]:
        """(version, code digest) of the plugin that registered ``obj``. Built-ins are
        covered by dlbench's own code version; ``-p file.py`` plugins carry the digest in
        their version already."""
        record = self._records.get(plugin)
        version = getattr(record, "version", None)
        if record is None or record.source != "entry-point":
            return version, None
        if plugin not in self._digests:
            self._digests[plugin] = _source_digest(obj)
        return version, self._digests[plugin]

    def choice(self, kind: str, value) -> Choice:
        """Parse (if text), check the keywords against the plugin, write ints given for
        float arguments as floats (``sgd(lr=1)`` and ``sgd(lr=1.0)`` are one experiment)."""
        choice = parse_choice(value)
        if choice.name == NONE and kind in ("regularizer", "scheduler"):
            return Choice(NONE, {}, kind)
        entry = self.registry.entry(kind, choice.name)
        check_keywords(entry, choice.kwargs)
        defaults = entry.defaults()
        kwargs = {k: float(v) if isinstance(defaults.get(k), float) and type(v) is int else v
                  for k, v in choice.kwargs.items()}
        version, digest = self.identity(entry.plugin, entry.obj)
        return Choice(choice.name, kwargs, kind, entry.plugin, version, digest)

    def describe(self, choice: Choice) -> dict:
        """What enters the config hash: name, full kwargs (defaults filled in), identity."""
        if choice.name == NONE and choice.plugin is None:
            return {"name": NONE}
        entry = self.registry.entry(choice.kind, choice.name)
        defaults = {k: v for k, v in entry.defaults().items() if k not in _SKIP_DEFAULTS}
        out = {"name": choice.name, "kwargs": jsonable({**defaults, **choice.kwargs}),
               "plugin": choice.plugin, "version": choice.version}
        if choice.code_digest:
            out["code_digest"] = choice.code_digest
        return out


def resolve_dataset(registry, config, cache: dict, data_dir,
                    expected: type | None = None) -> tuple[dict, list[str], object]:
    """Load the dataset a config names (or its fallback) and describe it for the hash.

    :return: ``(description, notes, the choice actually used)``; the run is given the
        fallback when it is used, so the stored config says what really ran.
    """
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
    return info, notes, name


def _owned(task_cls, kind: str, choice: Choice) -> None:
    """Refuse a choice that sets a keyword the task sets itself."""
    owned = task_cls.owns.get(kind, {})
    for keyword in choice.kwargs:
        if keyword in owned:
            setting_name = owned[keyword]
            raise UsageError(f"{task_cls.name} sets the {kind}'s {keyword} from {setting_name}; "
                             f"use --set {setting_name}=[...] instead of {choice}")


def plan(registry, task_name: str, *, preset: str = "quick", choices: dict | None = None,
         seeds: list[int] | None = None, overrides: dict | None = None,
         data_dir=None, dataset_cache: dict | None = None) -> list[RunSpec]:
    """Expand a task's grid into run specs, resolving and validating everything first.

    :param choices: kind or setting -> list of values given by the user (``--optimizer``,
        ``--grid``); kinds missing here take the preset's selection, then the default.
    :param seeds: explicit seeds; default ``range(preset.seeds)``.
    :param overrides: typed ``--set`` values; a key may not also be in ``choices``.
    """
    task_cls: type[Task] = registry.get("task", task_name)
    task_entry = registry.entry("task", task_name)
    resolver = Resolver(registry)
    version, digest = resolver.identity(task_entry.plugin, task_entry.obj)
    task_plugin = {"plugin": task_entry.plugin, "version": version,
                   **({"code_digest": digest} if digest else {})}
    pre = task_cls.preset(preset)
    overrides = dict(overrides or {})
    choices = {k: v for k, v in (choices or {}).items() if v}
    both = sorted(set(choices) & set(overrides))
    if both:
        raise UsageError(f"{both[0]} is given both as a grid (--grid / --{both[0]}) and with "
                         f"--set; give one of them")
    base = task_cls.make_config(preset, overrides)
    fields = task_cls.fields()
    hints = typing.get_type_hints(task_cls.Config)
    for kind in choices:
        if kind not in fields:
            raise UsageError(f"task {task_name!r} does not take a {kind}; "
                             f"its settings: {', '.join(sorted(fields))}")
    axes = list(task_cls.grid) + [k for k in choices if k not in task_cls.grid]
    values = []
    for kind in axes:
        # precedence: --KIND / --grid, then --set of that setting, then the preset's
        # selection, then the config default
        explicit = [getattr(base, kind)] if kind in overrides else None
        given = choices.get(kind) or explicit or pre.choices.get(kind) or [getattr(base, kind)]
        hint = hints.get(kind, str)
        if kind in PLUGIN_FIELDS:
            resolved = [resolver.choice(kind, c) for c in parse_choice_list(given)]
            for c in resolved:
                _owned(task_cls, kind, c)
            values.append(list(dict.fromkeys(resolved)))
        elif hint is str:  # choice-like strings such as degradation's net
            values.append([str(c) for c in parse_choice_list(given)])
        else:  # a typed setting swept with --grid, e.g. batch_size=32,128
            items = [p for v in given for p in (split_choices(v) if isinstance(v, str) else [v])]
            typed = [coerce_setting(kind, v, hint) if isinstance(v, str) else v for v in items]
            values.append(list({canonical_json(v): v for v in typed}.values()))  # lists too
    seed_list = list(seeds) if seeds is not None else list(range(pre.seeds))
    total = len(seed_list)
    for v in values:
        total *= len(v)
    if total > MAX_RUNS:
        raise UsageError(f"{task_name}: {total:,} runs planned; at most {MAX_RUNS:,} at once "
                         "(fewer seeds or a smaller grid)")
    # plugin fields not on the grid (a task's fixed optimizer, its dataset) resolve too
    fixed = {k: resolver.choice(k, getattr(base, k)) for k in PLUGIN_FIELDS
             if k in fields and k not in axes and getattr(base, k) not in (None, "")}
    for kind, c in fixed.items():
        _owned(task_cls, kind, c)
    cache = dataset_cache if dataset_cache is not None else {}
    specs = []
    for combo in itertools.product(*values):
        config = dataclasses.replace(base, **fixed, **dict(zip(axes, combo)))
        task_cls.validate(config)
        settings = config_dict(config)
        plugins = {k: resolver.describe(getattr(config, k)) for k in PLUGIN_FIELDS
                   if k != "dataset" and isinstance(getattr(config, k, None), Choice)}
        dataset, notes, used = resolve_dataset(registry, config, cache, data_dir,
                                               task_cls.data_type)
        if used is not config.dataset:
            config = dataclasses.replace(config, dataset=resolver.choice("dataset", used))
        versions = {p["plugin"]: p["version"] for p in plugins.values() if p.get("plugin")}
        labels = {k: str(v) if isinstance(v, Choice) else v for k, v in zip(axes, combo)}
        run_config = {f.name: getattr(config, f.name) for f in dataclasses.fields(config)}
        for seed in seed_list:
            resolved = {"task": task_name, "task_plugin": task_plugin, "settings": settings,
                        "plugins": plugins, "dataset": dataset,
                        "dtype": settings.get("dtype"), "seed": int(seed)}
            specs.append(RunSpec(task_name, preset, int(seed), run_config, labels,
                                 resolved, config_hash(resolved), versions, list(notes)))
    return specs
