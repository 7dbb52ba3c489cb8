"""Leaderboard grouping and ranking from run records (no database needed)."""

from __future__ import annotations

import math

import pytest

import dlbench

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


# -- the command line, over real database files -------------------------------------------
def _store_runs(db_url, task, rows, *, extra_config=None):
    """Store finished runs: ``rows`` are ``(choices, seed, summary)``."""
    from dlbench.storage import RunStore

    with RunStore(db_url, create=True) as store:
        for i, (choices, seed, summary) in enumerate(rows):
            store.add_run(task=task, config={"task": task, "settings": dict(choices),
                                             "seed": seed, **(extra_config or {})},
                          config_hash=f"{task}-{i}", choices=choices, seed=seed,
                          preset="quick", status="finished", summary=summary)


def test_vanishing_gradients_ranks_healthy_gradients_above_exploding_ones(invoke, db_url):
    """The reproduced fault: tanh with normal(std=1.0) (grad_ratio 32.4, exploding) was
    ranked first as "higher is better"; ReLU + He (ratio near 1) must rank above it."""
    rows = [({"activation": "tanh", "initializer": "normal(std=1.0)"}, s, {"grad_ratio": v})
            for s, v in enumerate((32.4, 29.0))]
    rows += [({"activation": "relu", "initializer": "he"}, s, {"grad_ratio": v})
             for s, v in enumerate((0.66, 0.64))]
    rows += [({"activation": "sigmoid", "initializer": "xavier"}, s, {"grad_ratio": v})
             for s, v in enumerate((6e-4, 5e-4))]
    _store_runs(db_url, "vanishing-gradients", rows)
    result = invoke("--db", db_url, "leaderboard", "vanishing-gradients")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == ("vanishing-gradients: grad_ratio: closest to 1 is best "
                        "(by |log10(value / target)|)")
    ranked = [l for l in lines if l[:1].isdigit()]
    assert "activation=relu, initializer=he" in ranked[0]
    assert "activation=tanh, initializer=normal(std=1.0)" in ranked[1]
    assert "activation=sigmoid" in ranked[2]
    data = invoke("--db", db_url, "leaderboard", "vanishing-gradients", "--json").json()
    assert data["direction"] == "target" and data["target"] == 1.0
    assert [e["choices"]["activation"] for e in data["entries"]] == ["relu", "tanh", "sigmoid"]


def test_vanishing_gradients_measured_relu_he_beats_tanh_std_1(invoke, db_url):
    """The same with measured runs (no made-up numbers): the quick preset's deep net,
    where tanh with std 1.0 explodes (the test preset's net is too shallow to show it)."""
    outcomes = dlbench.run("vanishing-gradients", preset="quick", seeds=1, db=db_url,
                           activation=["relu", "tanh"], initializer=["he", "normal(std=1.0)"])
    ratio = {(o.spec.choices["activation"], o.spec.choices["initializer"]):
             o.summary["grad_ratio"] for o in outcomes}
    assert ratio[("tanh", "normal(std=1.0)")] > 10  # exploding
    data = invoke("--db", db_url, "leaderboard", "vanishing-gradients", "--json").json()
    order = [(e["choices"]["activation"], e["choices"]["initializer"]) for e in data["entries"]]
    assert order.index(("relu", "he")) < order.index(("tanh", "normal(std=1.0)"))
    assert order[-1] == ("tanh", "normal(std=1.0)")


def test_overfitting_ranks_by_test_accuracy_and_shows_the_gap(invoke, db_url):
    """Dropout has the smallest gap but a far worse test accuracy: it must not be first."""
    rows = [({"regularizer": "dropout(p=0.5)"}, 0,
             {"final_test_acc": 0.75, "final_gap": 0.02, "final_train_acc": 0.77}),
            ({"regularizer": "none"}, 0,
             {"final_test_acc": 0.93, "final_gap": 0.07, "final_train_acc": 1.0})]
    _store_runs(db_url, "overfitting", rows)
    result = invoke("--db", db_url, "leaderboard", "overfitting")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("overfitting: final_test_acc: higher is better")
    header = next(l for l in result.stdout.splitlines() if l.startswith("#"))
    assert "final_gap" in header
    ranked = [l for l in result.stdout.splitlines() if l[:1].isdigit()]
    assert "regularizer=none" in ranked[0] and "0.07" in ranked[0]
    assert "regularizer=dropout" in ranked[1] and "0.02" in ranked[1]
    # ranking by the gap stays possible, and says that lower is better
    by_gap = invoke("--db", db_url, "leaderboard", "overfitting", "--metric", "final_gap")
    assert "final_gap: lower is better" in by_gap.stdout
    assert "dropout" in [l for l in by_gap.stdout.splitlines() if l[:1].isdigit()][0]


@pytest.mark.parametrize("metric, hint", [("foo", "known: "), ("grad_rati", "did you mean 'grad_ratio'")])
def test_an_unknown_metric_is_exit_2_with_a_suggestion(invoke, db_url, metric, hint):
    _store_runs(db_url, "vanishing-gradients",
                [({"activation": "relu", "initializer": "he"}, 0, {"grad_ratio": 0.7})])
    result = invoke("--db", db_url, "leaderboard", "vanishing-gradients", "--metric", metric)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: unknown vanishing-gradients metric {metric!r}")
    assert hint in result.stderr and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1 and result.stdout == ""


def test_two_versions_of_one_plugin_are_shown_apart_on_the_board(invoke, db_url):
    def plugins(digest):
        return {"plugins": {"optimizer": {"name": "halver", "version": "1.0",
                                          "code_digest": digest}}}
    from dlbench.storage import RunStore

    with RunStore(db_url, create=True) as store:
        for digest, steps in (("ab12cd", 10.0), ("ef34ab", 20.0)):
            store.add_run(task="convergence", config={"settings": {}, "seed": 0, **plugins(digest)},
                          config_hash=digest, choices={"optimizer": "halver"}, seed=0,
                          preset="quick", status="finished", summary={"steps_to_target": steps})
    result = invoke("--db", db_url, "leaderboard", "convergence")
    ranked = [l for l in result.stdout.splitlines() if l[:1].isdigit()]
    assert "optimizer=halver [halver 1.0 src.ab12…]" in ranked[0]
    assert "optimizer=halver [halver 1.0 src.ef34…]" in ranked[1]


def test_search_picks_are_shown_but_best_scores_are_not():
    grid = {"lr_grid": [0.01, 0.1]}
    searched = build([run(1, "sgd", 0, settings=grid, summary={"loss": 1.0, "best_lr": 0.1})],
                     "loss")
    assert searched[0].grid_text() == "lr_grid 0.01…0.1 (2); best_lr 0.1×1"
    plain = build([run(1, "sgd", 0, summary={"acc": 0.9, "best_test_acc": 0.95})], "acc",
                  Metric("max"))
    assert plain[0].grid_text() == ""  # best_test_acc is a metric, not a pick
    search = build([run(1, "sgd", 0, summary={"acc": 0.9, "best_weight_decay": 1e-4})], "acc",
                   Metric("max"))
    assert search[0].grid_text() == "best_weight_decay 0.0001×1"
