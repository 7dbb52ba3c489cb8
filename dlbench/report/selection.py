"""Which stored runs a figure or report shows, grouped by plugin choice, with the notes
a reader needs (runs left out, diverged runs, mixed code versions).

Pure functions over the typed run records of ``RunStore.list_runs``; the only store
call is the listing itself. Runs of two versions (or source digests) of one plugin are
never merged into one group: their labels show the versions apart.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..bench.choices import parse_choice
from ..bench.leaderboard import plugin_identity
from ..errors import UsageError
from .i18n import Message, Phrase, status_word, text

#: statuses whose stored numbers are results (a diverged run is a result, not a failure)
PLOTTED_STATUSES = ("finished", "diverged")


@dataclass(frozen=True)
class RunFilter:
    """What to select: every given criterion must hold.

    :param choices: kind -> accepted values; a value matches the stored choice exactly
        (``normal(std=0.01)``) or by plugin name (``normal`` matches every ``normal(...)``).
    """

    task: str | None = None
    ids: tuple[int, ...] = ()
    choices: tuple[tuple[str, tuple[str, ...]], ...] = ()
    preset: str | None = None
    seeds: tuple[int, ...] = ()
    tag: str | None = None

    @classmethod
    def parse(cls, *, task=None, ids=(), choices: Iterable[str] = (), preset=None, seeds=(),
              tag=None):
        """From command-line values; ``choices`` are ``"kind=name"`` strings (repeatable,
        and ``kind=a,b`` accepts either)."""
        wanted: dict[str, list[str]] = {}
        for item in choices:
            kind, sep, names = str(item).partition("=")
            if not sep or not kind.strip() or not names.strip():
                raise UsageError(f"--choice expects KIND=NAME (e.g. optimizer=adam), got {item!r}")
            wanted.setdefault(kind.strip(), []).extend(
                n.strip() for n in _split_top_level(names) if n.strip())
        return cls(task=task, ids=tuple(int(i) for i in ids),
                   choices=tuple((k, tuple(v)) for k, v in sorted(wanted.items())),
                   preset=preset, seeds=tuple(int(s) for s in seeds), tag=tag or None)

    def describe(self) -> Message:
        """``task=convergence, optimizer=adam, seed=0`` (or ``all runs``), in any language
        through :meth:`Message.to`."""
        return Phrase(self._describe)

    def _describe(self, lang: str) -> str:
        parts = [f"task={self.task}"] if self.task else []
        if self.ids:
            parts.append(text("filter_runs", lang, ids=",".join(map(str, self.ids))))
        parts += [f"{k}={'|'.join(v)}" for k, v in self.choices]
        if self.preset:
            parts.append(f"preset={self.preset}")
        if self.seeds:
            parts.append(text("filter_seeds", lang, seeds=",".join(map(str, self.seeds))))
        if self.tag:
            parts.append(f"tag={self.tag}")
        return ", ".join(parts) or text("all_runs", lang)

    def accepts(self, run) -> bool:
        if self.task and run.task != self.task:
            return False
        if self.ids and run.id not in self.ids:
            return False
        if self.preset and run.preset != self.preset:
            return False
        if self.seeds and run.seed not in self.seeds:
            return False
        if self.tag and self.tag not in (run.tags or {}):
            return False
        stored = run.choices or {}
        return all(kind in stored and any(_choice_matches(stored[kind], v) for v in values)
                   for kind, values in self.choices)


def _split_top_level(names: str) -> list[str]:
    out, depth, start = [], 0, 0
    for i, ch in enumerate(names):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(names[start:i])
            start = i + 1
    out.append(names[start:])
    return out


def _choice_matches(stored: str, wanted: str) -> bool:
    if stored == wanted:
        return True
    try:
        s, w = parse_choice(stored), parse_choice(wanted)
    except UsageError:
        return False
    return s == w or (not w.kwargs and s.name == w.name)


@dataclass
class Group:
    """Runs with the same task, preset and choices: the seeds of one setting."""

    task: str
    preset: str | None
    choices: dict
    runs: list = field(default_factory=list)
    #: kind -> ``name version src.digest…`` when another group has the same choices but
    #: another version of that plugin (set by :meth:`Selection.groups`)
    versions: dict = field(default_factory=dict)

    def label(self, *, with_preset: bool = False, only: Iterable[str] | None = None,
              lang: str = "en") -> str:
        kinds = list(only) if only is not None else list(self.choices)
        words = ", ".join(str(self.choices[k]) if only is not None else f"{k}={self.choices[k]}"
                          for k in kinds if k in self.choices) or text("defaults", lang)
        if self.versions:
            words += " [" + ", ".join(self.versions.values()) + "]"
        return f"{words} [{self.preset}]" if with_preset and self.preset else words

    @property
    def run_ids(self) -> list[int]:
        return [r.id for r in self.runs]

    @property
    def seeds(self) -> list:
        return [r.seed for r in self.runs]


@dataclass
class Selection:
    """The runs to show (finished or diverged), those left out, and notes about both."""

    filter: RunFilter
    runs: list = field(default_factory=list)
    left_out: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.runs

    @property
    def run_ids(self) -> list[int]:
        return [r.id for r in self.runs]

    def groups(self, task: str | None = None) -> list[Group]:
        """Runs grouped by (task, preset, choices, versions of the chosen plugins), in
        order of first appearance (oldest first), each group's runs ordered by seed."""
        out: dict[str, Group] = {}
        for run in sorted(self.runs, key=lambda r: r.id):
            if task and run.task != task:
                continue
            key = json.dumps([run.task, run.preset, run.choices or {}, _versions_of(run)],
                             sort_keys=True)
            group = out.setdefault(key, Group(run.task, run.preset, dict(run.choices or {})))
            group.runs.append(run)
        for g in out.values():
            g.runs.sort(key=lambda r: (r.seed is None, r.seed or 0, r.id))
        _show_versions_apart(list(out.values()))
        return list(out.values())

    def mixed_presets(self) -> bool:
        return len({r.preset for r in self.runs}) > 1

    def tasks(self) -> list[str]:
        return sorted({r.task for r in self.runs})


