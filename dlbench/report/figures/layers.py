"""Layer-by-layer figures of ``vanishing-gradients``: the book's activation histograms
(one panel per layer) and the weight-gradient norm against depth."""

from __future__ import annotations

import numpy as np

from ..i18n import Message
from ..series import common_edges, rebin
from .base import (FigureContext, FigureResult, NothingToPlot, band_caption, band_legend,
                   draw_band, finish, new_figure, run_ids_of, seed_band, seeds_text)

TASK = "vanishing-gradients"
STYLES = ("-", "--", ":", "-.")


def group_label(group, mixed_presets: bool, lang: str = "en") -> str:
    """``sigmoid, xavier`` for vanishing-gradients; every choice (``plain(depth=8)``) for
    tasks whose grid is something else, such as degradation's nets."""
    only = ("activation", "initializer") if "activation" in group.choices else tuple(group.choices)
    return group.label(only=only, with_preset=mixed_presets, lang=lang)


def histogram_stats(store, runs: list):
    """Per-layer counts averaged over seeds on shared bins.

    :return: ``(edges (bins + 1,), mean (layers, bins), lo (layers, bins), hi (layers, bins))``;
        lo/hi are the lowest and highest seed per bin (the band).
    """
    hists = [store.artifact(r.id, "hist").astype(np.float64) for r in runs]
    edges_each = [store.artifact(r.id, "hist_edges").astype(np.float64) for r in runs]
    edges = common_edges(edges_each)
    moved = np.stack([np.stack([rebin(layer, e, edges) for layer in h])
                      for h, e in zip(hists, edges_each)])  # (seeds, layers, bins)
    return edges, moved.mean(axis=0), moved.min(axis=0), moved.max(axis=0)


def activation_histograms(ctx: FigureContext) -> FigureResult:
    """Rows: activation × initializer settings; columns: layers. Each panel shows the
    mean count per bin over seeds (filled steps) and the lowest–highest seed (band)."""
    opt = ctx.options
    groups = [g for g in ctx.selection.groups(TASK)
              if all("hist" in ctx.store.get_run(r.id).artifacts for r in g.runs[:1])]
    title = opt.t("title_histograms")
    if not groups:
        raise NothingToPlot("nothing_histograms")
    stats = [histogram_stats(ctx.store, g.runs) for g in groups]
    layers = max(s[1].shape[0] for s in stats)
    fig, axes = new_figure(len(groups), layers, width=2.1 * layers + 0.6,
                           height=1.8 * len(groups) + 0.9)
    mixed = ctx.selection.mixed_presets()
    for row, (group, (edges, mean, lo, hi)) in enumerate(zip(groups, stats)):
        top = max(float(hi.max()), 1.0)
        for col in range(layers):
            ax = axes[row, col]
            if col >= mean.shape[0]:
                ax.set_axis_off()
                continue
            ax.stairs(mean[col], edges, fill=True, color="C0", alpha=0.8,
                      gid=f"hist:{row}:{col}")
            ax.stairs(hi[col], edges, baseline=lo[col], fill=True, color="C3", alpha=0.3,
                      gid=f"hist:{row}:{col}:band")
            ax.set_ylim(0, top * 1.05)
            if row == 0:
                ax.set_title(opt.t("layer_n", n=col + 1))
            if row == len(groups) - 1:
                ax.set_xlabel(opt.t("activation_value"))
            if col == 0:
                ax.set_ylabel(f"{group_label(group, mixed, opt.lang)}\n{opt.t('count')}",
                              fontsize=8)
            else:
                ax.tick_params(labelleft=False)
    fig.suptitle(title)
    caption = opt.ct("cap_histograms", seeds=seeds_text(groups), band=opt.ct("spread_" + opt.band))
    return finish(ctx, "activation-histograms", fig, opt.ct("title_histograms"), caption,
                  run_ids_of(groups))


def gradient_norms(ctx: FigureContext, task: str = TASK) -> FigureResult:
    """‖∂L/∂W_l‖ against the layer (or block) index l, log scale: one line per setting.

    Both ``vanishing-gradients`` (per layer) and ``degradation`` (per block, plain vs
    residual) store the series ``grad_norm`` with step = depth index.
    """
    opt = ctx.options
    groups = ctx.selection.groups(task)
    if not groups:
        raise NothingToPlot("nothing_task_runs", task=task)
    title = opt.t("title_grad_norms")
    fig, axes = new_figure(width=8.4, height=4.4)
    ax = axes[0, 0]
    mixed = ctx.selection.mixed_presets()
    notes = []
    zero = False
    # color per initializer, line style per activation: 12 settings stay distinguishable
    inits = list(dict.fromkeys(g.choices.get("initializer") for g in groups))
    acts = list(dict.fromkeys(g.choices.get("activation") for g in groups))
    for i, g in enumerate(groups):
        band = seed_band(ctx, g.runs, "grad_norm")
        zero = zero or bool(np.any(band.mean <= 0))
        style = STYLES[acts.index(g.choices.get("activation")) % len(STYLES)]
        color = f"C{(inits.index(g.choices.get('initializer')) if len(inits) > 1 else i) % 10}"
        draw_band(ax, band, label=group_label(g, mixed, opt.lang), marker="o", color=color,
                  linestyle=style, gid=f"group:{i}")
    ax.set_yscale("log")
    ax.set_xlabel(opt.t("layer"))
    ax.set_ylabel(opt.t("grad_norm"))
    ax.xaxis.get_major_locator().set_params(integer=True)
    band_legend(ax, opt, loc="center left", bbox_to_anchor=(1.01, 0.5))
    ax.set_title(title)
    if zero:
        notes.append(Message("note_zero_grad"))
    caption = opt.ct("cap_grad_norms") + " " + band_caption(opt, groups)
    return finish(ctx, "gradient-norms", fig, opt.ct("title_grad_norms"), caption,
                  run_ids_of(groups), notes)
