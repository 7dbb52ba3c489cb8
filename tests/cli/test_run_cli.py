"""``dlbench run``, ``leaderboard`` and ``results compare/export`` from the command line."""

from __future__ import annotations

import csv
import io
import json

import pytest


def test_dry_run_prints_the_grid_count_and_estimate(invoke, db_url):
    result = invoke("--db", db_url, "run", "convergence", "--optimizer", "sgd,adam", "--seeds", 2,
                    "--dry-run")
    assert result.exit_code == 0, result.output
    assert "optimizer[sgd, adam] × seeds [0, 1]" in result.stdout
    assert "4 runs, 0 reusable" in result.stdout and "~" in result.stdout
    listed = invoke("--db", db_url, "results", "list", "--json")
    assert listed.exit_code == 1 and "no results database at" in listed.stderr  # none made


def test_unknown_set_key_fails_before_anything_runs(invoke, db_url):
    result = invoke("--db", db_url, "run", "convergence", "--set", "iteratons=5")
    assert result.exit_code == 2
    assert "valid keys:" in result.stderr and "iterations" in result.stderr
    assert "no results database at" in invoke("--db", db_url, "results", "list").stderr


def test_unknown_task_and_plugin_suggest(invoke, db_url):
    assert "did you mean 'convergence'" in invoke("--db", db_url, "run", "convergance").stderr
    result = invoke("--db", db_url, "run", "convergence", "--optimizer", "adma", "--preset", "test")
    assert result.exit_code == 2 and "did you mean 'adam'" in result.stderr


def test_run_json_leaderboard_and_exports(invoke, db_url):
    result = invoke("--db", db_url, "run", "convergence", "--preset", "test", "--seeds", 2,
                    "--json")
    assert result.exit_code == 0, result.output
    outcomes = result.json()
    assert len(outcomes) == 4 and {o["status"] for o in outcomes} == {"finished"}
    board = invoke("--db", db_url, "leaderboard", "convergence", "--json").json()
    assert board["metric"] == "steps_to_target" and len(board["entries"]) == 2
    top = board["entries"][0]
    assert top["rank"] == 1 and top["n"] == 2 and top["ci95"] is not None
    text = invoke("--db", db_url, "leaderboard", "convergence").stdout
    assert "95% CI" in text and "lr_grid" in text
    rows = list(csv.DictReader(io.StringIO(invoke("--db", db_url, "results", "export").stdout)))
    assert len(rows) == 4 and {"optimizer", "steps_to_target", "config_hash"} <= set(rows[0])
    md = invoke("--db", db_url, "results", "export", "--format", "markdown").stdout
    assert md.startswith("| id | task |") and md.count("\n") == 6
    data = json.loads(invoke("--db", db_url, "results", "export", "--format", "json").stdout)
    assert len(data) == 4
    ids = [o["run_id"] for o in outcomes[:2]]
    cmp = invoke("--db", db_url, "results", "compare", *ids)
    assert cmp.exit_code == 0 and "steps_to_target" in cmp.stdout


def test_failed_run_exits_1_and_diverged_exits_0(invoke, db_url, tmp_path):
    from tests.bench.conftest import TOY_TASKS
    import textwrap

    plugin = tmp_path / "toyplugin.py"
    plugin.write_text(textwrap.dedent(TOY_TASKS))
    failed = invoke("--db", db_url, "-p", plugin, "run", "toy", "--optimizer", "broken,sgd", "-q")
    assert failed.exit_code == 1
    assert "optimizer exploded on purpose" in failed.stderr
    assert "2 failed" in failed.stdout and "2 finished" in failed.stdout
    diverged = invoke("--db", db_url, "-p", plugin, "run", "toy", "--set", "explode_at=2", "-q")
    assert diverged.exit_code == 0 and "diverged" in diverged.stdout


