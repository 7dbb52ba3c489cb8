"""Quiz sessions without the terminal: choose questions, present one, grade, record.

The command line (``dlbench.cli.quiz``) does the talking; everything it decides with is
here so scripts (``quiz answer``) and the interactive loop behave the same:

- :func:`select` picks the questions (filters, due cards first);
- :meth:`Session.present` draws a generated question's numbers and the choice order from
  the seed of (question id, learner, review count), so ``quiz show`` and ``quiz answer``
  see the same instance until the card is reviewed;
- :meth:`Session.grade` and :meth:`Session.record` grade and store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from ..errors import UnknownNameError, UsageError
from .bank import Bank
from .draw import Drawn, draw, render_text, seed_for
from .grading import Grade, grade, grade_number
from .mathtext import render_math
from .model import Question
from .progress import Attempt

if TYPE_CHECKING:  # the store is storage's; the session only calls it
    from ..storage.quiz_store import QuizStore
from .scheduling import Rating, rating_for, utcnow

INTERACTIVE_TYPES = ("single_choice", "multiple_choice", "true_false", "numeric", "short_text",
                     "generated")


def matches(bank: Bank, q: Question, *, topics=(), sections=(), types=()) -> bool:
    """Topic filters match a topic id or any topic under it (``opt`` matches ``opt.adam``)."""
    if types and q.type not in types:
        return False
    if topics and not any(t == f or t.startswith(f + ".") for t in q.topics for f in topics):
        return False
    if sections:
        mine = {bank.topics[t].section for t in q.topics if t in bank.topics}
        if not any(s == f or s.startswith(f + ".") for s in mine for f in sections):
            return False
    return True


def check_filters(bank: Bank, *, topics=(), sections=()) -> None:
    """Raise :class:`UnknownNameError` (exit 2, with the closest names) for a ``--topic`` or
    ``--section`` that names nothing in the bank: an empty session would look like
    "no question matches" when the filter is only misspelt."""
    def areas(ids):
        return set(ids) | {i.rsplit(".", 1)[0] for i in ids} | {i.split(".", 1)[0] for i in ids}

    used_topics = {t for q in bank.questions.values() for t in q.topics}
    known_topics = areas(set(bank.topics) | used_topics)
    known_sections = areas(set(bank.sections) | {bank.topics[t].section for t in bank.topics})
    for name in topics:
        if name not in known_topics:
            raise UnknownNameError("topic", name, known_topics)
    for name in sections:
        if name not in known_sections:
            raise UnknownNameError("section", name, known_sections)


@dataclass
class Outcome:
    """How one question of a session ended."""

    question: Question
    status: str  # right | wrong | skipped
    misconceptions: tuple[str, ...] = ()


@dataclass
class Tally:
    """A session's outcomes, so the counts add up when the learner quits early."""

    planned: int
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def right(self) -> int:
        return sum(o.status == "right" for o in self.outcomes)

    @property
    def answered(self) -> int:
        return sum(o.status in ("right", "wrong") for o in self.outcomes)

    @property
    def skipped(self) -> int:
        return sum(o.status == "skipped" for o in self.outcomes)

    @property
    def not_answered(self) -> int:
        return self.planned - len(self.outcomes)

    def by_section(self, bank: Bank) -> list[tuple[str, int, int]]:
        """``(section, right, answered)`` for each section answered in, in course order."""
        out: dict[str, list[int]] = {}
        for o in self.outcomes:
            if o.status in ("right", "wrong"):
                counts = out.setdefault(bank.section_of(o.question) or "-", [0, 0])
                counts[0] += o.status == "right"
                counts[1] += 1
        return [(sid, r, n) for sid, (r, n) in sorted(out.items())]

    def misconceptions(self) -> list[str]:
        """Misconception ids revealed in this session, first seen first."""
        return list(dict.fromkeys(m for o in self.outcomes for m in o.misconceptions))


def select(bank: Bank, store: QuizStore | None, learner: str, *, topics=(), sections=(),
           types=INTERACTIVE_TYPES, n: int | None = 10, review: bool = False,
           now: dt.datetime | None = None, rng: np.random.Generator | None = None,
           in_order: bool = False) -> list[Question]:
    """Questions for a session.

    ``review``: only cards that are due, the most overdue first. Otherwise: due cards and
    unseen questions first (in random order, or by id with ``in_order``), then the rest
    (soonest due first).
    """
    now = now or utcnow()
    rng = rng or np.random.default_rng()
    pool = [q for q in bank.questions.values() if matches(bank, q, topics=topics,
                                                          sections=sections, types=types)]
    cards = store.cards(learner) if store is not None else {}
    due = sorted((q for q in pool if q.id in cards and cards[q.id].card.due <= now),
                 key=lambda q: cards[q.id].card.due)
    if review:
        chosen = due
    else:
        fresh = [q for q in pool if q.id not in cards]
        if in_order:
            first = sorted(due + fresh, key=lambda q: q.id)
        else:
            first = [due[i] for i in rng.permutation(len(due))] + \
                    [fresh[i] for i in rng.permutation(len(fresh))]
        later = sorted((q for q in pool if q.id in cards and cards[q.id].card.due > now),
                       key=lambda q: cards[q.id].card.due)
        chosen = first + later
    return chosen[:n] if n is not None else chosen


