"""What a question bank holds once loaded: questions, topics, sections, misconceptions.

Plain frozen dataclasses, built by :mod:`dlbench.quiz.schema` from TOML (schema v1) and
read by grading, sessions and lint. Field names follow the TOML fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

LANGS = ("ja", "en")

QUESTION_TYPES = ("single_choice", "multiple_choice", "true_false", "numeric", "short_text",
                  "generated", "implementation")


@dataclass(frozen=True)
class Text:
    """A text in both languages; ``None`` where a translation is still pending."""

    ja: str | None = None
    en: str | None = None

    def get(self, lang: str) -> str:
        """The text in ``lang``, or in the other language when that one is missing."""
        other = "en" if lang == "ja" else "ja"
        return getattr(self, lang) or getattr(self, other) or ""

    def items(self) -> list[tuple[str, str | None]]:
        return [("ja", self.ja), ("en", self.en)]


@dataclass(frozen=True)
class Choice:
    """One option of a choice question."""

    id: str
    correct: bool
    text: Text
    feedback: Text | None = None
    misconception: str | None = None
    pin: bool = False


@dataclass(frozen=True)
class NearMiss:
    """A wrong answer that deserves a targeted message (a typo, a classic slip).

    ``text`` for short_text questions; ``value`` for numeric and generated ones (the
    dlbench extension: a known wrong number, e.g. 0.5 for the maximum of σ').
    """

    feedback: Text
    text: str | None = None
    value: Fraction | None = None
    misconception: str | None = None


@dataclass(frozen=True)
class NumericAnswer:
    """``numeric`` and ``generated`` answers: |x − v| ≤ abs_tol + rel_tol·|v|."""

    value: float | None  # None for generated (the generator supplies it)
    kind: str = "float"  # "integer" | "float"
    abs_tol: float = 0.0
    rel_tol: float = 0.0
    accept_fraction: bool = True
    unit: str | None = None
    near_misses: tuple[NearMiss, ...] = ()


@dataclass(frozen=True)
class TextAnswer:
    """``short_text`` answers: accepted variants per language, after ``normalize``."""

    accepted_ja: tuple[str, ...]
    accepted_en: tuple[str, ...]
    normalize: tuple[str, ...] = ("nfkc", "casefold", "strip_spaces")
    near_misses: tuple[NearMiss, ...] = ()


@dataclass(frozen=True)
class Exercise:
    """``implementation`` questions: the files of ``quizzes/exercises/<id>/``."""

    folder: Path
    entry: str
    stub: str
    reference: str
    checks: str
    timeout_s: float = 10.0
    gradcheck: dict = field(default_factory=dict)
    tasks: tuple[tuple[int, Text], ...] = ()

    def file(self, which: str) -> Path:
        """``which`` is ``"stub"``, ``"reference"`` or ``"checks"``."""
        return self.folder / getattr(self, which)


@dataclass(frozen=True)
class Question:
    """One question file, validated."""

    id: str
    type: str
    topics: tuple[str, ...]
    difficulty: int
    prompt: Text
    explanation: Text
    path: Path
    bank: str = ""
    content_hash: str = ""
    hints: tuple[Text, ...] = ()
    benchmarks: tuple[str, ...] = ()
    exam_scope: bool | tuple[str, ...] = True
    framework: str | None = None
    group: dict | None = None
    references: tuple[dict, ...] = ()
    misconception: str | None = None
    meta: dict = field(default_factory=dict)
    shuffle: bool = True
    choices: tuple[Choice, ...] = ()
    truth: bool | None = None  # true_false
    numeric: NumericAnswer | None = None  # numeric, generated
    text_answer: TextAnswer | None = None  # short_text
    generator: str | None = None  # generated: "module:function"
    exercise: Exercise | None = None  # implementation

    def misconceptions(self) -> set[str]:
        """Every misconception id this question can reveal (or clear when answered right)."""
        found = {c.misconception for c in self.choices if c.misconception}
        if self.misconception:
            found.add(self.misconception)
        answer = self.numeric or self.text_answer
        if answer is not None:
            found |= {n.misconception for n in answer.near_misses if n.misconception}
        return found


@dataclass(frozen=True)
class Section:
    id: str  # "day2.s2"
    title: Text


@dataclass(frozen=True)
class Topic:
    id: str  # "opt.momentum"
    section: str
    title: Text
    concept: int | None = None  # row of the course's concept table
    benchmarks: tuple[str, ...] = ()
    exam_scope: bool | tuple[str, ...] = True
    syllabus: tuple[str, ...] = ()


@dataclass(frozen=True)
class Misconception:
    id: str
    topic: str | None
    text: Text
    facts: tuple[str, ...] = ()  # "F2": the reference's list of facts notes get wrong


@dataclass(frozen=True)
class Problem:
    """Something wrong with a bank file: where, which field, what.

    ``level`` is ``"error"`` (the file or check is broken) or ``"warning"``.
    """

    path: str
    field: str | None
    message: str
    level: str = "error"

    def __str__(self) -> str:
        where = f"{self.path}: {self.field}" if self.field else self.path
        return f"{where}: {self.level}: {self.message}"
