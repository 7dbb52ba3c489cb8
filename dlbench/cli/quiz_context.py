"""What every ``dlbench quiz`` sub-command shares: options and the lazily opened bank and
progress store (a module of its own, so sub-command modules need not import quiz.py)."""

from __future__ import annotations

import click

from .. import config
from .context import AppContext
from .quiz_io import bank_warnings


LANG = click.Choice(["ja", "en"])
TYPES = click.Choice(["single_choice", "multiple_choice", "true_false", "numeric",
                      "short_text", "generated", "implementation"])


class QuizContext:
    """Options shared by ``quiz`` and its sub-commands, and what they open lazily."""

    def __init__(self, app: AppContext, root: click.Context):
        self.app, self.root = app, root
        self.lang, self.banks, self.progress_db, self.learner = None, (), None, None
        self._bank = self._store = None

    def update(self, lang=None, banks=(), progress_db=None, learner=None) -> "QuizContext":
        self.lang = lang or self.lang
        self.banks = tuple(banks) or self.banks
        self.progress_db = progress_db or self.progress_db
        self.learner = learner or self.learner
        return self

    @property
    def language(self) -> str:
        return self.lang or config.quiz_lang()

    @property
    def who(self) -> str:
        return self.learner or config.learner_name()

    def folders(self):
        from ..quiz import resolve_banks

        return resolve_banks(self.banks, self.app.registry)

    @property
    def bank(self):
        if self._bank is None:
            from ..quiz import load_bank, registered_banks

            self._bank = load_bank(self.folders(), context=registered_banks(self.app.registry))
            bank_warnings(self._bank)
        return self._bank

    @property
    def store(self):
        if self._store is None:
            from ..storage.quiz_store import QuizStore

            url = config.quiz_db_url(self.progress_db, global_db=self.app.db_option,
                                     app_dir=click.get_app_dir("dlbench"))
            self._store = QuizStore(url)
            self.root.call_on_close(self._store.close)
        return self._store

    def session(self):
        from ..quiz.session import Session

        return Session(self.bank, self.store, self.who, self.language)


def common(fn):
    """Options every quiz command takes (given before or after the sub-command name)."""
    fn = click.option("--learner", metavar="NAME", default=None,
                      help="Who is answering (default: your login name).")(fn)
    fn = click.option("--progress-db", metavar="URL", default=None,
                      help=f"Progress database (SQLAlchemy URL). Env: {config.ENV_QUIZ_DB}. "
                           "Default: the global --db if given, else quiz.db in your "
                           "per-user dlbench folder.")(fn)
    fn = click.option("--bank", "banks", multiple=True, metavar="PATH|NAME",
                      help="Question bank folder or registered bank name (repeatable; "
                           "default: every registered bank).")(fn)
    fn = click.option("--lang", type=LANG, default=None,
                      help="Language (default: ja if your locale is Japanese, else en).")(fn)
    return fn


def _qctx(ctx: click.Context, **options) -> QuizContext:
    root = ctx.find_root()
    if "dlbench.quiz" not in root.meta:
        root.meta["dlbench.quiz"] = QuizContext(ctx.find_object(AppContext), root)
    return root.meta["dlbench.quiz"].update(**options)
