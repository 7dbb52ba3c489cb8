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


# -- issue 11: answers marked wrong although right, on the shipped bank -----------------------
@pytest.fixture(scope="module")
def shipped():
    from dlbench.quiz import load_bank

    from .conftest import SHIPPED

    return load_bank([("course", SHIPPED)])


RIGHT_ANSWERS = {
    "bp-chain-text-001": ["連鎖律。", "chain rule.", "チェーン・ルール", "連鎖律", "Chain Rule"],
    "bp-backprop-text-001": ["逆伝播", "BP法", "バックプロパゲーション法", "backward propagation",
                             "誤差逆伝搬法。"],
    "vg-vanishing-num-001": ["0.001", "1/1024", "0.000977", "0.00098"],
    "act-sigmoid-num-002": ["0.016", "0.0156", "1/64", "0.015625"],
    "opt-adam-num-001": ["3.2", "√10", "√(10)", "3.16", "3.162", "0.1/√0.001"],
    "act-leaky-num-001": ["-0.03", "−0.03", "－0.03", "-3/100"],
}
STILL_WRONG = {
    "bp-chain-text-001": ["連鎖率", "chain"],
    "bp-backprop-text-001": ["勾配降下法", "forward propagation"],
    "vg-vanishing-num-001": ["0.0009", "0.002"],
    "act-sigmoid-num-002": ["0.015", "0.017", "0.02"],
    "opt-adam-num-001": ["3.1", "3.3", "√11", "1"],
    "act-leaky-num-001": ["0.03", "-0.3"],
}


@pytest.mark.parametrize("qid", sorted(RIGHT_ANSWERS))
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_right_answers_that_used_to_be_marked_wrong(shipped, qid, lang):
    q = shipped.get(qid)
    for typed in RIGHT_ANSWERS[qid]:
        assert grade(q, typed, lang).correct, (qid, typed)
    for typed in STILL_WRONG[qid]:
        assert grade(q, typed, lang).status == "wrong", (qid, typed)


@pytest.mark.parametrize("typed,truth", [("◯", True), ("○", True), ("〇", True), ("✓", True),
                                         ("✗", False), ("×", False), ("✕", False), ("ｘ", False),
                                         ("正しい。", True), ("False.", False)])
def test_true_false_marks(loaded, typed, truth):
    q = loaded.get("t-momentum-tf-005")  # answer = false
    assert grade(q, typed, "ja").status == ("wrong" if truth else "correct")


def test_square_roots_are_exact_for_perfect_squares_and_refused_when_negative():
    assert parse_number("√16") == 4 and parse_number("√0.0625") == Fraction(1, 4)
    assert parse_number("2√(1/4)") == 1
    assert abs(float(parse_number("√10")) - 10 ** 0.5) < 1e-15
    for bad in ("√-4", "√", "√()", "1/0", "--4", "1e", "٣", "1/2/3"):
        with pytest.raises(ValueError):
            parse_number(bad)
    integer = NumericAnswer(value=None, kind="integer")
    assert grade_number(integer, "√16", "en", 4).correct
    assert grade_number(integer, "√15", "en", 4).status == "wrong"


def test_an_overflowing_number_is_wrong_and_json_safe():
    g = grade_number(NumericAnswer(value=None, rel_tol=0.1), "1e400", "en", 0.25)
    assert g.status == "wrong" and g.detail == {"value": None}
    huge = grade_number(NumericAnswer(value=None), "-1e1000/3", "en", -0.03)
    assert huge.status == "wrong"


def test_an_implementation_exercise_typed_answer_gets_a_hint(shipped):
    q = next(q for q in shipped.questions.values() if q.type == "implementation")
    g = grade(q, "def f(): pass", "en")
    assert g.status == "unparseable" and "dlbench quiz check" in g.hint


# -- issue 11: content fixes ------------------------------------------------------------------
def _nesterov_runs(steps=30):
    """The trajectories setup of opt-nesterov-sc-002: f = x²/20 + y² from (−7, 2),
    η = 0.1, α = 0.9. Returns (x at step 30, lowest y) for momentum, the look-ahead formula
    v ← αv − η∇L(W + αv), W ← W + v, and PyTorch's form b ← αb + g, W ← W − η(g + αb)."""
    import numpy as np

    def grad(w):
        return np.array([w[0] / 10, 2 * w[1]])

    eta, alpha = 0.1, 0.9
    out = {}
    for form in ("momentum", "lookahead", "torch"):
        w, v, path = np.array([-7.0, 2.0]), np.zeros(2), []
        for _ in range(steps):
            if form == "momentum":
                v = alpha * v - eta * grad(w)
                w = w + v
            elif form == "lookahead":
                v = alpha * v - eta * grad(w + alpha * v)
                w = w + v
            else:
                g = grad(w)
                v = alpha * v + g  # the buffer b (b₁ = g since b₀ = 0)
                w = w - eta * (g + alpha * v)
            path.append(w.copy())
        out[form] = (round(float(w[0]), 2), round(float(min(p[1] for p in path)), 2))
    return out


def test_nesterov_questions_quote_both_conventions_as_recomputed(shipped):
    runs = _nesterov_runs()
    assert runs == {"momentum": (0.9, -1.42), "lookahead": (0.61, -0.67), "torch": (0.69, -0.83)}
    for qid in ("opt-nesterov-sc-002", "opt-nesterov-tf-001"):
        q = shipped.get(qid)
        text = {"sc": q.prompt, "tf": q.explanation}[qid.split("-")[2]]
        for lang in ("ja", "en"):
            body = getattr(text, lang)
            for number in ("0.90", "0.69", "0.61", "−1.42", "−0.83", "−0.67"):
                assert number in body, (qid, lang, number)
            assert "torch.optim.SGD(nesterov=True)" in body


def test_he_and_pooling_texts_state_the_facts(shipped):
    he = shipped.get("init-he-sc-001").explanation
    assert "n_in = n_out" in he.en and "n_in = n_out" in he.ja
    assert "E[x²]" in he.en and "not the variance" in he.en
    compare = shipped.get("init-he-sc-002").prompt
    assert "2,000 iterations" in compare.en and "2000 回" in compare.ja
    pool = shipped.get("cnn-pool-gen-001").prompt
    assert "round down" in pool.en and "ceil_mode=False" in pool.en and "切り捨て" in pool.ja


def test_every_misconception_of_the_shipped_bank_has_a_question(shipped):
    tagged = set()
    for q in shipped.questions.values():
        tagged |= {q.misconception} | {c.misconception for c in q.choices}
        answer = q.numeric or q.text_answer
        tagged |= {n.misconception for n in answer.near_misses} if answer else set()
    assert set(shipped.misconceptions) - tagged == set()
    assert shipped.get("loss-ce-tf-002").misconception == "cross-entropy-symmetric"
    assert grade(shipped.get("loss-ce-tf-002"), "✗", "en").correct
