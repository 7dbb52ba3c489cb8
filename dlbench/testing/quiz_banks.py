"""Conformance of quiz banks (``dlbench check quiz-bank``): the bank lints clean.

Quick: exercises are not run (``dlbench quiz lint`` does that). Lives here rather than in
:mod:`dlbench.quiz` because ``testing`` depends on ``quiz``, never the reverse.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from ..plugin_registry import Entry
from ..quiz.lint import lint
from .core import CheckResult


def check_quiz_bank(entry: Entry) -> list[CheckResult]:
    """Lint the registered bank folder against the shipped course's topic vocabulary."""
    folder = Path(entry.obj)
    if not folder.is_dir():
        return [CheckResult(entry.kind, entry.name, "bank", "fail", f"folder not found: {folder}")]
    shipped = [("course", Path(str(files("dlbench.quizzes"))))]
    report = lint([(entry.name, folder)], context=shipped, run_exercises=False, seeds=3)
    errors = report.errors()
    detail = (f"{len(report.bank.questions)} questions" if not errors else
              f"{len(errors)} errors, first: {errors[0]}")
    return [CheckResult(entry.kind, entry.name, "bank", "fail" if errors else "pass", detail)]
