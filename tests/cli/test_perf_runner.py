"""``dlbench perf --runner``: the runner timings of ``dlbench.perf.timing``, printed or as
JSON. The timed subprocesses are replaced by a recorder (the real ones take minutes); the
store throughput is measured for real on a few points."""

from __future__ import annotations

import pytest

from dlbench.perf import timing


@pytest.fixture
def timed(monkeypatch):
    """Record the commands ``time_command`` would run; shrink the store measurement."""
    commands = []

    def fake_time_command(args, workdir):
        commands.append(list(args))
        return {"command": "dlbench " + " ".join(args), "seconds": 1.5, "peak_mib": 99.0,
                "exit": 0, "stderr_tail": []}

    real_throughput = timing.store_throughput
    monkeypatch.setattr(timing, "time_command", fake_time_command)
    monkeypatch.setattr(timing, "store_throughput",
                        lambda: real_throughput(points=2_000, batch=500))
    return commands


def test_runner_no_suite_times_convergence_and_the_store(invoke, timed):
    result = invoke("perf", "--runner", "--no-suite")
    assert result.exit_code == 0, result.output
    assert timed == [["run", "convergence", "--optimizer", "sgd,adam", "--seeds", "2", "-q"]]
    assert "dlbench run convergence --optimizer sgd,adam --seeds 2" in result.output
    assert "metric points stored per second (batches of 500)" in result.output
    assert "standard suite" not in result.output


def test_runner_json_with_the_suite(invoke, timed):
    result = invoke("perf", "--runner", "--json")
    assert result.exit_code == 0, result.output
    data = result.json()
    assert set(data) == {"cpu_count", "convergence_sgd_adam_2_seeds", "standard_suite", "store"}
    assert ["run", "-q"] in timed
    assert data["store"]["points"] == 2_000 and data["store"]["points_per_second"] > 0
    assert data["standard_suite"]["seconds"] == 1.5


def test_runner_exits_1_when_a_timed_command_failed(invoke, monkeypatch, timed):
    def failing(args, workdir):
        return {"command": "dlbench " + " ".join(args), "seconds": 0.1, "peak_mib": 1.0,
                "exit": 2, "stderr_tail": ["Error: boom"]}

    monkeypatch.setattr(timing, "time_command", failing)
    result = invoke("perf", "--runner", "--no-suite")
    assert result.exit_code == 1 and "EXIT 2" in result.output


def test_no_suite_without_runner_is_bad_usage(invoke):
    result = invoke("perf", "--no-suite")
    assert result.exit_code == 2 and "--runner" in result.output
