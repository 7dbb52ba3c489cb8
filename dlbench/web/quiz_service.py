"""The quiz as the web pages and the JSON API use it: no HTTP here, only quiz decisions.

Everything is delegated to the quiz package so the browser and ``dlbench quiz`` behave the
same: :func:`dlbench.quiz.session.select` picks due cards, :class:`~dlbench.quiz.session.
Session` presents (same seed → same numbers and choice order), grades and records,
:func:`dlbench.quiz.stats.mastery` makes the stats, :mod:`dlbench.quiz.exam` draws and
scores mock exams. What this module adds is what a stateless HTTP request needs:

- **which instance was shown**: a question page carries ``seen``, the card's review count
  when it was shown; the answer is graded against the instance drawn from that count
  (so the choice numbers and generated values are the ones on the learner's screen), and
  it reviews the card only when the card has not been reviewed since: reloading a feedback
  page, or answering again after seeing the solution, grades but does not review twice.
- **never raising on an answer**: anything a browser can send is graded as correct,
  wrong or "cannot read" (:data:`UNPARSEABLE`); an implementation exercise answers
  ``terminal`` (its code runs in the sandbox of ``dlbench quiz check``, which is not exposed
  over HTTP).
- **exams across requests**: :class:`ExamBook` keeps the sheets of running exams in memory
  under an unguessable token, with the monotonic clock of :class:`~dlbench.quiz.exam.
  ExamSheet`; an answer after the deadline is not counted (the server decides, not the
  page's clock). A server restart forgets running exams (finished ones are stored).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from ..errors import DlbenchError
from ..quiz.bank import Bank
from ..quiz.draw import seed_for
from ..quiz.exam import ExamResult, ExamSheet, ExamSettings, clock_text, exam_settings, new_sheet
from ..quiz.grading import UNPARSEABLE, Grade
from ..quiz.model import Question
from ..quiz.progress import Attempt
from ..quiz.session import INTERACTIVE_TYPES, Presented, Session, select
from ..quiz.stats import mastery
from .mathml import to_html

#: The most review counts a form may claim (``seen``); anything else is ignored.
MAX_SEEN = 10 ** 6
#: Running exams kept in memory; starting one more forgets the oldest.
MAX_RUNNING_EXAMS = 64
EXAM_LIMITS = {"n": (1, 100), "minutes": (0.05, 300.0), "seed": (0, 2 ** 62)}


class UnknownQuestion(DlbenchError):
    """No question with this id in the loaded banks (the pages answer 404)."""


def load_bank_for_web() -> Bank:
    """Every registered bank, as ``dlbench quiz`` loads them by default."""
    from ..pluginmanager import load_plugins
    from ..quiz import load_bank, registered_banks

    folders = registered_banks(load_plugins().registry)
    return load_bank(folders, context=folders)


def _t(lang: str, ja: str, en: str) -> str:
    return ja if lang == "ja" else en


def question(bank: Bank, qid: str) -> Question:
    q = bank.questions.get(qid) if isinstance(qid, str) else None
    if q is None:
        raise UnknownQuestion(f"no question {qid!r}")
    return q


# -- lists and stats -----------------------------------------------------------------------
@dataclass
class Listed:
    id: str
    type: str
    section: str | None
    due: str | None  # ISO time of the next review; None for a question never answered
    is_due: bool


def next_questions(bank: Bank, store, learner: str, *, n: int = 20) -> list[Listed]:
    """Due cards first (most overdue first), then questions never answered (by id), as
    ``dlbench quiz`` would ask them; stable between page loads."""
    from ..quiz.scheduling import utcnow

    now = utcnow()
    cards = store.cards(learner)
    due = select(bank, store, learner, n=n, review=True, now=now)  # most overdue first
    due_ids = {q.id for q in due}
    rest = [q for q in select(bank, store, learner, n=n + len(due), in_order=True, now=now)
            if q.id not in due_ids]
    out = []
    for q in (due + rest)[:n]:
        card = cards.get(q.id)
        when = card.card.due if card else None
        out.append(Listed(q.id, q.type, bank.section_of(q), when.isoformat() if when else None,
                          bool(when and when <= now)))
    return out


def stats(bank: Bank, store, learner: str) -> dict:
    return mastery(bank, store, learner)


# -- one question ------------------------------------------------------------------------------
@dataclass
class QuestionView:
    """A question as one page shows it (texts as text, LaTeX source and HTML)."""

    id: str
    type: str
    lang: str
    section: str | None
    topics: list[str]
    seen: int
    prompt: str
    prompt_tex: str
    prompt_html: str
    choices: list[dict]  # {"number", "id", "text", "html"}
    answer_form: str
    hints_html: list[str]
    gradable: bool  # False: implementation exercise, graded in the terminal
    terminal_command: str | None
    unit: str | None = None


def _present(session: Session, q: Question, seen: int | None) -> Presented:
    current = session.store.review_count(session.learner, q.id) if session.store else 0
    if seen is None or not isinstance(seen, int) or not 0 <= seen <= MAX_SEEN:
        seen = current
    return session.present_seeded(q, seed_for(q.id, session.learner, seen), seen)


def view(bank: Bank, store, learner: str, qid: str, lang: str, *,
         seen: int | None = None) -> QuestionView:
    q = question(bank, qid)
    shown = _present(Session(bank, store, learner, lang), q, seen)
    by_id = {c.id: c for c in q.choices}
    choices = [{"number": i, "id": cid, "text": shown.text(by_id[cid].text).strip(),
                "html": to_html(shown.source(by_id[cid].text).strip())}
               for i, cid in enumerate(shown.order, 1)]
    gradable = q.type in INTERACTIVE_TYPES
    return QuestionView(
        q.id, q.type, lang, bank.section_of(q), list(q.topics), shown.review_count,
        shown.prompt, shown.source(q.prompt).strip(), to_html(shown.source(q.prompt).strip()),
        choices, shown.answer_form(), [to_html(shown.source(h)) for h in q.hints], gradable,
        None if gradable else f"dlbench quiz exercise {q.id}  →  dlbench quiz check {q.id} FILE",
        q.numeric.unit if q.numeric else None)


@dataclass
class AnswerOutcome:
    """What the feedback page shows. ``status``: correct, wrong, unparseable (cannot read
    the answer; the form is shown again), retry (a known slip: one more try), terminal
    (an implementation exercise)."""

    status: str
    given: str
    seen: int
    expected: str = ""
    expected_html: str = ""
    feedback_html: list[str] = field(default_factory=list)
    hint: str | None = None
    explanation_html: str = ""
    misconceptions: list[str] = field(default_factory=list)
    recorded: bool = False
    rating: str | None = None
    due: str | None = None


def _clean(given) -> str:
    """Any answer as storable text: lone surrogates (JSON can carry ``\\ud800``) made
    visible, as grading does for undecodable command-line bytes."""
    if not isinstance(given, str):
        return ""
    return given.encode("utf-8", "backslashreplace").decode("utf-8")


def _safe_grade(session: Session, shown: Presented, answer: str) -> Grade:
    try:
        return session.grade(shown, answer)
    except Exception:  # noqa: BLE001 - grading promises not to raise; a page must never 500
        return Grade(UNPARSEABLE, _clean(answer)[:200], hint=_t(
            session.lang, "この回答は読み取れません。", "Cannot read this answer."))


def expected_text(shown: Presented, grade: Grade) -> tuple[str, str]:
    """The right answer as the learner saw the question: the correct choices' numbers and
    texts (display order), else the grade's expected value. ``(text, html)``."""
    q = shown.question
    if q.choices:
        by_id = {c.id: c for c in q.choices}
        picks = [(i, by_id[cid]) for i, cid in enumerate(shown.order, 1) if by_id[cid].correct]
        text = "; ".join(f"{i}) {shown.text(c.text).strip()}" for i, c in picks)
        html = "; ".join(f"{i}) {to_html(shown.source(c.text).strip())}" for i, c in picks)
        return text, html
    unit = f" {q.numeric.unit}" if q.numeric and q.numeric.unit else ""
    value = f"{grade.expected}{unit}" if grade.expected not in ("", None) else ""
    return value, to_html(value)


