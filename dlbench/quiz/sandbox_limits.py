"""What a sandboxed submission may use (:class:`Limits`) and the ways it can fail to
answer, each carrying a sentence a learner understands."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """What a submission may use. ``cpu_s`` defaults to ``wall_s``."""

    wall_s: float = 10.0
    cpu_s: float | None = None
    memory_bytes: int = 1 << 30
    output_bytes: int = 1 << 20
    file_bytes: int = 64 << 20

    @property
    def cpu(self) -> int:
        return max(1, math.ceil(self.wall_s if self.cpu_s is None else self.cpu_s))


def size_text(n: int) -> str:
    """``1 << 30`` -> ``1 GiB``, as a learner reads a limit."""
    for unit, scale in (("GiB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:g} {unit}"
    return f"{n} bytes"


class SubmissionRaised(Exception):
    """The learner's code raised (or called sys.exit, or ran out of memory) in a call."""


class Uncheckable(Exception):
    """No such function, or a value that cannot be sent back to be checked."""


class SubmissionStopped(Exception):
    """The submission's process is gone; ``reason`` says why, for the learner."""

    def __init__(self, reason: str, *, timed_out: bool = False):
        super().__init__(reason)
        self.reason, self.timed_out = reason, timed_out
