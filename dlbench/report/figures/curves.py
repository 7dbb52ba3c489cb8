"""Curves over training: loss per optimizer (or initializer), train and test accuracy per
epoch per regularizer, and any task's per-epoch series (the CNN tasks)."""

from __future__ import annotations

import math

import numpy as np

from ...bench.metrics import smooth_curve
from .base import (FigureContext, FigureResult, NothingToPlot, band_caption, band_legend,
                   draw_band, finish, new_figure, run_ids_of, seed_band)

#: the plugin kinds that label a line, per task (the task's grid without the fixed ones)
LABEL_KINDS = {"convergence": ("optimizer",), "weight-init": ("initializer",),
               "overfitting": ("regularizer",), "batch-norm": ("regularizer",),
               "hyperparameter-search": ("optimizer",)}


def label(group, mixed_presets: bool, lang: str = "en") -> str:
    return group.label(only=LABEL_KINDS.get(group.task), with_preset=mixed_presets, lang=lang)


def _smooth(run, steps, values):
    """The book's smooth_curve over the finite prefix (a diverged tail stays out)."""
    values = np.asarray(values, dtype=np.float64)
    bad = np.flatnonzero(~np.isfinite(values))
    end = int(bad[0]) if bad.size else len(values)
    return np.asarray(steps)[:end], smooth_curve(values[:end])


def _best_lr_text(group, opt) -> str:
    lrs = sorted({r.summary.get("best_lr") for r in group.runs
                  if r.summary.get("best_lr") is not None})
    return opt.t("best_lr", lrs="/".join(f"{v:g}" for v in lrs)) if lrs else ""


def loss_curves(ctx: FigureContext, task: str) -> FigureResult:
    """The training-loss series ``loss`` per setting against the iteration, mean over
    seeds with a band; with ``options.smooth`` each seed is smoothed first (the book's
    ``smooth_curve``, as its optimizer_compare_mnist.py plots)."""
    opt = ctx.options
    groups = [g for g in ctx.selection.groups(task)]
    if not groups:
        raise NothingToPlot("nothing_task_runs", task=task)
    title_key = {"convergence": "title_loss_optimizer", "weight-init": "title_loss_init"}[task]
    title = opt.t(title_key)
    fig, axes = new_figure(width=6.8, height=4.4)
    ax = axes[0, 0]
    mixed = ctx.selection.mixed_presets()
    drawn = 0
    for i, g in enumerate(groups):
        band = seed_band(ctx, g.runs, "loss", transform=_smooth if opt.smooth else None)
        if not band.any_finite:
            continue
        extra = _best_lr_text(g, opt) if task == "convergence" else ""
        draw_band(ax, band, label=label(g, mixed, opt.lang) + extra, color=f"C{i % 10}",
                  gid=f"group:{i}")
        drawn += 1
    if not drawn:
        raise NothingToPlot("nothing_loss", task=task)
    ax.set_xlabel(opt.t("iteration"))
    ax.set_ylabel(opt.t("loss") + (f" — {opt.t('smoothed')}" if opt.smooth else ""))
    ax.set_ylim(bottom=0)
    band_legend(ax, opt, loc="upper right")
    ax.set_title(title)
    parts = [opt.ct("cap_loss")]
    if task == "convergence":
        parts.append(opt.ct("cap_loss_convergence"))
    if opt.smooth:
        parts.append(opt.ct("cap_smoothed"))
    caption = " ".join(parts + [band_caption(opt, groups)])
    return finish(ctx, "loss-curves", fig, opt.ct(title_key), caption, run_ids_of(groups))


def iterations_per_epoch(run) -> int:
    """ceil(train size / batch size) from the run's resolved config (1 if unknown)."""
    config = run.config or {}
    size = ((config.get("dataset") or {}).get("sizes") or {}).get("train")
    batch = (config.get("settings") or {}).get("batch_size")
    if not size or not batch:
        return 1
    return max(1, math.ceil(size / batch))


