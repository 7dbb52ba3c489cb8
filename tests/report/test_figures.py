"""Every figure kind built from the seeded database, checked through matplotlib's objects:
how many panels, lines and bands, the axis labels, and that the plotted numbers are the
stored ones (mean over seeds, band = lowest and highest seed), computed here from the
store with numpy."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest

from dlbench.bench.metrics import smooth_curve
from dlbench.report import FIGURE_KINDS, FigureOptions, RunFilter, make_figure

from .conftest import CNN_RUNS, lines_with_gid, note_text, runs_of


def stored_mean(store, runs, key):
    """Mean over seeds of a series that every run logged at the same steps."""
    series = [store.metric_series(r.id, key) for r in runs]
    steps = series[0][0]
    assert all(np.array_equal(s, steps) for s, _ in series)
    values = np.array([v for _, v in series])
    return steps, values.mean(axis=0), values.min(axis=0), values.max(axis=0)


def band_of(ax, gid):
    """The filled band with this gid: its polygon vertices (x, y)."""
    (band,) = [c for c in ax.collections if c.get_gid() == gid]
    return band.get_paths()[0].vertices


def assert_band(vertices, x, lo, hi):
    for xi, l, h in zip(x, lo, hi):
        ys = vertices[np.isclose(vertices[:, 0], xi), 1]
        assert np.isclose(ys, l).any() and np.isclose(ys, h).any(), (xi, ys, l, h)


def test_every_kind_is_tested():
    assert set(FIGURE_KINDS) == {"activation-histograms", "gradient-norms", "loss-curves",
                                 "optimizer-paths", "accuracy-curves", "batch-norm-scales",
                                 "search-trials", "cnn-accuracy", "learning-curves"}


def test_activation_histograms_one_panel_per_layer_mean_counts(store):
    result = make_figure("activation-histograms", store)
    fig = result.figure
    groups = runs_of(store, "vanishing-gradients")
    combos = {(r.choices["activation"], r.choices["initializer"]) for r in groups}
    layers = store.artifact(groups[0].id, "hist").shape[0]
    assert len(fig.axes) == len(combos) * layers == 4 * 5
    assert [ax.get_title() for ax in fig.axes[:layers]] == [f"layer {i}" for i in range(1, 6)]
    # sigmoid's bins are fixed on [0, 1], so the mean over seeds is a plain mean per bin
    row = next(i for i in range(len(combos))
               if fig.axes[i * layers].get_ylabel().startswith("sigmoid, normal(std=1.0)"))
    runs = runs_of(store, "vanishing-gradients", activation="sigmoid", initializer="normal(std=1.0)")
    assert len(runs) == 2
    hists = np.array([store.artifact(r.id, "hist") for r in runs], dtype=float)
    edges = store.artifact(runs[0].id, "hist_edges")
    for layer in range(layers):
        ax = fig.axes[row * layers + layer]
        mean_patch = next(p for p in ax.patches if p.get_gid() == f"hist:{row}:{layer}")
        band_patch = next(p for p in ax.patches if p.get_gid() == f"hist:{row}:{layer}:band")
        values, plotted_edges, _ = mean_patch.get_data()
        np.testing.assert_allclose(plotted_edges, edges)
        np.testing.assert_allclose(values, hists[:, layer].mean(axis=0))
        hi, _, lo = band_patch.get_data()
        np.testing.assert_allclose(hi, hists[:, layer].max(axis=0))
        np.testing.assert_allclose(lo, hists[:, layer].min(axis=0))
    assert fig.axes[-1].get_xlabel() == "activation value"
    assert sorted(result.run_ids) == sorted(r.id for r in groups)


def test_relu_histograms_keep_the_count_when_seeds_have_different_bins(store):
    fig = make_figure("activation-histograms", store,
                      RunFilter.parse(choices=["activation=relu", "initializer=he"])).figure
    runs = runs_of(store, "vanishing-gradients", activation="relu", initializer="he")
    edges = [store.artifact(r.id, "hist_edges") for r in runs]
    assert not np.allclose(edges[0], edges[1])  # ReLU's range follows each seed's data
    total = store.artifact(runs[0].id, "hist").sum(axis=1)[0]
    assert len(fig.axes) == 5
    values, plotted, _ = next(p for p in fig.axes[0].patches if p.get_gid() == "hist:0:0").get_data()
    assert plotted[0] == pytest.approx(min(e[0] for e in edges))
    assert plotted[-1] == pytest.approx(max(e[-1] for e in edges))
    assert values.sum() == pytest.approx(total)


def test_gradient_norms_mean_line_and_minmax_band_per_setting(store):
    fig = make_figure("gradient-norms", store).figure
    (ax,) = fig.axes
    lines = lines_with_gid(ax, "group:")
    assert len(lines) == 4
    assert ax.get_xlabel() == "layer" and "gradient" in ax.get_ylabel() and ax.get_yscale() == "log"
    for line in lines:
        act, init = line.get_label().split(", ", 1)
        runs = runs_of(store, "vanishing-gradients", activation=act, initializer=init)
        steps, mean, lo, hi = stored_mean(store, runs, "grad_norm")
        np.testing.assert_allclose(line.get_xdata(), steps)
        np.testing.assert_allclose(line.get_ydata(), mean)
        assert_band(band_of(ax, line.get_gid() + ":band"), steps, lo, hi)
    assert "band: min–max over seeds" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_std_band_is_mean_plus_minus_sample_std(store):
    fig = make_figure("gradient-norms", store, RunFilter.parse(choices=["activation=sigmoid"]),
                      FigureOptions(band="std")).figure
    ax = fig.axes[0]
    line = lines_with_gid(ax, "group:")[0]
    act, init = line.get_label().split(", ", 1)
    values = np.array([store.metric_series(r.id, "grad_norm")[1]
                       for r in runs_of(store, "vanishing-gradients", activation=act, initializer=init)])
    sd = np.sqrt(((values - values.mean(0)) ** 2).sum(0) / (len(values) - 1))
    assert_band(band_of(ax, line.get_gid() + ":band"), np.arange(1, values.shape[1] + 1),
                values.mean(0) - sd, values.mean(0) + sd)


@pytest.mark.parametrize("smooth", [False, True])
def test_loss_curves_per_optimizer(store, smooth):
    fig = make_figure("loss-curves", store, options=FigureOptions(smooth=smooth)).figure
    ax = fig.axes[0]
    lines = lines_with_gid(ax, "group:")
    assert sorted(ln.get_label().split(" ")[0] for ln in lines) == ["adam", "sgd"]
    assert ax.get_xlabel() == "iteration" and ax.get_ylabel().startswith("training loss")
    assert ("smooth_curve" in ax.get_ylabel()) == smooth
    for line in lines:
        runs = runs_of(store, "convergence", optimizer=line.get_label().split(" ")[0])
        raw = np.array([store.metric_series(r.id, "loss")[1] for r in runs])
        expected = np.mean([smooth_curve(v) for v in raw], axis=0) if smooth else raw.mean(0)
        np.testing.assert_allclose(line.get_ydata(), expected)
        if smooth:
            assert not np.allclose(expected, raw.mean(0))
        assert "best lr" in line.get_label()


def test_loss_curves_of_weight_init(store):
    fig = make_figure("loss-curves", store, RunFilter(task="weight-init")).figure
    labels = sorted(ln.get_label() for ln in lines_with_gid(fig.axes[0], "group:"))
    assert labels == ["he", "normal(std=0.01)"]


def test_optimizer_paths_over_the_contour(store):
    result = make_figure("optimizer-paths", store)
    fig = result.figure
    assert len(fig.axes) == 2  # one surface (book-bowl) × sgd, adam
    for ax in fig.axes:
        optimizer = ax.get_title().split(" ")[0]
        assert [c.get_gid() for c in ax.collections].count("contour") == 1
        assert ax.get_xlim() == (-10.0, 10.0) and ax.get_ylim() == (-5.0, 5.0)
        (star,) = lines_with_gid(ax, "minimum")
        assert (star.get_xdata()[0], star.get_ydata()[0]) == (0.0, 0.0)
        paths = lines_with_gid(ax, "path:")
        runs = runs_of(store, "trajectories", optimizer=optimizer)
        assert len(paths) == 1  # the standard start, drawn once for both seeds
        stored = store.artifact(runs[0].id, "path/0")
        np.testing.assert_allclose(np.column_stack([paths[0].get_xdata(), paths[0].get_ydata()]),
                                   stored)
        np.testing.assert_allclose(stored, store.artifact(runs[1].id, "path/0"))
    assert fig.axes[0].get_xlabel() == "x" and fig.axes[0].get_ylabel() == "y"


def test_accuracy_curves_train_and_test_per_regularizer(store):
    fig = make_figure("accuracy-curves", store).figure
    panels = [ax for ax in fig.axes if ax.get_visible() and ax.axison]
    assert sorted(ax.get_title() for ax in panels) == ["l2(weight_decay=0.1)", "none"]
    for ax in panels:
        runs = runs_of(store, "overfitting", regularizer=ax.get_title())
        assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "accuracy"
        lines = lines_with_gid(ax, "group:")
        assert [ln.get_label() for ln in lines] == ["train", "test"]
        for line, key in zip(lines, ("train_acc", "test_acc")):
            steps, mean, lo, hi = stored_mean(store, runs, key)
            # digits(n_train=100) with batch 100: one iteration per epoch
            np.testing.assert_allclose(line.get_xdata(), steps / 1)
            np.testing.assert_allclose(line.get_ydata(), mean)
            assert_band(band_of(ax, line.get_gid() + ":band"), steps, lo, hi)


def test_batch_norm_accuracy_against_weight_scale(store):
    fig = make_figure("batch-norm-scales", store).figure
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_ylabel() == "accuracy"
    assert "standard deviation" in ax.get_xlabel()
    lines = lines_with_gid(ax, "group:")
    assert len(lines) == 4  # (none, batch-norm) × (train, test)
    for line in lines:
        reg, split = line.get_label().split(" — ")
        tables = np.array([store.artifact(r.id, "accuracy_by_scale")
                           for r in runs_of(store, "batch-norm", regularizer=reg)])
        col = 1 if split == "train" else 2
        order = np.argsort(tables[0, :, 0])
        np.testing.assert_allclose(line.get_xdata(), tables[0, order, 0])
        np.testing.assert_allclose(line.get_ydata(), tables[:, order, col].mean(axis=0))


def test_search_trials_plot_every_trial(store):
    fig = make_figure("search-trials", store).figure
    lr_ax, wd_ax = fig.axes
    runs = runs_of(store, "hyperparameter-search")
    trials = np.vstack([store.artifact(r.id, "trials") for r in runs])
    (points,) = [c for c in lr_ax.collections if c.get_gid() == "group:0"]
    np.testing.assert_allclose(np.asarray(points.get_offsets()), trials[:, [0, 2]])
    (points,) = [c for c in wd_ax.collections if c.get_gid() == "group:0"]
    np.testing.assert_allclose(np.asarray(points.get_offsets()), trials[:, [1, 2]])
    assert lr_ax.get_xlabel() == "learning rate" and wd_ax.get_xlabel() == "weight decay"


def test_cnn_accuracy_against_parameters_and_macs(store):
    result = make_figure("cnn-accuracy", store)
    params_ax, macs_ax = result.figure.axes
    assert params_ax.get_xlabel() == "parameters" and "MACs" in macs_ax.get_xlabel()
    assert params_ax.get_ylabel() == "test accuracy"
    assert params_ax.get_xscale() == macs_ax.get_xscale() == "log"
    for ax, col in ((params_ax, 0), (macs_ax, 1)):
        assert len(ax.containers) == 2  # one error-bar series per dataset
        for container in ax.containers:
            dataset = container.get_label()
            expected = [(v[col], np.mean(v[2]), min(v[2]), max(v[2]))
                        for (a, d), v in CNN_RUNS.items() if d == dataset]
            line = container.lines[0]
            np.testing.assert_allclose(line.get_xdata(), [e[0] for e in expected])
            np.testing.assert_allclose(line.get_ydata(), [e[1] for e in expected])
            segments = container.lines[2][0].get_segments()  # the vertical error bars
            np.testing.assert_allclose([s[:, 1].min() for s in segments], [e[2] for e in expected])
            np.testing.assert_allclose([s[:, 1].max() for s in segments], [e[3] for e in expected])
        assert {"lenet", "vgg-mini"} <= {t.get_text() for t in ax.texts}
    assert len(result.run_ids) == 6


def test_learning_curves_of_any_task(store):
    fig = make_figure("learning-curves", store, RunFilter(task="architectures")).figure
    loss_ax, acc_ax = fig.axes
    assert loss_ax.get_xlabel() == "epoch" and acc_ax.get_ylabel() == "test accuracy"
    for ax, key in ((loss_ax, "train_loss"), (acc_ax, "test_acc")):
        lines = lines_with_gid(ax, "group:")
        assert len(lines) == 3
        for line in lines:
            arch, dataset = [p.split("=")[1] for p in line.get_label().split(", ")]
            runs = runs_of(store, "architectures", architecture=arch, dataset=dataset)
            np.testing.assert_allclose(line.get_ydata(), stored_mean(store, runs, key)[1])


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_saved_files_are_real_images(store, tmp_path, fmt):
    path = make_figure("gradient-norms", store).save(tmp_path / f"g.{fmt}")
    data = path.read_bytes()
    if fmt == "png":
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
    else:
        assert ET.fromstring(data).tag.endswith("svg")
        assert b"<text" not in data  # text drawn as paths: no font needed to view it


def test_figures_have_no_notes_on_clean_data(store):
    assert note_text(make_figure("loss-curves", store).figure) == ""


def test_gradient_norms_of_degradation_runs_plot_one_line_per_net(tmp_path):
    import dlbench
    from dlbench.storage import RunStore

    url = f"sqlite:///{tmp_path / 'degradation.db'}"
    dlbench.run("degradation", preset="test", seed=0, db=url)
    with RunStore(url, create=True) as store:
        fig = make_figure("gradient-norms", store, RunFilter.parse(task="degradation")).figure
        (ax,) = fig.axes
        lines = lines_with_gid(ax, "group:")
        assert sorted(line.get_label() for line in lines) == ["plain(depth=8)", "residual(depth=8)"]
        for line in lines:
            [run] = runs_of(store, "degradation", net=line.get_label())
            steps, values = store.metric_series(run.id, "grad_norm")
            np.testing.assert_allclose(line.get_xdata(), steps)
            np.testing.assert_allclose(line.get_ydata(), values)


def test_two_versions_of_one_optimizer_are_two_lines_with_their_versions(tmp_path):
    """An edited plugin (same name, new source digest) must not merge into the old one's line."""
    from dlbench.storage import RunStore

    from .conftest import add_run

    with RunStore(f"sqlite:///{tmp_path / 'v.db'}", create=True) as store:
        for digest, code, scale in (("ab12cd", "code-old", 1.0), ("ef34ab", "code-new", 0.5)):
            config = {"task": "weight-init", "settings": {}, "seed": 0,
                      "plugins": {"initializer": {"name": "halver", "version": "1.0",
                                                  "code_digest": digest}}}
            add_run(store, "weight-init", {"initializer": "halver"}, config=config,
                    code_version=code, series={"loss": ([1, 2, 3], [2.0 * scale, scale, scale])})
        fig = make_figure("loss-curves", store, RunFilter(task="weight-init")).figure
    labels = sorted(t.get_text() for ax in fig.axes if ax.get_legend()
                    for t in ax.get_legend().get_texts())
    assert "halver [halver 1.0 src.ab12…]" in labels and "halver [halver 1.0 src.ef34…]" in labels
    means = sorted(float(ln.get_ydata()[0]) for ax in fig.axes for ln in lines_with_gid(ax, "group"))
    assert means == [1.0, 2.0]
