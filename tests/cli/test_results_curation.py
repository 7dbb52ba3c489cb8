"""``dlbench results delete|tag|note|prune`` on real database files, and ``--tag`` in
leaderboards, plots, reports and exports."""

from __future__ import annotations

import socket
import subprocess

import pytest

from dlbench.storage import PRUNABLE_STATUSES, Owner, RunStore


def add(store, task="overfitting", status="finished", regularizer="none", seed=0, acc=0.9):
    """One stored run (a whole result in one transaction)."""
    return store.add_run(task=task, config={"task": task, "settings": {"regularizer": regularizer},
                                            "seed": seed},
                         config_hash=f"{task}-{regularizer}-{seed}-{status}",
                         choices={"regularizer": regularizer}, seed=seed, preset="test",
                         status=status, summary={"final_test_acc": acc, "final_gap": 0.1})


@pytest.fixture
def db(db_url):
    """A results database file with runs of two tasks and every prunable status."""
    with RunStore(db_url, create=True) as store:
        ids = {"none0": add(store), "none1": add(store, seed=1, acc=0.8),
               "l2": add(store, regularizer="l2", acc=0.95),
               "conv": add(store, task="convergence", regularizer="sgd")}
        for status in PRUNABLE_STATUSES:
            ids[status] = add(store, status=status, regularizer=status)
    return db_url, ids


def stored_ids(db_url) -> list[int]:
    with RunStore(db_url) as store:
        return sorted(r.id for r in store.list_runs())


def one_error_line(result, code: int, text: str) -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and text in lines[0], lines


# -- delete ------------------------------------------------------------------------------
def test_delete_by_id_with_yes_says_how_many_and_the_runs_are_gone(invoke, db):
    url, ids = db
    result = invoke("--db", url, "results", "delete", ids["none0"], ids["l2"], "--yes")
    assert result.exit_code == 0, result.output
    assert f"deleted 2 run(s) (id {ids['none0']}, {ids['l2']})" in result.stdout
    left = stored_ids(url)
    assert ids["none0"] not in left and ids["l2"] not in left and ids["none1"] in left
    board = invoke("--db", url, "leaderboard", "overfitting", "--json").json()
    assert [e["run_ids"] for e in board["entries"] if e["run_ids"]] == [[ids["none1"]]]


def test_delete_asks_first_and_no_keeps_everything(invoke, db):
    url, ids = db
    before = stored_ids(url)
    result = invoke("--db", url, "results", "delete", "--task", "overfitting", input="n\n")
    assert result.exit_code == 0
    assert "delete 8 run(s) (task overfitting)" in result.stdout and "nothing deleted" in result.stdout
    assert stored_ids(url) == before
    result = invoke("--db", url, "results", "delete", "--task", "overfitting", input="y\n")
    assert "deleted 8 run(s)" in result.stdout
    assert stored_ids(url) == [ids["conv"]]


def test_delete_by_status_and_task_together(invoke, db):
    url, ids = db
    result = invoke("--db", url, "results", "delete", "--status", "failed", "--task",
                    "overfitting", "--yes")
    assert "deleted 1 run(s) (status failed, task overfitting)" in result.stdout
    assert ids["failed"] not in stored_ids(url) and ids["interrupted"] in stored_ids(url)
    none = invoke("--db", url, "results", "delete", "--status", "failed", "--yes")
    assert none.exit_code == 0 and "nothing deleted" in none.stdout


@pytest.mark.parametrize("args, code, text", [
    (("12345",), 2, "no run with id 12345"),
    (("--status", "faild"), 2, "did you mean 'failed'"),
    ((), 2, "say what to delete"),
    (("1", "--status", "failed"), 2, "not both"),
    (("abc",), 2, "run ids are whole numbers, got 'abc'"),
])
def test_delete_bad_input_is_one_line_exit_2_and_deletes_nothing(invoke, db, args, code, text):
    url, _ = db
    before = stored_ids(url)
    result = invoke("--db", url, "results", "delete", *args, "--yes")
    one_error_line(result, code, text)
    assert stored_ids(url) == before


def test_a_running_run_of_a_live_process_is_not_deleted(invoke, db):
    url, _ = db
    with RunStore(url) as store:
        claim = store.claim(task="overfitting", config={}, config_hash="live", code_version="v",
                            choices={}, seed=0, preset="test", environment={}, owner=Owner.me())
    result = invoke("--db", url, "results", "delete", claim.run_id, "--yes")
    one_error_line(result, 2, f"run {claim.run_id} is running")
    assert claim.run_id in stored_ids(url)
    by_task = invoke("--db", url, "results", "delete", "--task", "overfitting", "--yes")
    assert "keeping 1 running run(s)" in by_task.stdout and "deleted 8 run(s)" in by_task.stdout
    assert claim.run_id in stored_ids(url)