def answer(bank: Bank, store, learner: str, qid: str, lang: str, given: str, *,
           seen: int | None = None, retried: bool = False, record: bool = True) -> AnswerOutcome:
    """Grade ``given`` (any string) and, when it is the first graded answer to this shown
    instance, review the card. Never raises for any ``given``; :class:`UnknownQuestion`
    for an unknown id."""
    q = question(bank, qid)
    given = _clean(given)
    session = Session(bank, store if record else None, learner, lang)
    shown = _present(Session(bank, store, learner, lang), q, seen)
    if q.type not in INTERACTIVE_TYPES:
        return AnswerOutcome("terminal", given[:200], shown.review_count, hint=_t(
            lang, f"実装問題はターミナルで採点します: dlbench quiz exercise {q.id} の後 "
                  f"dlbench quiz check {q.id} FILE",
            f"Implementation exercises are graded in the terminal: dlbench quiz exercise "
            f"{q.id}, then dlbench quiz check {q.id} FILE"))
    grade = _safe_grade(session, shown, given)
    attempt = Attempt(grade.given, grade.status, grade.misconceptions, grade.detail)
    current = store.review_count(learner, q.id) if record and store is not None else 0
    fresh = record and store is not None and shown.review_count == current
    if not grade.graded:
        if fresh:
            session.record(shown, [Attempt(grade.given, "unparseable",
                                           detail={"hint": grade.hint})], None)
        return AnswerOutcome(UNPARSEABLE, grade.given, shown.review_count, hint=grade.hint)
    feedback = [to_html(line) for line in grade.feedback]
    if not grade.correct and grade.near_miss and not retried:
        if fresh:
            session.record(shown, [attempt], None)  # kept; the retry is the graded answer
        return AnswerOutcome("retry", grade.given, shown.review_count, feedback_html=feedback,
                             misconceptions=list(grade.misconceptions))
    text, html = expected_text(shown, grade)
    out = AnswerOutcome(grade.status, grade.given, shown.review_count, text, html, feedback,
                        explanation_html=to_html(shown.source(q.explanation).strip()),
                        misconceptions=list(grade.misconceptions))
    if fresh:
        rating, card = session.record(shown, [attempt], grade, helped=retried)
        out.recorded, out.rating = True, rating.name if rating else None
        out.due = card.due.isoformat() if card is not None else None
    return out


