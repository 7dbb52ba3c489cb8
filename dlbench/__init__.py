"""dlbench: plugin-based benchmarks and concept quizzes for learning deep learning.

The public facade. Importing :mod:`dlbench` is cheap: plugins load on the first call to
:func:`registry`, the engine (:mod:`dlbench.nn`) and the runner on first use.

>>> import dlbench
>>> reg = dlbench.registry()
>>> reg.names("activation")
"""

from __future__ import annotations

__version__ = "0.1.0"

from .hookspecs import hookimpl  # noqa: E402  (needs __version__ defined first)

__all__ = ["__version__", "hookimpl", "registry", "run"]

#: the cached default registry (the default host's); tests reset it to ``None``
_default_registry = None


def registry(*, plugins=(), plugins_dir=None, autoload=None, refresh=False):
    """The plugin registry: built-ins, installed plugins and any ``plugins`` / ``plugins_dir``.

    With no arguments the registry is built once and cached for the process; pass
    ``refresh=True`` to rebuild it (after installing a plugin, say). Any argument builds
    a new, uncached registry. The registry holds lookups only; which plugins loaded or
    failed, and the observer hooks, are on the host of
    :func:`dlbench.pluginmanager.load_plugins`.

    :param plugins: ``-p`` style specs: ``.py`` files, module names, ``no:NAME`` to block.
    :param plugins_dir: a folder whose ``*.py`` files are plugins.
    :param autoload: load entry-point plugins (default: unless
        ``DLBENCH_DISABLE_PLUGIN_AUTOLOAD`` is set).
    :rtype: dlbench.plugin_registry.Registry
    """
    global _default_registry
    from .pluginmanager import default_host, load_plugins

    if plugins or plugins_dir is not None or autoload is not None:
        return load_plugins(plugins, plugins_dir, autoload=autoload).registry
    if _default_registry is None or refresh:
        _default_registry = default_host(refresh=True).registry
    return _default_registry


def run(task, **kwargs):
    """Run a benchmark task from Python (a notebook); see :func:`dlbench.app.run`."""
    from .app import run as _run

    return _run(task, **kwargs)
