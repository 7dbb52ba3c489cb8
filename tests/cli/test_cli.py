"""The command line: every foundation command, JSON output, and bad input -> one line."""

from __future__ import annotations

import subprocess
import sys

import pytest

import dlbench
from dlbench.storage import RunStore


def test_version(invoke):
    result = invoke("--version")
    assert result.exit_code == 0 and dlbench.__version__ in result.output


def test_plugins_lists_builtins_and_failures(invoke, fake_dist, halver_code):
    fake_dist("fakeopt", halver_code)
    fake_dist("fakebroken", "import does_not_exist_anywhere\n")
    result = invoke("plugins", "--json")
    assert result.exit_code == 0, result.output
    data = result.json()
    names = {p["name"]: p for p in data["plugins"]}
    assert names["fakeopt"]["registered"] == {"optimizer": ["halver"]}
    assert names["fakeopt"]["version"] == "1.2.3"
    assert names["dlbench.plugins.optimizers"]["source"] == "builtin"
    assert data["failed"][0]["name"] == "fakebroken"
    assert "does_not_exist_anywhere" in data["failed"][0]["error"]
    text = invoke("plugins")
    assert "FAILED  fakebroken" in text.stdout and "halver" in text.stdout


def test_a_broken_plugin_does_not_stop_other_commands(invoke, fake_dist):
    fake_dist("fakebroken", "raise RuntimeError('kaput')\n")
    result = invoke("list", "optimizer")
    assert result.exit_code == 0
    assert "sgd" in result.stdout
    assert "fakebroken" in result.stderr and "kaput" in result.stderr


def test_list_and_info(invoke):
    result = invoke("list", "quiz_bank", "--json")
    assert result.exit_code == 0 and isinstance(result.json(), list)
    listing = invoke("list", "activation", "--json").json()
    assert {"relu", "sigmoid"} <= {e["name"] for e in listing}
    info = invoke("info", "optimizer", "sgd", "--json").json()
    assert info["plugin"] == "dlbench.plugins.optimizers"
    assert info["defaults"]["lr"] == 1e-3 and info["summary"]["ja"]
    text = invoke("info", "loss", "cross-entropy").stdout
    assert "formula:" in text and "softmax" in text


def test_check_passes_every_builtin(invoke):
    result = invoke("check")
    assert result.exit_code == 0, result.output
    lines = [l for l in result.stdout.splitlines() if l[:4] in ("ok  ", "FAIL", "warn")]
    assert lines and all(l.startswith("ok") for l in lines)
    assert "0 failed" in result.stdout


def test_check_reports_a_broken_third_party_optimizer(invoke, tmp_path):
    plugin = tmp_path / "badopt.py"
    plugin.write_text(
        "import numpy as np\n"
        "from dlbench import hookimpl\n"
        "from dlbench.nn import Optimizer\n"
        "class Ascend(Optimizer):\n"
        "    def step(self):\n"
        "        for p in self.params: p.data += 0.1 * p.grad\n"
        "@hookimpl\n"
        "def register_optimizers(register):\n"
        "    register('ascend', Ascend)\n")
    result = invoke("-p", plugin, "check", "optimizer", "ascend")
    assert result.exit_code == 1
    assert "FAIL" in result.stdout and "descends" in result.stdout
    assert "metadata: missing" in result.stdout and "Traceback" not in result.output


def test_results_list_and_show(invoke, db_url):
    with RunStore(db_url, create=True) as store:
        run = store.add_run(task="convergence", config={"lr": 0.1}, config_hash="0" * 64,
                            choices={"optimizer": "sgd"}, seed=3, status="finished",
                            summary={"final_loss": 0.5}, series={"loss": [(0, 1.0), (1, 0.5)]})
    runs = invoke("--db", db_url, "results", "list", "--json").json()
    assert len(runs) == 1
    r = runs[0]
    assert {"id", "task", "status", "seed", "choices", "config", "started_at", "finished_at",
            "summary", "tags"} <= set(r)
    assert r["choices"] == {"optimizer": "sgd"} and r["seed"] == 3 and r["status"] == "finished"
    assert r["summary"] == {"final_loss": 0.5}
    shown = invoke("--db", db_url, "results", "show", run)
    assert shown.exit_code == 0 and "loss (2 points)" in shown.stdout
    detail = invoke("--db", db_url, "results", "show", run, "--json").json()
    assert detail["id"] == run and detail["metrics"] == {"loss": 2}
    assert detail["params"] == {"lr": 0.1} and "python_version" in detail["environment"]


