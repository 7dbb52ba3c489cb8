"""Named registries of plugin objects, one per kind, with who registered what.

The plugin manager fills a :class:`Registry` by calling each plugin's registration hooks
with a ``register`` callback bound to that plugin (see :mod:`dlbench.pluginmanager`);
everything else in dlbench looks plugins up here by ``(kind, name)``.

(The module is not called ``registry.py``: a submodule of that name would replace the
contract's ``dlbench.registry()`` function on the package the moment it is imported.)

The registry holds lookups only: items, and the plugins (with their versions) that
registered them. Which plugins failed, loading warnings, the observer hooks and plugin
commands belong to the :class:`~dlbench.pluginmanager.PluginHost` that filled it.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from typing import Any

from .errors import DuplicateNameError, HyperparameterError, UnknownNameError, UsageError
from .hookspecs import INJECTABLE, REGISTRATION_HOOKS

__all__ = ["Entry", "KINDS", "Registry", "accepts", "check_keywords", "jsonable",
           "normalize_kind", "with_injected"]

KINDS: tuple[str, ...] = tuple(REGISTRATION_HOOKS.values())
NAME_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
METADATA_FIELDS = ("summary", "reference", "formula", "convention", "example")


def normalize_kind(kind: str) -> str:
    """Accept ``quiz_bank`` / ``Quiz-Bank`` / plural ``optimizers`` for ``quiz-bank`` etc."""
    k = kind.strip().lower().replace("_", "-")
    if k not in KINDS and k.endswith("s") and k[:-1] in KINDS:
        k = k[:-1]
    if k not in KINDS:
        raise UnknownNameError("plugin kind", kind, KINDS)
    return k


@dataclass(frozen=True)
class Entry:
    """One registered item and its metadata."""

    kind: str
    name: str
    obj: Any
    plugin: str
    summary: dict[str, str] = field(default_factory=dict)
    reference: str | None = None
    formula: str | None = None
    convention: str | None = None
    example: dict | None = None
    extra: dict = field(default_factory=dict)

    def missing_metadata(self) -> list[str]:
        """Metadata fields a built-in must have and this entry lacks."""
        missing = [f for f in METADATA_FIELDS if not getattr(self, f)]
        if self.summary and not {"en", "ja"} <= set(self.summary):
            missing.append("summary (en and ja)")
        return missing

    def defaults(self) -> dict[str, Any]:
        """Keyword arguments of ``obj`` with their defaults, read from its signature
        (``registry``, which dlbench passes itself, is not a setting and is left out)."""
        return {
            p.name: p.default
            for p in _parameters(self.obj).values()
            if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)
            and p.default is not inspect.Parameter.empty and p.name != "registry"
        }

    def info(self) -> dict[str, Any]:
        """Everything known about the entry, JSON-friendly (the object as its dotted path)."""
        obj = self.obj
        where = f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', type(obj).__name__)}"
        return {
            "kind": self.kind,
            "name": self.name,
            "plugin": self.plugin,
            "object": where,
            "summary": dict(self.summary),
            "reference": self.reference,
            "formula": self.formula,
            "convention": self.convention,
            "defaults": {k: jsonable(v) for k, v in self.defaults().items()},
            "example": self.example,
            **({"extra": self.extra} if self.extra else {}),
        }


def jsonable(value):
    """Plain JSON types as they are, lists and dicts recursively, anything else as repr."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (tuple, list)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return repr(value)


