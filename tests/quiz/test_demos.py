"""Stored-run offers: only where the question's topic maps to the task, with the right choice."""

from __future__ import annotations

import pytest

from dlbench.quiz.demos import DEMOS, RUN_OPTIONS, Demo, demos_for, pick_run
from dlbench.storage import RunRecord


@pytest.fixture(scope="module")
def registry():
    import dlbench

    return dlbench.registry(refresh=True)


@pytest.fixture(scope="module")
def shipped():
    from dlbench.quiz import load_bank

    from .conftest import SHIPPED

    return load_bank([("course", SHIPPED)])


def test_every_mapping_names_a_registered_task_and_plugin(registry, shipped):
    tasks = set(registry.names("task"))
    for topic, demos in DEMOS.items():
        assert topic in shipped.topics, topic
        for demo in demos:
            assert demo.task in tasks, (topic, demo.task)
            task = registry.get("task", demo.task)
            if demo.slot is None:
                continue
            assert demo.slot in task.grid, (topic, demo)
            in_presets = {str(c).split("(", 1)[0] for p in task.presets.values()
                          for c in p.choices.get(demo.slot, ())}
            known = set(registry.names(demo.slot)) if demo.slot in RUN_OPTIONS else set()
            for name in demo.names:
                assert name in known or name in in_presets, (topic, demo.slot, name)


def test_every_offer_of_the_shipped_bank_passes_through_the_table(shipped):
    offered = 0
    for q in shipped.questions.values():
        for demo in demos_for(q):
            offered += 1
            assert demo.task in q.benchmarks, q.id
            assert any(demo in DEMOS.get(t, ()) for t in q.topics), q.id
    assert offered > 50


def test_the_reported_unrelated_offers_are_gone(shipped):
    padding = [q for q in shipped.questions.values() if q.topics == ("cnn.padding",)]
    assert padding and all(demos_for(q) == [] for q in padding)
    sparse = [q for q in shipped.questions.values() if "reg.sparse" in q.topics]
    assert sparse
    for q in sparse:
        assert [d.names for d in demos_for(q)] == [("sparse",)], q.id


def _run(id, status, choices, task="overfitting"):
    return RunRecord(id=id, task=task, preset="quick", status=status, seed=0, config_hash="h",
                     code_version="v", choices=choices, config={})


def test_the_run_picked_has_the_concepts_choice():
    runs = [_run(4, "finished", {"regularizer": "early-stopping(patience=20)"}),
            _run(3, "failed", {"regularizer": "sparse(weight=0.01)"}),
            _run(2, "finished", {"regularizer": "sparse(weight=0.001)"}),
            _run(1, "finished", {"regularizer": "l2(weight_decay=0.1)"})]
    assert pick_run(runs, Demo("overfitting", "regularizer", ("sparse",))).id == 2
    assert pick_run(runs, Demo("overfitting", "regularizer", ("l1",))) is None
    assert pick_run(runs, Demo("overfitting")).id == 4  # any run: the newest finished
    assert Demo("overfitting", "regularizer", ("l1",)).command() == \
        "dlbench run overfitting --regularizer l1"
    assert Demo("degradation").command() == "dlbench run degradation"
