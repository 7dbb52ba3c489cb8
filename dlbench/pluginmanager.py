"""Finding, loading and isolating plugins; filling the :class:`Registry` from them.

Where plugins come from, in load order (later ones may ``replace=True`` earlier names):

1. the built-ins, from the explicit tuple :data:`BUILTIN_PLUGINS` (no scanning, so a
   stray file in ``plugins/`` never becomes a plugin by accident);
2. installed packages with an entry point in group ``dlbench``, unless autoloading is
   off (``DLBENCH_DISABLE_PLUGIN_AUTOLOAD=1``);
3. ``DLBENCH_PLUGINS`` and ``-p`` (a ``.py`` file or an importable module), then every
   ``*.py`` in ``--plugins-dir``.

``-p no:NAME`` blocks a plugin by name. Each autoloaded plugin is imported, registered
and asked to register its items inside its own ``try``: one broken plugin is reported
(``dlbench plugins``) and never stops a command (simonw/llm #1280). Plugins the user
named explicitly with ``-p`` fail loudly instead, since the user asked for them.

Registration hooks are dispatched one plugin at a time rather than through one
``pm.hook.register_x(...)`` call: that is what lets the registry record *which* plugin
registered each name, and lets a plugin that raises halfway be rolled back alone.
"""

from __future__ import annotations

import difflib
import hashlib
import importlib
import importlib.metadata
import importlib.util
import sys
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import pluggy

from . import __version__, config, hookspecs
from .errors import DlbenchError, PluginError, UsageError
from .plugin_registry import Registry

ENTRY_POINT_GROUP = "dlbench"

#: The built-in plugins, registered in this order. Each is an ordinary pluggy plugin
#: that uses only dlbench's public API, so it doubles as an example for plugin authors.
BUILTIN_PLUGINS: tuple[str, ...] = (
    "dlbench.plugins.activations",
    "dlbench.plugins.initializers",
    "dlbench.plugins.optimizers",
    "dlbench.plugins.schedulers",
    "dlbench.plugins.losses",
    "dlbench.plugins.layers",
    "dlbench.plugins.cnn",
    "dlbench.plugins.architectures",
    "dlbench.plugins.datasets",
    "dlbench.plugins.tasks",
    "dlbench.plugins.regularizers",
    "dlbench.plugins.quizbank",
)


