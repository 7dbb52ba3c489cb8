"""``dlbench info task T`` lists every ``--set`` key with type, default, range and meaning;
``dlbench run`` refuses an out-of-range setting in one line, exit 2, storing nothing."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import subprocess
import sys

import pytest

from dlbench.bench.settings_doc import show_value
from dlbench.plugins.tasks import TASKS

REFUSED = [("iterations=0", "setting iterations must be ≥ 1, got 0"),
           ("iterations=-5", "setting iterations must be ≥ 1, got -5"),
           ("batch_size=0", "setting batch_size must be ≥ 1, got 0"),
           ("lr_grid=[]", "setting lr_grid needs at least 1 item(s), got []"),
           ("hidden=[0]", "setting hidden must be 1+ items, each ≥ 1, got [0]"),
           ("hidden=[1.5]", "setting hidden: expected list[int], got [1.5]")]


def _dlbench(*args, cwd):
    """The real command in a fresh process (its own stderr, exit status and files)."""
    return subprocess.run([sys.executable, "-m", "dlbench", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def _rows(db) -> list[tuple]:
    with sqlite3.connect(db) as con:
        return con.execute("SELECT status, config FROM runs").fetchall()


@pytest.mark.slow  # 13 real processes, ~7 s
def test_out_of_range_settings_are_one_line_exit_2_and_store_nothing(tmp_path):
    db = tmp_path / "x.db"
    url = f"sqlite:///{db}"

    def refuse_all():
        for item, message in REFUSED:
            done = _dlbench("--db", url, "run", "convergence", "--preset", "test", "--set", item,
                            cwd=tmp_path)
            assert done.returncode == 2, (item, done.stdout, done.stderr)
            assert done.stderr.splitlines() == [f"Error: {message}"], (item, done.stderr)
            assert "Traceback" not in done.stdout + done.stderr

    refuse_all()
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no database, no results/ folder
    # control: a valid setting on the same URL does create the database and store runs
    done = _dlbench("--db", url, "run", "convergence", "--preset", "test", "--set",
                    "iterations=3", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    stored = _rows(db)
    assert [status for status, _ in stored] == ["finished", "finished"]
    refuse_all()
    assert _rows(db) == stored  # still only the two valid runs
    for _, config in stored:
        assert json.loads(config)["settings"]["iterations"] == 3


def test_info_task_convergence_shows_every_key_with_type_default_and_range(invoke):
    result = invoke("info", "task", "convergence")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    for expected in ["    iterations: int = 500  [range: ≥ 1]",
                     "    batch_size: int = 128  [range: ≥ 1]",
                     "    hidden: list[int] = [100, 100, 100, 100]  [range: 1+ items, each ≥ 1]",
                     "    lr_grid: list[float] = [0.0001, 0.001, 0.01, 0.1, 1]  "
                     "[range: 1+ items, each > 0]",
                     "    target_loss: float = 0.3  [range: > 0]",
                     "    sampling: str = book  [range: one of book, shuffle]",
                     "    clip_norm: float | None = None  [range: > 0]",
                     "    book_lr: bool = True  [range: True or False]",
                     "    dtype: str = float32  [range: one of float32, float64]",
                     "    optimizer: str = sgd  [range: a registered optimizer]",
                     "        training iterations at each learning rate"]:
        assert expected in lines, expected
    assert ("    test: hidden=[16, 16], iterations=40, lr_grid=[0.01, 0.1], target_loss=1.5; "
            "grid optimizer=sgd,adam; 1 seed") in lines
    assert "    quick: grid optimizer=sgd,momentum,adagrad,adam; 3 seeds" in lines
    settings = lines[lines.index("  settings (--set KEY=VALUE; checked before any run starts; "
                                 "a preset may change a default):") + 1:]
    settings = settings[:next(i for i, line in enumerate(settings) if line.startswith("  pre"))]
    keyed = [line.strip().split(":", 1)[0] for line in settings if not line.startswith("     ")]
    fields = [f.name for f in dataclasses.fields(TASKS[4].Config)]
    assert TASKS[4].name == "convergence" and keyed == fields


@pytest.mark.parametrize("task", TASKS, ids=[t.name for t in TASKS])
def test_info_task_lists_every_setting_in_text_and_json(invoke, task):
    text = invoke("info", "task", task.name)
    data = invoke("info", "task", task.name, "--json").json()
    assert text.exit_code == 0
    rows = data["settings"]
    assert [r["key"] for r in rows] == [f.name for f in dataclasses.fields(task.Config)]
    for (key, default, declared), row in zip(task.settings(), rows):
        assert row["default"] == json.loads(json.dumps(default))
        assert row["meaning"] == declared.help and row["low"] == declared.low
        assert row["min_len"] == declared.min_len and row["high"] == declared.high
    for name, pre in task.presets.items():
        assert data["presets"][name]["config"] == json.loads(json.dumps(pre.config))
        line = f"    {key}: {row['type']} = {show_value(default)}  [range: {row['range']}]"
        assert line in text.stdout.splitlines(), line


def test_info_of_other_kinds_has_no_settings(invoke):
    data = invoke("info", "optimizer", "sgd", "--json").json()
    assert "settings" not in data
    assert "settings (--set" not in invoke("info", "optimizer", "sgd").stdout
