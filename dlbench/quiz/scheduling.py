"""Spaced repetition with FSRS (the ``fsrs`` package, major version 6).

One card per question id; for generated questions the card is the template, with new
numbers at each review. The card id is a 63-bit integer from SHA-256 of the question id
(fsrs needs an int, and ``Card()``'s default id sleeps a millisecond per card).

Ratings come from the grading: wrong → Again; right after a hint or a retry → Hard;
right → Good; right, first try, unaided and fast → Easy (FSRS-6 hardly lowers difficulty
on Good alone, so Easy is how a well-known card stops coming back too often).
All datetimes are timezone-aware UTC, as fsrs requires.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from fsrs import Card, Rating, ReviewLog, Scheduler, State

#: An answer this fast (seconds), right at the first try without a hint, is rated Easy.
EASY_SECONDS = 8.0


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def card_id(question_id: str) -> int:
    """First 8 bytes of SHA-256 of the id, shifted right by one: a positive 63-bit int."""
    return int.from_bytes(hashlib.sha256(question_id.encode()).digest()[:8], "big") >> 1


def rating_for(correct: bool, *, helped: bool = False, seconds: float | None = None) -> Rating:
    """The FSRS rating of one graded answer.

    :param helped: a hint was shown or the answer was a retry.
    :param seconds: time to answer; ``None`` (scripts) never gives Easy.
    """
    if not correct:
        return Rating.Again
    if helped:
        return Rating.Hard
    if seconds is not None and seconds <= EASY_SECONDS:
        return Rating.Easy
    return Rating.Good


def make_scheduler(*, implementation: bool = False) -> Scheduler:
    """dlbench's scheduler: FSRS-6 defaults, 90 % retention, no fuzzing (reproducible due
    dates). Implementation exercises skip the learning steps (minutes are pointless for
    writing code), as the reference suggests ("long steps")."""
    if implementation:
        return Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    return Scheduler(enable_fuzzing=False)


def new_card(question_id: str, now: dt.datetime | None = None) -> Card:
    return Card(card_id=card_id(question_id), due=now or utcnow())


def review(card: Card, rating: Rating, *, implementation: bool = False,
           when: dt.datetime | None = None, duration_ms: int | None = None
           ) -> tuple[Card, ReviewLog]:
    return make_scheduler(implementation=implementation).review_card(
        card, rating, review_datetime=when or utcnow(), review_duration=duration_ms)


def retrievability(card: Card, now: dt.datetime | None = None) -> float:
    """Probability of recall now (0 for a card never reviewed)."""
    if card.last_review is None:
        return 0.0
    return float(make_scheduler().get_card_retrievability(card, current_datetime=now or utcnow()))


__all__ = ["Card", "Rating", "ReviewLog", "State", "card_id", "make_scheduler", "new_card",
           "rating_for", "retrievability", "review", "utcnow"]
