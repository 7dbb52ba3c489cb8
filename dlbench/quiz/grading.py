"""Grading an answer typed by a learner: the rules of the bank format, in one place.

Every answer is NFKC-normalised first, so full-width digits (``１/４``) and Latin
(``ＲｅＬＵ``) are read as their ordinary forms; nothing is folded to ASCII.

- choice questions: the answer is the displayed number(s) of the choice(s) (``2``,
  ``1,3``) or their ids (``b``, ``a c``); multiple_choice is right only with exactly the
  correct set.
- true_false: ``true/false``, ``t/f``, ``yes/no``, ``正/誤``, ``○/×``, ``◯/✗``, ``はい/いいえ``...
- numeric and generated: a decimal, scientific (``1e-3``), a square root (``√10``,
  ``2√(0.5)``) or, unless the question sets ``accept_fraction = false``, a fraction
  (``1/4``); thousands separators and the question's unit are allowed. Right ⇔ ``|x − v| ≤ abs_tol + rel_tol·|v|``;
  ``kind = "integer"`` must be exactly the integer.
- short_text: the question's ``normalize`` operations are applied to both sides, then the
  answer must equal an accepted variant of either language.

An answer that cannot be read is *unparseable* ("cannot read"): no mark, and a hint on the
expected form. Grading never raises, whatever the string, and stays fast: answers longer
than :data:`MAX_ANSWER_CHARS` are not read, and numbers are capped in length and exponent
before any big-number arithmetic.
A wrong answer listed as a near miss carries targeted feedback (and may be retried once).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from fractions import Fraction

from .model import NearMiss, NumericAnswer, Question
from .numparse import MAX_ANSWER_CHARS, MAX_EXPONENT, MAX_NUMBER_CHARS, parse_number
from .textnorm import format_value, nfkc, normalize

__all__ = ["CORRECT", "WRONG", "UNPARSEABLE", "MAX_ANSWER_CHARS", "MAX_EXPONENT",
           "MAX_NUMBER_CHARS", "Grade", "grade", "grade_number", "parse_number"]

CORRECT, WRONG, UNPARSEABLE = "correct", "wrong", "unparseable"

TRUE_WORDS = {"true", "t", "yes", "y", "1", "正", "正しい", "はい", "真", "o", "まる",
              "○", "〇", "◯", "⭕", "✓", "✔"}
FALSE_WORDS = {"false", "f", "no", "n", "0", "誤", "誤り", "間違い", "いいえ", "偽", "x", "ばつ",
               "×", "✕", "✗", "✘", "❌", "╳"}
_SENTENCE_END = "。．.!！?？、,"

_SEPARATORS = re.compile(r"[\s,、;]+")
_CHOICE_NUMBER = re.compile(r"[0-9]{1,4}", re.ASCII)


@dataclass
class Grade:
    """The outcome of one answer.

    :ivar status: ``"correct"``, ``"wrong"`` or ``"unparseable"``.
    :ivar expected: the right answer, as text in the session's language.
    :ivar feedback: targeted messages (choice feedback, near-miss feedback).
    :ivar hint: for unparseable answers, the expected form.
    :ivar misconceptions: misconception ids the answer reveals.
    :ivar near_miss: wrong, but a known slip: a retry is fair.
    """

    status: str
    given: str
    expected: str = ""
    feedback: list[str] = field(default_factory=list)
    hint: str | None = None
    misconceptions: tuple[str, ...] = ()
    near_miss: bool = False
    detail: dict = field(default_factory=dict)

    @property
    def correct(self) -> bool:
        return self.status == CORRECT

    @property
    def graded(self) -> bool:
        return self.status != UNPARSEABLE

    def as_dict(self) -> dict:
        return {"status": self.status, "correct": self.correct if self.graded else None,
                "given": self.given, "expected": self.expected, "feedback": self.feedback,
                "hint": self.hint, "misconceptions": list(self.misconceptions),
                "near_miss": self.near_miss, **({"detail": self.detail} if self.detail else {})}


def _msg(lang: str, ja: str, en: str) -> str:
    return ja if lang == "ja" else en


def grade(question: Question, answer: str, lang: str = "en", *, order: list[str] | None = None,
          value=None) -> Grade:
    """Grade ``answer`` to ``question``.

    :param order: for choice questions, the choice ids in the order they were shown
        (numbers in the answer refer to it); default: file order.
    :param value: for generated questions, the answer the generator computed.

    Never raises for any ``answer`` string (any Unicode, any length): it is ``correct``,
    ``wrong`` or ``unparseable``, in well under 50 ms (inputs are capped before any costly
    step; see :data:`MAX_ANSWER_CHARS`, :data:`MAX_NUMBER_CHARS`, :data:`MAX_EXPONENT`).
    """
    answer = answer or ""
    if len(answer) > MAX_ANSWER_CHARS:
        return Grade(UNPARSEABLE, _shown(answer), hint=_msg(
            lang, f"回答が長すぎます({MAX_ANSWER_CHARS} 文字まで)。",
            f"That answer is too long (at most {MAX_ANSWER_CHARS} characters)."))
    text = nfkc(answer).strip()
    if question.type in ("single_choice", "multiple_choice"):
        return _grade_choice(question, text, lang, order)
    if question.type == "true_false":
        return _grade_true_false(question, text, lang)
    if question.type == "numeric":
        return grade_number(question.numeric, text, lang, question.numeric.value)
    if question.type == "generated":
        if value is None:  # the caller's bug, not the learner's answer
            raise ValueError(f"{question.id}: a generated question is graded with its value")
        return grade_number(question.numeric, text, lang, value)
    if question.type == "short_text":
        return _grade_text(question, text, lang)
    return Grade(UNPARSEABLE, _shown(text), hint=_msg(
        lang, f"{question.id} は実装問題です。`dlbench quiz check {question.id} FILE` で採点します。",
        f"{question.id} is an implementation exercise: grade a file with "
        f"`dlbench quiz check {question.id} FILE`."))


def _shown(text: str) -> str:
    """The answer as kept in the grade (and stored): at most :data:`MAX_ANSWER_CHARS`
    characters, lone surrogates (undecodable bytes on a command line) made visible."""
    text = text[:MAX_ANSWER_CHARS]
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


# -- choices ---------------------------------------------------------------------------
def _grade_choice(q: Question, text: str, lang: str, order) -> Grade:
    order = list(order or [c.id for c in q.choices])
    by_id = {c.id: c for c in q.choices}
    single = q.type == "single_choice"
    n = len(order)
    tokens = [t for t in _SEPARATORS.split(text.casefold()) if t]
    if not single and len(tokens) == 1 and _CHOICE_NUMBER.fullmatch(tokens[0]) and n <= 9 \
            and len(tokens[0]) > 1:
        tokens = list(tokens[0])  # "13" -> choices 1 and 3
    picked = []
    for token in tokens:
        if _CHOICE_NUMBER.fullmatch(token) and 1 <= int(token) <= n:
            picked.append(order[int(token) - 1])
        elif token in by_id:
            picked.append(token)
        else:
            picked = None
            break
    correct_ids = [cid for cid in order if by_id[cid].correct]
    expected = ", ".join(f"{order.index(cid) + 1}" for cid in correct_ids)
    if not picked or (single and len(set(picked)) != 1):
        hint = (_msg(lang, f"選択肢の番号を 1 つだけ答えてください(1–{n})。",
                     f"Answer with the number of one choice (1–{n}).") if single else
                _msg(lang, f"正しい選択肢の番号をすべて、カンマ区切りで答えてください(例: 1,3)。範囲は 1–{n}。",
                     f"Answer with the numbers of all correct choices, separated by commas "
                     f"(e.g. 1,3), each in 1–{n}."))
        return Grade(UNPARSEABLE, _shown(text), hint=hint)
    chosen = set(picked)
    wrong = [by_id[cid] for cid in order if cid in chosen and not by_id[cid].correct]
    missed = [by_id[cid] for cid in correct_ids if cid not in chosen]
    feedback = [c.feedback.get(lang) for c in wrong if c.feedback]
    if missed and not single:
        feedback.append(_msg(lang, "正しい選択肢を選び漏らしています: ", "You missed a correct choice: ")
                        + ", ".join(str(order.index(c.id) + 1) for c in missed))
    status = CORRECT if not wrong and not missed else WRONG
    return Grade(status, _shown(text), expected, feedback,
                 misconceptions=tuple(c.misconception for c in wrong if c.misconception),
                 detail={"chosen": [cid for cid in order if cid in chosen]})


# -- true / false ----------------------------------------------------------------------
def _grade_true_false(q: Question, text: str, lang: str) -> Grade:
    word = text.casefold().strip(_SENTENCE_END + " ")
    expected = _msg(lang, "正しい" if q.truth else "誤り", "true" if q.truth else "false")
    given = _shown(text)
    if word in TRUE_WORDS:
        truth = True
    elif word in FALSE_WORDS:
        truth = False
    else:
        return Grade(UNPARSEABLE, given, hint=_msg(
            lang, "正しいか誤りかで答えてください(正/誤、○/×、◯/✗、true/false)。",
            "Answer true or false (t/f, yes/no, 正/誤, ○/× and ◯/✗ work too)."))
    if truth == q.truth:
        return Grade(CORRECT, given, expected)
    return Grade(WRONG, given, expected,
                 misconceptions=(q.misconception,) if q.misconception else ())


# -- numbers -----------------------------------------------------------------------------
def _as_float(x: Fraction) -> float | None:
    """``float(x)``, or None when ``x`` is beyond the float range (``1e400``)."""
    try:
        return float(x)
    except OverflowError:
        return None


def _close(x: Fraction, target, kind: str, abs_tol: float, rel_tol: float) -> bool:
    if kind == "integer":
        return x.denominator == 1 and x == Fraction(target)
    fx = _as_float(x)
    if fx is None or math.isinf(fx):
        return False  # every bank answer is a finite float
    return abs(fx - float(target)) <= abs_tol + rel_tol * abs(float(target))


def format_expected(value, answer: NumericAnswer) -> str:
    if answer.kind == "integer":
        text = str(int(value))
    else:
        text = f"{float(value):.6g}" if (answer.abs_tol or answer.rel_tol) else format_value(float(value))
    return f"{text} {answer.unit}" if answer.unit else text


def grade_number(answer: NumericAnswer, text: str, lang: str, value) -> Grade:
    """Grade a typed number against ``value`` with the answer's kind and tolerances.

    Never raises for any ``text``: what cannot be read is ``unparseable`` with a hint."""
    expected = format_expected(value, answer)
    given = _shown(text)
    try:
        x = parse_number(text, accept_fraction=answer.accept_fraction, unit=answer.unit)
    except (ValueError, ZeroDivisionError) as exc:
        unit = _msg(lang, f"(単位 {answer.unit} は付けても付けなくてもよい)",
                    f" (the unit {answer.unit} is optional)") if answer.unit else ""
        if str(exc) == "fraction":
            hint = _msg(lang, "この問題は分数ではなく小数で答えてください(例: 0.25)。",
                        "Answer with a decimal number such as 0.25; fractions are not accepted here.")
        elif str(exc) in ("too long", "exponent"):
            hint = _msg(lang, f"数値が長すぎるか、指数が大きすぎます({MAX_NUMBER_CHARS} 文字、"
                              f"指数 ±{MAX_EXPONENT} まで)。",
                        f"That number is too long or its exponent too large (at most "
                        f"{MAX_NUMBER_CHARS} characters, exponents within ±{MAX_EXPONENT}).")
        elif answer.kind == "integer":
            hint = _msg(lang, "整数で答えてください(例: 600。全角数字も可)。",
                        "Answer with a whole number, e.g. 600 (full-width digits are fine).")
        else:
            hint = _msg(lang, "数値で答えてください(例: 0.25、1/4、1e-3、√10。全角数字も可)。",
                        "Answer with a number, e.g. 0.25, 1/4, 1e-3 or √10 (full-width "
                        "digits are fine).")
        return Grade(UNPARSEABLE, given, hint=hint + unit)
    detail = {"value": _as_float(x)}
    if _close(x, value, answer.kind, answer.abs_tol, answer.rel_tol):
        return Grade(CORRECT, given, expected, detail=detail)
    slip = _near_number(answer, x)
    if slip is not None:
        return Grade(WRONG, given, expected, [slip.feedback.get(lang)],
                     misconceptions=(slip.misconception,) if slip.misconception else (),
                     near_miss=True, detail=detail)
    return Grade(WRONG, given, expected, detail=detail)


def _near_number(answer: NumericAnswer, x: Fraction) -> NearMiss | None:
    for slip in answer.near_misses:
        tol_kind = "integer" if answer.kind == "integer" and slip.value.denominator == 1 else "float"
        if _close(x, slip.value, tol_kind, answer.abs_tol, answer.rel_tol):
            return slip
    return None


# -- short text ----------------------------------------------------------------------------
def _grade_text(q: Question, text: str, lang: str) -> Grade:
    """Sentence punctuation at either end (``連鎖律。``, ``chain rule.``) never counts, whatever
    the question's ``normalize`` list says; inner punctuation is dropped by ``strip_punct``."""
    spec = q.text_answer
    accepted = spec.accepted_ja if lang == "ja" else spec.accepted_en
    expected = (accepted or spec.accepted_en or spec.accepted_ja or ("",))[0]
    given = _shown(text)

    def norm(value: str) -> str:
        return normalize(value, spec.normalize).strip(_SENTENCE_END)

    mine = norm(text)
    if not mine:
        return Grade(UNPARSEABLE, given, hint=_msg(lang, "語句を入力してください。",
                                                   "Type a word or a short phrase."))
    if mine in {norm(a) for a in spec.accepted_ja + spec.accepted_en}:
        return Grade(CORRECT, given, expected)
    for slip in spec.near_misses:
        if mine == norm(slip.text):
            return Grade(WRONG, given, expected, [slip.feedback.get(lang)],
                         misconceptions=(slip.misconception,) if slip.misconception else (),
                         near_miss=True)
    return Grade(WRONG, given, expected)
