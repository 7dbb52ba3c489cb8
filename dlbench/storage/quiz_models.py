"""ORM rows of a learner's quiz progress (their own ``QuizBase``: a quiz database holds no run tables).

Created by migration ``0002_quiz_cards_reviews_attempts``; like the run tables, these
classes are today's view of that history and ``tests/quiz/test_progress.py`` checks they
agree with it. A quiz database is an ordinary dlbench database: the per-user default
holds only quiz rows, and ``--db`` may point the quiz at a results database.

- ``quiz_settings``: the FSRS scheduler configuration (``Scheduler.to_dict()``), stored once.
- ``quiz_cards``: one FSRS card per (learner, question id), with its review counters.
- ``quiz_reviews``: the append-only FSRS review log (``ReviewLog`` fields) plus dlbench's
  own: question content hash, generator seed, the answer given and whether it was right.
- ``quiz_attempts``: every answer typed, including unparseable ones and retries, with the
  misconceptions it revealed and, for exercises, the per-check report.
- ``quiz_exams`` / ``quiz_exam_answers`` (migration ``0005_quiz_exams``): mock exams, their
  score per section, and each question's answer (exams do not review cards).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (JSON, BigInteger, Boolean, DateTime, Float, ForeignKey, Index, Integer,
                        SmallInteger, String, Text)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class QuizBase(DeclarativeBase):
    """Tables of a quiz-progress database (never in a results database)."""


class QuizSetting(QuizBase):
    __tablename__ = "quiz_settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON)


class QuizCard(QuizBase):
    """An FSRS card (``fsrs.Card`` fields) of one learner for one question."""

    __tablename__ = "quiz_cards"

    learner: Mapped[str] = mapped_column(String(200), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    card_id: Mapped[int] = mapped_column(BigInteger, index=True)
    state: Mapped[int] = mapped_column(SmallInteger)
    step: Mapped[int | None] = mapped_column(Integer)
    stability: Mapped[float | None] = mapped_column(Float)
    difficulty: Mapped[float | None] = mapped_column(Float)
    due: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    last_review: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    reviews: Mapped[int] = mapped_column(Integer, default=0)
    lapses: Mapped[int] = mapped_column(Integer, default=0)
    content_hash: Mapped[str | None] = mapped_column(String(64))


class QuizReview(QuizBase):
    """One FSRS review (append-only), enough to ``reschedule_card`` later."""

    __tablename__ = "quiz_reviews"
    __table_args__ = (Index("ix_quiz_reviews_learner_question", "learner", "question_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    learner: Mapped[str] = mapped_column(String(200))
    question_id: Mapped[str] = mapped_column(String(200))
    card_id: Mapped[int] = mapped_column(BigInteger)
    rating: Mapped[int] = mapped_column(SmallInteger)
    review_datetime: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    review_duration: Mapped[int | None] = mapped_column(Integer)  # milliseconds
    content_hash: Mapped[str] = mapped_column(String(64))
    seed: Mapped[int | None] = mapped_column(BigInteger)
    given_answer: Mapped[str] = mapped_column(Text)
    correct: Mapped[bool] = mapped_column(Boolean)
    helped: Mapped[bool] = mapped_column(Boolean)
    lang: Mapped[str | None] = mapped_column(String(5))


class QuizAttempt(QuizBase):
    """One answer as typed, graded or not."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (Index("ix_quiz_attempts_learner_question", "learner", "question_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    learner: Mapped[str] = mapped_column(String(200))
    question_id: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20))
    given_answer: Mapped[str] = mapped_column(Text)
    seed: Mapped[int | None] = mapped_column(BigInteger)
    content_hash: Mapped[str] = mapped_column(String(64))
    lang: Mapped[str | None] = mapped_column(String(5))
    misconceptions: Mapped[list] = mapped_column(JSON)
    detail: Mapped[dict | None] = mapped_column(JSON)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("quiz_reviews.id", ondelete="SET NULL"))


class QuizExam(QuizBase):
    """One mock exam: who, which seed, when, and the score (``sections``: id -> right/total)."""

    __tablename__ = "quiz_exams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    learner: Mapped[str] = mapped_column(String(200), index=True)
    seed: Mapped[int] = mapped_column(BigInteger)
    lang: Mapped[str | None] = mapped_column(String(5))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    n: Mapped[int] = mapped_column(Integer)
    minutes: Mapped[float] = mapped_column(Float)
    correct: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    pass_line: Mapped[float] = mapped_column(Float)
    passed: Mapped[bool] = mapped_column(Boolean)
    timed_out: Mapped[bool] = mapped_column(Boolean)
    sections: Mapped[dict] = mapped_column(JSON)


class QuizExamAnswer(QuizBase):
    """One question of a mock exam (``status``: correct, wrong or unanswered)."""

    __tablename__ = "quiz_exam_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("quiz_exams.id", ondelete="CASCADE"),
                                         index=True)
    position: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[str] = mapped_column(String(200))
    section: Mapped[str | None] = mapped_column(String(20))
    content_hash: Mapped[str] = mapped_column(String(64))
    seed: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20))
    correct: Mapped[bool] = mapped_column(Boolean)
    given_answer: Mapped[str | None] = mapped_column(Text)
    misconceptions: Mapped[list] = mapped_column(JSON)
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
