"""Submissions that try to fool or break the exercise grader, run for real (issue 11, items
1 and 2): each one fails, with a reason a learner understands, and leaves nothing behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time

import pytest

from dlbench.quiz import load_bank
from dlbench.quiz.exercises import run_exercise
from dlbench.quiz.sandbox import Limits, Sandbox, SubmissionStopped

from .conftest import SHIPPED

RELU = '''
    import numpy as np

    def relu_backward(dout, x):
        return np.where(x > 0, dout, 0.0)
'''


@pytest.fixture(scope="module")
def relu():
    return load_bank([("course", SHIPPED)]).get("relu-backward-001")


def _file(tmp_path, code: str, name: str = "solution.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(code))
    return path


def _statuses(result) -> dict[str, str]:
    return {c.name: c.status for c in result.checks}


def test_the_right_solution_passes_in_the_sandbox(relu, tmp_path):
    result = run_exercise(relu, _file(tmp_path, RELU))
    assert result.passed and set(_statuses(result).values()) == {"pass"}


def test_forged_result_events_do_not_pass(relu, tmp_path):
    """The attack of the issue: append pass events to the event file named in sys.argv[3]
    and leave; also try every open file descriptor."""
    forged = '''
        import json, os, sys
        event = json.dumps({"event": "result", "check": "positive", "status": "pass"}) + "\\n"
        for arg in sys.argv[1:]:
            try:
                with open(arg, "a") as f:
                    f.write(event * 6)
            except OSError:
                pass
        for fd in range(3, 64):
            try:
                os.write(fd, event.encode() * 6)
            except OSError:
                pass
        os._exit(0)
    '''
    result = run_exercise(relu, _file(tmp_path, forged))
    assert not result.passed
    first = result.checks[0]
    assert first.status == "error"
    assert first.message in ("your code wrote bytes that are not a reply to the checker's pipe",
                             "your code exited (status 0) while being imported")
    assert all(c.status == "not-run" for c in result.checks[1:])


def test_patching_the_checker_does_not_pass(relu, tmp_path):
    patched = '''
        import dlbench.quiz.harness as h
        h.Checker.expect_close = h.Checker.gradcheck = h.Checker.expect = lambda *a, **k: None
        print("patched", h.Checker.expect_close)

        def relu_backward(dout, x):
            return 0
    '''
    result = run_exercise(relu, _file(tmp_path, patched))
    assert "patched <function" in result.checks[0].output  # the patch ran, in its own process
    assert not result.passed
    assert [c.status for c in result.checks[1:]] == ["fail"] * 5
    assert "expected numbers" in result.checks[1].message or "shape" in result.checks[1].message


def test_the_reference_and_checks_are_out_of_reach(relu, tmp_path):
    """Next to its own file, next to anything in sys.argv, in its working folder: only the
    copy of the learner's file."""
    snoop = '''
        import os, sys
        from pathlib import Path

        places = {Path(__file__).resolve().parent, Path.cwd()}
        places |= {Path(a).resolve().parent for a in sys.argv}
        found = [p / n for p in places for n in ("reference.py", "checks.py", "exercise.toml")
                 if (p / n).exists()]
        print("found", found, "beside me", sorted(os.listdir(Path(__file__).parent)),
              "argv", sys.argv)
        stolen = {}
        for f in found:
            if f.name == "reference.py":
                exec(f.read_text(), stolen)

        def relu_backward(dout, x):
            if "relu_backward" in stolen:
                return stolen["relu_backward"](dout, x)
            return dout
    '''
    (tmp_path / "reference.py").write_text("raise SystemExit('the learner folder is not used')\n")
    result = run_exercise(relu, _file(tmp_path, snoop))
    out = result.checks[0].output
    assert "found [] beside me ['solution.py'] argv ['solution.py']" in out
    assert not result.passed
    assert _statuses(result)["negative"] == "fail"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1][0] != "Z"
    except OSError:
        return False