def _to_epochs(run, steps, values):
    return np.asarray(steps, dtype=np.float64) / iterations_per_epoch(run), values


def accuracy_curves(ctx: FigureContext, task: str = "overfitting") -> FigureResult:
    """One panel per regularizer (as the book's overfit_*.py figures): train accuracy
    (solid) and test accuracy (dashed) per epoch, mean over seeds with a band."""
    opt = ctx.options
    groups = ctx.selection.groups(task)
    if not groups:
        raise NothingToPlot("nothing_task_runs", task=task)
    title = opt.t("title_accuracy")
    cols = min(len(groups), 3)
    rows = math.ceil(len(groups) / cols)
    fig, axes = new_figure(rows, cols, width=4.0 * cols + 0.4, height=3.3 * rows + 0.6,
                           sharey=True)
    mixed = ctx.selection.mixed_presets()
    for i, g in enumerate(groups):
        ax = axes[i // cols, i % cols]
        for key, style in (("train_acc", "-"), ("test_acc", "--")):
            band = seed_band(ctx, g.runs, key, transform=_to_epochs)
            draw_band(ax, band, label=opt.t(key.removesuffix("_acc")), linestyle=style,
                      color="C0" if key == "train_acc" else "C1", gid=f"group:{i}:{key}")
        ax.set_title(label(g, mixed, opt.lang), fontsize=9)
        ax.set_xlabel(opt.t("epoch"))
        ax.set_ylabel(opt.t("accuracy"))
        ax.set_ylim(0, 1.02)
        band_legend(ax, opt, loc="lower right")
    for j in range(len(groups), rows * cols):
        axes[j // cols, j % cols].set_axis_off()
    fig.suptitle(title)
    caption = opt.ct("cap_accuracy") + " " + band_caption(opt, groups)
    return finish(ctx, "accuracy-curves", fig, opt.ct("title_accuracy"), caption,
                  run_ids_of(groups))


#: series drawn for tasks without a figure of their own, in order of preference
GENERIC_KEYS = ("train_loss", "loss", "test_acc", "val_acc", "train_acc")


def learning_curves(ctx: FigureContext, task: str) -> FigureResult:
    """Any task: one panel per stored series among :data:`GENERIC_KEYS` (at most two),
    one line per setting against the stored step (epochs for the CNN tasks)."""
    opt = ctx.options
    groups = ctx.selection.groups(task)
    if not groups:
        raise NothingToPlot("nothing_task_runs", task=task)
    stored = {k for g in groups for r in g.runs for k in ctx.store.get_run(r.id).metrics}
    keys = [k for k in GENERIC_KEYS if k in stored]
    keys = [k for k in keys if k.endswith("loss")][:1] + [k for k in keys if k.endswith("acc")][:1]
    if not keys:
        raise NothingToPlot("nothing_series", task=task, keys=", ".join(GENERIC_KEYS))
    title = opt.t("title_curves", task=task)
    fig, axes = new_figure(1, len(keys), width=5.0 * len(keys) + 0.4, height=4.0)
    mixed = ctx.selection.mixed_presets()
    for col, key in enumerate(keys):
        ax = axes[0, col]
        for i, g in enumerate(groups):
            band = seed_band(ctx, g.runs, key)
            if band.any_finite:
                draw_band(ax, band, label=g.label(with_preset=mixed, lang=opt.lang),
                          color=f"C{i % 10}", gid=f"group:{i}:{key}")
        ax.set_xlabel(opt.t("epoch" if task in ("architectures", "degradation") else "step"))
        ax.set_ylabel(opt.t(key) if key.endswith("acc") else opt.t("loss"))
        band_legend(ax, opt, loc="best")
    fig.suptitle(title)
    caption = opt.ct("cap_curves", keys=", ".join(keys)) + " " + band_caption(opt, groups)
    return finish(ctx, "learning-curves", fig, opt.ct("title_curves", task=task), caption,
                  run_ids_of(groups))
