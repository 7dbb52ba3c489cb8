"""The object every command receives: global options, and the registry and store,
each built on first use so that ``dlbench --version`` opens nothing."""

from __future__ import annotations

import click

from .. import config


class AppContext:
    def __init__(self, *, db: str | None, plugins: tuple[str, ...], plugins_dir: str | None,
                 debug: bool):
        self.db_option = db
        self.plugin_specs = plugins
        self.plugins_dir = plugins_dir
        self.debug = debug
        self._host = None
        self._store = None

    @property
    def db_url(self) -> str:
        return config.db_url(self.db_option)

    @property
    def db_display(self) -> str:
        """The results database URL as it may be printed (password masked)."""
        from ..storage import display_url

        return display_url(self.db_url)

    @property
    def host(self):
        """The loaded plugins (a :class:`~dlbench.pluginmanager.PluginHost`), on first use."""
        if self._host is None:
            from ..pluginmanager import load_plugins

            self._host = load_plugins(self.plugin_specs, self.plugins_dir)
            for failure in self._host.failures:
                click.echo(f"warning: plugin {failure.name!r} failed to load: {failure.error} "
                           "(see `dlbench plugins`)", err=True)
            for warning in self._host.warnings:
                click.echo(f"warning: {warning}", err=True)
        return self._host

    @property
    def registry(self):
        """The registry of :attr:`host` (pure lookups)."""
        return self.host.registry

    @property
    def store(self):
        """The results database, opened for reading: never created here (a command that
        only reads says ``no results database at ...; run 'dlbench run' first``)."""
        if self._store is None:
            from ..storage import RunStore

            self._store = RunStore(self.db_url)
        return self._store

    def open_store(self, *, create: bool):
        """The results database, created when missing if ``create`` (``dlbench run``)."""
        if self._store is None:
            from ..storage import RunStore

            self._store = RunStore(self.db_url, create=create)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


pass_app = click.make_pass_decorator(AppContext)
