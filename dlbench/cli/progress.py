"""A progress line on stderr for ``dlbench run``: runs done, the current run, time left."""

from __future__ import annotations

import sys
import time

import click


def _clock(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60}:{seconds % 60:02d}"


class Progress:
    """Implements the runner's listener. On a terminal it redraws one line; otherwise it
    prints a line per finished run (logs stay readable in CI)."""

    def __init__(self, enabled: bool = True, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = enabled and self.stream.isatty()
        self.total = self.done = 0
        self.start = time.monotonic()
        self.durations: list[float] = []
        self.current = ""
        self.reused = 0

    def _eta(self) -> str:
        left = self.total - self.done
        if not self.durations or left <= 0:
            return "?"
        mean = sum(self.durations) / len(self.durations)
        return _clock(mean * left)

    def _emit(self, text: str, final: bool = False) -> None:
        if not self.enabled:
            return
        if self.tty:
            width = 120
            click.echo("\r" + text[:width].ljust(width), file=self.stream, nl=final)
        elif final:
            click.echo(text, file=self.stream)

    def planned(self, total: int) -> None:
        self.total += total  # called once per task of a suite

    def started(self, spec) -> None:
        self.current = spec.label()
        self._emit(f"[{self.done}/{self.total}] {self.current}  ETA {self._eta()}")

    def finished(self, outcome) -> None:
        self.done += 1
        if outcome.status == "reused":  # stored already: counted, not announced one by one
            self.reused += 1
            return
        if outcome.duration_s is not None:
            self.durations.append(outcome.duration_s)
        bad = outcome.status not in ("finished", "diverged")
        mark = "ok" if outcome.status == "finished" else (outcome.status.upper() if bad
                                                           else outcome.status)
        detail = f": {outcome.error}" if bad and outcome.error else ""
        line = (f"[{self.done}/{self.total}] {outcome.spec.label()}  {mark} "
                f"({outcome.duration_s or 0:.1f} s){detail}")
        self._emit(line, final=not self.tty or bad)
        if self.tty and not bad:
            self._emit(f"[{self.done}/{self.total}] ETA {self._eta()}")

    def skipped(self, spec, reason: str) -> None:
        self._emit(f"skipped {spec.label()}: {reason}", final=True)

    def close(self) -> None:
        if self.tty:
            click.echo("\r" + " " * 120 + "\r", file=self.stream, nl=False)
        if self.enabled and self.reused:
            click.echo(f"{self.reused} of {self.total} runs were already stored with this code "
                       "version: reused", file=self.stream)
