"""Grading never raises and stays fast, whatever a learner (or an attacker) types.

A hypothesis property test feeds at least 10,000 generated answers (any Unicode including
lone surrogates, number-like strings with huge exponents and roots, kilobyte- to
megabyte-long strings, known right answers) to the grader of every question type of the
shipped bank: single and multiple choice, true/false, numeric (float and integer),
short_text, generated (graded against its drawn value, through the session as the CLI
does) and an implementation exercise's non-file path.

Timing: the documented budget is 50 ms per answer. On a machine shared with other test
runs a single grading can be descheduled, so the test asserts the budget on the 95th
percentile (< 50 ms) and only a generous ceiling on the maximum (< 500 ms); the median
is reported in the assertion message.
"""

from __future__ import annotations

import json
import statistics
import time
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlbench.quiz.grading import (CORRECT, MAX_EXPONENT, UNPARSEABLE, WRONG, grade,
                                  parse_number)
from dlbench.quiz.session import Session

from .conftest import SHIPPED

STATUSES = {CORRECT, WRONG, UNPARSEABLE}
ANSWERS_PER_EXAMPLE = 25
EXAMPLES = 420  # 420 × 25 = 10,500 generated answers, each graded by every question below
BUDGET_S, CEILING_S = 0.050, 0.500

_NUMBER_PIECES = ["", "-", "+", "−", "－", ".", "．", "e", "E", "e-", "e+", "/", "√", "(", ")",
                  ",", " ", "　", "e400", "e99999999", "e-99999999", "1e400", "０", "１", "٣",
                  "፩", "Ⅻ", "½", "⁵", "inf", "nan", "0x1f", "_", "%", "px", "9" * 120,
                  "1" + "0" * 5000]
_KNOWN = ["1", "2", "3", "4", "5", "a", "b", "a,c", "1,3", "13", "true", "false", "◯", "✗", "○",
          "×", "正", "誤", "0.25", "1/4", "-0.03", "−0.03", "√10", "3.2", "0.001", "連鎖律。",
          "chain rule.", "チェーン・ルール", "誤差逆伝播法", "backward propagation", "600"]

numberish = st.lists(st.one_of(st.text("0123456789", max_size=12), st.sampled_from(_NUMBER_PIECES)),
                     max_size=10).map("".join)
any_unicode = st.text(st.characters(codec=None, exclude_categories=()), max_size=40)
long_strings = st.builds(lambda s, n: s * n, st.text(max_size=6), st.integers(0, 300_000))
answers = st.one_of(st.text(), any_unicode, numberish, long_strings, st.sampled_from(_KNOWN))


@pytest.fixture(scope="module")
def graders():
    """One ``answer -> Grade`` per question type, from the shipped bank."""
    from dlbench.quiz import load_bank

    bank = load_bank([("course", SHIPPED)])
    by_type: dict[str, list] = {}
    for q in sorted(bank.questions.values(), key=lambda q: q.id):
        by_type.setdefault(q.type, []).append(q)
    session = Session(bank, None, "fuzz", "ja")
    out = {}
    for qtype, questions in sorted(by_type.items()):
        if qtype == "generated":
            shown = session.present(questions[0])
            out[qtype] = lambda a, shown=shown: session.grade(shown, a)
            out["generated-direct"] = lambda a, q=questions[0], v=shown.drawn.answer: \
                grade(q, a, "en", value=v)
        elif qtype == "numeric":
            for kind in ("integer", "float"):
                q = next(q for q in questions if q.numeric.kind == kind)
                out[f"numeric-{kind}"] = lambda a, q=q: grade(q, a, "en")
        else:
            out[qtype] = lambda a, q=questions[0]: grade(q, a, "en")
    assert {"single_choice", "multiple_choice", "true_false", "numeric-integer",
            "numeric-float", "short_text", "generated", "implementation"} <= set(out)
    return out


@pytest.mark.slow
def test_every_answer_is_graded_without_exception_within_budget(graders):
    times: list[float] = []
    statuses: dict[str, set] = {name: set() for name in graders}
    generated = 0

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.lists(answers, min_size=ANSWERS_PER_EXAMPLE, max_size=ANSWERS_PER_EXAMPLE))
    def property_(batch):
        nonlocal generated
        generated += len(batch)
        for answer in batch:
            for name, grader in graders.items():
                start = time.perf_counter()
                g = grader(answer)
                times.append(time.perf_counter() - start)
                assert g.status in STATUSES, (name, answer[:80])
                statuses[name].add(g.status)
                # what `quiz answer --json` prints and the progress store keeps
                json.dumps(g.as_dict(), ensure_ascii=False, allow_nan=False).encode("utf-8")

    property_()
    assert generated >= 10_000
    times.sort()
    p95, median, worst = times[int(0.95 * len(times))], statistics.median(times), times[-1]
    assert p95 < BUDGET_S and worst < CEILING_S, (
        f"{len(times)} gradings: median {median * 1e3:.3f} ms, p95 {p95 * 1e3:.3f} ms, "
        f"max {worst * 1e3:.1f} ms")
    # the known right answers make sure the property is not vacuous: all three outcomes occur
    assert all(statuses[name] >= {WRONG, UNPARSEABLE} for name in graders
               if name != "implementation"), statuses


@settings(max_examples=300, deadline=None, database=None)
@given(st.one_of(numberish, st.text(max_size=30), any_unicode))
def test_the_number_parser_returns_a_rational_or_raises_value_error_only(text):
    try:
        value = parse_number(text)
    except ValueError:
        return
    assert isinstance(value, Fraction)


@settings(max_examples=300, deadline=None, database=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_float_as_python_prints_it_reads_back_exactly(x):
    assert parse_number(repr(x)) == Fraction(repr(x))


@settings(max_examples=200, deadline=None, database=None)
@given(st.integers(-MAX_EXPONENT, MAX_EXPONENT), st.integers(0, 10**30), st.booleans())
def test_exponents_within_the_cap_are_exact(exponent, mantissa, negative):
    text = f"{'-' if negative else ''}{mantissa}e{exponent}"
    assert parse_number(text) == Fraction(text)


@pytest.mark.parametrize("text", ["1e99999999", "1e-99999999", f"1e{MAX_EXPONENT + 1}",
                                  "9" * 101, "1" * 2_000_000])
def test_huge_numbers_are_refused_before_any_arithmetic(text):
    start = time.perf_counter()
    with pytest.raises(ValueError, match="exponent|too long"):
        parse_number(text)
    assert time.perf_counter() - start < CEILING_S
