"""Settings that come from the environment: the only module that reads ``os.environ``.

Keeping every environment variable here means a reader can see at a glance what can
change dlbench's behaviour from outside, and tests can override one place.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Database used when neither ``--db`` nor ``DLBENCH_DB`` is given (relative to the CWD).
DEFAULT_DB_URL = "sqlite:///results/dlbench.db"

ENV_DB = "DLBENCH_DB"
ENV_QUIZ_DB = "DLBENCH_QUIZ_DB"
ENV_DISABLE_AUTOLOAD = "DLBENCH_DISABLE_PLUGIN_AUTOLOAD"
ENV_PLUGINS = "DLBENCH_PLUGINS"
ENV_DATA_DIR = "DLBENCH_DATA_DIR"
ENV_DEBUG = "DLBENCH_DEBUG"


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no", "off")


def db_url(explicit: str | None = None) -> str:
    """The results database URL: ``explicit`` > ``$DLBENCH_DB`` > the default SQLite file."""
    return explicit or os.environ.get(ENV_DB) or DEFAULT_DB_URL


def autoload_disabled() -> bool:
    """True when ``DLBENCH_DISABLE_PLUGIN_AUTOLOAD`` is set: entry-point plugins are skipped."""
    return _flag(ENV_DISABLE_AUTOLOAD)


def extra_plugins() -> list[str]:
    """Plugins named in ``DLBENCH_PLUGINS`` (comma-separated files or modules), like ``-p``."""
    raw = os.environ.get(ENV_PLUGINS, "")
    return [item.strip() for item in raw.split(",") if item.strip()]


def data_dir(explicit: str | os.PathLike | None = None) -> Path | None:
    """Folder of local data files (MNIST IDX files): ``explicit`` > ``$DLBENCH_DATA_DIR``."""
    value = explicit or os.environ.get(ENV_DATA_DIR)
    return Path(value).expanduser() if value else None


def debug() -> bool:
    """True when ``DLBENCH_DEBUG`` is set: errors keep their traceback, like ``--debug``."""
    return _flag(ENV_DEBUG)
