"""``dlbench run`` records one sweep per command, uses every CPU by default and takes the
executor options (contracts A and B)."""

from __future__ import annotations

import pytest

from dlbench.storage import RunStore
from tests.bench.conftest import toy_plugin  # noqa: F401  (fixture)


def test_each_run_command_is_one_sweep_with_its_counts(invoke, db_url):
    args = ("--db", db_url, "run", "convergence", "--preset", "test", "--optimizer", "sgd,adam",
            "--seeds", 2, "-q")
    first = invoke(*args)
    assert first.exit_code == 0, first.output
    again = invoke(*args)
    assert again.exit_code == 0, again.output
    with RunStore(db_url) as store:
        newest, oldest = store.sweeps()
    for sweep in (oldest, newest):
        assert (sweep.status, sweep.total, sweep.done, sweep.failed) == ("finished", 4, 4, 0)
        assert sweep.tasks == ["convergence"] and sweep.task == "convergence"
        assert sweep.task_index == 1 and sweep.finished_at is not None
        assert "convergence" in sweep.label and "4 runs" in sweep.label
    assert newest.id > oldest.id  # the rerun reused every run: still counted as done


def test_a_failed_run_is_counted_and_the_sweep_still_finishes(invoke, db_url, toy_plugin):  # noqa: F811
    result = invoke("--db", db_url, "-p", str(toy_plugin), "run", "toy", "--optimizer",
                    "sgd,broken", "--seed", 0, "--workers", 1, "-q")
    assert result.exit_code == 1, result.output
    with RunStore(db_url) as store:
        [sweep] = store.sweeps()
    assert (sweep.status, sweep.total, sweep.done, sweep.failed) == ("finished", 2, 2, 1)


def test_workers_default_to_every_cpu_and_1_means_one(invoke, db_url, monkeypatch):
    import dlbench.app

    seen = []
    real = dlbench.app.make_executor

    def recording(workers, context, **kw):
        seen.append((workers, kw["kind"], kw["scheduler"]))
        return real(workers, context, **kw)

    monkeypatch.setattr(dlbench.app, "make_executor", recording)
    base = ("--db", db_url, "run", "convergence", "--preset", "test", "--seed", 0, "-q")
    assert invoke(*base).exit_code == 0
    assert invoke(*base, "--workers", 1).exit_code == 0
    assert seen == [(dlbench.app.max_workers(), "pool", None), (1, "pool", None)]


@pytest.mark.parametrize("args, message", [
    (("--scheduler", "tcp://127.0.0.1:8786"), "is a Dask scheduler address; add --executor dask"),
    (("--dask-scheduler", "tcp://127.0.0.1:8786"), "add --executor dask"),
    (("--executor", "dask", "--scheduler", "tcp://a:1", "--dask-scheduler", "tcp://b:2"),
     "give one Dask scheduler address"),
    (("--executor", "ray"), "Invalid value for '--executor'"),
])
def test_executor_options_are_checked_before_anything_runs(invoke, db_url, args, message):
    result = invoke("--db", db_url, "run", "convergence", "--preset", "test", *args)
    assert result.exit_code == 2 and message in result.output, result.output
    assert "Traceback" not in result.output
    assert "no results database" in invoke("--db", db_url, "results", "list").stderr


def test_a_scheduler_address_is_not_taken_as_a_learning_rate_scheduler(monkeypatch):
    from dlbench.cli.run import _dask_scheduler

    choices = {"scheduler_choices": ("step", "tcp://10.0.0.1:8786")}
    assert _dask_scheduler(choices, None, "dask") == "tcp://10.0.0.1:8786"
    assert choices["scheduler_choices"] == ("step",)
