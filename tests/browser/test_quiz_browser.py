"""The quiz in a real browser against ``dlbench serve``: an answer flow in Japanese and in
English (wrong, then right, with feedback and the explanation's MathML rendered), the mock
exam's clock counting down to a server-side deadline, and screenshots of every quiz page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("playwright")

from playwright.sync_api import expect  # noqa: E402

SHIPPED = Path(__file__).resolve().parents[2] / "quizzes"


@pytest.fixture(scope="module")
def bank():
    from dlbench.quiz import load_bank

    folders = [("course", SHIPPED)]
    return load_bank(folders, context=folders)


def _questions(bank, kind, pred):
    return [q for q in sorted(bank.questions.values(), key=lambda q: q.id)
            if q.type == kind and pred(q)]


def _math_everywhere(q):
    return "$" in (q.prompt.en or "") and "$" in (q.explanation.en or "")


def _rendered_math(page, selector: str) -> None:
    """MathML is laid out by the browser (a <math> box with a size), not shown as TeX."""
    math = page.locator(f"{selector} math").first
    expect(math).to_be_visible()
    box = math.bounding_box()
    assert box and box["width"] > 5 and box["height"] > 5
    assert "\\frac" not in page.locator(selector).inner_text()


def test_quiz_answer_flow_in_japanese(served, guarded_page, screenshot, bank):
    page = guarded_page
    q = _questions(bank, "numeric", lambda q: _math_everywhere(q) and q.numeric.kind == "integer"
                   and not q.numeric.near_misses)[0]
    value = int(q.numeric.value)
    page.goto(f"{served.url}/quiz?lang=ja")
    expect(page.locator("h1")).to_have_text("クイズ")
    screenshot(page, "quiz-home-ja")
    page.goto(f"{served.url}/quiz/q/{q.id}?lang=ja")
    _rendered_math(page, "#prompt")
    screenshot(page, "quiz-question-ja")
    page.fill("#answer", str(value + 1))
    page.click("#submit")
    expect(page.locator("#verdict")).to_have_text("不正解")
    expect(page.locator("#expected")).to_contain_text(str(value))
    _rendered_math(page, "#explanation")
    screenshot(page, "quiz-feedback-wrong-ja")
    page.click("#again")  # the next instance of the card
    page.fill("#answer", f"{value}")
    page.click("#submit")
    expect(page.locator("#verdict")).to_have_text("正解")
    expect(page.locator("#review")).to_contain_text("次の復習")
    screenshot(page, "quiz-feedback-correct-ja")


def test_quiz_answer_flow_in_english(served, guarded_page, screenshot, bank):
    page = guarded_page
    q = _questions(bank, "single_choice", lambda q: "$" in (q.explanation.en or "")
                   and all("$" in (c.text.en or "") for c in q.choices))[0]
    correct = {c.id for c in q.choices if c.correct}
    page.goto(f"{served.url}/quiz/q/{q.id}?lang=en")
    _rendered_math(page, ".quiz-choices")
    wrong = next(c.id for c in q.choices if c.id not in correct)
    page.check(f"input[data-choice='{wrong}']")
    page.click("#submit")
    expect(page.locator("#verdict")).to_have_text("Wrong")
    expect(page.locator("#explanation")).to_be_visible()
    _rendered_math(page, "#explanation")
    screenshot(page, "quiz-feedback-wrong-en")
    page.click("#again")
    for cid in correct:
        page.check(f"input[data-choice='{cid}']")
    page.click("#submit")
    expect(page.locator("#verdict")).to_have_text("Correct")
    screenshot(page, "quiz-feedback-correct-en")
    page.goto(f"{served.url}/quiz?lang=en")
    expect(page.locator("#summary")).to_contain_text("answered")
    screenshot(page, "quiz-home-en")


def test_unreadable_answer_and_unknown_question(served, guarded_page, guard, screenshot, bank):
    page = guarded_page
    q = _questions(bank, "numeric", lambda q: True)[-1]
    page.goto(f"{served.url}/quiz/q/{q.id}?lang=en")
    page.fill("#answer", "not a number")
    page.click("#submit")
    expect(page.locator("#verdict")).to_have_text("Cannot read the answer")
    expect(page.locator("#answer-form")).to_be_visible()
    screenshot(page, "quiz-unreadable-en")
    impl = _questions(bank, "implementation", lambda q: True)[0]
    page.goto(f"{served.url}/quiz/q/{impl.id}?lang=ja")
    expect(page.locator("#terminal")).to_contain_text(f"dlbench quiz check {impl.id}")
    screenshot(page, "quiz-implementation-ja")
    guard.allow_console(r"status of 404")  # the unknown id below, on purpose
    response = page.goto(f"{served.url}/quiz/q/no-such-question?lang=en")
    assert response.status == 404
    expect(page.locator("#error")).to_contain_text("no-such-question")
    screenshot(page, "quiz-not-found-en")


def _clock_seconds(text: str) -> int:
    m = re.fullmatch(r"(\d+):(\d\d)", text.strip())
    assert m, text
    return int(m.group(1)) * 60 + int(m.group(2))


def test_mock_exam_clock_runs_out_on_the_server(served, guarded_page, screenshot):
    page = guarded_page
    page.goto(f"{served.url}/quiz/exam?lang=ja")
    screenshot(page, "quiz-exam-start-ja")
    page.fill("input[name=n]", "3")
    page.fill("input[name=minutes]", "0.1")  # 6 seconds
    page.click("#start")
    expect(page.locator("#exam-progress")).to_contain_text("第 1 問 / 全 3 問")
    clock = page.locator("#exam-clock")
    first = _clock_seconds(clock.inner_text())
    assert 3 <= first <= 6
    screenshot(page, "quiz-exam-question-ja")
    page.wait_for_timeout(1500)
    assert _clock_seconds(clock.inner_text()) < first  # the page's clock counts down
    page.click("#skip")
    expect(page.locator("#exam-progress")).to_contain_text("第 2 問")
    # at 0 the script shows "time is up" and submits the finish form; the server scores it
    page.wait_for_url(re.compile(r"/quiz/exam/[^/]+/result$"), timeout=20_000)
    expect(page.locator("#timed-out")).to_be_visible()
    expect(page.locator("#score")).to_contain_text("3 問中 0 問正解")
    screenshot(page, "quiz-exam-result-ja")


def test_exam_answer_sent_after_the_deadline_is_not_counted(served, guarded_page, screenshot):
    """The page's clock is only a display: a form sent after the deadline is refused by
    the server even when the script is stopped from finishing the exam."""
    page = guarded_page
    page.route("**/static/quiz_exam.js", lambda r: r.fulfill(status=200, body="",
                                                             content_type="text/javascript"))
    page.goto(f"{served.url}/quiz/exam?lang=en")
    page.fill("input[name=n]", "2")
    page.fill("input[name=minutes]", "0.05")  # 3 seconds
    page.click("#start")
    expect(page.locator("#exam-progress")).to_contain_text("Question 1 of 2")
    page.wait_for_timeout(4000)
    boxes = page.locator("#answer-form input[type=radio], #answer-form input[type=checkbox]")
    if boxes.count():
        boxes.first.check()
    else:
        page.fill("#answer", "1")
    page.click("#submit")
    page.wait_for_url(re.compile(r"/result$"))
    expect(page.locator("#timed-out")).to_be_visible()
    expect(page.locator("#score")).to_contain_text("0/2 right")
    screenshot(page, "quiz-exam-result-late-en")
