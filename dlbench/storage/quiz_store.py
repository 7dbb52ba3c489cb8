"""``QuizStore``: a learner's quiz progress database (cards, review log, attempts).

A quiz-progress database is its own kind of dlbench database (:data:`~dlbench.storage.
migrations.QUIZ`): it holds no run tables, and a results database holds no quiz tables.
Each answer is stored in one transaction: the attempt(s), the FSRS review and the
updated card. Reads return the quiz's domain objects (:mod:`dlbench.quiz.progress`).
It works on SQLite and on PostgreSQL (a database of its own, not the results database;
tests/storage/test_postgres.py runs the review and exam round trips there).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select, update

from ..quiz.model import Question
from ..quiz.progress import Attempt, CardInfo
from ..quiz.scheduling import Card, Rating, ReviewLog, State, make_scheduler, new_card, utcnow
from .database import Database
from .migrations import QUIZ
from .quiz_models import QuizAttempt, QuizCard, QuizExam, QuizExamAnswer, QuizReview, QuizSetting


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite drops the zone; everything stored is UTC, so put it back."""
    if value is None:
        return None
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)


class QuizStore:
    """Quiz progress at ``url`` (any dlbench database URL; migrations applied on open)."""

    def __init__(self, url: str):
        self.url = url
        self.db = Database(url, QUIZ, create=True, create_folder=True)
        with self.db.write() as conn:
            stored = conn.execute(select(QuizSetting.key)).scalars().all()
            for key, implementation in (("scheduler", False), ("scheduler.implementation", True)):
                if key not in stored:  # persisted once, so later re-scheduling knows the parameters
                    conn.execute(insert(QuizSetting).values(
                        key=key, value=make_scheduler(implementation=implementation).to_dict()))

    @property
    def engine(self):
        return self.db.engine

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "QuizStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def scheduler(self, *, implementation: bool = False):
        from fsrs import Scheduler

        key = "scheduler.implementation" if implementation else "scheduler"
        with self.db.read() as session:
            row = session.get(QuizSetting, key)
        return Scheduler.from_dict(row.value) if row else make_scheduler(implementation=implementation)

    # -- reading ---------------------------------------------------------------------------
    @staticmethod
    def _info(row: QuizCard) -> CardInfo:
        card = Card(card_id=row.card_id, state=State(row.state), step=row.step,
                    stability=row.stability, difficulty=row.difficulty, due=_utc(row.due),
                    last_review=_utc(row.last_review))
        return CardInfo(row.question_id, card, row.reviews, row.lapses, row.content_hash)

    def cards(self, learner: str) -> dict[str, CardInfo]:
        """Every card the learner has, by question id."""
        with self.db.read() as session:
            rows = session.scalars(select(QuizCard).where(QuizCard.learner == learner)).all()
            return {r.question_id: self._info(r) for r in rows}

    def card(self, learner: str, question_id: str) -> CardInfo | None:
        with self.db.read() as session:
            row = session.get(QuizCard, (learner, question_id))
            return self._info(row) if row else None

    def review_count(self, learner: str, question_id: str) -> int:
        info = self.card(learner, question_id)
        return info.reviews if info else 0

    def attempts(self, learner: str) -> list[dict]:
        """Every attempt of the learner, oldest first."""
        with self.db.read() as session:
            rows = session.scalars(select(QuizAttempt).where(QuizAttempt.learner == learner)
                                   .order_by(QuizAttempt.id)).all()
            return [{"question_id": r.question_id, "status": r.status, "given": r.given_answer,
                     "created_at": _utc(r.created_at), "misconceptions": list(r.misconceptions),
                     "seed": r.seed, "detail": r.detail} for r in rows]

    def review_logs(self, learner: str, question_id: str) -> list[ReviewLog]:
        """The FSRS review log of one card, oldest first (for ``reschedule_card``)."""
        with self.db.read() as session:
            rows = session.scalars(select(QuizReview).where(
                QuizReview.learner == learner, QuizReview.question_id == question_id)
                .order_by(QuizReview.id)).all()
            return [ReviewLog(card_id=r.card_id, rating=Rating(r.rating),
                              review_datetime=_utc(r.review_datetime),
                              review_duration=r.review_duration) for r in rows]

    # -- writing ---------------------------------------------------------------------------
    def _attempt_rows(self, learner, question, attempts, seed, lang, review_id):
        return [{"learner": learner, "question_id": question.id, "created_at": a.when,
                 "status": a.status, "given_answer": a.given, "seed": seed,
                 "content_hash": question.content_hash, "lang": lang,
                 "misconceptions": list(a.misconceptions), "detail": a.detail or None,
                 "review_id": review_id} for a in attempts]

    def record_attempts(self, learner: str, question: Question, attempts: list[Attempt], *,
                        seed: int | None = None, lang: str | None = None) -> None:
        """Store attempts that lead to no review (unparseable answers, skips)."""
        if attempts:
            with self.db.write() as conn:
                conn.execute(insert(QuizAttempt),
                             self._attempt_rows(learner, question, attempts, seed, lang, None))

    def record_review(self, learner: str, question: Question, rating: Rating, *,
                      attempts: list[Attempt], given: str, correct: bool, helped: bool,
                      seed: int | None = None, lang: str | None = None,
                      when: dt.datetime | None = None, duration_ms: int | None = None) -> Card:
        """Review the card with ``rating`` and store the card, the log and the attempts.

        :return: the updated card (its ``due`` is the next review).
        """
        when = when or utcnow()
        implementation = question.type == "implementation"
        scheduler = self.scheduler(implementation=implementation)
        with self.db.write() as conn:
            row = conn.execute(select(QuizCard).where(
                QuizCard.learner == learner, QuizCard.question_id == question.id)).first()
            if row is None:
                card, reviews, lapses = new_card(question.id, when), 0, 0
            else:
                info = self._row_info(row)
                card, reviews, lapses = info.card, info.reviews, info.lapses
            was_review = card.state == State.Review
            card, log = scheduler.review_card(card, rating, review_datetime=when,
                                              review_duration=duration_ms)
            lapses += int(was_review and rating == Rating.Again)
            values = dict(card_id=card.card_id, state=int(card.state), step=card.step,
                          stability=card.stability, difficulty=card.difficulty, due=card.due,
                          last_review=card.last_review, reviews=reviews + 1, lapses=lapses,
                          content_hash=question.content_hash)
            if row is None:
                conn.execute(insert(QuizCard).values(learner=learner, question_id=question.id,
                                                     **values))
            else:
                conn.execute(update(QuizCard).where(QuizCard.learner == learner,
                                                    QuizCard.question_id == question.id)
                             .values(**values))
            review_id = conn.execute(insert(QuizReview).values(
                learner=learner, question_id=question.id, card_id=card.card_id,
                rating=int(log.rating), review_datetime=log.review_datetime,
                review_duration=log.review_duration, content_hash=question.content_hash,
                seed=seed, given_answer=given, correct=correct, helped=helped, lang=lang)
            ).inserted_primary_key[0]
            conn.execute(insert(QuizAttempt),
                         self._attempt_rows(learner, question, attempts, seed, lang, review_id))
        return card

    def _row_info(self, row) -> CardInfo:
        m = row._mapping
        card = Card(card_id=m["card_id"], state=State(m["state"]), step=m["step"],
                    stability=m["stability"], difficulty=m["difficulty"], due=_utc(m["due"]),
                    last_review=_utc(m["last_review"]))
        return CardInfo(m["question_id"], card, m["reviews"], m["lapses"], m["content_hash"])

    # -- mock exams --------------------------------------------------------------------------
    def record_exam(self, result) -> int:
        """Store a finished :class:`~dlbench.quiz.exam.ExamResult` and its answers in one
        transaction (no card is reviewed). :return: the exam id."""
        with self.db.write() as conn:
            exam_id = conn.execute(insert(QuizExam).values(
                learner=result.learner, seed=result.seed, lang=result.lang,
                started_at=result.started_at, finished_at=result.finished_at, n=result.n,
                minutes=result.minutes, correct=result.right, score=result.score,
                pass_line=result.pass_line, passed=result.passed, timed_out=result.timed_out,
                sections=result.by_section())).inserted_primary_key[0]
            if result.answers:
                conn.execute(insert(QuizExamAnswer), [
                    {"exam_id": exam_id, "position": a.position, "question_id": a.question.id,
                     "section": a.section, "content_hash": a.question.content_hash,
                     "seed": a.seed, "status": a.status, "correct": a.status == "correct",
                     "given_answer": a.given, "misconceptions": list(a.misconceptions),
                     "answered_at": a.answered_at} for a in result.answers])
        return exam_id

    def exams(self, learner: str) -> list[dict]:
        """The learner's mock exams, oldest first."""
        with self.db.read() as session:
            rows = session.scalars(select(QuizExam).where(QuizExam.learner == learner)
                                   .order_by(QuizExam.id)).all()
            return [{"id": r.id, "seed": r.seed, "lang": r.lang,
                     "started_at": _utc(r.started_at).isoformat(),
                     "finished_at": _utc(r.finished_at).isoformat(), "n": r.n,
                     "minutes": r.minutes, "correct": r.correct, "score": r.score,
                     "pass_line": r.pass_line, "passed": r.passed, "timed_out": r.timed_out,
                     "sections": r.sections} for r in rows]

    def exam_answers(self, exam_id: int) -> list[dict]:
        """The answers of one exam, in exam order."""
        with self.db.read() as session:
            rows = session.scalars(select(QuizExamAnswer).where(QuizExamAnswer.exam_id == exam_id)
                                   .order_by(QuizExamAnswer.position)).all()
            return [{"position": r.position, "question_id": r.question_id, "section": r.section,
                     "seed": r.seed, "status": r.status, "correct": r.correct,
                     "given": r.given_answer, "misconceptions": list(r.misconceptions)}
                    for r in rows]
