"""Grading rules: numbers (NFKC, fractions, tolerances, exact integers), text variants,
choices, true/false, near misses, and unreadable answers that get a hint, not a mark."""

from __future__ import annotations

from fractions import Fraction

import pytest

from dlbench.quiz.grading import grade, grade_number, parse_number
from dlbench.quiz.model import NumericAnswer


def test_a_wrong_number_is_wrong(loaded):
    g = grade(loaded.get("t-sigmoid-numeric-001"), "0.3", "en")
    assert g.status == "wrong" and g.expected == "0.25" and not g.misconceptions


@pytest.mark.parametrize("typed", ["0.25", "１/４", "０．２５", "1/4", " 2.5e-1 ", "25/100"])
def test_right_numbers_in_any_width_and_form(loaded, typed):
    assert grade(loaded.get("t-sigmoid-numeric-001"), typed, "ja").correct


def test_full_width_integer_with_thousands_separator(loaded):
    q = loaded.get("t-epoch-numeric-002")
    assert grade(q, "６００", "ja").correct
    assert grade(q, "600.0", "en").correct  # the same exact rational
    assert grade(q, "600.5", "en").status == "wrong"  # integers are exact
    assert parse_number("２５，０８９，０００") == 25089000


def test_known_slip_gets_targeted_feedback_and_its_misconception(loaded):
    g = grade(loaded.get("t-sigmoid-numeric-001"), "0.5", "ja")
    assert g.status == "wrong" and g.near_miss
    assert g.misconceptions == ("sigmoid-deriv-max-half",)
    assert "σ(0)" in g.feedback[0]


@pytest.mark.parametrize("typed", ["abc", "", "1/0", "0.25.1", "nan", "inf"])
def test_unreadable_number_gets_a_hint_not_a_mark(loaded, typed):
    g = grade(loaded.get("t-sigmoid-numeric-001"), typed, "en")
    assert g.status == "unparseable" and not g.graded
    assert "number" in g.hint and "1/4" in g.hint


def test_integer_hint_and_japanese_hint(loaded):
    g = grade(loaded.get("t-epoch-numeric-002"), "六百", "ja")
    assert g.status == "unparseable" and "整数" in g.hint


def test_tolerance_is_abs_plus_rel_times_value():
    a = NumericAnswer(value=None, abs_tol=0.01, rel_tol=0.1)
    # |x − 2| ≤ 0.01 + 0.1·2 = 0.21
    assert grade_number(a, "2.2", "en", 2.0).correct
    assert grade_number(a, "2.22", "en", 2.0).status == "wrong"
    exact = NumericAnswer(value=None)
    assert grade_number(exact, "0.1", "en", 0.1).correct  # typed decimal == stored float


def test_fractions_can_be_refused_with_a_hint():
    a = NumericAnswer(value=None, accept_fraction=False)
    g = grade_number(a, "1/4", "en", 0.25)
    assert g.status == "unparseable" and "fractions are not accepted" in g.hint


def test_unit_is_optional():
    a = NumericAnswer(value=None, kind="integer", unit="px")
    assert grade_number(a, "55 px", "en", 55).correct and grade_number(a, "55", "en", 55).correct


def test_accepted_variants_in_both_languages_after_nfkc(loaded):
    q = loaded.get("t-backprop-text-004")
    for typed in ("誤差逆伝播法", "誤差逆伝搬法", "ＢａｃｋＰｒｏｐａｇａｔｉｏｎ", " backprop "):
        assert grade(q, typed, "ja").correct, typed
    assert grade(q, "誤差伝播法", "en").status == "wrong"


def test_text_is_never_folded_to_ascii(loaded):
    q = loaded.get("t-chain-text-003")
    assert grade(q, "chain rulé", "en").status == "wrong"


def test_text_near_miss(loaded):
    g = grade(loaded.get("t-chain-text-003"), "連鎖率", "ja")
    assert g.status == "wrong" and g.near_miss and g.misconceptions == ("chain-rule-kanji-ritsu",)


def test_empty_text_is_unparseable(loaded):
    assert grade(loaded.get("t-chain-text-003"), "   ", "en").status == "unparseable"


@pytest.mark.parametrize("typed,status", [("誤", "correct"), ("false", "correct"), ("×", "correct"),
                                          ("いいえ", "correct"), ("T", "wrong"), ("○", "wrong"),
                                          ("maybe", "unparseable")])
def test_true_false_words(loaded, typed, status):
    g = grade(loaded.get("t-momentum-tf-005"), typed, "ja")
    assert g.status == status
    if status == "wrong":
        assert g.misconceptions == ("momentum-global-minimum",)


def test_choices_by_displayed_number_or_id(loaded):
    q = loaded.get("t-pool-choice-006")
    assert grade(q, "1", "en").correct and grade(q, "a", "en").correct
    assert grade(q, "１", "en").correct  # full-width digit
    wrong = grade(q, "2", "en")
    assert wrong.misconceptions == ("pooling-has-weights",) and "no weights" in wrong.feedback[0]
    assert grade(q, "b", "en", order=["b", "a"]).status == "wrong"
    assert grade(q, "2", "en", order=["b", "a"]).correct  # numbers follow the display order


@pytest.mark.parametrize("typed", ["3", "1,2", "x", ""])
def test_single_choice_unreadable_gets_the_range(loaded, typed):
    g = grade(loaded.get("t-pool-choice-006"), typed, "en")
    assert g.status == "unparseable" and "1–2" in g.hint


def test_multiple_choice_needs_exactly_the_correct_set():
    from dlbench.quiz import load_bank
    from tests.quiz.conftest import SHIPPED

    q = load_bank([("course", SHIPPED)]).get("bn-mc-001")  # a and c are correct
    assert grade(q, "a,c", "en").correct and grade(q, "c a", "en").correct
    assert grade(q, "13", "en", order=["a", "b", "c", "d", "e"]).correct
    missed = grade(q, "a", "en")
    assert missed.status == "wrong" and "missed" in missed.feedback[-1]
    extra = grade(q, "a,b,c", "en")
    assert extra.status == "wrong" and extra.misconceptions == ("bn-gamma-hyperparam",)


def test_parse_number_is_exact():
    assert parse_number("１/３") == Fraction(1, 3)
    assert parse_number("\u22120.5") == Fraction(-1, 2)  # U+2212 MINUS SIGN
