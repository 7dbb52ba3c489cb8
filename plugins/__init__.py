"""dlbench's built-in plugins.

Each sub-module is an ordinary pluggy plugin listed in
``dlbench.pluginmanager.BUILTIN_PLUGINS``. They import only dlbench's public API
(``dlbench.hookimpl``, ``dlbench.nn``, ``dlbench.errors``, ``dlbench.bench``), exactly as
a third-party plugin would, so they double as worked examples.
"""
