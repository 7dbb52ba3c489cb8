"""The progress line of ``dlbench run`` on stderr, for the whole command (every task of
a suite): ``task 3/7 convergence, run 57/126, ~40 s left``.

The time left is the elapsed wall time scaled by the work left, measured in the runs'
expected durations (``RunSpec.estimate_s``, from stored durations or the task's
estimate): a suite mixes 10 ms runs with 5 s runs, so counting runs alone would be
wrong by a factor of ten. Without estimates it falls back to counting runs.
"""

from __future__ import annotations

import sys
import time

import click

#: on a non-terminal (a CI log, a file), print the progress line at most this often
LOG_EVERY_S = 10.0
WIDTH = 120
OK = ("finished", "diverged")


def format_left(seconds: float) -> str:
    if seconds < 90:
        return f"~{max(1, round(seconds))} s left"
    return f"~{round(seconds / 60)} min left"


class Progress:
    """Implements the run service's listener. On a terminal it redraws one line; on
    anything else it prints the line every :data:`LOG_EVERY_S` seconds (logs stay short)
    and one line per failed run."""

    def __init__(self, enabled: bool = True, stream=None, *, tasks=(),
                 total_estimate_s: float = 0.0, workers: int = 1, clock=time.monotonic,
                 log_every_s: float = LOG_EVERY_S):
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = enabled and self.stream.isatty()
        self.tasks = list(tasks)
        self.clock, self.log_every_s = clock, log_every_s
        self.start = clock()
        self.total = self.done = self.reused = 0
        self.task: str | None = None
        self.total_estimate = total_estimate_s
        self.done_estimate = 0.0  # expected seconds of every run that ended (reused too)
        self.run_estimate = 0.0  # ... of the runs that executed here
        self.executed = 0
        self._last_log = None

    # -- what the line says ------------------------------------------------------------
    def seconds_left(self) -> float | None:
        elapsed = self.clock() - self.start
        left_runs = self.total - self.done
        if left_runs <= 0 or not self.executed or elapsed <= 0:
            return None
        if self.run_estimate > 0 and self.total_estimate > 0:
            left = max(0.0, self.total_estimate - self.done_estimate)
            return elapsed * left / self.run_estimate
        return elapsed / self.executed * left_runs

    def line(self) -> str:
        parts = []
        if self.tasks:
            index = self.tasks.index(self.task) + 1 if self.task in self.tasks else 0
            name = f" {self.task}" if self.task and self.tty else ""
            parts.append(f"task {max(index, 1)}/{len(self.tasks)}{name}")
        parts.append(f"run {self.done}/{self.total}")
        left = self.seconds_left()
        if left is not None:
            parts.append(format_left(left))
        return ", ".join(parts)

    # -- output ------------------------------------------------------------------------
    def _redraw(self) -> None:
        if not self.enabled:
            return
        if self.tty:
            click.echo("\r" + self.line()[:WIDTH].ljust(WIDTH), file=self.stream, nl=False)
            return
        now = self.clock()
        if self._last_log is None:
            self._last_log = now  # the first line after LOG_EVERY_S, not at once
        elif now - self._last_log >= self.log_every_s:
            self._last_log = now
            click.echo(self.line(), file=self.stream)

    def _print(self, text: str) -> None:
        if not self.enabled:
            return
        if self.tty:
            click.echo("\r" + text[:WIDTH].ljust(WIDTH), file=self.stream)
        else:
            click.echo(text, file=self.stream)

    # -- listener ----------------------------------------------------------------------
    def planned(self, total: int) -> None:
        self.total += total

    def started(self, spec) -> None:
        if spec.task != self.task:
            self.task = spec.task
            self._redraw()

    def finished(self, outcome) -> None:
        self.done += 1
        estimate = outcome.spec.estimate_s or 0.0
        self.done_estimate += estimate
        if outcome.status == "reused":  # stored already: counted, not announced one by one
            self.reused += 1
        else:
            self.executed += 1
            self.run_estimate += estimate
            if outcome.status not in OK:
                detail = f": {outcome.error}" if outcome.error else ""
                self._print(f"{outcome.status.upper()} {outcome.spec.label()} "
                            f"({outcome.duration_s or 0:.1f} s){detail}")
        self._redraw()

    def skipped(self, spec, reason: str) -> None:
        self.done += 1
        self.done_estimate += spec.estimate_s or 0.0
        self._redraw()

    def close(self) -> None:
        if self.tty:
            click.echo("\r" + " " * WIDTH + "\r", file=self.stream, nl=False)
        if self.enabled and self.reused:
            click.echo(f"{self.reused} of {self.total} runs were already stored with this code "
                       "version: reused", file=self.stream)
