"""The quiz's JSON API under ``/api/quiz`` (in the OpenAPI document; fuzzed by schemathesis).

Request models say exactly what is read: numbers are JSON numbers (``true`` or ``"1"`` are
refused with 422, ``8.0`` is 8), bounds are in the schema; a body that is not JSON is a 400
(FastAPI's), an unknown question or exam a 404, and any answer string is graded (an
unreadable one is ``status: "unparseable"`` with a 200). Never a 500.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from annotated_types import Ge, Le
from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, BeforeValidator, Field, StrictBool

from . import quiz_service as qs
from .deps import quiz_store
from .quiz_state import bank, exams, learner, page_lang, running

router = APIRouter()
MAX_ANSWER = 10_000

Lang = Literal["ja", "en"]


def _json_number(value):
    """Numbers as JSON Schema reads them: ``true`` and ``"1"`` are not numbers (pydantic's lax
    mode would take them), while ``8.0`` is the integer 8 (strict mode would refuse it)."""
    if isinstance(value, (bool, str)):
        raise ValueError("a JSON number is expected")
    return value


def json_int(lo: int, hi: int):
    """An integer in [lo, hi] (bounds inside the type, so they reach the schema of an
    optional field too)."""
    return Annotated[int, Ge(lo), Le(hi), BeforeValidator(_json_number)]


def json_float(lo: float, hi: float):
    return Annotated[float, Ge(lo), Le(hi), BeforeValidator(_json_number)]
#: The largest seed the API takes: exact in a JSON/JavaScript double.
MAX_API_SEED = 2 ** 53


class ErrorOut(BaseModel):
    detail: str


class ListedOut(BaseModel):
    id: str
    type: str
    section: str | None
    due: str | None
    is_due: bool


class ChoiceOut(BaseModel):
    number: int
    id: str
    text: str
    html: str


class QuestionOut(BaseModel):
    id: str
    type: str
    lang: Lang
    section: str | None
    topics: list[str]
    seen: int = Field(description="review count when shown: send it back with the answer")
    prompt: str
    prompt_tex: str
    prompt_html: str
    choices: list[ChoiceOut]
    answer_form: str
    gradable: bool
    terminal_command: str | None
    unit: str | None


class AnswerIn(BaseModel):
    answer: str = Field(max_length=MAX_ANSWER,
                        description="choice number(s) in display order, a number or a word")
    seen: json_int(0, qs.MAX_SEEN) | None = None
    retried: StrictBool = False
    record: StrictBool = True


class AnswerOut(BaseModel):
    status: Literal["correct", "wrong", "unparseable", "retry", "terminal"]
    given: str
    seen: int
    expected: str
    expected_html: str
    feedback_html: list[str]
    hint: str | None
    explanation_html: str
    misconceptions: list[str]
    recorded: bool
    rating: str | None
    due: str | None


class ExamIn(BaseModel):
    n: json_int(1, 100) | None = None
    minutes: json_float(0.05, 300) | None = None
    seed: json_int(0, MAX_API_SEED) | None = None


class ExamItemOut(BaseModel):
    position: int
    id: str
    section: str | None
    status: str


class ExamOut(BaseModel):
    token: str
    seed: int
    minutes: float
    remaining: float
    finished: bool
    questions: list[ExamItemOut]


class ExamAnswerIn(BaseModel):
    position: json_int(1, 100)
    answer: str = Field(max_length=MAX_ANSWER)


class ExamAnswerOut(BaseModel):
    status: Literal["counted", "unparseable", "late", "finished", "bad-position"]
    hint: str | None = None


class ExamResultOut(BaseModel):
    id: int | None
    right: int
    n: int
    score: float
    passed: bool
    pass_line: float
    timed_out: bool
    sections: dict[str, dict[str, int]]


class ValidationErrorOut(BaseModel):
    """What the app answers for a request that does not match its parameters (the app's
    error handler: one readable line plus pydantic's list)."""

    detail: str
    errors: list[dict[str, Any]]


_422 = {422: {"model": ValidationErrorOut, "description": "a parameter or the body is invalid"},
        503: {"model": ErrorOut, "description": "the quiz database is missing, locked or "
                                                "not configured"}}
_404 = {404: {"model": ErrorOut, "description": "unknown question or exam"}, **_422}
#: A body that is not JSON at all is refused by FastAPI before validation (400).
_BODY = {400: {"model": ErrorOut, "description": "the body is not JSON"}, **_422}


def _api_lang(request: Request, lang: Lang | None) -> str:
    return lang or page_lang(request)


@router.get("/api/quiz/questions", response_model=list[ListedOut], responses=_422,
            tags=["quiz"])
def api_questions(request: Request, n: int = 20, store=Depends(quiz_store)):
    """Due cards first, then questions never answered (as ``dlbench quiz`` asks them)."""
    n = min(max(n, 1), 200)
    return [ListedOut(**vars(x)) for x in qs.next_questions(bank(request), store,
                                                            learner(request), n=n)]


@router.get("/api/quiz/questions/{qid}", response_model=QuestionOut, responses=_404,
            tags=["quiz"])
def api_question(request: Request, qid: str, lang: Lang | None = None,
                 seen: int | None = None, store=Depends(quiz_store)):
    try:
        view = qs.view(bank(request), store, learner(request), qid, _api_lang(request, lang),
                       seen=seen)
    except qs.UnknownQuestion:
        raise HTTPException(404, f"no question {qid[:100]!r}") from None
    data = {k: v for k, v in vars(view).items() if k != "hints_html"}
    return QuestionOut(**data)


@router.post("/api/quiz/questions/{qid}/answer", response_model=AnswerOut,
             responses={**_404, **_BODY},
             tags=["quiz"])
def api_answer(request: Request, qid: str, body: AnswerIn, lang: Lang | None = None,
               store=Depends(quiz_store)):
    """Grade an answer (never an error for any string: unreadable → ``unparseable``) and,
    the first time for the shown instance (``seen``), review the card."""
    try:
        out = qs.answer(bank(request), store, learner(request), qid, _api_lang(request, lang),
                        body.answer, seen=body.seen, retried=body.retried, record=body.record)
    except qs.UnknownQuestion:
        raise HTTPException(404, f"no question {qid[:100]!r}") from None
    return AnswerOut(**vars(out))


@router.get("/api/quiz/stats", response_model=dict[str, Any], responses=_422, tags=["quiz"])
def api_stats(request: Request, store=Depends(quiz_store)):
    """Mastery per section and topic, misconceptions held, past exams (``quiz stats --json``)."""
    return qs.stats(bank(request), store, learner(request))


def _exam_out(exam: qs.RunningExam) -> ExamOut:
    sheet = exam.sheet
    return ExamOut(token=exam.token, seed=sheet.seed, minutes=sheet.minutes,
                   remaining=sheet.remaining(), finished=exam.finished,
                   questions=[ExamItemOut(position=a.position, id=a.question.id,
                                          section=a.section, status=a.status)
                              for a in sheet.answers])


@router.post("/api/quiz/exams", response_model=ExamOut, responses=_BODY, tags=["quiz"])
def api_exam_start(request: Request, body: ExamIn, lang: Lang | None = None):
    exam = exams(request).start(bank(request), learner=learner(request),
                                lang=_api_lang(request, lang), n=body.n, minutes=body.minutes,
                                seed=body.seed)
    return _exam_out(exam)


def _api_exam(request: Request, token: str) -> qs.RunningExam:
    exam = running(request, token)
    if exam is None:
        raise HTTPException(404, "no running exam with this token (a restart forgets them)")
    return exam


@router.get("/api/quiz/exams/{token}", response_model=ExamOut, responses=_404, tags=["quiz"])
def api_exam(request: Request, token: str):
    return _exam_out(_api_exam(request, token))


@router.post("/api/quiz/exams/{token}/answers", response_model=ExamAnswerOut,
             responses={**_404, **_BODY},
             tags=["quiz"])
def api_exam_answer(request: Request, token: str, body: ExamAnswerIn):
    """Graded silently; after the deadline the answer is not counted (``late``)."""
    exam = _api_exam(request, token)
    return ExamAnswerOut(**exams(request).answer(bank(request), exam, body.position, body.answer))


@router.post("/api/quiz/exams/{token}/finish", response_model=ExamResultOut, responses=_404,
             tags=["quiz"])
def api_exam_finish(request: Request, token: str, store=Depends(quiz_store)):
    exam = _api_exam(request, token)
    r = exams(request).finish(exam, store)
    return ExamResultOut(id=r.id, right=r.right, n=r.n, score=r.score, passed=r.passed,
                         pass_line=r.pass_line, timed_out=r.timed_out, sections=r.by_section())

