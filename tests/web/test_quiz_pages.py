"""The quiz pages and the /api/quiz JSON API in process (TestClient): both languages, the
answer flow with MathML, the mock exam and its server-side deadline, and bad input
(unknown ids, unreadable answers, malformed bodies) answered without a 500."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("latex2mathml")

from dlbench.web import quiz_service as qs  # noqa: E402

SHIPPED = Path(__file__).resolve().parents[2] / "quizzes"


@pytest.fixture
def client(tmp_path):
    """The dashboard app with an empty results database and a fresh quiz database."""
    from fastapi.testclient import TestClient

    from dlbench.web.app import create_app
    from dlbench.web.settings import WebSettings

    app = create_app(WebSettings(db_url=f"sqlite:///{tmp_path / 'results.db'}",
                                 quiz_db_url=f"sqlite:///{tmp_path / 'quiz.db'}"))
    app.state.quiz_learner = "ann"
    with TestClient(app, base_url="http://127.0.0.1:8765", raise_server_exceptions=False) as c:
        c.app_state = app.state
        yield c


@pytest.fixture(scope="module")
def bank():
    from dlbench.quiz import load_bank

    folders = [("course", SHIPPED)]
    return load_bank(folders, context=folders)


def _first(bank, kind, pred=lambda q: True):
    return next(q for q in sorted(bank.questions.values(), key=lambda q: q.id)
                if q.type == kind and pred(q))


def _with_math(q):
    return "$" in (q.prompt.en or "") and "$" in (q.explanation.en or "")


def _text(html: str) -> str:
    return re.sub(r"<math.*?</math>", "", html, flags=re.S)


def test_quiz_home_in_both_languages(client):
    ja = client.get("/quiz?lang=ja")
    assert ja.status_code == 200 and "次の問題" in ja.text and "講座のセクション別の習熟度" in ja.text
    en = client.get("/quiz?lang=en")
    assert en.status_code == 200 and "Next questions" in en.text and 'href="/quiz/exam"' in en.text
    assert en.text.count('href="/quiz/q/') >= 10


@pytest.mark.parametrize("lang, wrong_word, right_word", [("ja", "不正解", "正解"),
                                                         ("en", "Wrong", "Correct")])
def test_numeric_answer_flow_with_mathml(client, bank, lang, wrong_word, right_word):
    q = _first(bank, "numeric", lambda q: _with_math(q) and q.numeric.kind == "integer"
               and not q.numeric.near_misses)
    page = client.get(f"/quiz/q/{q.id}?lang={lang}")
    assert page.status_code == 200 and "<math" in page.text
    assert "$" not in _text(page.text.split('id="prompt"')[1].split("</div>")[0])
    assert 'name="seen" value="0"' in page.text
    value = int(q.numeric.value)
    wrong = client.post(f"/quiz/q/{q.id}?lang={lang}", data={"answer": str(value + 1), "seen": "0"})
    assert wrong.status_code == 200 and f">{wrong_word}<" in wrong.text
    assert 'id="expected"' in wrong.text and str(value) in wrong.text
    explanation = wrong.text.split('id="explanation"')[1]
    assert "<math" in explanation
    assert "Again" in wrong.text
    right = client.post(f"/quiz/q/{q.id}?lang={lang}", data={"answer": str(value), "seen": "0"})
    assert right.status_code == 200 and f">{right_word}<" in right.text
    assert 'id="review"' in right.text and "Again" not in right.text  # graded, not reviewed twice


def test_single_choice_radios_post_display_numbers(client, bank):
    q = _first(bank, "single_choice")
    page = client.get(f"/quiz/q/{q.id}?lang=en")
    radios = re.findall(r'type="radio" name="answer" value="(\d+)" data-choice="([^"]+)"', page.text)
    assert len(radios) == len(q.choices)
    correct = {c.id for c in q.choices if c.correct}
    number = next(n for n, cid in radios if cid in correct)
    out = client.post(f"/quiz/q/{q.id}", data={"answer": number, "seen": "0"})
    assert ">Correct<" in out.text


def test_multiple_choice_checkboxes(client, bank):
    q = _first(bank, "multiple_choice")
    page = client.get(f"/quiz/q/{q.id}?lang=ja")
    boxes = re.findall(r'type="checkbox" name="choice" value="(\d+)" data-choice="([^"]+)"', page.text)
    correct = {c.id for c in q.choices if c.correct}
    picked = [n for n, cid in boxes if cid in correct]
    out = client.post(f"/quiz/q/{q.id}?lang=ja", data={"choice": picked, "seen": "0"})
    assert ">正解<" in out.text


def test_unreadable_answers_keep_the_form(client, bank):
    q = _first(bank, "numeric")
    for answer in ("abc", "", "x" * 20_000, "<script>alert(1)</script>"):
        out = client.post(f"/quiz/q/{q.id}?lang=en", data={"answer": answer, "seen": "zz"})
        assert out.status_code == 200
        assert ">Cannot read the answer<" in out.text and 'id="answer-form"' in out.text
        assert "<script>alert" not in out.text


def test_bad_bodies_and_unknown_ids_never_500(client):
    q = "act-elu-num-001"
    assert client.post(f"/quiz/q/{q}", content=b"\xff\xfe%%%",
                       headers={"content-type": "application/x-www-form-urlencoded"}).status_code == 200
    assert client.post(f"/quiz/q/{q}", content=b'{"answer": 1}',
                       headers={"content-type": "application/json"}).status_code == 200
    assert client.post(f"/quiz/q/{q}", content=b"a=" + b"9" * 400_000,
                       headers={"content-type": "application/x-www-form-urlencoded"}).status_code == 200
    for path in ("/quiz/q/no-such-question", "/quiz/q/%3Cscript%3Ex", "/quiz/exam/not-a-token",
                 "/quiz/exam/AAAAAAAAAAAAAAAAAAAAAA", "/quiz/exam/AAAAAAAAAAAAAAAAAAAAAA/result"):
        page = client.get(path + "?lang=en")
        assert page.status_code == 404, path
        assert 'id="error"' in page.text
    assert client.post("/quiz/q/no-such-question", data={"answer": "1"}).status_code == 404
    assert client.post("/quiz/exam/AAAAAAAAAAAAAAAAAAAAAA/answer", data={"pos": "1"}).status_code == 404
    assert client.post("/quiz/exam/AAAAAAAAAAAAAAAAAAAAAA/finish").status_code == 404


def test_implementation_exercises_point_to_the_terminal(client, bank):
    q = _first(bank, "implementation")
    page = client.get(f"/quiz/q/{q.id}?lang=en")
    assert page.status_code == 200 and f"dlbench quiz check {q.id}" in page.text
    assert 'id="answer-form"' not in page.text
    out = client.post(f"/quiz/q/{q.id}?lang=ja", data={"answer": "import os"})
    assert out.status_code == 200 and "ターミナル" in out.text


def _start_exam(client, n=3, minutes=1):
    start = client.post("/quiz/exam?lang=en", data={"n": str(n), "minutes": str(minutes),
                                                     "seed": "5"}, follow_redirects=False)
    assert start.status_code == 303
    return start.headers["location"]


def test_mock_exam_flow(client):
    assert "exam-start" in client.get("/quiz/exam?lang=en").text
    url = _start_exam(client)
    page = client.get(url)
    assert page.status_code == 200
    clock = re.search(r'id="exam-clock"[^>]*data-remaining="([\d.]+)"', page.text)
    assert clock and 55 < float(clock.group(1)) <= 60
    assert '<script src="/static/quiz_exam.js"' in page.text
    after = client.post(url + "/answer", data={"pos": "1", "answer": "1"}, follow_redirects=False)
    assert after.status_code == 303 and after.headers["location"].endswith("?pos=2")
    unread = client.post(url + "/answer", data={"pos": "2", "answer": "zzz"},
                         follow_redirects=False)
    assert unread.headers["location"].endswith("?pos=2&hint=1")
    assert 'id="hint"' in client.get(unread.headers["location"]).text
    done = client.post(url + "/finish")
    assert done.status_code == 200 and 'id="score"' in done.text and "/3 right" in done.text
    exams = client.get("/api/quiz/stats").json()["exams"]
    assert len(exams) == 1 and exams[0]["n"] == 3
    assert client.get(url, follow_redirects=False).status_code == 303  # finished: the result


class FakeClock:
    now = 100.0

    def __call__(self):
        return self.now


def test_exam_answer_after_the_deadline_is_not_counted(client):
    clock = FakeClock()
    client.app_state.quiz_exams = qs.ExamBook(clock=clock)
    url = _start_exam(client, n=2, minutes=1)
    clock.now += 61
    late = client.post(url + "/answer", data={"pos": "1", "answer": "1"}, follow_redirects=False)
    assert late.headers["location"].endswith("/result")
    result = client.get(late.headers["location"])
    assert 'id="timed-out"' in result.text and "0/2 right" in result.text


def test_api_question_and_answer(client, bank):
    q = _first(bank, "numeric", lambda q: q.numeric.kind == "integer"
               and not q.numeric.near_misses)
    got = client.get(f"/api/quiz/questions/{q.id}?lang=ja")
    assert got.status_code == 200 and got.json()["lang"] == "ja" and got.json()["seen"] == 0
    ok = client.post(f"/api/quiz/questions/{q.id}/answer",
                     json={"answer": str(int(q.numeric.value)), "seen": 0})
    assert ok.status_code == 200 and ok.json()["status"] == "correct" and ok.json()["recorded"]
    unread = client.post(f"/api/quiz/questions/{q.id}/answer", json={"answer": "???"})
    assert unread.status_code == 200 and unread.json()["status"] == "unparseable"
    for body in ({"answer": 5}, {}, {"answer": "1", "seen": -1}, {"answer": "x" * 10_001},
                 {"answer": "1", "seen": True}, {"answer": "1", "seen": "0"},
                 {"answer": "1", "retried": "yes"}):
        assert client.post(f"/api/quiz/questions/{q.id}/answer", json=body).status_code == 422
    assert client.get("/api/quiz/questions/nope").status_code == 404
    assert client.post("/api/quiz/questions/nope/answer", json={"answer": "1"}).status_code == 404
    listed = client.get("/api/quiz/questions?n=5").json()
    assert len(listed) == 5 and listed[0]["id"] == q.id or listed[0]["is_due"] is False


def test_api_exam(client):
    clock = FakeClock()
    client.app_state.quiz_exams = qs.ExamBook(clock=clock)
    exam = client.post("/api/quiz/exams", json={"n": 2, "minutes": 1, "seed": 3}).json()
    token = exam["token"]
    assert len(exam["questions"]) == 2 and exam["remaining"] == 60
    answered = client.post(f"/api/quiz/exams/{token}/answers", json={"position": 1, "answer": "1"})
    assert answered.json()["status"] in ("counted", "unparseable")
    clock.now += 100
    late = client.post(f"/api/quiz/exams/{token}/answers", json={"position": 2, "answer": "1"})
    assert late.json()["status"] == "late"
    result = client.post(f"/api/quiz/exams/{token}/finish").json()
    assert result["n"] == 2 and result["timed_out"]
    assert client.get("/api/quiz/exams/nope-nope-nope").status_code == 404
    assert client.post("/api/quiz/exams", json={"n": 0}).status_code == 422
    assert client.post("/api/quiz/exams", json={"minutes": 1e9}).status_code == 422
    assert client.post("/api/quiz/exams", json={"seed": False}).status_code == 422
    assert client.post("/api/quiz/exams", content=b"{not json",
                       headers={"content-type": "application/json"}).status_code in (400, 422)
    # a JSON text sent as text/plain: pydantic reports the raw bytes, which must not 500
    plain = client.post("/api/quiz/exams", content=b'{"n": 1}',
                        headers={"content-type": "text/plain", "accept": "application/json"})
    assert plain.status_code == 422 and plain.json()["errors"][0]["input"] == '{"n": 1}'
    assert client.post("/api/quiz/exams", content=b"\xff\xfe",
                       headers={"content-type": "text/plain"}).status_code == 422


def test_openapi_lists_the_quiz_api_not_the_pages(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/quiz/questions/{qid}/answer" in paths and "/api/quiz/exams" in paths
    assert not any(p.startswith("/quiz") for p in paths)


def test_quiz_forms_accept_same_origin_posts_and_refuse_others(client, bank):
    q = _first(bank, "numeric")
    own = client.post(f"/quiz/q/{q.id}?lang=en", data={"answer": "1", "seen": "0"},
                      headers={"origin": "http://127.0.0.1:8765", "sec-fetch-site": "same-origin"})
    assert own.status_code == 200 and 'id="verdict"' in own.text
    # what Chromium really sends for the page's own form under "Referrer-Policy: no-referrer"
    opaque_own = client.post(f"/quiz/q/{q.id}?lang=en", data={"answer": "1", "seen": "0"},
                             headers={"origin": "null", "sec-fetch-site": "same-origin"})
    assert opaque_own.status_code == 200
    for headers in ({"origin": "http://evil.example"}, {"sec-fetch-site": "cross-site"},
                    {"origin": "null", "sec-fetch-site": "cross-site"}, {"origin": "null"}):
        other = client.post(f"/quiz/q/{q.id}", data={"answer": "1"}, headers=headers)
        assert other.status_code == 403
        other = client.post("/quiz/exam", data={"n": "1"}, headers=headers,
                            follow_redirects=False)
        assert other.status_code == 403
    assert client.get("/api/quiz/stats").json()["answered"] == 1  # only the own answer
