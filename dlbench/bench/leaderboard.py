"""Leaderboards from stored runs: group by plugin choices, statistics over seeds, rank.

Pure functions over the typed run records (``RunRecord``: ``id``, ``choices``, ``config``,
``summary``...) that ``RunStore.list_runs`` returns, so the same ranking serves the
terminal, exports and reports. Rows rank by :meth:`Metric.badness` of the mean, so a
metric with an ideal value (``grad_ratio``: 1) is never ranked "higher is better".
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field

from ..errors import UnknownNameError
from .metrics import seed_stats
from .settings import Metric
from .spec import flatten

RANKED_STATUSES = ("finished", "diverged")


@dataclass
class Entry:
    """One leaderboard row: a choice of plugins (and preset) over its seeds."""

    preset: str | None
    choices: dict
    values: list = field(default_factory=list)
    seeds: list = field(default_factory=list)
    statuses: dict = field(default_factory=dict)
    run_ids: list = field(default_factory=list)
    code_versions: set = field(default_factory=set)
    grid: str = ""
    chosen: dict = field(default_factory=dict)  # "best_lr" -> values picked on the grid per seed
    distinct: dict = field(default_factory=dict)  # settings that tell it from a same-choice row
    versions: dict = field(default_factory=dict)  # kind -> "name version src.digest…" when two differ
    extras: dict = field(default_factory=dict)  # extra column key -> seed_stats of its values
    on_edge: int = 0
    stats: dict = field(default_factory=dict)
    rank: int | None = None

    @property
    def all_diverged(self) -> bool:
        return self.statuses.get("diverged", 0) > 0 and not self.statuses.get("finished")

    def grid_text(self) -> str:
        """The grid and what was picked on it, e.g. ``lr_grid 0.0001…1 (5); best_lr 0.01×3``."""
        parts = [self.grid] if self.grid else []
        for key, values in sorted(self.chosen.items()):
            counts: dict = {}
            for v in values:
                counts[v] = counts.get(v, 0) + 1
            parts.append(f"{key} " + ", ".join(f"{v:g}×{n}" for v, n in sorted(counts.items())))
        if self.on_edge:
            parts.append(f"on the grid's edge in {self.on_edge} seed(s): widen the grid")
        return "; ".join(parts)

    def label(self) -> str:
        text = ", ".join(f"{k}={v}" for k, v in self.choices.items()) or "(defaults)"
        if self.distinct:
            text += " [" + ", ".join(f"{k}={v}" for k, v in self.distinct.items()) + "]"
        if self.versions:
            text += " [" + ", ".join(self.versions.values()) + "]"
        return text

    def as_dict(self) -> dict:
        return {"rank": self.rank, "preset": self.preset, "choices": self.choices,
                "n": self.stats.get("n"), "mean": self.stats.get("mean"),
                "std": self.stats.get("std"), "ci95": self.stats.get("ci95"),
                "never": self.stats.get("never", 0), "values": self.values, "seeds": self.seeds,
                "statuses": self.statuses, "run_ids": self.run_ids, "grid": self.grid,
                "chosen": self.chosen, "on_edge": self.on_edge, "distinct": self.distinct,
                "versions": self.versions, "extras": self.extras,
                "diverged": self.stats.get("diverged", 0),
                "code_versions": sorted(self.code_versions)}


def describe_grid(settings: dict) -> str:
    """The search grid a run used, if its settings have one (``lr_grid``, ``scales``...)."""
    parts = []
    for key, value in sorted(settings.items()):
        if key.endswith("_grid") and isinstance(value, list) and value:
            parts.append(f"{key} {min(value):g}…{max(value):g} ({len(value)})")
    return "; ".join(parts)


def _settings_key(run) -> str:
    """The run's resolved config without its seed: runs that differ only in the seed
    are the seeds of one leaderboard row; anything else (settings, a plugin's version or
    code digest) is another row."""
    config = dict(run.config or {})
    config.pop("seed", None)
    text = json.dumps(config, sort_keys=True, separators=(",", ":"), default=repr)
    return hashlib.sha256(text.encode()).hexdigest()


def _latest(runs: list) -> list:
    """One run per (config hash, choices): a rerun (``--force``) counts once. The newest
    finished or diverged run wins, so a newer interrupted rerun does not hide a result."""
    best: dict[str, object] = {}
    for run in runs:
        key = json.dumps([run.config_hash or run.id, run.choices or {}], sort_keys=True)
        old = best.get(key)
        rank = (run.status in RANKED_STATUSES, run.id)
        if old is None or rank > (old.status in RANKED_STATUSES, old.id):
            best[key] = run
    return sorted(best.values(), key=lambda r: r.id)


def plugin_identity(config: dict, kind: str) -> str:
    """``halver 1.0 src.ab12…``: the plugin a run used for ``kind``, with its version and
    source digest (two versions of one name must never look the same)."""
    plugin = ((config or {}).get("plugins") or {}).get(kind) or {}
    text = f"{plugin.get('name', '?')} {plugin.get('version') or '?'}"
    digest = plugin.get("code_digest")
    return text + (f" src.{str(digest)[:4]}…" if digest else "")


def _version_key(config: dict, kind: str) -> tuple:
    plugin = ((config or {}).get("plugins") or {}).get(kind) or {}
    return (plugin.get("version"), plugin.get("code_digest"))


def _distinguish(entries: list["Entry"], config_of: dict[int, dict]) -> None:
    """Rows that share choices and preset but not settings get the differing settings
    in their label (``iterations=300``); rows whose plugin of one kind differs in version
    or code digest get that plugin's identity (``[halver 1.0 src.ab12…]``), so they are
    not mistaken for each other."""
    by_label: dict[str, list] = {}
    for e in entries:
        by_label.setdefault(json.dumps([e.preset, e.choices], sort_keys=True), []).append(e)
    for same in by_label.values():
        if len(same) < 2:
            continue
        configs = [config_of[id(e)] for e in same]
        flat = [flatten(c.get("settings") or {}) for c in configs]
        keys = sorted(k for k in set().union(*flat) if len({repr(f.get(k)) for f in flat}) > 1)
        kinds = sorted({k for c in configs for k in (c.get("plugins") or {})})
        differ = [k for k in kinds if len({_version_key(c, k) for c in configs}) > 1]
        for e, f, c in zip(same, flat, configs):
            e.distinct = {k: f.get(k) for k in keys}
            e.versions = {k: plugin_identity(c, k) for k in differ}


def _is_pick(key: str) -> bool:
    """A summary key that reports what a search picked (``best_lr``, ``best_weight_decay``),
    not a score (``best_test_acc``, ``best_val_loss``)."""
    return (key.startswith("best_") and key != "best_on_edge"
            and not key.endswith(("_acc", "_loss", "_error")))


def _metric_of(measure) -> Metric:
    """A :class:`Metric`, or a bare direction (``"min"`` / ``"max"``) as one."""
    if isinstance(measure, Metric):
        return measure
    return Metric(measure or "min", "")


def build(runs: list, metric: str, measure: Metric | str = "min",
          extra: tuple[str, ...] = ()) -> list[Entry]:
    """Rank groups of runs by the mean of ``metric`` over seeds.

    A group is one preset, one choice of plugins and one set of settings (and plugin
    versions); its seeds are its runs. Tiers, in order: every seed reached a finite
    value; some seeds never reached the target (inf) or diverged; all seeds never reached
    it; all diverged (or no value). Within a tier, means rank by ``measure``'s
    :meth:`~Metric.badness` (smaller is better). ``extra`` summary keys get their own
    statistics per row (shown beside the ranked metric). Failed and interrupted runs are
    counted in ``statuses`` but not ranked.
    """
    measure = _metric_of(measure)
    groups: dict[str, Entry] = {}
    config_of: dict[int, dict] = {}
    extra_values: dict[int, dict[str, list]] = {}
    for run in _latest(runs):
        key = json.dumps([run.preset, run.choices or {}, _settings_key(run)], sort_keys=True)
        if key not in groups:
            groups[key] = Entry(run.preset, dict(run.choices or {}))
            config_of[id(groups[key])] = dict(run.config or {})
            extra_values[id(groups[key])] = {k: [] for k in extra}
        entry = groups[key]
        entry.statuses[run.status] = entry.statuses.get(run.status, 0) + 1
        entry.code_versions.add(run.code_version)
        settings = (run.config or {}).get("settings", {})
        entry.grid = entry.grid or describe_grid(settings)
        if run.status not in RANKED_STATUSES:
            continue
        value = run.summary.get(metric)
        if value is None:
            continue
        for key, v in run.summary.items():
            if _is_pick(key) and key != metric and key not in extra:
                entry.chosen.setdefault(key, []).append(v)
        for key in extra:
            if run.summary.get(key) is not None:
                extra_values[id(entry)][key].append(run.summary[key])
        entry.on_edge += int(run.summary.get("best_on_edge", 0) or 0)
        entry.values.append(value)
        entry.seeds.append(run.seed)
        entry.run_ids.append(run.id)
    entries = [e for e in groups.values() if e.values or e.statuses]
    _distinguish(entries, config_of)
    for e in entries:
        e.stats = seed_stats(e.values)
        e.stats["never"] = sum(1 for v in e.values if math.isinf(v))
        e.stats["diverged"] = e.statuses.get("diverged", 0)
        e.extras = {k: seed_stats(v) for k, v in extra_values[id(e)].items()}

    def order(e: Entry):
        mean = e.stats.get("mean", math.nan)
        if e.all_diverged or not e.values:
            return (3, 0.0)
        if e.stats["never"] == len(e.values) or not math.isfinite(mean):
            return (2, 0.0)
        partial = e.stats["never"] or e.stats["diverged"]
        return (1 if partial else 0, measure.badness(mean))

    entries.sort(key=order)
    for i, e in enumerate(entries, start=1):
        e.rank = i
    return entries


def ranking_metric(task_cls, metric: str | None, known: set[str]) -> tuple[str, Metric]:
    """``(key, Metric)`` to rank by: the task's primary metric, or ``metric`` if the task
    declares it or a stored run has it (else :class:`UnknownNameError`). Shared by
    ``dlbench leaderboard`` and the dashboard, so both rank by the same rule."""
    key = metric or task_cls.primary_metric[0]
    declared = set(task_cls.metrics) | {task_cls.primary_metric[0]}
    if metric is not None and key not in declared | known:
        raise UnknownNameError(f"{task_cls.name} metric", key, declared | known)
    return key, task_cls.metric(key)