def test_results_compare_and_export_keep_their_json_shape(invoke, db_url):
    with RunStore(db_url, create=True) as store:
        a = store.add_run(task="t", config={"settings": {"lr": 0.1}}, config_hash="a",
                          choices={"optimizer": "sgd"}, seed=0, status="finished",
                          summary={"loss": 1.5})
        b = store.add_run(task="t", config={"settings": {"lr": 0.2}}, config_hash="b",
                          choices={"optimizer": "sgd"}, seed=0, status="finished",
                          summary={"loss": float("inf")})
    cmp = invoke("--db", db_url, "results", "compare", a, b, "--json").json()
    assert [r["id"] for r in cmp["runs"]] == [a, b]
    assert cmp["runs"][1]["summary"] == {"loss": "Infinity"}
    assert cmp["differing_settings"] == {"settings.lr": [0.1, 0.2]}
    rows = invoke("--db", db_url, "results", "export", "--format", "json").json()
    assert [(r["id"], r["optimizer"], r["loss"]) for r in rows] == [(b, "sgd", "inf"), (a, "sgd", 1.5)]


def test_results_list_returns_every_run_unless_limited(invoke, db_url):
    with RunStore(db_url, create=True) as store:
        for seed in range(25):
            store.add_run(task="t", config={}, config_hash=f"h{seed}", seed=seed,
                          status="finished")
    assert len(invoke("--db", db_url, "results", "list", "--json").json()) == 25
    assert len(invoke("--db", db_url, "results", "list", "--limit", 5, "--json").json()) == 5


def test_db_from_environment(invoke, db_url, monkeypatch):
    path = db_url.split("///")[1]
    monkeypatch.setenv("DLBENCH_DB", db_url)
    missing = invoke("results", "list")  # a command that only reads never creates a database
    assert missing.exit_code == 1 and "no results database at" in missing.stderr
    assert not __import__("os").path.exists(path)
    RunStore(db_url, create=True).close()
    listed = invoke("results", "list")
    assert listed.exit_code == 0 and "no runs stored in" in listed.stdout


@pytest.mark.parametrize("args,code,message", [
    (("list", "optimiser"), 2, "did you mean 'optimizer'"),
    (("info", "optimizer", "adma"), 2, "unknown optimizer 'adma'"),
    (("-p", "missing_plugin.py", "plugins"), 2, "plugin file not found"),
    (("--db", "not a url", "results", "list"), 2, "cannot parse database URL"),
    (("--db", "sqlite:////nonexistent/dir/x.db", "results", "list"), 1, "no results database at"),
    (("results", "show", "12345"), 2, "no run with id 12345"),
])
def test_bad_input_is_one_line_and_an_exit_status(invoke, args, code, message, db_url,
                                                  monkeypatch):
    monkeypatch.setenv("DLBENCH_DB", db_url)
    RunStore(db_url, create=True).close()
    result = invoke(*args)
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert len([l for l in result.stderr.splitlines() if l.startswith("Error:")]) == 1


def test_plugin_that_does_not_import_exits_1(invoke, tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("raise ImportError('nope')\n")
    result = invoke("-p", bad, "plugins")
    assert result.exit_code == 1 and "does not import" in result.stderr


def test_corrupt_database_exits_1(invoke, tmp_path):
    path = tmp_path / "c.db"
    path.write_bytes(b"garbage" * 1000)
    result = invoke("--db", f"sqlite:///{path}", "results", "list")
    assert result.exit_code == 1 and "not a readable SQLite database" in result.stderr


def test_debug_shows_the_traceback(invoke):
    result = invoke("--debug", "info", "optimizer", "adma")
    assert result.exit_code != 0 and result.exception is not None


def test_python_dash_m_works_from_outside_the_repo(tmp_path):
    out = subprocess.run([sys.executable, "-m", "dlbench", "list", "optimizer"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "sgd" in out.stdout
