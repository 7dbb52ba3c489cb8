"""Bad input never crashes nor leaves an unexplained empty image: filters matching no
run, failed and diverged runs, mixed code versions, runs without what a figure needs."""

from __future__ import annotations

import numpy as np
import pytest

from dlbench.report import FIGURE_KINDS, RunFilter, make_figure
from dlbench.storage import RunStore

from .conftest import add_run, lines_with_gid, note_text


@pytest.fixture
def messy(tmp_path):
    """Overfitting runs: two finished seeds (code v1), one diverged, one failed, one of
    code v2; 300 training samples, batch 100, so 3 iterations per epoch."""
    store = RunStore(f"sqlite:///{tmp_path / 'messy.db'}", create=True)
    config = {"settings": {"batch_size": 100}, "dataset": {"sizes": {"train": 300}}}
    steps = np.array([3, 6, 9])
    ids = {}
    for seed, acc in ((0, [0.5, 0.6, 0.7]), (1, [0.7, 0.8, 0.9])):
        ids[f"ok{seed}"] = add_run(store, "overfitting", {"regularizer": "none"}, seed=seed,
                                   config=config, series={"train_acc": (steps, acc),
                                                          "test_acc": (steps, np.array(acc) - 0.1)})
    ids["diverged"] = add_run(store, "overfitting", {"regularizer": "l2"}, status="diverged",
                              config=config, series={"train_acc": (steps, [0.3, np.nan, np.inf]),
                                                     "test_acc": (steps, [0.2, np.nan, np.nan])})
    ids["failed"] = add_run(store, "overfitting", {"regularizer": "dropout"}, status="failed",
                            config=config, error="ValueError: boom")
    ids["v2"] = add_run(store, "overfitting", {"regularizer": "l2"}, seed=1, code_version="test-v2",
                        config=config, series={"train_acc": (steps, [0.4, 0.5, 0.6]),
                                               "test_acc": (steps, [0.3, 0.4, 0.5])})
    yield store, ids
    store.close()


def test_notes_written_into_the_figure(messy):
    store, ids = messy
    result = make_figure("accuracy-curves", store)
    notes = note_text(result.figure)
    assert f"left out 1 run(s) that did not finish (1 failed): run {ids['failed']}" in notes
    assert f"diverged run(s) shown up to their divergence: run {ids['diverged']}" in notes
    assert "2 code versions are mixed" in notes
    assert ids["failed"] not in result.run_ids and ids["diverged"] in result.run_ids
    none_ax = next(ax for ax in result.figure.axes if ax.get_title() == "none")
    train = lines_with_gid(none_ax, "group:")[0]
    np.testing.assert_allclose(train.get_xdata(), [1, 2, 3])  # step / ⌈300/100⌉ = epochs
    np.testing.assert_allclose(train.get_ydata(), [0.6, 0.7, 0.8])


def test_diverged_points_are_gaps_not_zeros(messy):
    store, ids = messy
    fig = make_figure("accuracy-curves", store, RunFilter.parse(ids=[ids["diverged"]])).figure
    line = lines_with_gid(fig.axes[0], "group:")[0]
    y = np.asarray(line.get_ydata(), dtype=float)
    assert y[0] == pytest.approx(0.3) and np.isnan(y[1:]).all()


@pytest.mark.parametrize("kind", sorted(set(FIGURE_KINDS) - {"learning-curves"}))
def test_every_kind_explains_an_empty_selection(messy, kind, tmp_path):
    store, _ = messy
    result = make_figure(kind, store, RunFilter.parse(seeds=[42]))
    text = note_text(result.figure)
    assert "No runs to show" in text and "no stored run matches" in text
    path = result.save(tmp_path / f"{kind}.png")
    assert path.stat().st_size > 1000


def test_only_failed_runs_say_so(messy):
    store, ids = messy
    result = make_figure("accuracy-curves", store, RunFilter.parse(ids=[ids["failed"]]))
    assert "none of the 1 matching runs finished (1 failed)" in note_text(result.figure)


def test_runs_without_the_needed_data(tmp_path):
    with RunStore(f"sqlite:///{tmp_path / 'x.db'}", create=True) as store:
        add_run(store, "architectures", {"architecture": "lenet"}, summary={"test_acc": 0.9})
        add_run(store, "vanishing-gradients", {"activation": "relu", "initializer": "he"})
        add_run(store, "degradation", {"architecture": "plain-20"})
        cnn = make_figure("cnn-accuracy", store)
        assert "summary keys test_acc, params, macs" in note_text(cnn.figure)
        hist = make_figure("activation-histograms", store)
        assert "no vanishing-gradients run with stored histograms" in note_text(hist.figure)
        curves = make_figure("learning-curves", store, RunFilter(task="degradation"))
        assert "store none of the series" in note_text(curves.figure)


def test_trajectories_of_an_unknown_surface_still_draw_the_paths(tmp_path):
    with RunStore(f"sqlite:///{tmp_path / 'x.db'}", create=True) as store:
        path = np.array([[1.0, 1.0], [0.5, 0.4], [np.inf, 0.0]])
        add_run(store, "trajectories", {"optimizer": "sgd", "dataset": "gone-surface"},
                artifacts={"path/0": path})
        fig = make_figure("optimizer-paths", store).figure
        assert "cannot load the surface 'gone-surface'" in note_text(fig)
        (line,) = lines_with_gid(fig.axes[0], "path:")
        np.testing.assert_allclose(line.get_xydata(), path[:2])  # up to the last finite point


def test_batch_norm_scales_where_training_diverged(tmp_path):
    with RunStore(f"sqlite:///{tmp_path / 'x.db'}", create=True) as store:
        for seed, first in ((0, np.nan), (1, 0.4)):
            table = np.array([[1.0, first, first], [0.01, 0.9, 0.8]])
            add_run(store, "batch-norm", {"regularizer": "none"}, seed=seed,
                    artifacts={"accuracy_by_scale": table})
        fig = make_figure("batch-norm-scales", store).figure
    assert "none: training diverged at weight std 1 in some seed" in note_text(fig)
    train = lines_with_gid(fig.axes[0], "group:0:train")[0]
    np.testing.assert_allclose(train.get_xdata(), [0.01, 1.0])
    np.testing.assert_allclose(train.get_ydata(), [0.9, 0.4])  # the seed that trained
