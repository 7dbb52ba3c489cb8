"""A real server: ``dlbench serve`` in a subprocess, the background server, and two real
``dlbench run`` processes writing while the dashboard is read."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from dlbench.storage import RunStore

from .conftest import add_runs

pytestmark = pytest.mark.slow
START_TIMEOUT_S = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def child_env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DLBENCH_")}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), PYTHONUNBUFFERED="1",
               DLBENCH_QUIZ_DB=f"sqlite:///{home / 'quiz.db'}")
    return env


def request(port: int, method: str = "GET", path: str = "/", headers=None,
            timeout: float = 10.0) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def wait_until_up(port: int, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"dlbench serve exited: {proc.communicate()}")
        try:
            request(port, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("dlbench serve did not answer")


@pytest.fixture
def served(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'results.db'}"
    with RunStore(db_url, create=True) as store:
        add_runs(store)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "dlbench", "serve", "--db", db_url,
                             "--port", str(port)], cwd=tmp_path, env=child_env(tmp_path),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_until_up(port, proc)
        yield port, proc, db_url
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def test_dlbench_serve_answers_and_refuses_a_foreign_host(served):
    port, proc, _ = served
    status, body = request(port, path="/runs")
    assert status == 200 and "<tr data-run-id=" in body
    status, body = request(port, path="/api/runs")
    assert status == 200 and json.loads(body)["total"] == 4
    assert request(port, headers={"Host": "evil.example"})[0] == 400
    assert request(port, headers={"Host": f"localhost:{port}"})[0] == 200
    status, _ = request(port, "POST", "/quiz/q/x", headers={"Origin": "http://evil.example"})
    assert status == 403
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}" in out
    assert "Traceback" not in err


def test_a_non_loopback_host_warns_that_there_is_no_authentication(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "dlbench", "serve", "--db",
                             f"sqlite:///{tmp_path / 'r.db'}", "--host", "0.0.0.0",
                             "--port", "0"], cwd=tmp_path, env=child_env(tmp_path),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()  # printed once the socket is bound
        assert "dlbench dashboard at http://" in line
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert "no authentication" in err and "0.0.0.0" in err


def test_a_port_in_use_is_one_clear_error(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        proc = subprocess.run([sys.executable, "-m", "dlbench", "serve", "--port", str(port),
                               "--db", f"sqlite:///{tmp_path / 'r.db'}"], cwd=tmp_path,
                              env=child_env(tmp_path), capture_output=True, text=True,
                              timeout=60)
    assert proc.returncode == 2
    assert f"Error: cannot listen on 127.0.0.1:{port}" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_serve_in_background_on_a_free_port(filled):
    from dlbench.web.server import serve_in_background
    from dlbench.web.settings import WebSettings

    handle = serve_in_background(WebSettings(db_url=filled[0], port=0))
    try:
        port = int(handle.url.rsplit(":", 1)[1])
        assert port != 0 and handle.url.startswith("http://127.0.0.1:")
        status, body = request(port, path="/api/runs")
        assert status == 200 and json.loads(body)["total"] == len(filled[1])
    finally:
        handle.stop()
    with pytest.raises(OSError):
        request(port, timeout=2)


def test_two_writers_and_a_reader_lose_nothing_and_see_no_lock_error(tmp_path):
    """Two real ``dlbench run`` processes store the same grid (claims split it) into one
    SQLite file while a thread reads /api/runs and /runs from a real server."""
    db_url = f"sqlite:///{tmp_path / 'shared.db'}"
    RunStore(db_url, create=True).close()
    from dlbench.web.server import serve_in_background
    from dlbench.web.settings import WebSettings

    handle = serve_in_background(WebSettings(db_url=db_url, port=0))
    port = int(handle.url.rsplit(":", 1)[1])
    problems, reads, stop = [], [0], threading.Event()

    def reader():
        while not stop.is_set():
            for path in ("/api/runs?page_size=200", "/runs", "/api/sweeps", "/"):
                try:
                    status, body = request(port, path=path)
                except OSError as exc:
                    problems.append(f"{path}: {exc}")
                    continue
                reads[0] += 1
                if status != 200 or "locked" in body.lower():
                    problems.append(f"{path}: {status} {body[:200]}")
            time.sleep(0.05)

    thread = threading.Thread(target=reader)
    thread.start()
    grid = ["--db", db_url, "run", "convergence", "--preset", "test", "--seeds", "2",
            "--optimizer", "sgd,momentum,adam", "--workers", "1", "-q"]
    try:
        writers = [subprocess.Popen([sys.executable, "-m", "dlbench", *grid], cwd=tmp_path,
                                    env=child_env(tmp_path), stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outputs = [w.communicate(timeout=600) for w in writers]
    finally:
        stop.set()
        thread.join(30)
        final = request(port, path="/api/runs?page_size=200")
        handle.stop()
    for w, (out, err) in zip(writers, outputs):
        assert w.returncode == 0, err
        assert "locked" not in err.lower()
    assert problems == []
    assert reads[0] >= 4
    body = json.loads(final[1])
    assert body["total"] == 6  # 3 optimizers x 2 seeds, each run once across both writers
    assert sorted(r["status"] for r in body["runs"]) == ["finished"] * 6
    with RunStore(db_url) as store:
        assert store.count_runs() == 6
