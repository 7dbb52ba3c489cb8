"""Implementation exercises run in a child process: a right solution passes, a single bug
fails exactly its check, an infinite loop is stopped at the time limit."""

from __future__ import annotations

import textwrap

import pytest

from dlbench.quiz import load_bank
from dlbench.quiz.exercises import run_exercise, write_stub

from .conftest import SHIPPED


@pytest.fixture(scope="module")
def bank():
    return load_bank([("course", SHIPPED)])


def _solution(tmp_path, code: str):
    path = tmp_path / "solution.py"
    path.write_text(textwrap.dedent(code))
    return path


AFFINE = '''
    import numpy as np

    def affine_backward(dout, x, W):
        return dout @ W.T, x.T @ dout, dout.sum(axis=0)
'''


def test_a_correct_solution_passes(bank, tmp_path):
    result = run_exercise(bank.get("affine-backward-001"), _solution(tmp_path, AFFINE))
    assert result.passed and not result.timed_out
    assert [c.name for c in result.checks] == ["import", "dx_check", "dw_check", "db_check", "shapes"]


def test_one_bug_fails_exactly_its_check(bank, tmp_path):
    buggy = AFFINE.replace("dout.sum(axis=0)", "dout.mean(axis=0)")
    result = run_exercise(bank.get("affine-backward-001"), _solution(tmp_path, buggy))
    failed = result.failed()
    assert [c.name for c in failed] == ["db_check"]
    c = failed[0]
    assert c.status == "fail" and c.task == 3
    assert c.call.startswith("affine_backward(") and "max relative error" in c.message
    assert "(> 1e-07)" in c.message and c.expected and c.got


def test_an_infinite_loop_is_stopped_at_the_time_limit(bank, tmp_path):
    looping = AFFINE.replace("    return dout @ W.T", "    while True:\n            pass\n        return dout @ W.T")
    result = run_exercise(bank.get("affine-backward-001"), _solution(tmp_path, looping), timeout=2.0)
    assert result.timed_out and not result.passed and result.seconds < 10
    statuses = {c.name: c.status for c in result.checks}
    assert statuses == {"import": "pass", "dx_check": "timeout", "dw_check": "not-run",
                        "db_check": "not-run", "shapes": "not-run"}
    assert "time limit of 2 s" in result.checks[1].message


def test_import_errors_and_prints_are_reported(bank, tmp_path):
    result = run_exercise(bank.get("affine-backward-001"), _solution(tmp_path, "import nope\n"))
    assert result.checks[0].status == "error" and "ModuleNotFoundError" in result.checks[0].message
    assert all(c.status == "not-run" for c in result.checks[1:])
    chatty = AFFINE.replace("    return", "    print('x' * 2000)\n        return")
    result = run_exercise(bank.get("affine-backward-001"), _solution(tmp_path, chatty))
    assert result.passed and len(result.checks[1].output) == 500


def test_a_missing_function_is_named(bank, tmp_path):
    result = run_exercise(bank.get("affine-backward-001"), _solution(tmp_path, "x = 1\n"))
    assert "defines no function 'affine_backward'" in result.checks[1].message


def test_forward_difference_fails_the_central_difference_check(bank, tmp_path):
    forward = '''
        import numpy as np

        def numerical_gradient(f, x, h=1e-4):
            grad = np.zeros_like(x)
            for i in np.ndindex(x.shape):
                old = x[i]; base = f(x); x[i] = old + h; grad[i] = (f(x) - base) / h; x[i] = old
            return grad
    '''
    result = run_exercise(bank.get("numerical-gradient-001"), _solution(tmp_path, forward))
    assert "central" in [c.name for c in result.failed()]


def test_the_stub_is_written_and_fails(bank, tmp_path):
    q = bank.get("sigmoid-forward-backward-001")
    path = write_stub(q, tmp_path)
    assert path.name == "sigmoid_forward_backward_001.py" and "NotImplementedError" in path.read_text()
    result = run_exercise(q, path)
    assert not result.passed and "NotImplementedError" in result.failed()[0].message


def test_maxpool_routing_to_every_tied_maximum_fails_the_tie_check(bank, tmp_path):
    """Issue 11: such a solution passed 4/4; all-zero windows after ReLU are common."""
    every_tie = '''
        import numpy as np

        def maxpool_backward(dout, x, pool=2):
            n, c, h, w = x.shape
            win = x.reshape(n, c, h // pool, pool, w // pool, pool)
            mask = win == win.max(axis=(3, 5), keepdims=True)
            return (mask * dout[:, :, :, None, :, None]).reshape(n, c, h, w)
    '''
    result = run_exercise(bank.get("maxpool-backward-001"), _solution(tmp_path, every_tie))
    assert [c.name for c in result.failed()] == ["ties"]
    assert "dx: values differ" in result.failed()[0].message
