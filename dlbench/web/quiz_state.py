"""What the quiz pages and the quiz API share: the loaded banks, the running exams, the
learner and the page language, all kept on the app (``app.state``) so tests can set them."""

from __future__ import annotations

import re

from fastapi import Request

from .. import config
from . import quiz_service as qs

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def bank(request: Request):
    """The question banks, loaded once per app (``app.state.quiz_bank``; tests may set it)."""
    state = request.app.state
    if getattr(state, "quiz_bank", None) is None:
        state.quiz_bank = qs.load_bank_for_web()
    return state.quiz_bank


def exams(request: Request) -> qs.ExamBook:
    state = request.app.state
    if getattr(state, "quiz_exams", None) is None:
        state.quiz_exams = qs.ExamBook()
    return state.quiz_exams


def learner(request: Request) -> str:
    return getattr(request.app.state, "quiz_learner", None) or config.learner_name()


def page_lang(request: Request) -> str:
    """The page language as every page resolves it (``?lang=``, cookie, Accept-Language,
    ``--lang``, English), so the quiz asks in the language the page is shown in."""
    from .render import page_language

    return page_language(request)


def int_or_none(value) -> int | None:
    try:
        return int(str(value).strip()) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def running(request: Request, token: str) -> qs.RunningExam | None:
    """The running (or finished, not yet forgotten) exam with this token, or None."""
    return exams(request).get(token) if _TOKEN.match(token or "") else None
