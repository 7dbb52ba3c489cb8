"""Resume and many writers, done for real on SQLite and PostgreSQL: ``dlbench run``
subprocesses, a real SIGKILL, a real server (tests/postgres_server.py). An execution-counting
task (the toy plugin's ``count_file``) tells how often each configuration actually ran."""

from __future__ import annotations

import collections
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request

import pytest
from sqlalchemy import create_engine, text

from .conftest import alive, descendants, wait_for

pytestmark = pytest.mark.slow

OPTIMIZERS = ["sgd", "adam", "momentum", "rmsprop", "nesterov", "adagrad", "adamw", "nadam",
              "radam", "lion", "adadelta", "adabound"]


class Sweep:
    """``dlbench --db URL -p toyplugin.py run toy ...`` subprocesses and a view of the rows."""

    def __init__(self, url: str, plugin, cwd):
        self.url, self.plugin, self.cwd = url, plugin, cwd
        self.counts = cwd / "executions.txt"
        self.engine = create_engine(url)

    def start(self, optimizers: list[str], *extra: str) -> subprocess.Popen:
        env = {**os.environ, "DLBENCH_DISABLE_PLUGIN_AUTOLOAD": "1"}
        return subprocess.Popen(
            [sys.executable, "-m", "dlbench", "--db", self.url, "-p", str(self.plugin), "run",
             "toy", "--preset", "test", "--optimizer", ",".join(optimizers), "--workers", "1",
             "--set", f"count_file={self.counts}", *extra],
            env=env, cwd=self.cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def rows(self, sql: str = "SELECT id, config_hash, status, choices FROM runs ORDER BY id"):
        try:
            with self.engine.connect() as conn:
                return conn.execute(text(sql)).all()
        except Exception:  # noqa: BLE001 (no schema yet while the first process starts)
            return []

    def optimizer(self, row) -> str:
        choices = row.choices  # PostgreSQL's json arrives parsed, SQLite's as text
        return (json.loads(choices) if isinstance(choices, str) else choices)["optimizer"]

    def statuses(self) -> list[str]:
        return [r.status for r in self.rows()]

    def executions(self) -> collections.Counter:
        if not self.counts.exists():
            return collections.Counter()
        return collections.Counter(line.split()[0] for line in self.counts.read_text().splitlines())


@pytest.fixture(params=["sqlite", "postgresql"])
def sweep(request, tmp_path, toy_plugin):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'runs.db'}"
    else:
        url = request.getfixturevalue("pg_url")
    view = Sweep(url, toy_plugin, tmp_path)
    yield view
    view.engine.dispose()


def test_a_sweep_killed_with_sigkill_resumes_running_only_what_is_missing(sweep):
    optimizers = OPTIMIZERS[:6]
    args = ("--set", "steps=5", "--set", "sleep=0.2")
    proc = sweep.start(optimizers, *args)
    wait_for(lambda: sweep.statuses().count("finished") >= 2 and "running" in sweep.statuses(),
             timeout=120)
    family = descendants(proc.pid)
    proc.kill()  # a real SIGKILL: no handler runs, the in-flight run stays "running"
    proc.communicate(timeout=30)
    assert proc.returncode == -9
    wait_for(lambda: not [p for p in family if alive(p)], timeout=20)
    committed = {r.config_hash: r.id for r in sweep.rows() if r.status == "finished"}
    in_flight = [r for r in sweep.rows() if r.status == "running"]
    assert len(committed) >= 2 and len(in_flight) == 1
    ran_before = sweep.executions()

    again = sweep.start(optimizers, *args)
    _, err = again.communicate(timeout=180)
    assert again.returncode == 0, err.decode()

    rows = sweep.rows()
    finished = [r for r in rows if r.status == "finished"]
    per_config = collections.Counter(r.config_hash for r in finished)
    assert len(per_config) == len(optimizers) and set(per_config.values()) == {1}, rows
    assert {r.status for r in rows} == {"finished", "abandoned"}  # nothing left running
    assert [r.id for r in rows if r.status == "abandoned"] == [in_flight[0].id]
    for config_hash, run_id in committed.items():  # committed before the kill: kept as is
        assert [r.id for r in finished if r.config_hash == config_hash] == [run_id]
    ran = sweep.executions()
    done_first = {sweep.optimizer(r) for r in rows if r.config_hash in committed}
    assert all(ran[o] == ran_before[o] == 1 for o in done_first), (ran, done_first)
    interrupted = sweep.optimizer(in_flight[0])
    assert ran[interrupted] == 2  # started once before the kill, run to the end after it
    assert sum(ran.values()) == len(optimizers) + 1
    claims = sweep.rows("SELECT count(*) AS n FROM run_claims")[0].n
    assert claims == len(optimizers)


class DashboardReader:
    """A real ``dlbench serve`` app on a free loopback port, read by a thread (runs page
    and JSON API) for as long as the writers write; it records any error it sees."""

    PATHS = ("/api/runs?page_size=200", "/runs", "/api/sweeps")

    def __init__(self, url: str):
        from dlbench.web.server import serve_in_background
        from dlbench.web.settings import WebSettings

        self.handle = serve_in_background(WebSettings(db_url=url, port=0))
        self.reads, self.problems, self.stop = 0, [], threading.Event()
        self.thread = threading.Thread(target=self.loop)
        self.thread.start()

    def loop(self) -> None:
        while not self.stop.is_set():
            for path in self.PATHS:
                try:
                    with urllib.request.urlopen(self.handle.url + path, timeout=10) as response:
                        body = response.read().decode()
                    if "locked" in body.lower():
                        self.problems.append(f"{path}: {body[:200]}")
                except (OSError, ValueError) as exc:  # an HTTP error status is an OSError
                    self.problems.append(f"{path}: {exc}")
                self.reads += 1
            time.sleep(0.05)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(30)
        self.handle.stop()


def test_eight_processes_on_overlapping_grids_store_each_configuration_once(sweep):
    """...while the dashboard reads the same database the whole time (SQLite: the viewer
    never blocks a writer and never shows a lock error)."""
    pytest.importorskip("fastapi")
    from dlbench.storage import RunStore

    RunStore(sweep.url, create=True).close()  # the schema, so the dashboard has a database
    windows = [[OPTIMIZERS[(start + k) % len(OPTIMIZERS)] for k in range(5)]
               for start in range(0, 16, 2)]  # 8 grids of 5; neighbours share 3 configurations
    wanted = {o for window in windows for o in window}
    reader = DashboardReader(sweep.url)
    try:
        procs = [sweep.start(window, "--set", "steps=3", "--set", "sleep=0.05", "-q")
                 for window in windows]
        for proc in procs:
            _, err = proc.communicate(timeout=300)
            assert proc.returncode == 0, err.decode()
            assert b"locked" not in err.lower()
    finally:
        reader.close()
    assert reader.problems == [] and reader.reads >= 6, reader.problems[:5]
    rows = sweep.rows()
    hashes = {r.config_hash for r in rows}
    assert len(rows) == len(hashes) == len(wanted), rows  # one run row per configuration
    assert {r.status for r in rows} == {"finished"}
    assert {sweep.optimizer(r) for r in rows} == wanted
    ran = sweep.executions()
    assert set(ran) == wanted and set(ran.values()) == {1}, ran  # executed once each
