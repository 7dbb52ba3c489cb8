"""Running a learner's solution of an implementation exercise against its hidden checks.

The checks (:mod:`~dlbench.quiz.harness`) run in this process; the learner's file runs in
a sandbox (:mod:`~dlbench.quiz.sandbox`): its own process and session, a scratch folder
holding only a copy of the file, limits on time, CPU, memory and output, and nothing of
the exercise within its reach. An infinite loop, a crash, ``os._exit`` or a forged result
in learner code cannot take dlbench down or pass a check. The report lists every check in
file order with what was called, what was expected and what came back.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError
from .harness import Outcome as CheckOutcome, load_checks, run_checks  # noqa: F401  (public name)
from .model import Question
from .sandbox import Limits, Sandbox

PASS, FAIL, ERROR, TIMEOUT, NOT_RUN = "pass", "fail", "error", "timeout", "not-run"


@dataclass
class ExerciseResult:
    question_id: str
    checks: list[CheckOutcome] = field(default_factory=list)
    timed_out: bool = False
    seconds: float = 0.0
    stderr: str = ""

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(c.status == PASS for c in self.checks)

    def failed(self) -> list[CheckOutcome]:
        return [c for c in self.checks if c.status != PASS]

    def as_dict(self) -> dict:
        return {"question": self.question_id, "passed": self.passed, "timed_out": self.timed_out,
                "seconds": round(self.seconds, 3), "checks": [c.as_dict() for c in self.checks],
                **({"stderr": self.stderr} if self.stderr else {})}


def run_exercise(question: Question, solution: str | os.PathLike, *,
                 timeout: float | None = None) -> ExerciseResult:
    """Run ``solution`` (a .py file) in a sandbox against the exercise's checks."""
    if question.exercise is None:
        raise UsageError(f"{question.id} is a {question.type} question, not an exercise")
    solution = Path(solution)
    if not solution.is_file():
        raise UsageError(f"solution file not found: {solution}")
    limit = float(timeout if timeout is not None else question.exercise.timeout_s)
    result = ExerciseResult(question.id)
    ex = question.exercise
    try:
        checks = load_checks(ex.file("checks"))
    except Exception as exc:  # noqa: BLE001 - an authoring error in checks.py
        result.checks = [CheckOutcome("harness", "run the checks", ERROR, message=(
            f"the checks did not start: {type(exc).__name__}: {exc}"))]
        return result
    settings = dict(ex.gradcheck)
    start = time.perf_counter()
    with Sandbox(solution, Limits(wall_s=limit)) as sandbox:
        outcomes = run_checks(sandbox, checks, settings)
    result.seconds = time.perf_counter() - start
    result.checks = outcomes
    result.timed_out = any(c.status == TIMEOUT for c in result.checks)
    return result


def write_stub(question: Question, target: str | os.PathLike, *, force: bool = False) -> Path:
    """Copy the exercise's stub to ``target`` (a file, or a folder to put ``<id>.py`` in)."""
    if question.exercise is None:
        raise UsageError(f"{question.id} is a {question.type} question, not an exercise")
    target = Path(target)
    if target.is_dir():
        target = target / f"{question.id.replace('-', '_')}.py"
    if target.exists() and not force:
        raise UsageError(f"{target} exists; pass --force to overwrite it")
    target.write_text(question.exercise.file("stub").read_text(encoding="utf-8"), encoding="utf-8")
    return target
