"""Spaced repetition: card ids, ratings, the stored cards and logs, and due dates that move
after answers; the quiz tables agree with their migration."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import inspect

from dlbench.quiz.progress import Attempt
from dlbench.storage.quiz_store import QuizStore
from dlbench.quiz.scheduling import Rating, State, card_id, rating_for
from dlbench.storage.quiz_models import QuizBase

T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone.utc)


def test_card_id_is_a_positive_63_bit_int():
    cid = card_id("bn-mc-001")
    assert cid == card_id("bn-mc-001") and 0 < cid < 2 ** 63 and cid != card_id("bn-mc-002")


def test_ratings_from_grading():
    assert rating_for(False) == Rating.Again
    assert rating_for(True, helped=True, seconds=1) == Rating.Hard
    assert rating_for(True) == Rating.Good
    assert rating_for(True, seconds=3) == Rating.Easy
    assert rating_for(True, seconds=60) == Rating.Good


def _review(store, q, rating, when, correct=True):
    return store.record_review("ann", q, rating, attempts=[Attempt("x", "correct" if correct else "wrong")],
                               given="x", correct=correct, helped=False, when=when)


def test_due_dates_follow_the_answers(loaded, progress):
    store = QuizStore(progress)
    q = loaded.get("t-epoch-numeric-002")
    good = _review(store, q, Rating.Good, T0)
    assert good.state == State.Learning and good.due == T0 + dt.timedelta(minutes=10)
    second = _review(store, q, Rating.Good, good.due)
    assert second.state == State.Review and second.due - good.due >= dt.timedelta(days=1)
    lapse = _review(store, q, Rating.Again, second.due, correct=False)
    assert lapse.state == State.Relearning and lapse.due == second.due + dt.timedelta(minutes=10)
    info = store.card("ann", q.id)
    assert (info.reviews, info.lapses) == (3, 1) and info.card == lapse
    logs = store.review_logs("ann", q.id)
    assert [log.rating for log in logs] == [Rating.Good, Rating.Good, Rating.Again]
    rebuilt = store.scheduler().reschedule_card(store.card("ann", q.id).card.__class__(
        card_id=card_id(q.id), due=T0), logs)
    assert rebuilt.due == lapse.due and rebuilt.stability == lapse.stability


def test_again_comes_back_sooner_than_good(loaded, progress):
    store = QuizStore(progress)
    a = _review(store, loaded.get("t-epoch-numeric-002"), Rating.Again, T0, correct=False)
    g = _review(store, loaded.get("t-sigmoid-numeric-001"), Rating.Good, T0)
    assert a.due < g.due


def test_exercises_skip_the_learning_steps(progress):
    from dlbench.quiz import load_bank

    from .conftest import SHIPPED

    q = load_bank([("course", SHIPPED)]).get("l2-penalty-001")
    card = _review(QuizStore(progress), q, Rating.Good, T0)
    assert card.state == State.Review and card.due - T0 >= dt.timedelta(days=1)


def test_scheduler_settings_are_stored_once(progress):
    store = QuizStore(progress)
    assert store.scheduler().desired_retention == 0.9
    QuizStore(progress)  # reopening keeps the stored settings
    assert store.scheduler().to_dict() == QuizStore(progress).scheduler().to_dict()


def test_quiz_orm_rows_match_the_migrated_tables(progress):
    store = QuizStore(progress)
    inspector = inspect(store.engine)
    tables = QuizBase.metadata.sorted_tables
    assert {t.name for t in tables} == {"quiz_settings", "quiz_cards", "quiz_reviews", "quiz_attempts",
                                        "quiz_exams", "quiz_exam_answers"}
    assert set(inspector.get_table_names()) == {t.name for t in tables} | {"schema_migrations"}
    for table in tables:
        cols = {c["name"]: c for c in inspector.get_columns(table.name)}
        assert set(cols) == set(table.columns.keys()), table.name
        for col in table.columns:
            assert cols[col.name]["nullable"] == col.nullable or col.primary_key, (table.name, col.name)


def test_an_older_progress_database_gets_the_exam_tables(progress):
    """A quiz.db written before mock exams existed is upgraded on open, its cards kept."""
    from sqlalchemy import text

    from dlbench.quiz import load_bank

    from .conftest import SHIPPED

    store = QuizStore(progress)
    q = load_bank([("course", SHIPPED)]).get("l2-penalty-001")
    _review(store, q, Rating.Good, T0)
    with store.engine.begin() as conn:  # back to the schema before 0005_quiz_exams
        conn.execute(text("DROP TABLE quiz_exam_answers"))
        conn.execute(text("DROP TABLE quiz_exams"))
        conn.execute(text("DELETE FROM schema_migrations WHERE name = '0005_quiz_exams'"))
    store.close()
    reopened = QuizStore(progress)
    assert "0005_quiz_exams" in reopened.db.applied_migrations()
    assert reopened.exams("ann") == [] and "l2-penalty-001" in reopened.cards("ann")
