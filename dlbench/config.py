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


def quiz_db_url(explicit: str | None = None, *, global_db: str | None = None,
                app_dir: str | os.PathLike | None = None) -> str:
    """Where a learner's quiz progress lives.

    ``explicit`` (``quiz --progress-db``) > ``global_db`` (the global ``--db``, only when
    given on the command line) > ``$DLBENCH_QUIZ_DB`` > ``quiz.db`` in ``app_dir`` (the
    per-user folder the CLI gets from click, created when missing).
    """
    url = explicit or global_db or os.environ.get(ENV_QUIZ_DB)
    if url:
        return url
    if app_dir is None:
        raise ValueError("quiz_db_url needs app_dir when no database is configured")
    folder = Path(app_dir).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'quiz.db'}"


def quiz_lang() -> str:
    """Quiz language from the locale: ``ja`` if ``LC_ALL``/``LC_MESSAGES``/``LANG`` (the
    first one set) starts with ``ja``, else ``en``."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"


def learner_name() -> str:
    """Who is answering (part of generated questions' seeds): the login name."""
    import getpass

    try:
        return getpass.getuser() or "learner"
    except Exception:  # no login name in some containers
        return "learner"


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


#: Public: plugins may read the same settings (a dataset loader its data folder).
__all__ = ["DEFAULT_DB_URL", "ENV_DATA_DIR", "ENV_DB", "ENV_DEBUG", "ENV_DISABLE_AUTOLOAD",
           "ENV_PLUGINS", "ENV_QUIZ_DB", "autoload_disabled", "data_dir", "db_url", "debug",
           "extra_plugins", "learner_name", "quiz_db_url", "quiz_lang"]
