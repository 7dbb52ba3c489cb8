"""`dlbench quiz exam`: seeded draws by section weight, a clock, no feedback until the end,
a score per section with the pass line, stored and listed by `quiz stats`; no FSRS review."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from dlbench.quiz.exam import (EXAM_TYPES, draw_exam, exam_seed, exam_settings, new_sheet,
                               quotas)
from dlbench.storage.quiz_store import QuizStore

from .conftest import SHIPPED


@pytest.fixture(scope="module")
def shipped():
    from dlbench.quiz import load_bank

    return load_bank([("course", SHIPPED)])


@pytest.fixture(scope="module")
def settings():
    return exam_settings([("course", SHIPPED)])


def _answer(bank, question, seed, lang, right=True) -> str:
    """What a learner types to answer ``question`` as exam ``seed`` shows it."""
    from dlbench.quiz.session import Session

    shown = Session(bank, None, "ann", lang).present_seeded(question, exam_seed(seed, question.id))
    q = shown.question
    if q.choices:
        by_id = {c.id: c for c in q.choices}
        good = [str(i) for i, cid in enumerate(shown.order, 1) if by_id[cid].correct]
        bad = [str(i) for i, cid in enumerate(shown.order, 1) if not by_id[cid].correct]
        return ",".join(good) if right else bad[0]
    if q.type == "true_false":
        return str(q.truth if right else not q.truth).lower()
    value = shown.drawn.answer if shown.drawn else q.numeric.value
    return repr(value) if right else "123456789"


def test_the_settings_state_weights_for_every_section(shipped, settings):
    assert set(settings.weights) == set(shipped.sections)
    assert settings.pass_line == 0.70 and settings.minutes == 60 and settings.questions == 40


def test_quotas_follow_the_weights_and_the_supply():
    w = {"a": 1, "b": 1, "c": 2}
    assert quotas(w, {"a": 9, "b": 9, "c": 9}, 8) == {"a": 2, "b": 2, "c": 4}
    assert quotas(w, {"a": 1, "b": 9, "c": 9}, 8) == {"a": 1, "b": 2, "c": 5}
    assert quotas(w, {"a": 1, "b": 1}, 8) == {"a": 1, "b": 1}  # fewer than asked exist
    assert sum(quotas(w, {"a": 9, "b": 9, "c": 9}, 7).values()) == 7


def test_the_same_seed_draws_the_same_exam(shipped, settings):
    first = [q.id for q in draw_exam(shipped, settings, 40, seed=1)]
    assert first == [q.id for q in draw_exam(shipped, settings, 40, seed=1)]
    assert first != [q.id for q in draw_exam(shipped, settings, 40, seed=2)]
    assert len(set(first)) == 40


def test_an_exam_is_drawn_in_the_stated_proportions_and_scope(shipped, settings):
    drawn = draw_exam(shipped, settings, 40, seed=7)
    per_section = Counter(shipped.section_of(q) for q in drawn)
    supply = Counter(shipped.section_of(q) for q in shipped.questions.values())
    assert per_section == quotas(settings.weights, supply, 40)
    assert per_section["day1.s2"] > per_section["day1.s1"]  # weight 16 vs 8
    for q in drawn:
        assert q.type in EXAM_TYPES and q.exam_scope is not False
        assert all(shipped.topics[t].exam_scope is not False for t in q.topics)


def _exam(invoke, progress, lang, seed=1, n=10, minutes=None, input=""):
    extra = ["--minutes", minutes] if minutes is not None else []
    return invoke("quiz", "exam", "-n", n, "--seed", seed, "--lang", lang, "--learner", "ann",
                  "--progress-db", progress, *extra, input=input)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_an_exam_driven_to_the_end_is_scored_stored_and_listed(invoke, shipped, settings,
                                                                progress, lang):
    drawn = draw_exam(shipped, settings, 10, seed=1)
    typed = [_answer(shipped, q, 1, lang) for q in drawn]
    typed[3] = "s"                                                 # skipped: unanswered
    typed[6] = _answer(shipped, drawn[6], 1, lang, right=False)    # wrong
    result = _exam(invoke, progress, lang, input="\n".join(typed) + "\n")
    out = result.output
    assert result.exit_code == 0, out
    before_result = out[:out.index("結果:" if lang == "ja" else "Result:")]
    assert "✓" not in before_result and "✗" not in before_result  # no feedback until the end
    assert re.search(r"\[1/10\] (残り )?59:5\d( left)?", out)      # the clock
    if lang == "en":
        assert "Result: 8/10 right (80%)." in out and "Pass line 70% (an estimate" in out
        assert ": PASS" in out and "1 not answered (scored as wrong)." in out
        assert "Missed (2):" in out and "your answer: (not answered)" in out
    else:
        assert "結果: 10 問中 8 問正解 (80%)。" in out and "合格ライン 70%(推定値" in out
        assert ": 合格" in out and "未回答 1 問" in out and "(未回答)" in out
    sections = Counter(shipped.section_of(q) for q in drawn)
    for sid, total in sections.items():
        right = total - sum(shipped.section_of(drawn[i]) == sid for i in (3, 6))
        assert re.search(rf"  {re.escape(sid)}  {right}/{total} ", out), (sid, out)
    # the missed items are listed, with their explanation
    assert f"[7] {drawn[6].id}" in out and f"[4] {drawn[3].id}" in out
    from dlbench.quiz.session import Session

    explanation = Session(shipped, None, "ann", lang).present_seeded(
        drawn[6], exam_seed(1, drawn[6].id)).explanation.splitlines()[0]
    assert explanation in out[out.index(f"[7] {drawn[6].id}"):]

    store = QuizStore(progress)
    [exam] = store.exams("ann")
    assert (exam["seed"], exam["n"], exam["correct"], exam["passed"]) == (1, 10, 8, True)
    assert sum(r["total"] for r in exam["sections"].values()) == 10
    answers = store.exam_answers(exam["id"])
    assert [a["question_id"] for a in answers] == [q.id for q in drawn]
    assert [a["status"] for a in answers].count("unanswered") == 1
    assert answers[6]["status"] == "wrong" and answers[6]["given"] == typed[6]
    assert store.cards("ann") == {}  # exam answers do not review FSRS cards

    stats = invoke("quiz", "stats", "--learner", "ann", "--progress-db", progress, "--lang", lang)
    assert ("模擬試験の履歴:" if lang == "ja" else "Mock exams:") in stats.output
    assert re.search(r"#1 .* 8/10 +80% +(pass|合格)", stats.output), stats.output
    as_json = invoke("quiz", "stats", "--learner", "ann", "--progress-db", progress, "--json")
    assert as_json.json()["exams"][0]["score"] == 0.8


def test_the_same_seed_asks_the_same_questions_from_the_cli(invoke, progress):
    first = _exam(invoke, progress, "en", seed=5, n=5, input="q\n")
    second = _exam(invoke, progress, "en", seed=5, n=5, input="q\n")
    other = _exam(invoke, progress, "en", seed=6, n=5, input="q\n")
    store = QuizStore(progress)
    ids = [[a["question_id"] for a in store.exam_answers(e["id"])] for e in store.exams("ann")]
    assert ids[0] == ids[1] != ids[2]
    prompt = first.output.split("\n[1/5]")[1].split("\n")[1]
    assert prompt in second.output and prompt not in other.output


def test_past_the_time_limit_the_rest_is_unanswered(invoke, progress):
    result = _exam(invoke, progress, "en", n=5, minutes="1e-9", input="1\n1\n")
    assert result.exit_code == 0, result.output
    assert "Time is up." in result.output and "5 not answered" in result.output
    [exam] = QuizStore(progress).exams("ann")
    assert exam["timed_out"] and exam["correct"] == 0


def test_an_answer_typed_after_the_deadline_does_not_count(shipped, settings):
    from dlbench.quiz.grading import Grade

    now = [0.0]
    sheet = new_sheet(shipped, settings, learner="ann", lang="en", n=3, seed=1, minutes=1,
                      clock=lambda: now[0])
    right = Grade("correct", "x")
    sheet.answer(sheet.answers[0], "x", right)
    now[0] = 61.0  # the learner took a minute over the second question
    sheet.answer(sheet.answers[1], "x", right)
    result = sheet.result()
    assert [a.status for a in result.answers] == ["correct", "unanswered", "unanswered"]
    assert result.timed_out and result.right == 1 and not result.passed