# -- tag and note ------------------------------------------------------------------------
def test_tag_note_and_list_shows_them(invoke, db):
    url, ids = db
    tagged = invoke("--db", url, "results", "tag", ids["none0"], ids["l2"], "baseline")
    assert tagged.exit_code == 0 and "tagged 2 run(s) 'baseline'" in tagged.stdout
    noted = invoke("--db", url, "results", "note", ids["l2"], "best so far, rerun with 5 seeds")
    assert noted.exit_code == 0
    listing = invoke("--db", url, "results", "list", "--tag", "baseline")
    rows = [l for l in listing.stdout.splitlines() if l[:1].isdigit()]
    assert len(rows) == 2 and all("baseline" in r for r in rows)
    assert any("best so far, rerun with 5 seeds" in r for r in rows)
    data = invoke("--db", url, "results", "list", "--json").json()
    by_id = {r["id"]: r["tags"] for r in data}
    assert by_id[ids["l2"]] == {"baseline": "", "note": "best so far, rerun with 5 seeds"}
    shown = invoke("--db", url, "results", "show", ids["l2"])
    assert "tags: baseline" in shown.stdout and "note: best so far" in shown.stdout
    removed = invoke("--db", url, "results", "tag", ids["none0"], "baseline", "--remove")
    assert "removed tag 'baseline' from 1 run(s)" in removed.stdout
    assert [r["id"] for r in invoke("--db", url, "results", "list", "--tag", "baseline",
                                    "--json").json()] == [ids["l2"]]
    cleared = invoke("--db", url, "results", "note", ids["l2"], "")
    assert cleared.exit_code == 0 and "removed the note" in cleared.stdout


@pytest.mark.parametrize("args, text", [
    (("tag", "12345", "x"), "no run with id 12345"),
    (("tag", "1", "two words"), "one word"),
    (("tag", "x1", "best"), "run ids are whole numbers"),
    (("tag", "1", "note"), "reserved"),
    (("tag", "best"), "usage: dlbench results tag ID... TAG"),
    (("note", "12345", "hello"), "no run with id 12345"),
    (("note", "one", "hello"), "run ids are whole numbers"),
])
def test_tag_and_note_bad_input_is_one_line_exit_2(invoke, db, args, text):
    url, _ = db
    one_error_line(invoke("--db", url, "results", *args), 2, text)


def test_tag_filters_leaderboard_plot_report_and_export(invoke, db, tmp_path):
    url, ids = db
    invoke("--db", url, "results", "tag", ids["none0"], "keep")
    board = invoke("--db", url, "leaderboard", "overfitting", "--tag", "keep", "--json").json()
    assert [e["run_ids"] for e in board["entries"]] == [[ids["none0"]]]
    empty = invoke("--db", url, "leaderboard", "overfitting", "--tag", "nothing")
    assert empty.exit_code == 0 and "tagged 'nothing'" in empty.stdout
    rows = invoke("--db", url, "results", "export", "--tag", "keep", "--format", "json").json()
    assert [(r["id"], r["tags"]) for r in rows] == [(ids["none0"], "keep")]
    plot = invoke("--db", url, "plot", "accuracy-curves", "--tag", "keep", "-o",
                  tmp_path / "a.png")
    assert plot.exit_code == 0, plot.output
    assert f"; 1 runs: {ids['none0']})" in plot.stdout
    report = invoke("--db", url, "report", "--tag", "keep", "--out", tmp_path / "r")
    assert report.exit_code == 0, report.output
    assert "1 runs" in report.stderr + report.stdout
    html = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert f'id="run-{ids["none0"]}"' in html and f'id="run-{ids["l2"]}"' not in html


# -- prune -------------------------------------------------------------------------------
def _dead_owner() -> Owner:
    """The owner record of a real process that has exited."""
    proc = subprocess.Popen(["sleep", "0"])
    from dlbench.storage.owners import process_start

    started = process_start(proc.pid)
    proc.wait()
    return Owner(socket.gethostname(), proc.pid, started)


def test_prune_removes_runs_without_a_result_and_keeps_results(invoke, db):
    url, ids = db
    with RunStore(url) as store:
        stale = store.claim(task="overfitting", config={}, config_hash="stale", code_version="v",
                            choices={}, seed=0, preset="test", environment={},
                            owner=_dead_owner()).run_id
        live = store.claim(task="overfitting", config={}, config_hash="live", code_version="v",
                           choices={}, seed=0, preset="test", environment={},
                           owner=Owner.me()).run_id
    asked = invoke("--db", url, "results", "prune", input="n\n")
    assert "delete 6 run(s)" in asked.stdout and "nothing deleted" in asked.stdout
    result = invoke("--db", url, "results", "prune", "--yes")
    assert result.exit_code == 0 and "deleted 6 run(s)" in result.stdout
    left = stored_ids(url)
    assert sorted(left) == sorted([ids["none0"], ids["none1"], ids["l2"], ids["conv"], live])
    assert stale not in left
    again = invoke("--db", url, "results", "prune", "--yes")
    assert again.exit_code == 0 and "nothing deleted" in again.stdout
