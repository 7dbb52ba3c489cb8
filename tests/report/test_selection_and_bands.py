"""Run selection (filters, notes) and the seed statistics behind every band, with the
expected numbers worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from dlbench.errors import UsageError
from dlbench.report.figures.curves import iterations_per_epoch
from dlbench.report.selection import RunFilter, select
from dlbench.report.series import aggregate, common_edges, rebin
from dlbench.storage import RunRecord


def run(id, status="finished", seed=0, version="v1", hash_=None, config=None, tags=None,
        **choices):
    return RunRecord(id=id, task="convergence", preset="test", status=status, seed=seed,
                     choices=choices, code_version=version, config_hash=hash_ or f"h{id}",
                     summary={}, config=config or {}, tags=tags or {})


def halver(version, digest, id, seed=0):
    """A run of the plugin ``halver`` at ``version`` with source digest ``digest``."""
    config = {"plugins": {"optimizer": {"name": "halver", "version": version,
                                        "code_digest": digest}}}
    return run(id, seed=seed, version=f"code-{digest}", config=config, optimizer="halver")


RUNS = [run(1, optimizer="sgd"), run(2, optimizer="adam(lr=0.01)", seed=1),
        run(3, status="failed", optimizer="adam"), run(4, status="diverged", optimizer="sgd", seed=1)]


def test_filter_by_choice_name_or_exact_choice():
    assert [r.id for r in select(RUNS, RunFilter.parse(choices=["optimizer=adam"])).runs] == [2]
    exact = RunFilter.parse(choices=["optimizer=adam(lr=0.01)"])
    assert [r.id for r in select(RUNS, exact).runs] == [2]
    assert select(RUNS, RunFilter.parse(choices=["optimizer=adam(lr=0.1)"])).empty
    both = RunFilter.parse(choices=["optimizer=sgd,adam(lr=0.01)"], seeds=[1])
    assert sorted(r.id for r in select(RUNS, both).runs) == [2, 4]
    assert [r.id for r in select(RUNS, RunFilter.parse(ids=[1, 99])).runs] == [1]
    assert "no stored run with id 99" in select(RUNS, RunFilter.parse(ids=[1, 99])).notes


@pytest.mark.parametrize("bad", ["optimizer", "=adam", "optimizer="])
def test_a_malformed_choice_filter_is_a_usage_error(bad):
    with pytest.raises(UsageError, match="KIND=NAME"):
        RunFilter.parse(choices=[bad])


def test_notes_for_no_match_failed_diverged_and_mixed_versions():
    none = select(RUNS, RunFilter.parse(choices=["optimizer=lion"]))
    assert none.empty and none.notes == ["no stored run matches optimizer=lion"]
    only_failed = select(RUNS, RunFilter.parse(ids=[3]))
    assert only_failed.empty and "none of the 1 matching runs finished (1 failed)" in only_failed.notes[0]
    sel = select(RUNS + [run(5, version="v2", optimizer="sgd")], RunFilter())
    text = "\n".join(sel.notes)
    assert "left out 1 run(s) that did not finish (1 failed): run 3" in text
    assert "1 diverged run(s) shown up to their divergence: run 4" in text
    assert "2 code versions are mixed: v1; v2" in text
    assert sorted(r.id for r in sel.runs) == [1, 2, 4, 5]


def test_a_forced_rerun_replaces_its_older_copy():
    sel = select([run(1, hash_="same"), run(7, hash_="same"), run(8, hash_="same", version="v2")],
                 RunFilter())
    assert sorted(r.id for r in sel.runs) == [7, 8]
    assert any("older run(s) of the same configuration" in n and "run 1" in n for n in sel.notes)


def test_groups_are_seeds_of_one_setting():
    groups = select(RUNS, RunFilter()).groups()
    assert [(g.label(), g.run_ids) for g in groups] == [
        ("optimizer=sgd", [1, 4]), ("optimizer=adam(lr=0.01)", [2])]


def test_aggregate_mean_and_minmax_by_hand():
    band = aggregate([(np.array([1, 2, 3]), np.array([1.0, 4.0, 2.0])),
                      (np.array([1, 2, 3]), np.array([3.0, 0.0, 2.0]))])
    np.testing.assert_allclose(band.mean, [2.0, 2.0, 2.0])
    np.testing.assert_allclose(band.lo, [1.0, 0.0, 2.0])
    np.testing.assert_allclose(band.hi, [3.0, 4.0, 2.0])


def test_aggregate_std_band_and_unequal_or_diverged_curves():
    band = aggregate([(np.array([1, 2]), np.array([1.0, 5.0])),
                      (np.array([1, 2, 3]), np.array([3.0, np.inf, 7.0]))], band="std")
    # step 1: values 1, 3 -> mean 2, sample std sqrt(((1-2)² + (3-2)²)/1) = sqrt(2)
    np.testing.assert_allclose(band.x, [1, 2, 3])
    np.testing.assert_allclose(band.mean, [2.0, 5.0, 7.0])
    np.testing.assert_allclose(band.hi - band.mean, [np.sqrt(2), 0.0, 0.0])
    np.testing.assert_array_equal(band.n, [2, 1, 1])  # inf at step 2 left out


def test_aggregate_all_nan_step_leaves_a_gap():
    band = aggregate([(np.array([1, 2]), np.array([np.nan, 1.0]))])
    assert np.isnan(band.mean[0]) and band.mean[1] == 1.0 and band.any_finite


def test_rebin_moves_counts_by_the_cumulative_count():
    # counts 2, 4 over [0, 1, 2] onto [0, 0.5, 1, 1.5, 2]: uniform within each bin
    np.testing.assert_allclose(rebin(np.array([2, 4]), np.array([0.0, 1, 2]),
                                     np.array([0.0, 0.5, 1, 1.5, 2])), [1, 1, 2, 2])
    np.testing.assert_allclose(common_edges([np.array([0.0, 1.0]), np.array([0.5, 3.0])]),
                               [0.0, 3.0])


@pytest.mark.parametrize("train, batch, expected", [(300, 100, 3), (1259, 100, 13), (100, 100, 1)])
def test_iterations_per_epoch_from_the_resolved_config(train, batch, expected):
    config = {"dataset": {"sizes": {"train": train}}, "settings": {"batch_size": batch}}
    assert iterations_per_epoch(run(1, config=config)) == expected


def test_two_versions_of_one_plugin_name_are_two_groups_shown_apart():
    runs = [halver("1.0", "ab12cd", 1), halver("1.0", "ab12cd", 2, seed=1),
            halver("1.0", "ef34ab", 3)]
    groups = select(runs, RunFilter()).groups()
    assert [(g.label(), g.run_ids) for g in groups] == [
        ("optimizer=halver [halver 1.0 src.ab12…]", [1, 2]),
        ("optimizer=halver [halver 1.0 src.ef34…]", [3])]
    # one version only: the label stays plain
    assert [g.label() for g in select(runs[:2], RunFilter()).groups()] == ["optimizer=halver"]


def test_filter_by_tag():
    runs = [run(1, optimizer="sgd", tags={"best": ""}), run(2, optimizer="sgd", seed=1)]
    assert select(runs, RunFilter.parse(tag="best")).run_ids == [1]
    assert select(runs, RunFilter.parse(tag="nope")).notes == ["no stored run matches tag=nope"]
    assert iterations_per_epoch(run(1)) == 1