@dataclass
class Presented:
    """One question as the learner sees it this time."""

    question: Question
    lang: str
    review_count: int
    seed: int
    drawn: Drawn | None
    order: list[str]

    @property
    def generated_seed(self) -> int | None:
        return self.drawn.seed if self.drawn else None

    def text(self, value) -> str:
        """A text in the session's language as a terminal shows it: generated numbers
        filled in, ``$…$`` math as Unicode (:mod:`~dlbench.quiz.mathtext`)."""
        return render_math(self.source(value))

    def source(self, value) -> str:
        """The same text with its LaTeX kept (for JSON readers that typeset math)."""
        return render_text(value.get(self.lang), self.drawn)

    @property
    def prompt(self) -> str:
        return self.text(self.question.prompt).strip()

    @property
    def explanation(self) -> str:
        return self.text(self.question.explanation).strip()

    @property
    def hints(self) -> list[str]:
        return [self.text(h) for h in self.question.hints]

    def choices(self) -> list[tuple[int, str]]:
        by_id = {c.id: c for c in self.question.choices}
        return [(i + 1, self.text(by_id[cid].text).strip()) for i, cid in enumerate(self.order)]

    def answer_form(self) -> str:
        """How to answer, in the session's language."""
        ja = self.lang == "ja"
        q = self.question
        if q.type == "single_choice":
            return "番号を 1 つ" if ja else "one number"
        if q.type == "multiple_choice":
            return "正しい番号をすべて(例: 1,3)" if ja else "all correct numbers (e.g. 1,3)"
        if q.type == "true_false":
            return "正 / 誤" if ja else "true / false"
        if q.type in ("numeric", "generated"):
            kind = q.numeric.kind == "integer"
            unit = f" [{q.numeric.unit}]" if q.numeric.unit else ""
            return ("整数" if kind else "数値") + unit if ja else ("a whole number" if kind else "a number") + unit
        if q.type == "short_text":
            return "語句" if ja else "a word or phrase"
        return "解答ファイルのパス" if ja else "the path of your solution file"


def shuffled_order(q: Question, seed: int) -> list[str]:
    """Choice ids in display order: shuffled by ``seed`` unless ``shuffle = false``;
    pinned choices (``pin = true``, e.g. "none of the above") keep their place."""
    ids = [c.id for c in q.choices]
    if not q.shuffle:
        return ids
    free = [c.id for c in q.choices if not c.pin]
    rng = np.random.default_rng(seed)
    free = [free[i] for i in rng.permutation(len(free))]
    it = iter(free)
    return [c.id if c.pin else next(it) for c in q.choices]


class Session:
    """A learner answering questions of ``bank``, with progress in ``store`` (or none)."""

    def __init__(self, bank: Bank, store: QuizStore | None, learner: str, lang: str):
        self.bank, self.store, self.learner, self.lang = bank, store, learner, lang

    def present(self, question: Question) -> Presented:
        count = self.store.review_count(self.learner, question.id) if self.store else 0
        return self.present_seeded(question, seed_for(question.id, self.learner, count), count)

    def present_seeded(self, question: Question, seed: int, review_count: int = 0) -> Presented:
        """The instance drawn from ``seed`` (a mock exam seeds from its own seed, so the
        same exam seed shows the same numbers and choice order)."""
        drawn = draw(question, seed) if question.type == "generated" else None
        order = shuffled_order(question, seed) if question.choices else []
        return Presented(question, self.lang, review_count, seed, drawn, order)

    def grade(self, shown: Presented, answer: str) -> Grade:
        q = shown.question
        if q.type == "implementation":
            raise UsageError(f"{q.id} is an implementation exercise: write it with "
                             f"`dlbench quiz exercise {q.id}` and grade it with "
                             f"`dlbench quiz check {q.id} FILE`")
        if q.type == "generated":
            return grade_number(q.numeric, answer, self.lang, shown.drawn.answer)
        return grade(q, answer, self.lang, order=shown.order or None)

    def record(self, shown: Presented, attempts: list[Attempt], final: Grade | None, *,
               helped: bool = False, seconds: float | None = None):
        """Store the attempts and, when ``final`` is graded, review the card.

        :return: ``(rating, card)`` or ``(None, None)`` when nothing was reviewed.
        """
        if self.store is None:
            return None, None
        seed = shown.generated_seed
        if final is None or not final.graded:
            self.store.record_attempts(self.learner, shown.question, attempts, seed=seed,
                                       lang=self.lang)
            return None, None
        rating = rating_for(final.correct, helped=helped, seconds=seconds)
        card = self.store.record_review(
            self.learner, shown.question, rating, attempts=attempts, given=final.given,
            correct=final.correct, helped=helped, seed=seed, lang=self.lang,
            duration_ms=None if seconds is None else int(seconds * 1000))
        return rating, card


def exercise_attempt(result) -> tuple[Attempt, Rating]:
    """The attempt and rating of an exercise check: all checks pass → Good, else Again."""
    status = "correct" if result.passed else "wrong"
    return Attempt("<file>", status, detail=result.as_dict()), \
        (Rating.Good if result.passed else Rating.Again)