@dataclass
class PluginRecord:
    """A plugin that loaded: where it came from and what it registered."""

    name: str
    source: str  # "builtin" | "entry-point" | "file" | "module" | "plugins-dir"
    location: str
    version: str | None = None
    distribution: str | None = None
    hooks: list[str] = field(default_factory=list)
    registered: dict[str, list[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "name": self.name, "version": self.version, "source": self.source,
            "distribution": self.distribution, "location": self.location,
            "hooks": self.hooks, "registered": self.registered, "problems": self.problems,
        }


@dataclass
class PluginFailure:
    """A plugin that could not be loaded or whose registration raised."""

    name: str
    source: str
    location: str
    error: str
    traceback: str = ""

    def as_dict(self) -> dict:
        return {"name": self.name, "source": self.source, "location": self.location,
                "error": self.error}


def _error_line(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _module_location(module: object) -> str:
    return str(getattr(module, "__file__", None) or getattr(module, "__name__", repr(module)))


def source_version(module: ModuleType) -> str | None:
    """``"src.<digest>"`` of a plugin's source files, the version of a plugin that has no
    distribution (``-p file.py``, ``--plugins-dir``, ``-p module``): it enters every run's
    config hash, so editing the file means its runs are not reused."""
    files = []
    if getattr(module, "__path__", None):  # a package: every .py below it
        for folder in module.__path__:
            files += sorted(Path(folder).rglob("*.py"))
    elif getattr(module, "__file__", None):
        files = [Path(module.__file__)]
    if not files:
        return None
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return "src." + digest.hexdigest()[:12]


def _import_file(path: Path) -> ModuleType:
    """Import a single ``.py`` file as a module named ``dlbench_local.<stem>``."""
    mod_name = f"dlbench_local.{path.stem}"
    spec = importlib.util.spec_from_file_location(mod_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[mod_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(mod_name, None)
        raise
    return module


class PluginHost:
    """The loaded plugins: the pluggy manager, the :class:`Registry` it filled, and what
    happened while loading.

    - :attr:`registry`: pure lookups (``names``, ``get``, ``create``...), what
      :func:`dlbench.registry` returns;
    - :attr:`records`: :class:`PluginRecord` per plugin that loaded, in load order;
    - :attr:`failures`: :class:`PluginFailure` per plugin that did not;
    - :attr:`warnings`: one line per problem that did not stop a plugin (a hook that
      matches no hookspec, a ``register_commands`` that raised);
    - :meth:`notify`: calls an observer hook on every plugin (the runner's side);
    - :meth:`add_commands`: lets plugins add click commands (the CLI's side).

    Build one with :func:`load_plugins`.
    """

    def __init__(self) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.registry = Registry()
        self.failures: list[PluginFailure] = []
        self.warnings: list[str] = []
        self._records: dict[str, PluginRecord] = {}

    @property
    def records(self) -> list[PluginRecord]:
        """The plugins that loaded, in load order."""
        return list(self._records.values())

    # -- loading ----------------------------------------------------------------------
    def _register(self, obj: object, name: str, source: str, location: str, *,
                  version=None, distribution=None, strict=False) -> None:
        """Register one plugin object with pluggy and let it register its items."""
        if self.pm.is_blocked(name):
            return
        if self.pm.get_plugin(name) is not None or name in self._records:
            if strict:
                raise UsageError(f"a plugin named {name!r} is already loaded")
            return
        try:
            self.pm.register(obj, name=name)
        except Exception as exc:  # pluggy.PluginValidationError and friends
            self._fail(name, source, location, exc, strict)
            return
        record = PluginRecord(name, source, location, version, distribution)
        record.hooks = sorted(
            {caller.name for caller in (self.pm.get_hookcallers(obj) or [])})
        self._records[name] = record
        try:
            self._call_registration_hooks(name)
        except Exception as exc:
            self.registry.remove_plugin(name)
            self.pm.unregister(name=name)
            del self._records[name]
            self._fail(name, source, location, exc, strict)

    def _fail(self, name, source, location, exc, strict) -> None:
        if strict:
            if isinstance(exc, DlbenchError):
                raise PluginError(f"plugin {name!r} ({location}): {exc}") from exc
            raise PluginError(f"plugin {name!r} ({location}) failed: {_error_line(exc)}") from exc
        self.failures.append(PluginFailure(
            name, source, location, _error_line(exc), traceback.format_exc()))

    def _call_registration_hooks(self, plugin_name: str) -> None:
        for hook_name, kind in hookspecs.REGISTRATION_HOOKS.items():
            for impl in getattr(self.pm.hook, hook_name).get_hookimpls():
                if impl.plugin_name != plugin_name or impl.hookwrapper or impl.wrapper:
                    continue

                def register(name, obj, *, _kind=kind, **meta):
                    self.registry.add(_kind, name, obj, plugin=plugin_name, **meta)

                impl.function(**{arg: register for arg in impl.argnames})

    def load_builtins(self, names: Iterable[str] = BUILTIN_PLUGINS) -> None:
        for mod_name in names:
            short = mod_name.rsplit(".", 1)[-1]
            if self.pm.is_blocked(mod_name) or self.pm.is_blocked(short):
                continue
            try:
                module = importlib.import_module(mod_name)
            except Exception as exc:
                self._fail(mod_name, "builtin", mod_name, exc, strict=False)
                continue
            self._register(module, mod_name, "builtin", _module_location(module),
                           version=__version__, distribution="dlbench")

    def load_entry_points(self) -> None:
        for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            if self.pm.is_blocked(ep.name) or ep.name in self._records:
                continue
            dist = getattr(ep, "dist", None)
            dist_name = dist.metadata["Name"] if dist is not None else None
            version = dist.version if dist is not None else None
            try:
                obj = ep.load()
            except Exception as exc:
                self._fail(ep.name, "entry-point", ep.value, exc, strict=False)
                continue
            self._register(obj, ep.name, "entry-point", ep.value,
                           version=version, distribution=dist_name)

    def load_spec(self, spec: str) -> None:
        """Load what ``-p SPEC`` names: a ``.py`` file or an importable module."""
        path = Path(spec).expanduser()
        if spec.endswith(".py") or path.exists():
            if not path.is_file():
                raise UsageError(f"plugin file not found: {spec}")
            try:
                module = _import_file(path.resolve())
            except Exception as exc:
                raise PluginError(
                    f"plugin file {spec} does not import: {_error_line(exc)}") from exc
            self._register(module, path.stem, "file", str(path.resolve()), strict=True,
                           version=source_version(module))
            return
        try:
            module = importlib.import_module(spec)
        except ModuleNotFoundError as exc:
            raise UsageError(f"plugin {spec!r} is neither a .py file nor an importable "
                             f"module ({exc})") from exc
        except Exception as exc:
            raise PluginError(f"plugin module {spec} does not import: {_error_line(exc)}") from exc
        self._register(module, spec, "module", _module_location(module), strict=True,
                       version=source_version(module))

    def load_dir(self, directory: str | Path) -> None:
        """Load every ``*.py`` in ``directory`` (sorted; names starting with ``_`` skipped)."""
        folder = Path(directory).expanduser()
        if not folder.is_dir():
            raise UsageError(f"plugins directory not found: {directory}")
        for path in sorted(folder.glob("*.py")):
            if path.name.startswith("_"):
                continue
            try:
                module = _import_file(path.resolve())
            except Exception as exc:
                self._fail(path.stem, "plugins-dir", str(path), exc, strict=False)
                continue
            self._register(module, path.stem, "plugins-dir", str(path.resolve()),
                           version=source_version(module))

    # -- after loading ----------------------------------------------------------------
    def finish(self) -> PluginHost:
        """Fill each record's ``registered`` and report hook implementations that match
        no hookspec."""
        self._report_unknown_hooks()
        for name, record in self._records.items():
            reg = {}
            for kind, item in self.registry.by_plugin.get(name, []):
                reg.setdefault(kind, []).append(item)
            record.registered = {k: sorted(v) for k, v in reg.items()}
        self.registry.plugins = self.records
        return self

    def _report_unknown_hooks(self) -> None:
        # pm.check_pending() raises on the first problem; we want every problem, and a
        # warning instead of a crash, so we walk the same data it does.
        known = [n for n in dir(hookspecs) if n.startswith(("register_", "run_", "epoch_"))]
        for hook_name, caller in vars(self.pm.hook).items():
            if getattr(caller, "spec", True) is not None:
                continue
            for impl in caller.get_hookimpls():
                if impl.optionalhook:
                    continue
                close = difflib.get_close_matches(hook_name, known, n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                message = f"implements {hook_name!r}, which is not a dlbench hook{hint}"
                record = self._records.get(impl.plugin_name)
                if record is not None:
                    record.problems.append(message)
                self.warnings.append(f"plugin {impl.plugin_name!r} {message}")

    def notify(self, hook_name: str, **kwargs) -> list[str]:
        """Call an observer hook on every plugin, each in its own ``try``.

        :return: one warning line per implementation that raised.
        """
        problems = []
        for impl in getattr(self.pm.hook, hook_name).get_hookimpls():
            try:
                impl.function(**{a: kwargs[a] for a in impl.argnames})
            except Exception as exc:
                problems.append(f"plugin {impl.plugin_name!r} {hook_name}: {_error_line(exc)}")
        return problems

    def add_commands(self, cli) -> None:
        """Let each plugin add click commands (``register_commands``), isolated per plugin."""
        for impl in self.pm.hook.register_commands.get_hookimpls():
            try:
                impl.function(**{a: cli for a in impl.argnames})
            except Exception as exc:
                self.warnings.append(
                    f"plugin {impl.plugin_name!r} register_commands: {_error_line(exc)}")


def load_plugins(plugins: Sequence[str] = (), plugins_dir: str | Path | None = None,
                 *, autoload: bool | None = None, builtins: bool = True) -> PluginHost:
    """Load every plugin source into a fresh :class:`PluginHost`.

    :param plugins: ``-p`` values: ``.py`` files, module names, or ``no:NAME`` to block.
    :param plugins_dir: a folder whose ``*.py`` files are each a plugin.
    :param autoload: load entry-point plugins; ``None`` means "unless the environment
        variable ``DLBENCH_DISABLE_PLUGIN_AUTOLOAD`` is set".
    :param builtins: load the built-in plugins (tests of the machinery turn this off).
    """
    host = PluginHost()
    specs = [*config.extra_plugins(), *plugins]
    for spec in specs:
        if spec.startswith("no:"):
            host.pm.set_blocked(spec[3:])
    if builtins:
        host.load_builtins()
    if autoload is None:
        autoload = not config.autoload_disabled()
    if autoload:
        host.load_entry_points()
    for spec in specs:
        if not spec.startswith("no:"):
            host.load_spec(spec)
    if plugins_dir is not None:
        host.load_dir(plugins_dir)
    return host.finish()


_default_host: PluginHost | None = None


def default_host(*, refresh: bool = False) -> PluginHost:
    """The process-wide host (built-ins, installed plugins, ``DLBENCH_PLUGINS``), loaded
    once; ``refresh=True`` loads it again. :func:`dlbench.registry` is its registry (and
    ``dlbench.registry(refresh=True)`` reloads it)."""
    global _default_host
    if _default_host is None or refresh:
        _default_host = load_plugins()
    return _default_host


def build_registry(plugins: Sequence[str] = (), plugins_dir: str | Path | None = None,
                   *, autoload: bool | None = None, builtins: bool = True) -> Registry:
    """The :class:`Registry` of a fresh :func:`load_plugins` (same parameters)."""
    return load_plugins(plugins, plugins_dir, autoload=autoload, builtins=builtins).registry
