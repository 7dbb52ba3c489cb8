"""Running a learner's solution of an implementation exercise against its hidden checks.

The solution runs in a child Python process (:mod:`dlbench.quiz.harness`) with a time
limit, in a scratch folder, so an infinite loop, a crash or ``sys.exit`` in learner code
cannot take dlbench down. The report lists every check in file order with what was
called, what was expected and what came back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError
from .harness import OUTPUT_CAP
from .model import Question

PASS, FAIL, ERROR, TIMEOUT, NOT_RUN = "pass", "fail", "error", "timeout", "not-run"


@dataclass
class CheckOutcome:
    name: str
    title: str
    status: str
    task: int | None = None
    call: str | None = None
    expected: str | None = None
    got: str | None = None
    message: str | None = None
    output: str = ""

    def as_dict(self) -> dict:
        return {k: v for k, v in vars(self).items() if v not in (None, "")}


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


def _read_events(path: Path) -> list[dict]:
    if not path.exists():
        return []
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            break  # a line cut short when the process was stopped
    return events


def _outcomes(events: list[dict], timed_out: bool, timeout: float) -> list[CheckOutcome]:
    plan = next((e["checks"] for e in events if e.get("event") == "plan"), [])
    titles = {"import": ("import your file", None)}
    titles.update({name: (title, task) for name, title, task in plan})
    done = {}
    running = None
    for e in events:
        if e.get("event") == "start":
            running = e["check"]
        elif e.get("event") == "result":
            fields = {k: e.get(k) for k in ("call", "expected", "got", "message")}
            done[e["check"]] = CheckOutcome(e["check"], e.get("title", ""), e["status"],
                                            e.get("task"), output=e.get("output") or "", **fields)
            running = None
    out = []
    for name in ["import"] + [p[0] for p in plan]:
        if name in done:
            out.append(done[name])
        elif name == running and timed_out:
            title, task = titles[name]
            out.append(CheckOutcome(name, title, TIMEOUT, task, message=(
                f"stopped at the time limit of {timeout:g} s (an infinite loop, or far too slow)")))
        else:
            title, task = titles.get(name, (name, None))
            out.append(CheckOutcome(name, title, NOT_RUN, task))
    return out


def run_exercise(question: Question, solution: str | os.PathLike, *,
                 timeout: float | None = None) -> ExerciseResult:
    """Run ``solution`` (a .py file) against the exercise's checks in a child process."""
    if question.exercise is None:
        raise UsageError(f"{question.id} is a {question.type} question, not an exercise")
    solution = Path(solution)
    if not solution.is_file():
        raise UsageError(f"solution file not found: {solution}")
    limit = float(timeout if timeout is not None else question.exercise.timeout_s)
    result = ExerciseResult(question.id)
    with tempfile.TemporaryDirectory(prefix="dlbench-check-") as scratch:
        out = Path(scratch) / "events.jsonl"
        cmd = [sys.executable, "-m", "dlbench.quiz.harness",
               str((question.exercise.folder / "exercise.toml").resolve()), str(solution.resolve()),
               str(out)]
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1",
                   MKL_NUM_THREADS="1", PYTHONDONTWRITEBYTECODE="1")
        start = time.perf_counter()
        try:
            proc = subprocess.run(cmd, cwd=scratch, env=env, capture_output=True, text=True,
                                  timeout=limit, stdin=subprocess.DEVNULL)
            result.stderr = (proc.stderr or "")[-OUTPUT_CAP:] if proc.returncode else ""
        except subprocess.TimeoutExpired:
            result.timed_out = True
        result.seconds = time.perf_counter() - start
        result.checks = _outcomes(_read_events(out), result.timed_out, limit)
    if not result.checks or (result.checks[0].status == NOT_RUN and not result.timed_out):
        result.checks = [CheckOutcome("harness", "run the checks", ERROR,
                                      message="the checks did not start: " + result.stderr)]
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
