"""A mock E資格 exam: questions drawn across the course sections in fixed proportions,
answered against a clock without feedback, scored per section at the end.

- :func:`exam_settings` reads the ``[exam]`` table of a bank's ``topics.toml`` (section
  weights, pass line, defaults; their provenance is stated there);
- :func:`draw_exam` draws the questions from a seed: the same seed, bank and size give
  the same questions in the same order, with the same generated numbers and choice order;
- :class:`ExamSheet` collects the answers (graded silently) and the clock;
- :meth:`ExamSheet.result` scores it: right / total per section, unanswered count as
  wrong, and ``passed`` against the pass line.

Exam answers are stored in their own tables and do **not** review FSRS cards: the exam
draws by syllabus share, not by what is due, and shows no feedback, so an answer there is
a measurement rather than a study review; letting it move due dates would disturb the
schedule the learner studies by. (Misconceptions revealed are kept with the answers.)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import UsageError
from .bank import Bank
from .model import Question
from .scheduling import utcnow

#: Exam-like question forms: E資格 asks single-answer choices and calculations; short
#: free-text answers and implementation exercises are not exam forms.
EXAM_TYPES = ("single_choice", "multiple_choice", "true_false", "numeric", "generated")


@dataclass(frozen=True)
class ExamSettings:
    weights: dict[str, float]
    pass_line: float = 0.7
    minutes: float = 60
    questions: int = 40


def exam_settings(folders) -> ExamSettings:
    """The ``[exam]`` table of the first ``topics.toml`` among ``folders`` that has one."""
    for _, folder in folders:
        path = Path(folder) / "topics.toml"
        try:
            with open(path, "rb") as fh:
                exam = tomllib.load(fh).get("exam")
        except (OSError, tomllib.TOMLDecodeError):
            continue
        if isinstance(exam, dict) and isinstance(exam.get("weights"), dict):
            weights = {str(k): float(v) for k, v in exam["weights"].items()
                       if isinstance(v, (int, float)) and v > 0}
            return ExamSettings(weights, float(exam.get("pass_line", 0.7)),
                                float(exam.get("minutes", 60)), int(exam.get("questions", 40)))
    raise UsageError("no bank defines an [exam] table in its topics.toml (section weights "
                     "for the mock exam)")


def in_scope(bank: Bank, q: Question) -> bool:
    """An exam question: an exam form, not marked out of scope, nor on an out-of-scope topic."""
    if q.type not in EXAM_TYPES or q.exam_scope is False:
        return False
    return all(bank.topics[t].exam_scope is not False for t in q.topics if t in bank.topics)


def quotas(weights: dict[str, float], available: dict[str, int], n: int) -> dict[str, int]:
    """Questions per section: ``n`` shared by weight (largest remainders), never more than a
    section has; what a small section cannot take goes to the others by weight."""
    sections = [s for s in sorted(weights) if available.get(s)]
    quota = {s: 0 for s in sections}
    left = min(n, sum(available[s] for s in sections))
    while left > 0:
        open_ = [s for s in sections if quota[s] < available[s]]
        total = sum(weights[s] for s in open_)
        ideal = {s: left * weights[s] / total for s in open_}
        give = {s: min(int(ideal[s]), available[s] - quota[s]) for s in open_}
        rest = left - sum(give.values())
        for s in sorted(open_, key=lambda s: (int(ideal[s]) - ideal[s], -weights[s], s)):
            if rest and quota[s] + give[s] < available[s]:
                give[s] += 1
                rest -= 1
        for s in open_:
            quota[s] += give[s]
        left -= sum(give.values())
    return quota


def exam_seed(seed: int, question_id: str) -> int:
    """The instance seed of a question in exam ``seed`` (63-bit, SHA-256, not ``hash()``)."""
    digest = hashlib.sha256(f"exam\x1f{seed}\x1f{question_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def draw_exam(bank: Bank, settings: ExamSettings, n: int, seed: int) -> list[Question]:
    """``n`` in-scope questions drawn by section weight from ``seed``, in exam order."""
    pool: dict[str, list[Question]] = {}
    for q in sorted(bank.questions.values(), key=lambda q: q.id):
        section = bank.section_of(q)
        if section in settings.weights and in_scope(bank, q):
            pool.setdefault(section, []).append(q)
    if not pool:
        raise UsageError("no exam question in the bank (none of its sections has a weight in "
                         "the [exam] table of topics.toml)")
    rng = np.random.default_rng(seed)
    chosen: list[Question] = []
    for section, k in sorted(quotas(settings.weights, {s: len(v) for s, v in pool.items()},
                                    n).items()):
        picks = rng.choice(len(pool[section]), size=k, replace=False)
        chosen += [pool[section][i] for i in sorted(picks)]
    return [chosen[i] for i in rng.permutation(len(chosen))]


@dataclass
class ExamAnswer:
    """One exam question and how it was answered (``status``: correct, wrong, unanswered)."""

    position: int
    question: Question
    section: str | None
    seed: int
    status: str = "unanswered"
    given: str | None = None
    expected: str | None = None
    misconceptions: tuple[str, ...] = ()
    answered_at: dt.datetime | None = None


@dataclass
class ExamResult:
    learner: str
    seed: int
    lang: str
    minutes: float
    pass_line: float
    started_at: dt.datetime
    finished_at: dt.datetime
    answers: list[ExamAnswer]
    timed_out: bool = False
    id: int | None = None

    @property
    def n(self) -> int:
        return len(self.answers)

    @property
    def right(self) -> int:
        return sum(a.status == "correct" for a in self.answers)

    @property
    def score(self) -> float:
        return self.right / self.n if self.n else 0.0

    @property
    def passed(self) -> bool:
        return self.score >= self.pass_line

    def by_section(self) -> dict[str, dict]:
        """``{section: {"right": r, "total": t}}`` in course order (unanswered count as wrong)."""
        out: dict[str, dict] = {}
        for a in self.answers:
            row = out.setdefault(a.section or "-", {"right": 0, "total": 0})
            row["total"] += 1
            row["right"] += a.status == "correct"
        return dict(sorted(out.items()))

    def missed(self) -> list[ExamAnswer]:
        return [a for a in self.answers if a.status != "correct"]


@dataclass
class ExamSheet:
    """The exam in progress: the clock (monotonic, so a changed wall clock does not matter)
    and the answers so far."""

    learner: str
    seed: int
    lang: str
    minutes: float
    pass_line: float
    answers: list[ExamAnswer]
    clock: callable = time.monotonic
    started_at: dt.datetime = field(default_factory=utcnow)
    timed_out: bool = False

    def __post_init__(self):
        self._start = self.clock()

    def remaining(self) -> float:
        """Seconds left (never below 0)."""
        return max(0.0, self.minutes * 60 - (self.clock() - self._start))

    def time_is_up(self) -> bool:
        if self.remaining() <= 0:
            self.timed_out = True
        return self.timed_out

    def answer(self, item: ExamAnswer, given: str, grade) -> None:
        """Record a graded answer, unless the time ran out while it was being typed."""
        if self.time_is_up():
            return
        item.given, item.answered_at = given, utcnow()
        item.status = "correct" if grade.correct else "wrong"
        item.expected = None if grade.correct else str(grade.expected)
        item.misconceptions = tuple(grade.misconceptions)

    def result(self) -> ExamResult:
        return ExamResult(self.learner, self.seed, self.lang, self.minutes, self.pass_line,
                          self.started_at, utcnow(), self.answers, self.timed_out)


def new_sheet(bank: Bank, settings: ExamSettings, *, learner: str, lang: str, n: int,
              seed: int, minutes: float, clock=time.monotonic) -> ExamSheet:
    questions = draw_exam(bank, settings, n, seed)
    answers = [ExamAnswer(i, q, bank.section_of(q), exam_seed(seed, q.id))
               for i, q in enumerate(questions, 1)]
    return ExamSheet(learner, seed, lang, minutes, settings.pass_line, answers, clock=clock)


def clock_text(seconds: float) -> str:
    """``57:12`` (minutes:seconds, rounded down)."""
    s = int(seconds)
    return f"{s // 60}:{s % 60:02d}"
