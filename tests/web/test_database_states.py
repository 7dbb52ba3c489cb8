"""The viewer against a database that another connection is writing or has locked, and
live sweep progress over server-sent events."""

from __future__ import annotations

import json
import sqlite3
import threading
import time

import pytest

from dlbench.storage import Owner, RunStore

from .conftest import client_for


def _path(db_url: str) -> str:
    return db_url.removeprefix("sqlite:///")


def test_a_writer_holding_the_write_lock_does_not_block_the_viewer(filled):
    db_url, ids = filled
    with client_for(db_url) as c:
        assert c.get("/api/runs").status_code == 200
        writer = sqlite3.connect(_path(db_url), isolation_level=None)
        try:
            writer.execute("BEGIN IMMEDIATE")
            writer.execute("UPDATE runs SET preset = 'changed'")
            started = time.monotonic()
            r = c.get("/runs")
            assert r.status_code == 200 and len(ids) == r.text.count("<tr data-run-id=")
            assert time.monotonic() - started < 2.0  # read from the WAL snapshot, no wait
            assert "changed" not in r.text  # the uncommitted write is not seen
        finally:
            writer.execute("ROLLBACK")
            writer.close()


def test_the_viewer_cannot_write(filled):
    with client_for(filled[0]) as c:
        c.get("/")
        store = c.app.state.run_stores.get()
        with pytest.raises(Exception, match="read-only"):
            store.set_tag([filled[1][0]], "x")


def test_an_exclusively_locked_database_is_a_clear_503_not_a_500(filled):
    db_url, _ = filled
    with client_for(db_url) as c:
        assert c.get("/").status_code == 200
        c.app.state.run_stores.get().engine.dispose()  # let the locker take the whole file
        locker = sqlite3.connect(_path(db_url), isolation_level=None)
        try:
            locker.execute("PRAGMA locking_mode = EXCLUSIVE")
            locker.execute("BEGIN EXCLUSIVE")
            locker.execute("UPDATE runs SET preset = preset")
            started = time.monotonic()
            page = c.get("/runs")
            api = c.get("/api/runs")
            waited = time.monotonic() - started
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        assert page.status_code == 503 and "locked" in page.text
        assert 'id="error-message"' in page.text and "Traceback" not in page.text
        assert api.status_code == 503 and "locked" in api.json()["detail"]
        assert waited < 20  # the viewer's short busy timeout, not the writer's 30 s
        assert c.get("/api/runs").status_code == 200  # and it recovers


def _events(text: str) -> list[tuple[str, dict]]:
    out = []
    for block in text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines()
                      if ": " in line and not line.startswith(":"))
        if "event" in fields:
            out.append((fields["event"], json.loads(fields["data"])))
    return out


def test_a_finished_sweep_streams_its_state_and_ends(filled):
    db_url, _ = filled
    with RunStore(db_url) as store:
        sid = store.start_sweep(label="dlbench run convergence", total=4, tasks=["convergence"],
                                owner=Owner.me())
        store.update_sweep(sid, done=4, failed=0, task="convergence", task_index=1)
        store.finish_sweep(sid, "finished")
    with client_for(db_url) as c:
        r = c.get(f"/sweeps/{sid}/events")
        assert r.headers["content-type"].startswith("text/event-stream")
        events = _events(r.text)
        assert events[-1][0] == "end" and events[-1][1]["status"] == "finished"
        assert events[0][1]["done"] == 4
        page = c.get(f"/sweeps/{sid}").text
        assert 'id="sweep-done">4<' in page and 'id="sweep-total">4<' in page


def test_a_running_sweep_pushes_each_change_until_it_ends(filled):
    db_url, _ = filled
    with RunStore(db_url) as store:
        sid = store.start_sweep(label="live", total=3, tasks=["convergence"], owner=Owner.me())

    def progress():
        with RunStore(db_url) as writer:
            for done in (1, 2, 3):
                time.sleep(0.7)
                writer.update_sweep(sid, done=done, failed=0, task="convergence", task_index=1)
            writer.finish_sweep(sid, "finished")

    thread = threading.Thread(target=progress)
    with client_for(db_url) as c:
        thread.start()
        r = c.get(f"/sweeps/{sid}/events")
        thread.join()
    events = _events(r.text)
    done = [e[1]["done"] for e in events if e[0] == "progress"]
    assert done[0] == 0 and done[-1] == 3 and done == sorted(done)
    assert len(done) >= 3  # pushed as it went, not only at the end
    assert events[-1] == ("end", events[-1][1]) and events[-1][1]["status"] == "finished"