# -- mock exams ----------------------------------------------------------------------------------
@dataclass
class RunningExam:
    token: str
    sheet: ExamSheet
    result: ExamResult | None = None

    @property
    def finished(self) -> bool:
        return self.result is not None


def clamp_exam_options(n, minutes, seed, settings: ExamSettings) -> tuple[int, float, int]:
    """Validated exam options (defaults from the bank); out-of-range values are clamped."""
    def clamp(value, default, key, kind):
        lo, hi = EXAM_LIMITS[key]
        try:
            value = kind(default if value is None else value)
        except (TypeError, ValueError, OverflowError):
            value = kind(default)
        if value != value:  # NaN
            value = kind(default)
        return min(max(value, kind(lo)), kind(hi))

    return (clamp(n, settings.questions, "n", int),
            clamp(minutes, settings.minutes, "minutes", float),
            clamp(seed, secrets.randbelow(10 ** 6), "seed", int))


class ExamBook:
    """Running exams of this server process, by token (thread-safe)."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self._exams: OrderedDict[str, RunningExam] = OrderedDict()
        self._lock = threading.Lock()

    def start(self, bank: Bank, *, learner: str, lang: str, n=None, minutes=None,
              seed=None) -> RunningExam:
        settings = exam_settings(bank.folders)
        n, minutes, seed = clamp_exam_options(n, minutes, seed, settings)
        sheet = new_sheet(bank, settings, learner=learner, lang=lang, n=n, seed=seed,
                          minutes=minutes, clock=self.clock)
        exam = RunningExam(secrets.token_urlsafe(16), sheet)
        with self._lock:
            self._exams[exam.token] = exam
            while len(self._exams) > MAX_RUNNING_EXAMS:
                self._exams.popitem(last=False)
        return exam

    def get(self, token: str) -> RunningExam | None:
        with self._lock:
            return self._exams.get(token) if isinstance(token, str) else None

    def answer(self, bank: Bank, exam: RunningExam, position: int, given: str) -> dict:
        """Grade one exam answer silently. ``status``: counted, unparseable (not counted,
        the hint says why), late (the deadline has passed: not counted), finished,
        bad-position."""
        sheet = exam.sheet
        if exam.finished:
            return {"status": "finished"}
        if not isinstance(position, int) or not 1 <= position <= len(sheet.answers):
            return {"status": "bad-position"}
        if sheet.time_is_up():
            return {"status": "late"}
        item = sheet.answers[position - 1]
        session = Session(bank, None, sheet.learner, sheet.lang)
        shown = session.present_seeded(item.question, item.seed)
        grade = _safe_grade(session, shown, _clean(given))
        if not grade.graded:
            return {"status": UNPARSEABLE, "hint": grade.hint}
        sheet.answer(item, grade.given, grade)
        return {"status": "late" if sheet.timed_out else "counted"}

    def finish(self, exam: RunningExam, store) -> ExamResult:
        """Score and store the exam once (later calls return the same result)."""
        with self._lock:
            if exam.result is None:
                exam.sheet.time_is_up()
                result = exam.sheet.result()
                result.id = store.record_exam(result)
                exam.result = result
            return exam.result


def exam_question(exam: RunningExam, bank: Bank, position: int, lang: str | None = None) -> dict:
    """One exam question as its page shows it (no feedback), in ``lang`` (the page's
    language; default the exam's)."""
    sheet = exam.sheet
    item = sheet.answers[position - 1]
    shown = Session(bank, None, sheet.learner, lang or sheet.lang).present_seeded(item.question,
                                                                                 item.seed)
    by_id = {c.id: c for c in item.question.choices}
    return {"position": position, "total": len(sheet.answers), "id": item.question.id,
            "type": item.question.type, "section": item.section,
            "prompt_html": to_html(shown.source(item.question.prompt).strip()),
            "choices": [{"number": i, "id": cid,
                         "html": to_html(shown.source(by_id[cid].text).strip())}
                        for i, cid in enumerate(shown.order, 1)],
            "answer_form": shown.answer_form(), "status": item.status, "given": item.given,
            "remaining": sheet.remaining(), "clock": clock_text(sheet.remaining())}


def exam_review(exam: RunningExam, bank: Bank, lang: str | None = None) -> list[dict]:
    """The missed questions of a finished exam, with answers and explanations."""
    sheet, out = exam.sheet, []
    lang = lang or sheet.lang
    for a in exam.result.missed():
        shown = Session(bank, None, sheet.learner, lang).present_seeded(a.question, a.seed)
        grade = Grade("wrong", "", expected=a.expected or "")
        if a.question.type == "numeric":
            grade.expected = f"{a.question.numeric.value:g}"
        elif a.question.type == "generated" and shown.drawn is not None:
            grade.expected = f"{shown.drawn.answer:g}"
        elif a.question.type == "true_false":
            grade.expected = _t(lang, "正しい" if a.question.truth else "誤り",
                                "true" if a.question.truth else "false")
        text, html = expected_text(shown, grade)
        out.append({"position": a.position, "id": a.question.id, "section": a.section,
                    "status": a.status, "given": a.given, "expected": text,
                    "expected_html": html,
                    "explanation_html": to_html(shown.source(a.question.explanation).strip())})
    return out
