"""The web quiz service on the shipped bank and a real quiz-progress database: the shown
instance is the graded one, one review per shown instance, grading never raises, exams
keep their deadline on the server."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

pytest.importorskip("latex2mathml")

from dlbench.quiz import load_bank  # noqa: E402
from dlbench.quiz.scheduling import Rating  # noqa: E402
from dlbench.storage.quiz_store import QuizStore  # noqa: E402
from dlbench.web import quiz_service as qs  # noqa: E402

SHIPPED = Path(__file__).resolve().parents[2] / "quizzes"


@pytest.fixture(scope="module")
def bank():
    folders = [("course", SHIPPED)]
    return load_bank(folders, context=folders)


@pytest.fixture
def store(tmp_path):
    with QuizStore(f"sqlite:///{tmp_path / 'quiz.db'}") as s:
        yield s


def _first(bank, kind, pred=lambda q: True):
    return next(q for q in sorted(bank.questions.values(), key=lambda q: q.id)
                if q.type == kind and pred(q))


def _numbers(view, q):
    by_id = {c.id: c for c in q.choices}
    right = [c["number"] for c in view.choices if by_id[c["id"]].correct]
    wrong = [c["number"] for c in view.choices if not by_id[c["id"]].correct]
    return right[0], wrong[0]


def test_wrong_then_right_reviews_the_card_once(bank, store):
    q = _first(bank, "single_choice")
    view = qs.view(bank, store, "ann", q.id, "en")
    right, wrong = _numbers(view, q)
    first = qs.answer(bank, store, "ann", q.id, "en", str(wrong), seen=view.seen)
    assert (first.status, first.recorded, first.rating) == ("wrong", True, "Again")
    assert first.expected.startswith(f"{right}) ") and first.explanation_html
    # the same instance (same choice order) after the solution was shown: graded, not reviewed
    again = qs.answer(bank, store, "ann", q.id, "en", str(right), seen=view.seen)
    assert (again.status, again.recorded) == ("correct", False)
    assert store.card("ann", q.id).reviews == 1
    # the next presentation is a new instance and reviews again
    nxt = qs.view(bank, store, "ann", q.id, "en")
    assert nxt.seen == 1
    right2, _ = _numbers(nxt, q)
    assert qs.answer(bank, store, "ann", q.id, "en", str(right2), seen=nxt.seen).recorded


def test_the_graded_instance_is_the_one_shown(bank, store):
    q = _first(bank, "generated")
    from dlbench.quiz.session import Session

    view = qs.view(bank, store, "ann", q.id, "ja")
    shown = Session(bank, store, "ann", "ja").present(q)
    assert view.prompt == shown.prompt
    out = qs.answer(bank, store, "ann", q.id, "ja", f"{shown.drawn.answer}", seen=view.seen)
    assert out.status == "correct" and out.recorded and out.rating == "Good"


def test_a_near_miss_gets_one_retry_rated_hard(bank, store):
    q = _first(bank, "numeric", lambda q: q.numeric.near_misses)
    slip = q.numeric.near_misses[0]
    retry = qs.answer(bank, store, "ann", q.id, "en", str(float(slip.value)), seen=0)
    assert retry.status == "retry" and retry.feedback_html and not retry.recorded
    assert store.card("ann", q.id) is None
    final = qs.answer(bank, store, "ann", q.id, "en", repr(q.numeric.value), seen=0,
                      retried=True)
    assert final.status == "correct" and final.rating == Rating.Hard.name
    statuses = [a["status"] for a in store.attempts("ann")]
    assert statuses == ["wrong", "correct"]


@pytest.mark.parametrize("given", ["", "   ", "abc", "1,2,3,4,5", "\x00", "\ud800", "9" * 5000,
                                   "１/４", "<script>alert(1)</script>", "1e999999", "-0"])
def test_any_answer_is_graded_without_raising(bank, store, given):
    for kind in ("single_choice", "multiple_choice", "true_false", "numeric", "short_text",
                 "generated"):
        q = _first(bank, kind)
        out = qs.answer(bank, store, "ann", q.id, "ja", given, seen=None)
        assert out.status in ("correct", "wrong", "unparseable", "retry")
        assert "<script>" not in "".join(out.feedback_html) + (out.expected_html or "")


def test_unreadable_answer_keeps_the_attempt_without_review(bank, store):
    q = _first(bank, "numeric")
    out = qs.answer(bank, store, "ann", q.id, "en", "abc", seen=0)
    assert out.status == "unparseable" and out.hint and not out.recorded
    assert store.card("ann", q.id) is None
    assert [a["status"] for a in store.attempts("ann")] == ["unparseable"]


def test_unknown_question_and_bad_seen(bank, store):
    with pytest.raises(qs.UnknownQuestion):
        qs.view(bank, store, "ann", "no-such-question", "en")
    with pytest.raises(qs.UnknownQuestion):
        qs.answer(bank, store, "ann", "../etc/passwd", "en", "1")
    q = _first(bank, "true_false")
    assert qs.view(bank, store, "ann", q.id, "en", seen=-5).seen == 0
    assert qs.view(bank, store, "ann", q.id, "en", seen=10 ** 12).seen == 0


def test_implementation_exercises_are_sent_to_the_terminal(bank, store):
    q = _first(bank, "implementation")
    view = qs.view(bank, store, "ann", q.id, "ja")
    assert not view.gradable and f"dlbench quiz check {q.id}" in view.terminal_command
    out = qs.answer(bank, store, "ann", q.id, "ja", "def f(): pass")
    assert out.status == "terminal" and "dlbench quiz check" in out.hint
    assert store.card("ann", q.id) is None


def test_due_cards_come_first(bank, store):
    q = max((q for q in bank.questions.values() if q.type == "numeric"), key=lambda q: q.id)
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=30)
    from dlbench.quiz.progress import Attempt

    store.record_review("ann", q, Rating.Again, attempts=[Attempt("0", "wrong", when=past)],
                        given="0", correct=False, helped=False, when=past)
    listed = qs.next_questions(bank, store, "ann", n=5)
    assert listed[0].id == q.id and listed[0].is_due
    assert all(not x.is_due and x.due is None for x in listed[1:])
    assert qs.stats(bank, store, "ann")["due"] == 1


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_exam_answers_after_the_deadline_do_not_count(bank, store):
    clock = FakeClock()
    book = qs.ExamBook(clock=clock)
    exam = book.start(bank, learner="ann", lang="en", n=4, minutes=1, seed=7)
    assert book.get(exam.token) is exam and len(exam.sheet.answers) == 4
    first = qs.exam_question(exam, bank, 1)
    assert first["clock"] == "1:00" and first["total"] == 4
    assert book.answer(bank, exam, 1, "zzz not an answer")["status"] in ("unparseable",)
    assert book.answer(bank, exam, 1, "1")["status"] == "counted"
    assert book.answer(bank, exam, 99, "1")["status"] == "bad-position"
    clock.now += 61
    assert book.answer(bank, exam, 2, "1")["status"] == "late"
    assert exam.sheet.answers[1].status == "unanswered"
    result = book.finish(exam, store)
    assert result.timed_out and result.id is not None
    assert [a.status for a in result.answers][1:] == ["unanswered"] * 3
    assert book.finish(exam, store).id == result.id  # stored once
    assert len(store.exams("ann")) == 1
    assert book.answer(bank, exam, 3, "1")["status"] == "finished"
    review = qs.exam_review(exam, bank)
    assert len(review) == 4 - result.right and all(r["expected"] for r in review)


def test_exam_options_are_clamped(bank):
    book = qs.ExamBook()
    exam = book.start(bank, learner="ann", lang="ja", n=10 ** 9, minutes=float("nan"),
                      seed=-3)
    assert len(exam.sheet.answers) == 100 and exam.sheet.minutes == 60 and exam.sheet.seed == 0
    assert book.get("nope") is None and book.get(None) is None
