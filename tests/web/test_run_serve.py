"""``dlbench run --serve``: the command serves its own sweep's live progress on loopback.

A real ``dlbench run`` subprocess writes its runs to a SQLite file while this test reads the
dashboard it started, over HTTP, until the runs end.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from dlbench.storage import RunStore

pytestmark = pytest.mark.slow
pytest.importorskip("fastapi")


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def test_run_serve_shows_its_sweep_live_until_it_finishes(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'runs.db'}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "dlbench", "--db", db_url, "run", "convergence", "--preset",
         "test", "--seeds", "12", "--workers", "1", "--serve"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    errors: list[str] = []
    try:
        line = ""
        deadline = time.monotonic() + 60
        while "Live progress:" not in line and time.monotonic() < deadline:
            line = proc.stderr.readline()
            errors.append(line)
            if not line and proc.poll() is not None:
                break
        match = re.search(r"Live progress: (http://127\.0\.0\.1:\d+)/sweeps/(\d+)", line)
        assert match, "".join(errors)
        base, sweep_id = match.group(1), int(match.group(2))
        drain = threading.Thread(target=lambda: errors.extend(proc.stderr), daemon=True)
        drain.start()
        page = urllib.request.urlopen(f"{base}/sweeps/{sweep_id}?lang=en", timeout=5).read()
        assert b'id="sweep-total"' in page
        seen = []
        while proc.poll() is None:
            try:
                sweep = get_json(f"{base}/api/sweeps/{sweep_id}")
            except OSError:  # the server has stopped with the command
                break
            seen.append((sweep["done"], sweep["status"]))
            time.sleep(0.1)
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, "".join(errors)
    total = 24  # sgd and adam, 12 seeds each
    dones = [done for done, _ in seen]
    assert dones == sorted(dones) and len(set(dones)) >= 2  # it moved while being read
    # the dashboard stays up briefly after the end, so open pages get the final status
    assert seen[-1] == (total, "finished"), seen[-5:]
    with RunStore(db_url) as store:
        [sweep] = store.sweeps()
    assert (sweep.id, sweep.done, sweep.total, sweep.status) == (sweep_id, total, total, "finished")


def test_run_serve_with_the_default_port_taken_uses_a_free_one(tmp_path):
    import socket

    holder = socket.socket()
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        holder.bind(("127.0.0.1", 8765))
    except OSError:
        pass  # already taken by someone else: the same situation
    holder.listen(1)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "dlbench", "--db", f"sqlite:///{tmp_path / 'r.db'}", "run",
             "convergence", "--preset", "test", "--seed", "0", "--optimizer", "sgd", "--serve"],
            capture_output=True, text=True, cwd=tmp_path, timeout=120)
    finally:
        holder.close()
    assert result.returncode == 0, result.stderr
    match = re.search(r"Live progress: http://127\.0\.0\.1:(\d+)/sweeps/1", result.stderr)
    assert match and match.group(1) != "8765", result.stderr
