"""The quiz in the browser: ``/quiz`` pages and the ``/api/quiz`` JSON API.

Pages (server-rendered, every form POSTs to the same origin):

- ``/quiz``: the cards that are due and the next new questions, mastery per section, links;
- ``/quiz/q/{qid}``: one question in the page's language; POST the answer → feedback
  (right/wrong, the expected answer, the explanation with its math as MathML);
- ``/quiz/exam``: start a mock exam; ``/quiz/exam/{token}``: its questions with a clock
  (``static/quiz_exam.js`` counts down; the server enforces the deadline);
  ``/quiz/exam/{token}/result``: the score per section and the missed questions.

The decisions are :mod:`dlbench.web.quiz_service`'s; this module only maps HTTP to it
(the JSON API is :mod:`dlbench.web.quiz_api`, included in :data:`router`).
The learner is the login name of the user running ``dlbench serve`` (as ``dlbench quiz``),
so the terminal and the browser share one progress database. Bad input never gives a 500:
an unknown question or exam is a 404 page / JSON error, an unreadable answer is a 200 page
that says so (the JSON API also returns 422 for a body that does not match its model).
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from . import quiz_service as qs
from .deps import quiz_store
from .quiz_api import router as api_router
from .quiz_state import bank, exams, int_or_none, learner, page_lang, running
from .render import render

router = APIRouter()
router.include_router(api_router)

MAX_FORM_ANSWER = 10_000
MAX_FORM_BYTES = 256 * 1024


def _not_found(request: Request, message_key: str, **fmt):
    return render(request, "quiz/not_found.html", status_code=404, message_key=message_key,
                  fmt=fmt)


async def _form(request: Request) -> dict[str, list[str]]:
    """The posted form (``application/x-www-form-urlencoded``, what the pages' forms send)
    as lists of strings. Parsed here with the standard library, so the quiz needs no
    multipart parser; never raises: a broken or oversized body is an empty form."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        return {}
    try:
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_FORM_BYTES:
                return {}
        pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True,
                          max_num_fields=200)
    except Exception:  # noqa: BLE001 - a malformed body is the learner's, not a 500
        return {}
    out: dict[str, list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value[:MAX_FORM_ANSWER + 1])
    return out


def _answer_from_form(form: dict[str, list[str]]) -> str:
    """The typed answer, or the picked choices joined by commas (checkboxes)."""
    picked = [v for v in form.get("choice", []) if v.strip()]
    if picked:
        return ",".join(picked)
    return (form.get("answer") or [""])[0]


# -- pages ---------------------------------------------------------------------------------------
@router.get("/quiz", include_in_schema=False)
def quiz_home(request: Request, store=Depends(quiz_store)):
    b, who = bank(request), learner(request)
    listed = qs.next_questions(b, store, who, n=20)
    stats = qs.stats(b, store, who)
    return render(request, "quiz/index.html", listed=listed, stats=stats, learner=who,
                  questions=len(b.questions), sections=b.sections)


@router.get("/quiz/q/{qid}", include_in_schema=False)
def question_page(request: Request, qid: str, store=Depends(quiz_store)):
    b, lang = bank(request), page_lang(request)
    try:
        view = qs.view(b, store, learner(request), qid, lang,
                       seen=int_or_none(request.query_params.get("seen")))
    except qs.UnknownQuestion:
        return _not_found(request, "quiz.error.unknown_question", qid=qid[:100])
    return render(request, "quiz/question.html", q=view, outcome=None, given="")


@router.post("/quiz/q/{qid}", include_in_schema=False)
async def answer_page(request: Request, qid: str, store=Depends(quiz_store)):
    b, lang, who = bank(request), page_lang(request), learner(request)
    form = await _form(request)
    given = _answer_from_form(form)
    seen = int_or_none((form.get("seen") or [None])[0])
    retried = (form.get("retried") or [""])[0] == "1"
    try:
        outcome = qs.answer(b, store, who, qid, lang, given, seen=seen, retried=retried)
        view = qs.view(b, store, who, qid, lang, seen=outcome.seen)
    except qs.UnknownQuestion:
        return _not_found(request, "quiz.error.unknown_question", qid=qid[:100])
    return render(request, "quiz/question.html", q=view, outcome=outcome, given=given)


