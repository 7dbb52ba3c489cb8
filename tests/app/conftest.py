"""Fixtures for fault tests: the toy task plugin and helpers to watch real processes."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.bench.conftest import toy_plugin  # noqa: F401  (re-exported fixture)


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (children, grandchildren...), from /proc."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    stat = fh.read()
                parents[int(entry)] = int(stat[stat.rfind(b")") + 2:].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    out, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - out
        out |= frontier
    return out


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
    except OSError:
        return False
    return stat[stat.rfind(b")") + 2:].split()[0] != b"Z"  # a zombie has exited


def statuses(db) -> list[str]:
    con = sqlite3.connect(db)
    try:
        return [r[0] for r in con.execute("select status from runs order by id")]
    except sqlite3.OperationalError:
        return []
    finally:
        con.close()


def wait_for(predicate, timeout: float = 60.0, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError("timed out waiting")


@pytest.fixture
def dlbench_cmd(tmp_path, toy_plugin):  # noqa: F811
    """``dlbench --db <tmp>/runs.db -p toyplugin.py`` as a subprocess command prefix."""
    db = tmp_path / "runs.db"
    env = {**os.environ, "DLBENCH_DISABLE_PLUGIN_AUTOLOAD": "1"}

    def start(*args, **kw):
        return subprocess.Popen([sys.executable, "-m", "dlbench", "--db", f"sqlite:///{db}",
                                 "-p", str(toy_plugin), *args], env=env, cwd=tmp_path,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)

    start.db = db
    return start
