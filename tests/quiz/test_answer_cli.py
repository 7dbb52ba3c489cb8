"""`dlbench quiz answer` with the answers that used to crash or hang it (issue 11 item 3):
an overflowing number, a non-ASCII digit, a huge exponent, and negative numbers that
click took for options."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest


def _answer(invoke, progress, *args):
    return invoke("quiz", "answer", "--progress-db", progress, "--learner", "ann", *args)


def test_an_overflowing_number_is_simply_wrong(invoke, progress):
    result = _answer(invoke, progress, "act-elu-num-001", "1e400", "--json")
    assert result.exit_code == 1, result.output
    data = result.json()
    assert data["status"] == "wrong" and data["detail"] == {"value": None}
    assert "Traceback" not in result.output


def test_a_non_ascii_digit_cannot_be_read(invoke, progress):
    result = _answer(invoke, progress, "act-elu-sc-001", "፩")
    assert result.exit_code == 2 and "cannot read the answer" in result.output
    numeric = _answer(invoke, progress, "act-elu-num-001", "፩")
    assert numeric.exit_code == 2 and "Answer with a number" in numeric.output


def test_a_huge_exponent_is_refused_at_once_in_a_real_process(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path), "DLBENCH_QUIZ_DB": f"sqlite:///{tmp_path / 'q.db'}"}
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "dlbench", "quiz", "answer",
                           "act-elu-num-001", "1e99999999"], capture_output=True, text=True,
                          env=env, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "exponent" in proc.stdout and "Traceback" not in proc.stderr
    assert time.perf_counter() - start < 30  # it used to spin for minutes


@pytest.mark.parametrize("args", [("-0.03",), ("--", "-0.03"), ("-0.03", "--json"),
                                  ("−0.03",), ("-3/100",)])
def test_negative_answers_are_answers_not_options(invoke, progress, args):
    result = _answer(invoke, progress, "act-leaky-num-001", *args)
    assert result.exit_code == 0, result.output
    assert (result.json()["status"] if "--json" in args else result.output.split()[0]) == "correct"


def test_options_before_the_separator_still_apply(invoke, progress):
    result = _answer(invoke, progress, "--json", "act-leaky-num-001", "--", "-0.03")
    assert result.exit_code == 0 and result.json()["given"] == "-0.03"
    wrong = _answer(invoke, progress, "act-leaky-num-001", "-0.3")
    assert wrong.exit_code == 1 and "expected -0.03" in wrong.output
    missing = _answer(invoke, progress, "act-leaky-num-001")
    assert missing.exit_code == 2 and "Missing argument" in missing.output