def _versions_of(run) -> dict:
    """kind -> [version, code digest] of each chosen plugin of ``run``."""
    plugins = (run.config or {}).get("plugins") or {}
    return {k: [(plugins.get(k) or {}).get("version"), (plugins.get(k) or {}).get("code_digest")]
            for k in (run.choices or {})}


def _show_versions_apart(groups: list[Group]) -> None:
    """Groups with the same label but another version of a chosen plugin get that
    plugin's identity in their label."""
    same: dict[str, list[Group]] = {}
    for g in groups:
        same.setdefault(json.dumps([g.task, g.preset, g.choices], sort_keys=True), []).append(g)
    for members in same.values():
        if len(members) < 2:
            continue
        versions = [_versions_of(g.runs[0]) for g in members]
        differ = [k for k in members[0].choices
                  if len({json.dumps(v.get(k)) for v in versions}) > 1]
        for g in members:
            g.versions = {k: plugin_identity(g.runs[0].config, k) for k in differ}


def select(runs: list, filt: RunFilter) -> Selection:
    """Apply ``filt`` to ``runs`` and write the notes: none matched, runs left out
    (failed, interrupted, running), diverged runs shown, mixed code versions. Notes are
    :class:`~dlbench.report.i18n.Message` s: English as text, any language by ``.to``."""
    matched, hidden = _newest_of_each(r for r in runs if filt.accepts(r))
    sel = Selection(filt, [r for r in matched if r.status in PLOTTED_STATUSES],
                    [r for r in matched if r.status not in PLOTTED_STATUSES])
    if filt.ids:
        missing = sorted(set(filt.ids) - {r.id for r in runs})
        if missing:
            sel.notes.append(Message("note_no_id", ids=", ".join(map(str, missing))))
    if not matched:
        sel.notes.insert(0, Message("note_no_match", what=filt.describe()))
    elif not sel.runs:
        sel.notes.insert(0, Message("note_none_finished", n=len(matched),
                                    counts=status_counts(matched)))
    if sel.left_out and sel.runs:
        sel.notes.append(Message("note_left_out", n=len(sel.left_out),
                                 counts=status_counts(sel.left_out), ids=_ids(sel.left_out)))
    if hidden:
        sel.notes.append(Message("note_hidden", n=len(hidden),
                                 ids=", ".join(str(i) for i in hidden)))
    diverged = [r for r in sel.runs if r.status == "diverged"]
    if diverged:
        sel.notes.append(Message("note_diverged", n=len(diverged), ids=_ids(diverged)))
    versions = sorted({str(r.code_version) for r in sel.runs})
    if len(versions) > 1:
        sel.notes.append(Message("note_versions", n=len(versions), versions="; ".join(versions)))
    return sel


def _ids(runs: list) -> str:
    return ", ".join(str(r.id) for r in runs)


def _newest_of_each(runs) -> tuple[list, list[int]]:
    """Keep the newest run of each (config hash, code version): a rerun with ``--force``
    replaces its older copy instead of counting as one more seed. Runs without a hash
    are all kept."""
    kept, hidden, seen = [], [], set()
    for run in sorted(runs, key=lambda r: -r.id):
        key = (run.config_hash, run.code_version)
        if run.config_hash and key in seen:
            hidden.append(run.id)
            continue
        seen.add(key)
        kept.append(run)
    return kept, sorted(hidden)


def select_from_store(store, filt: RunFilter) -> Selection:
    return select(store.list_runs(task=filt.task, tag=filt.tag), filt)


def status_counts(runs: list) -> Message:
    """``1 failed, 2 interrupted`` (``失敗 1 件、中断 2 件``)."""
    counts: dict[str, int] = {}
    for r in runs:
        counts[r.status] = counts.get(r.status, 0) + 1
    return Phrase(lambda lang: text("list_sep", lang).join(
        text("status_count", lang, n=n, status=status_word(s, lang))
        for s, n in sorted(counts.items())))
