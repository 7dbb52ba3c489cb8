"""Every summary metric every task returns has a declared direction or target, so no
leaderboard guesses which way is better."""

from __future__ import annotations

import math

import pytest

import dlbench
from dlbench.bench import Metric

REGISTRY = dlbench.registry()
TASKS = REGISTRY.names("task")


@pytest.mark.parametrize("task", TASKS)
def test_every_summary_key_of_the_test_preset_has_a_declared_metric(task):
    task_cls = REGISTRY.get("task", task)
    outcomes = dlbench.run(task, preset="test", seeds=1)
    assert outcomes and all(o.status in ("finished", "diverged") for o in outcomes), \
        [(o.status, o.error) for o in outcomes]
    returned = {k for o in outcomes for k in o.summary}
    assert returned, f"{task} returned no summary"
    undeclared = sorted(returned - set(task_cls.metrics))
    assert not undeclared, f"{task} does not declare {undeclared} in Task.metrics"


@pytest.mark.parametrize("task", TASKS)
def test_primary_metric_and_extra_columns_are_declared_and_agree(task):
    task_cls = REGISTRY.get("task", task)
    key, direction = task_cls.primary_metric
    assert key in task_cls.metrics, f"{task}: primary metric {key!r} is not declared"
    assert task_cls.metrics[key].direction == direction
    for extra in getattr(task_cls, "leaderboard_columns", ()):
        assert extra in task_cls.metrics, f"{task}: leaderboard column {extra!r} undeclared"
    for name, metric in task_cls.metrics.items():
        assert isinstance(metric, Metric) and metric.help, f"{task}.{name} needs a meaning"
        assert metric.describe()


def test_declared_directions_that_the_lessons_depend_on():
    vanishing = REGISTRY.get("task", "vanishing-gradients").metric("grad_ratio")
    assert vanishing.direction == "target" and vanishing.target == 1.0 and vanishing.log
    assert vanishing.badness(1.3) < vanishing.badness(0.5) < vanishing.badness(32.4)
    assert math.isinf(vanishing.badness(0.0))
    overfitting = REGISTRY.get("task", "overfitting")
    assert overfitting.primary_metric == ("final_test_acc", "max")
    assert "final_gap" in overfitting.leaderboard_columns
    assert overfitting.metric("final_gap").direction == "min"
