"""Leaderboard grouping and ranking from run records (no database needed)."""

from __future__ import annotations

import math

import pytest

from dlbench.bench import Metric
from dlbench.bench.leaderboard import build
from dlbench.bench.metrics import seed_stats, t_quantile_975
from dlbench.storage import RunRecord


def run(rid, choice, seed, status="finished", value=1.0, settings=None, hash_=None,
        plugins=None, summary=None):
    settings = settings or {"iterations": 100}
    return RunRecord(id=rid, task="t", preset="quick", choices={"optimizer": choice}, seed=seed,
                     status=status, code_version="v",
                     config_hash=hash_ or f"{choice}-{seed}-{sorted(settings.items())}-{plugins}",
                     config={"settings": settings, "seed": seed, "plugins": plugins or {}},
                     summary=summary or ({} if value is None else {"loss": value}))


def test_runs_with_other_settings_are_another_row_not_more_seeds():
    runs = [run(1, "he", 0, value=2.2), run(2, "he", 1, value=2.3),
            run(3, "he", 0, value=1.7, settings={"iterations": 300}),
            run(4, "he", 1, value=1.6, settings={"iterations": 300})]
    entries = build(runs, "loss")
    assert [e.stats["n"] for e in entries] == [2, 2]
    assert entries[0].distinct == {"iterations": 300} and entries[1].distinct == {"iterations": 100}
    assert entries[0].label() == "optimizer=he [iterations=300]"
    assert entries[0].stats["mean"] == pytest.approx(1.65)


def test_a_newer_interrupted_rerun_does_not_hide_a_finished_seed():
    runs = [run(1, "adam", 0, hash_="h0"), run(2, "adam", 1, hash_="h1"),
            run(3, "adam", 2, hash_="h2"), run(4, "adam", 0, status="interrupted", hash_="h0")]
    [entry] = build(runs, "loss")
    assert entry.stats["n"] == 3 and entry.statuses == {"finished": 3}


def test_a_forced_rerun_counts_once_and_the_newest_finished_wins():
    runs = [run(1, "adam", 0, value=5.0, hash_="h0"), run(2, "adam", 0, value=3.0, hash_="h0")]
    [entry] = build(runs, "loss")
    assert entry.values == [3.0]


def test_partly_diverged_rows_rank_after_rows_whose_seeds_all_finished():
    runs = [run(1, "big", 0, value=0.05), run(2, "big", 1, status="diverged", value=None),
            run(3, "big", 2, status="diverged", value=None),
            run(4, "he", 0, value=0.2), run(5, "he", 1, value=0.21), run(6, "he", 2, value=0.19),
            run(7, "nan", 0, status="diverged", value=None)]
    entries = build(runs, "loss")
    assert [e.choices["optimizer"] for e in entries] == ["he", "big", "nan"]
    assert entries[1].stats["diverged"] == 2


def test_never_reached_ranks_after_finite_and_max_direction():
    runs = [run(1, "a", 0, value=math.inf), run(2, "b", 0, value=0.9), run(3, "c", 0, value=0.95)]
    assert [e.choices["optimizer"] for e in build(runs, "loss")] == ["b", "c", "a"]
    assert [e.choices["optimizer"] for e in build(runs, "loss", "max")][:2] == ["c", "b"]


def test_student_t_interval():
    stats = seed_stats([1.0, 2.0, 3.0])
    assert stats["std"] == pytest.approx(1.0)
    assert stats["ci95"] == pytest.approx(4.303 / math.sqrt(3))
    assert t_quantile_975(60) == pytest.approx(2.000, abs=2e-3)  # table value 2.000
    assert math.isnan(seed_stats([1.0])["ci95"])


def test_a_target_metric_ranks_by_distance_from_the_target_on_a_log_scale():
    ratio = Metric("target", "first / last gradient norm", target=1.0, log=True)
    runs = [run(1, "exploding", 0, value=32.4), run(2, "healthy", 0, value=1.3),
            run(3, "vanishing", 0, value=0.01), run(4, "slightly-low", 0, value=0.5)]
    entries = build(runs, "loss", ratio)
    # |log10| distances: 0.11, 0.30, 1.51, 2.0
    assert [e.choices["optimizer"] for e in entries] == ["healthy", "slightly-low", "exploding",
                                                         "vanishing"]


def test_extra_columns_get_their_own_statistics():
    runs = [run(1, "a", 0, summary={"acc": 0.9, "gap": 0.1}),
            run(2, "a", 1, summary={"acc": 0.8, "gap": 0.3}),
            run(3, "b", 0, summary={"acc": 0.95, "gap": 0.2})]
    entries = build(runs, "acc", Metric("max"), extra=("gap",))
    assert [e.choices["optimizer"] for e in entries] == ["b", "a"]
    assert entries[1].extras["gap"]["mean"] == pytest.approx(0.2)
    assert entries[1].as_dict()["extras"]["gap"]["n"] == 2


def test_two_versions_of_one_plugin_name_are_two_rows_shown_apart():
    old = {"optimizer": {"name": "halver", "version": "1.0", "code_digest": "ab12cd34"}}
    new = {"optimizer": {"name": "halver", "version": "1.0", "code_digest": "ef56ab78"}}
    runs = [run(1, "halver", 0, value=2.0, plugins=old), run(2, "halver", 0, value=1.0, plugins=new)]
    entries = build(runs, "loss")
    assert [e.label() for e in entries] == ["optimizer=halver [halver 1.0 src.ef56…]",
                                            "optimizer=halver [halver 1.0 src.ab12…]"]
    # one version: no identity in the label
    assert [e.label() for e in build(runs[:1], "loss")] == ["optimizer=halver"]