@router.get("/quiz/exam", include_in_schema=False)
def exam_start_page(request: Request, store=Depends(quiz_store)):
    from ..quiz.exam import exam_settings

    settings = exam_settings(bank(request).folders)
    return render(request, "quiz/exam_start.html", settings=settings,
                  past=list(reversed(store.exams(learner(request))))[:10])


@router.post("/quiz/exam", include_in_schema=False)
async def exam_start(request: Request):
    form = await _form(request)
    first = {k: (v or [None])[0] for k, v in form.items()}
    exam = exams(request).start(bank(request), learner=learner(request), lang=page_lang(request),
                                n=int_or_none(first.get("n")),
                                minutes=first.get("minutes") or None,
                                seed=int_or_none(first.get("seed")))
    return RedirectResponse(f"/quiz/exam/{exam.token}", status_code=303)


@router.get("/quiz/exam/{token}", include_in_schema=False)
def exam_page(request: Request, token: str):
    exam = running(request, token)
    if exam is None:
        return _not_found(request, "quiz.error.unknown_exam")
    if exam.finished or exam.sheet.time_is_up():
        return RedirectResponse(f"/quiz/exam/{token}/result", status_code=303)
    answers = exam.sheet.answers
    pos = int_or_none(request.query_params.get("pos"))
    if pos is None or not 1 <= pos <= len(answers):
        pos = next((a.position for a in answers if a.status == "unanswered"), 1)
    hint = request.query_params.get("hint") == "1"
    item = qs.exam_question(exam, bank(request), pos, page_lang(request))
    return render(request, "quiz/exam.html", exam=exam, item=item, answers=answers, hint=hint,
                  token=token)


@router.post("/quiz/exam/{token}/answer", include_in_schema=False)
async def exam_answer(request: Request, token: str):
    exam = running(request, token)
    if exam is None:
        return _not_found(request, "quiz.error.unknown_exam")
    form = await _form(request)
    pos = int_or_none((form.get("pos") or [None])[0]) or 0
    total = len(exam.sheet.answers)
    if (form.get("action") or ["answer"])[0] == "skip":
        status = {"status": "skipped"}
    else:
        status = exams(request).answer(bank(request), exam, pos, _answer_from_form(form))
    if status["status"] in ("late", "finished"):  # the result page scores and stores it
        return RedirectResponse(f"/quiz/exam/{token}/result", status_code=303)
    if status["status"] == "unparseable":
        return RedirectResponse(f"/quiz/exam/{token}?pos={pos}&hint=1", status_code=303)
    following = [a.position for a in exam.sheet.answers
                 if a.status == "unanswered" and a.position > pos]
    nxt = following[0] if following else min(pos + 1, total) if pos < total else pos
    return RedirectResponse(f"/quiz/exam/{token}?pos={nxt}", status_code=303)


@router.post("/quiz/exam/{token}/finish", include_in_schema=False)
def exam_finish(request: Request, token: str, store=Depends(quiz_store)):
    exam = running(request, token)
    if exam is None:
        return _not_found(request, "quiz.error.unknown_exam")
    exams(request).finish(exam, store)
    return RedirectResponse(f"/quiz/exam/{token}/result", status_code=303)


@router.get("/quiz/exam/{token}/result", include_in_schema=False)
def exam_result(request: Request, token: str, store=Depends(quiz_store)):
    exam = running(request, token)
    if exam is None:
        return _not_found(request, "quiz.error.unknown_exam")
    result = exams(request).finish(exam, store)  # a deadline passed without a click
    b = bank(request)
    return render(request, "quiz/exam_result.html", exam=exam, result=result,
                  sections=result.by_section(), titles=b.sections,
                  missed=qs.exam_review(exam, b, page_lang(request)))


