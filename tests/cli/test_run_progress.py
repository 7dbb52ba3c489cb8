"""The whole-suite progress line: ``task 3/7, run 57/126, ~40 s left``."""

from __future__ import annotations

import io

from dlbench.app import Outcome
from dlbench.cli.progress import Progress, format_left

TASKS = ["vanishing-gradients", "weight-init", "batch-norm", "overfitting", "convergence",
         "trajectories", "hyperparameter-search"]


class Spec:
    def __init__(self, task, estimate_s=1.0, seed=0):
        self.task, self.estimate_s, self.seed = task, estimate_s, seed

    def label(self):
        return f"{self.task} seed={self.seed}"


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


class Stream(io.StringIO):
    def __init__(self, tty):
        super().__init__()
        self.tty = tty

    def isatty(self):
        return self.tty


def progress(tty=False, **kw):
    clock, stream = Clock(), Stream(tty)
    p = Progress(True, stream, tasks=TASKS, clock=clock, **kw)
    p.planned(126)
    return p, clock, stream


def test_the_line_counts_tasks_and_runs_and_scales_elapsed_time_by_the_work_left():
    p, clock, _ = progress(total_estimate_s=126.0)
    assert p.line() == "task 1/7, run 0/126"  # nothing measured yet: no guess
    for i in range(57):
        task = TASKS[0] if i < 30 else TASKS[1] if i < 50 else TASKS[2]
        p.started(Spec(task))
        p.finished(Outcome(Spec(task), "finished", duration_s=1.0))
    clock.now = 33.0  # 57 s of expected work done in 33 s (two workers)
    assert p.line() == "task 3/7, run 57/126, ~40 s left"  # 69 s of work at the same pace
    clock.now = 200.0
    assert p.line().endswith("~4 min left")


def test_reused_runs_count_as_done_but_not_as_work_done_here():
    p, clock, _ = progress(total_estimate_s=10.0)
    p.planned(-116)  # 10 runs of 1 s expected
    for _ in range(5):
        p.finished(Outcome(Spec(TASKS[0]), "reused"))
    p.finished(Outcome(Spec(TASKS[0]), "finished", duration_s=1.0))
    clock.now = 2.0  # one run of 1 s took 2 s here; 4 s of work left
    assert p.line() == "task 1/7, run 6/10, ~8 s left"


def test_without_estimates_it_counts_runs():
    p, clock, _ = progress()
    p.planned(-116)
    for _ in range(4):
        p.finished(Outcome(Spec(TASKS[0], estimate_s=None), "finished"))
    clock.now = 8.0
    assert p.line() == "task 1/7, run 4/10, ~12 s left"


def test_a_log_gets_a_line_every_ten_seconds_and_every_failure_not_a_flood():
    p, clock, stream = progress(total_estimate_s=126.0)
    for i in range(126):
        clock.now = i * 0.5  # 63 s, a run every half second
        p.started(Spec(TASKS[i * 7 // 126]))
        status = "failed" if i == 40 else "finished"
        p.finished(Outcome(Spec(TASKS[i * 7 // 126], seed=i), status, duration_s=0.5,
                           error="boom" if status == "failed" else None))
    p.close()
    lines = stream.getvalue().splitlines()
    assert 5 <= len(lines) <= 8, lines  # ~6 progress lines and the failure
    assert "FAILED batch-norm seed=40 (0.5 s): boom" in lines
    assert lines[0] == "task 2/7, run 21/126, ~50 s left"  # after 10 s
    assert "\r" not in stream.getvalue()


def test_a_terminal_gets_one_redrawn_line_with_the_task_name():
    p, clock, stream = progress(tty=True, total_estimate_s=126.0)
    p.started(Spec(TASKS[2]))
    clock.now = 1.0
    p.finished(Outcome(Spec(TASKS[2]), "finished", duration_s=1.0))
    p.close()
    text = stream.getvalue()
    assert "\rtask 3/7 batch-norm, run 1/126, ~" in text and "\n" not in text


def test_disabled_progress_prints_nothing():
    stream = Stream(False)
    p = Progress(False, stream, tasks=TASKS)
    p.planned(3)
    p.finished(Outcome(Spec(TASKS[0]), "failed", error="x"))
    p.close()
    assert stream.getvalue() == ""


def test_format_left():
    assert format_left(0.2) == "~1 s left" and format_left(89) == "~89 s left"
    assert format_left(600) == "~10 min left"


def test_quiet_silences_progress_and_failures_show_without_it(invoke, db_url):
    from tests.bench.conftest import TOY_TASKS

    import textwrap
    from pathlib import Path

    plugin = Path(db_url.removeprefix("sqlite:///")).with_name("toyplugin.py")
    plugin.write_text(textwrap.dedent(TOY_TASKS))
    base = ("--db", db_url, "-p", str(plugin), "run", "toy", "--optimizer", "sgd,broken",
            "--seed", 0)
    loud = invoke(*base)
    assert loud.exit_code == 1
    assert "FAILED toy optimizer=broken seed=0" in loud.stderr
    quiet = invoke(*base, "--force", "-q")
    assert quiet.exit_code == 1
    assert "FAILED toy optimizer=broken" not in quiet.stderr  # only the final report's line
    assert "run 1/2" not in quiet.stderr and "left" not in quiet.stderr
