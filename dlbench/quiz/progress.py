"""A learner's quiz progress as the quiz sees it: stored cards and typed attempts.

These are plain domain objects; :class:`dlbench.storage.quiz_store.QuizStore` turns them
into rows of the learner's quiz-progress database and back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .scheduling import Card, utcnow


@dataclass
class CardInfo:
    """A stored card and its counters."""

    question_id: str
    card: Card
    reviews: int = 0
    lapses: int = 0
    content_hash: str | None = None


@dataclass
class Attempt:
    """One typed answer, before it is stored."""

    given: str
    status: str  # correct | wrong | unparseable | skipped
    misconceptions: tuple[str, ...] = ()
    detail: dict = field(default_factory=dict)
    when: dt.datetime = field(default_factory=utcnow)
