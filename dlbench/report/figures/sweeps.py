"""Figures over a swept setting: accuracy against the initial weight scale with and
without batch norm (``batch-norm``), validation accuracy of random-search trials
against learning rate and weight decay (``hyperparameter-search``)."""

from __future__ import annotations

from functools import partial

import numpy as np

from ..i18n import Message, Phrase
from ..series import aggregate
from .base import (FigureContext, FigureResult, NothingToPlot, band_caption, band_legend,
                   draw_band, finish, new_figure)
from .curves import label


def _artifact_rows(store, runs, key: str) -> list[tuple[object, np.ndarray]]:
    out = []
    for run in runs:
        if key in store.get_run(run.id).artifacts:
            out.append((run, store.artifact(run.id, key)))
    return out


def batch_norm_scales(ctx: FigureContext) -> FigureResult:
    """Train (solid) and test (dashed) accuracy after training, against the standard
    deviation of the initial weights (log axis), one color per regularizer."""
    opt = ctx.options
    groups = ctx.selection.groups("batch-norm")
    if not groups:
        raise NothingToPlot("nothing_task_runs", task="batch-norm")
    title = opt.t("title_bn")
    fig, axes = new_figure(width=7.0, height=4.4)
    ax = axes[0, 0]
    mixed = ctx.selection.mixed_presets()
    used, notes = [], []
    for i, g in enumerate(groups):
        tables = _artifact_rows(ctx.store, g.runs, "accuracy_by_scale")
        if not tables:
            continue
        used += [r.id for r, _ in tables]
        lost = sorted({float(row[0]) for _, t in tables for row in t if not np.isfinite(row[1])})
        if lost:
            notes.append(Message("note_bn_diverged", label=Phrase(partial(label, g, mixed)),
                                 stds=", ".join(f"{v:.3g}" for v in lost)))
        for col, key, style in ((1, "train", "-"), (2, "test", "--")):
            band = aggregate([(t[:, 0], t[:, col]) for _, t in tables], opt.band)
            draw_band(ax, band, label=f"{label(g, mixed, opt.lang)} — {opt.t(key)}",
                      linestyle=style, marker="o" if key == "train" else None,
                      color=f"C{i % 10}", gid=f"group:{i}:{key}")
    if not used:
        raise NothingToPlot("nothing_bn_table")
    ax.set_xscale("log")
    ax.invert_xaxis()  # the book's order: from std 1 down to 1e-4
    ax.set_xlabel(opt.t("weight_std"))
    ax.set_ylabel(opt.t("accuracy"))
    ax.set_ylim(0, 1.02)
    band_legend(ax, opt, loc="best")
    ax.set_title(title, fontsize=10)
    caption = opt.ct("cap_bn") + " " + band_caption(opt, groups)
    return finish(ctx, "batch-norm-scales", fig, opt.ct("title_bn"), caption, used, notes)


def search_trials(ctx: FigureContext) -> FigureResult:
    """Every trial of every seed as a point: validation accuracy against its learning rate
    and against its weight decay (both log axes), one color per setting."""
    opt = ctx.options
    groups = ctx.selection.groups("hyperparameter-search")
    if not groups:
        raise NothingToPlot("nothing_task_runs", task="hyperparameter-search")
    title = opt.t("title_trials")
    fig, axes = new_figure(1, 2, width=10.0, height=4.0, sharey=True)
    mixed = ctx.selection.mixed_presets()
    used = []
    for i, g in enumerate(groups):
        tables = _artifact_rows(ctx.store, g.runs, "trials")
        if not tables:
            continue
        used += [r.id for r, _ in tables]
        rows = np.vstack([t for _, t in tables])  # lr, weight_decay, val_acc, train_acc
        for ax, col in ((axes[0, 0], 0), (axes[0, 1], 1)):
            ax.scatter(rows[:, col], rows[:, 2], s=14, color=f"C{i % 10}", alpha=0.7,
                       label=label(g, mixed, opt.lang), gid=f"group:{i}")
    if not used:
        raise NothingToPlot("nothing_trials")
    for ax, key in ((axes[0, 0], "learning_rate"), (axes[0, 1], "weight_decay")):
        ax.set_xscale("log")
        ax.set_xlabel(opt.t(key))
    axes[0, 0].set_ylabel(opt.t("val_acc"))
    axes[0, 0].legend(fontsize=7)
    fig.suptitle(title)
    caption = opt.ct("cap_trials")
    return finish(ctx, "search-trials", fig, opt.ct("title_trials"), caption, used)