class Registry:
    """All registered plugin objects, by kind and name.

    >>> reg = dlbench.registry()
    >>> reg.names("optimizer")[:3]
    ['adabound', 'adadelta', 'adagrad']
    >>> opt = reg.create("optimizer", "sgd", [p], lr=0.1)
    """

    def __init__(self) -> None:
        self._entries: dict[str, dict[str, Entry]] = {k: {} for k in KINDS}
        #: plugin name -> list of (kind, name) it registered
        self.by_plugin: dict[str, list[tuple[str, str]]] = {}
        #: the plugins whose items this registry holds (``PluginRecord``: name, source,
        #: version, distribution), filled by the plugin host; a run's code identity is
        #: looked up here
        self.plugins: list = []
        #: plugin -> entries it replaced (replace=True), restored if the plugin is rolled back
        self._replaced: dict[str, list[Entry]] = {}

    # -- filling -----------------------------------------------------------------------
    def add(self, kind: str, name: str, obj: Any, *, plugin: str, summary=None, reference=None,
            formula=None, convention=None, example=None, replace: bool = False, **extra) -> Entry:
        """Register ``obj`` as ``name`` of ``kind`` on behalf of ``plugin``."""
        kind = normalize_kind(kind)
        if not isinstance(name, str) or not NAME_PATTERN.match(name):
            raise UsageError(
                f"plugin {plugin!r} registered {kind} name {name!r}: names are lowercase "
                "kebab-case like 'leaky-relu'")
        if kind != "quiz-bank" and not callable(obj):
            raise UsageError(f"plugin {plugin!r} registered {kind} {name!r} with a non-callable {obj!r}")
        if isinstance(summary, str):
            summary = {"en": summary}
        previous = self._entries[kind].get(name)
        if previous is not None and not replace:
            raise DuplicateNameError(
                f"{kind} {name!r} is registered twice: by plugin {previous.plugin!r} and by "
                f"plugin {plugin!r} (pass replace=True to override)")
        entry = Entry(kind, name, obj, plugin, dict(summary or {}), reference, formula,
                      convention, example, extra)
        self._entries[kind][name] = entry
        if previous is not None:
            self.by_plugin[previous.plugin].remove((kind, name))
            self._replaced.setdefault(plugin, []).append(previous)
        self.by_plugin.setdefault(plugin, []).append((kind, name))
        return entry

    def remove_plugin(self, plugin: str) -> None:
        """Forget everything ``plugin`` registered (used when its hook raised midway),
        putting back the entries it had replaced."""
        for kind, name in self.by_plugin.pop(plugin, []):
            self._entries[kind].pop(name, None)
        for previous in reversed(self._replaced.pop(plugin, [])):
            self._entries[previous.kind][previous.name] = previous
            self.by_plugin.setdefault(previous.plugin, []).append((previous.kind, previous.name))

    # -- looking up --------------------------------------------------------------------
    def kinds(self) -> list[str]:
        """Every plugin kind, in the contract's order."""
        return list(KINDS)

    def names(self, kind: str) -> list[str]:
        """Sorted names registered for ``kind`` (``quiz_bank`` and plurals accepted)."""
        return sorted(self._entries[normalize_kind(kind)])

    def entry(self, kind: str, name: str) -> Entry:
        """The :class:`Entry` for ``(kind, name)``; unknown -> error with suggestions."""
        kind = normalize_kind(kind)
        try:
            return self._entries[kind][name]
        except KeyError:
            raise UnknownNameError(kind, name, self._entries[kind]) from None

    def entries(self, kind: str) -> list[Entry]:
        """All entries of ``kind``, sorted by name."""
        kind = normalize_kind(kind)
        return [self._entries[kind][n] for n in sorted(self._entries[kind])]

    def __contains__(self, key: tuple[str, str]) -> bool:
        kind, name = key
        return name in self._entries[normalize_kind(kind)]

    def info(self, kind: str, name: str) -> dict[str, Any]:
        """Metadata: the plugin that registered it, summary (ja/en), reference, formula..."""
        return self.entry(kind, name).info()

    def get(self, kind: str, name: str) -> Any:
        """The registered object itself (class or factory)."""
        return self.entry(kind, name).obj

    def create(self, kind: str, name: str, *args, **kwargs) -> Any:
        """Instantiate ``name``: ``obj(*args, **kwargs)``.

        A keyword the object does not accept fails before the call, naming the valid ones.
        An object whose signature names a ``registry`` parameter (an
        :class:`~dlbench.arch.Architecture`, which builds its layers from a registry) gets
        this registry unless the caller passed one, so what it builds comes from the same
        plugins it was looked up in.
        """
        entry = self.entry(kind, name)
        check_keywords(entry, kwargs)
        return entry.obj(*args, **with_injected(entry.obj, kwargs, registry=self))


def check_keywords(entry: Entry, kwargs: dict) -> None:
    """Fail, naming the valid ones, if ``entry``'s object takes none of ``kwargs``' keys."""
    try:
        sig = inspect.signature(entry.obj)
    except (TypeError, ValueError):
        return
    params = sig.parameters.values()
    if any(p.kind is p.VAR_KEYWORD for p in params):
        return
    accepted = [p.name for p in params if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)]
    unknown = sorted(set(kwargs) - set(accepted))
    if unknown:
        raise HyperparameterError(
            f"{entry.kind} {entry.name!r} has no parameter {', '.join(map(repr, unknown))}; "
            f"valid: {', '.join(accepted) or '(none)'}")


def _parameters(factory) -> dict[str, inspect.Parameter]:
    try:
        return dict(inspect.signature(factory).parameters)
    except (TypeError, ValueError):  # builtins and C callables without a signature
        return {}


def accepts(factory, name: str) -> bool:
    """Whether ``factory(..., name=value)`` is accepted: ``name`` is one of its parameters,
    or it takes ``**kwargs``.

    The one rule dlbench uses to pass an *injectable* argument (``rng``,
    ``num_classes``, ``data_dir``, ``registry``: see :data:`dlbench.hookspecs.INJECTABLE`)
    only to plugins that ask for it. A factory without an inspectable signature accepts
    nothing.
    """
    params = _parameters(factory)
    return name in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


def with_injected(factory, kwargs: dict, **available) -> dict:
    """``kwargs`` plus each ``available`` value that ``factory`` :func:`accepts`, unless
    ``kwargs`` already sets it or the value is ``None``. Returns a new dict.

    ``registry`` is the exception to :func:`accepts`: it goes only to a signature that
    names it, never into ``**kwargs`` (where it would end up among hyperparameters).

    >>> with_injected(Dropout, {"p": 0.5}, rng=rng, num_classes=10)
    {'p': 0.5, 'rng': Generator(PCG64)}
    """
    unknown = sorted(set(available) - set(INJECTABLE))
    if unknown:
        raise ValueError(f"not an injectable argument: {', '.join(unknown)} "
                         f"(known: {', '.join(INJECTABLE)})")
    out = dict(kwargs)
    for key, value in available.items():
        if value is None or key in out:
            continue
        if key == "registry" and key not in _parameters(factory):
            continue
        if accepts(factory, key):
            out[key] = value
    return out