def test_leaderboard_ranks_diverged_last(invoke, db_url, tmp_path):
    from dlbench.storage import RunStore

    store = RunStore(db_url, create=True)
    for opt, status, steps in (("a", "diverged", 5.0), ("b", "finished", 30.0), ("c", "finished", 10.0)):
        for seed in (0, 1):
            store.add_run(task="convergence", config={}, config_hash=f"{opt}{seed}",
                          choices={"optimizer": opt}, seed=seed, preset="quick", status=status,
                          summary={"steps_to_target": steps + seed})
    entries = invoke("--db", db_url, "leaderboard", "convergence", "--json").json()["entries"]
    assert [e["choices"]["optimizer"] for e in entries] == ["c", "b", "a"]
    assert entries[0]["mean"] == pytest.approx(10.5)


def test_a_forced_rerun_counts_once_in_the_leaderboard(invoke, db_url):
    assert invoke("--db", db_url, "run", "convergence", "--preset", "test", "-q").exit_code == 0
    assert invoke("--db", db_url, "run", "convergence", "--preset", "test", "--force", "-q").exit_code == 0
    entries = invoke("--db", db_url, "leaderboard", "convergence", "--json").json()["entries"]
    assert len(invoke("--db", db_url, "results", "list", "--json").json()) == 4
    assert [e["n"] for e in entries] == [1, 1]


def test_tables_fit_the_terminal_width():
    from dlbench.cli.output import format_table

    rows = [("a" * 50, "b" * 60, "c" * 10)]
    text = format_table(rows, ("one", "two", "three"), max_width=60)
    assert all(len(line) <= 60 for line in text.splitlines())
    assert "…" in text and "c" * 10 in text  # the short column is kept whole


def test_grid_option_expands_any_setting(invoke, db_url):
    result = invoke("--db", db_url, "run", "convergence", "--preset", "test", "--optimizer", "sgd",
                    "--grid", "batch_size=32,64", "--json")
    assert result.exit_code == 0, result.output
    assert sorted(o["choices"]["batch_size"] for o in result.json()) == [32, 64]
    bad = invoke("--db", db_url, "run", "convergence", "--grid", "batch_size")
    assert bad.exit_code == 2 and "--grid expects KEY=V1,V2" in bad.stderr


def test_a_large_seed_range_dry_run_is_one_short_line(invoke, db_url):
    result = invoke("--db", db_url, "run", "convergence", "--optimizer", "sgd", "--seeds",
                    "5000", "--dry-run")
    assert result.exit_code == 0 and "seeds 0..4999" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) < 200


def test_refusals_are_one_line_exit_2_and_store_nothing(invoke, db_url, tmp_path):
    deep = "-" * 100_000 + "1"
    for args in (("--optimizer", "sgd(lr=-1)"), ("--set", "iterations=0"),
                 ("--set", "batch_size=0"), ("--grid", "batch_size=32", "--set", "batch_size=64"),
                 ("--set", f"iterations={deep}"), ("--optimizer", f"sgd(momentum={deep})"),
                 ("--optimizer", "sgd(momentum=1, momentum=2)"), ("--workers", "1000")):
        result = invoke("--db", db_url, "run", "convergence", "--preset", "test", *args)
        lines = result.stderr.strip().splitlines()
        assert result.exit_code == 2 and len(lines) == 1 and lines[0].startswith("Error: "), \
            (args, result.stderr[:300])
    assert not (tmp_path / "test.db").exists() and "no results database" in invoke(
        "--db", db_url, "results", "list").stderr


def test_run_says_where_it_stores_and_warns_that_memory_keeps_nothing(invoke, db_url):
    result = invoke("--db", db_url, "run", "convergence", "--preset", "test", "-q")
    assert f"Storing runs in {db_url}" in result.stderr
    memory = invoke("--db", "sqlite:///:memory:", "run", "convergence", "--preset", "test", "-q")
    assert memory.exit_code == 0 and "keeps nothing" in memory.stderr
    assert "dlbench report" not in memory.stdout  # no report can be built from it
