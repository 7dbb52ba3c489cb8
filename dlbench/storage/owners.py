"""Who owns a running run, and whether that owner is still alive.

A run row records its owner: host name, process id and the process's start time (so a
recycled pid is not mistaken for the owner), and a heartbeat the owner refreshes while
it runs. An owner on this host is alive if a process with that pid and start time
exists; an owner on another host is alive while its heartbeat is younger than
:data:`HEARTBEAT_GRACE_S` (generous, as optuna learned: a short grace period failed live
trials).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from dataclasses import dataclass

#: how often a running ``dlbench run`` refreshes the heartbeat of its runs
HEARTBEAT_S = 15.0
#: a run on another host whose heartbeat is older than this is taken as abandoned
HEARTBEAT_GRACE_S = 180.0


def process_start(pid: int) -> float | None:
    """Start time of process ``pid`` in clock ticks since boot (Linux), else ``None``."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
    except OSError:
        return None
    # the command name (field 2) may contain spaces and parentheses: split after the last ')'
    fields = stat[stat.rfind(b")") + 2:].split()
    try:
        return float(fields[19])
    except (IndexError, ValueError):
        return None


@dataclass(frozen=True)
class Owner:
    host: str
    pid: int
    started: float | None

    @classmethod
    def me(cls) -> "Owner":
        pid = os.getpid()
        return cls(socket.gethostname(), pid, process_start(pid))

    def __str__(self) -> str:
        return f"{self.host} pid {self.pid}"


def pid_alive(pid: int, started: float | None) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        pass
    if started is None:
        return True
    now = process_start(pid)
    return now is None or now == started


def owner_alive(host: str | None, pid: int | None, started: float | None,
                heartbeat: dt.datetime | None, *, now: dt.datetime | None = None) -> bool:
    """Is the owner of a ``running`` row still there?

    Rows written before owners were recorded (no host) count as gone.
    """
    if not host or pid is None:
        return False
    if host == socket.gethostname():
        return pid_alive(int(pid), started)
    if heartbeat is None:
        return False
    if heartbeat.tzinfo is None:
        heartbeat = heartbeat.replace(tzinfo=dt.timezone.utc)
    now = now or dt.datetime.now(dt.timezone.utc)
    return (now - heartbeat).total_seconds() < HEARTBEAT_GRACE_S