def test_lingering_children_are_killed_and_not_waited_for(relu, tmp_path):
    """A Popen child (holding stdout) and a double-forked setsid escapee: the result comes
    back promptly and neither process is alive afterwards."""
    lingering = '''
        import os, subprocess, sys, time
        import numpy as np

        child = subprocess.Popen(["sleep", "60"])
        r, w = os.pipe()
        if os.fork() == 0:  # double fork + setsid: re-parented away from us at once
            os.setsid()
            if os.fork() == 0:
                os.write(w, str(os.getpid()).encode())
                time.sleep(60)
            os._exit(0)
        escaped = int(os.read(r, 32))
        print(f"pids {child.pid} {escaped}", flush=True)
        later = []

        def relu_backward(dout, x):
            if not later:
                later.append(subprocess.Popen(["sleep", "60"]))
                print(f"pids {later[0].pid}", flush=True)
            return np.where(x > 0, dout, 0.0)
    '''
    start = time.monotonic()
    result = run_exercise(relu, _file(tmp_path, lingering), timeout=20)
    took = time.monotonic() - start
    assert result.passed and not result.timed_out
    assert took < 10, f"the check took {took:.1f} s: it waited for a lingering process"
    pids = [int(p) for c in result.checks for line in c.output.splitlines()
            if line.startswith("pids ") for p in line.split()[1:]]
    assert len(pids) == 3
    assert [p for p in pids if _alive(p)] == []


def test_printing_300_mb_fails_and_the_checker_stays_small(tmp_path):
    """The checker runs in a child Python of ours, so its own peak RSS can be measured
    (before the sandbox, 300 MB printed made the checker peak at 986 MB)."""
    chatty = _file(tmp_path, '''
        import numpy as np

        def relu_backward(dout, x):
            chunk = "x" * (1 << 20)
            for _ in range(300):
                print(chunk)
            return np.where(x > 0, dout, 0.0)
    ''')
    script = textwrap.dedent(f'''
        import json
        from dlbench.quiz import load_bank
        from dlbench.quiz.exercises import run_exercise
        q = load_bank([("course", {str(SHIPPED)!r})]).get("relu-backward-001")
        r = run_exercise(q, {str(chatty)!r})
        # VmHWM, the peak RSS of this program (ru_maxrss would also count the pages of the
        # pytest process it was forked from)
        peak = [line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM")]
        print(json.dumps({{"result": r.as_dict(), "maxrss_kb": int(peak[0])}}))
    ''')
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.splitlines()[-1])
    checks = report["result"]["checks"]
    assert not report["result"]["passed"]
    assert checks[1]["status"] == "error" and checks[1]["message"] == "printed more than 1 MB"
    assert len(checks[1]["output"]) == 500
    assert report["maxrss_kb"] < 200_000, f"the checker peaked at {report['maxrss_kb']} kB"


def test_os_exit_while_being_imported(relu, tmp_path):
    result = run_exercise(relu, _file(tmp_path, "import os\nos._exit(0)\n"))
    assert not result.passed
    assert result.checks[0].status == "error"
    assert result.checks[0].message == "your code exited (status 0) while being imported"
    assert {c.message for c in result.checks[1:]} == {"not run: your file could not be imported"}


def test_os_exit_in_the_function(relu, tmp_path):
    exits = RELU.replace("    return np.where", "    import os; os._exit(3)\n        return np.where")
    result = run_exercise(relu, _file(tmp_path, exits))
    assert not result.passed
    first = result.checks[1]
    assert first.status == "error" and first.message == "your code exited with status 3 before returning"
    assert first.call.startswith("relu_backward(")
    assert {c.status for c in result.checks[2:]} == {"not-run"}
    assert "stopped during an earlier check" in result.checks[2].message


def test_sys_exit_in_the_function_fails_that_check_only(relu, tmp_path):
    exits = RELU.replace("    return np.where",
                         "    if x.ndim == 4: raise SystemExit(3)\n        return np.where")
    result = run_exercise(relu, _file(tmp_path, exits))
    assert [c.name for c in result.failed()] == ["four_d"]
    assert result.failed()[0].message == "your code called sys.exit(3) before returning"


def test_a_memory_hog_fails_with_the_memory_reason(relu, tmp_path):
    hog = RELU.replace("    return np.where", "    big = np.ones(400_000_000)\n        return np.where")
    result = run_exercise(relu, _file(tmp_path, hog))
    assert not result.passed
    assert result.checks[1].status == "error"
    assert result.checks[1].message == "used more than 1 GiB of memory"


def test_the_cpu_limit_stops_a_busy_process(tmp_path):
    busy = _file(tmp_path, "def spin():\n    while True:\n        pass\n")
    with Sandbox(busy, Limits(wall_s=60, cpu_s=1)) as box:
        box.import_solution()
        start = time.monotonic()
        with pytest.raises(SubmissionStopped) as stopped:
            box.call("spin")
    assert stopped.value.reason == "used more than 1 s of CPU" and not stopped.value.timed_out
    assert time.monotonic() - start < 30


def test_an_uncheckable_return_value_is_named(relu, tmp_path):
    odd = RELU.replace("return np.where(x > 0, dout, 0.0)", "return {1, 2}")
    result = run_exercise(relu, _file(tmp_path, odd))
    assert result.checks[1].status == "fail"
    assert result.checks[1].message == "your function returned a set, which cannot be checked"
    objects = RELU.replace("return np.where(x > 0, dout, 0.0)", "return np.array([object()])")
    result = run_exercise(relu, _file(tmp_path, objects))
    assert result.checks[1].message == ("your function returned an array of dtype object, "
                                        "which cannot be checked")


def test_in_place_changes_and_callbacks_cross_the_sandbox(tmp_path):
    """numerical_gradient gets the checker's f (called back over the pipe); leaving x
    changed shows up in the checker, so the "x is unchanged" check sees it."""
    q = load_bank([("course", SHIPPED)]).get("numerical-gradient-001")
    sloppy = _file(tmp_path, '''
        import numpy as np

        def numerical_gradient(f, x, h=1e-4):
            grad = np.zeros_like(x)
            for i in np.ndindex(x.shape):
                old = x[i]
                x[i] = old + h; up = f(x)
                x[i] = old - h; down = f(x)
                x[i] = old
                grad[i] = (up - down) / (2 * h)
            x.fill(0.0)  # right gradient, but x is left changed
            return grad
    ''')
    result = run_exercise(q, sloppy)
    assert [c.name for c in result.failed()] == ["restored"]
    assert "x after the call" in result.failed()[0].message


def test_a_solution_file_elsewhere_is_copied_not_run_in_place(relu, tmp_path):
    """Sibling files of the learner's file are not beside the copy that runs."""
    (tmp_path / "helper.py").write_text("VALUE = 1\n")
    uses_sibling = "import helper\n" + textwrap.dedent(RELU)
    result = run_exercise(relu, _file(tmp_path, uses_sibling))
    assert result.checks[0].status == "error" and "ModuleNotFoundError" in result.checks[0].message
    assert os.path.exists(tmp_path / "helper.py")


@pytest.mark.skipif(os.geteuid() != 0, reason="only a root checker has privileges to give up")
def test_a_root_submission_cannot_raise_its_limits(relu, tmp_path):
    raises = '''
        import os, resource
        try:
            resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY,) * 2)
            print("limit raised")
        except (ValueError, OSError):
            print("limit kept")
        print("uid", os.getuid(), [l.split()[1] for l in open("/proc/self/status")
                                   if l.startswith("CapEff")])
    '''
    result = run_exercise(relu, _file(tmp_path, textwrap.dedent(raises) + textwrap.dedent(RELU)))
    out = result.checks[0].output
    assert "limit kept" in out
    assert "uid 65534" in out or "['0000000000000000']" in out
