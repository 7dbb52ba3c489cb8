"""CNN architectures (task ``architectures``): test accuracy against the number of
parameters and against the multiply-accumulates of one forward pass."""

from __future__ import annotations

import math

import numpy as np

from ..i18n import Message
from .base import FigureContext, FigureResult, NothingToPlot, finish, new_figure

TASK = "architectures"
NEEDED = ("test_acc", "params", "macs")


def points(groups, band: str) -> list[dict]:
    """One point per (architecture, dataset): mean test accuracy over seeds with its
    spread (lowest/highest seed, or ± std), parameters and MACs (the same in every seed,
    so their mean)."""
    out = []
    for g in groups:
        good = [r for r in g.runs if all(math.isfinite(r.summary.get(k, math.nan)) for k in NEEDED)]
        if not good:
            continue
        acc = np.array([r.summary["test_acc"] for r in good])
        mean = float(acc.mean())
        if band == "std" and len(acc) > 1:
            sd = float(acc.std(ddof=1))
            lo, hi = mean - sd, mean + sd
        else:
            lo, hi = (float(acc.min()), float(acc.max())) if band == "minmax" else (mean, mean)
        out.append({"group": g, "architecture": g.choices.get("architecture", g.label()),
                    "dataset": g.choices.get("dataset", ""), "acc": mean, "lo": lo, "hi": hi,
                    "params": float(np.mean([r.summary["params"] for r in good])),
                    "macs": float(np.mean([r.summary["macs"] for r in good])),
                    "run_ids": [r.id for r in good], "skipped": len(g.runs) - len(good)})
    return out


def accuracy_vs_cost(ctx: FigureContext) -> FigureResult:
    """Two panels sharing the accuracy axis; one marker per architecture and dataset,
    error bars over seeds, each point named."""
    opt = ctx.options
    groups = ctx.selection.groups(TASK)
    if not groups:
        raise NothingToPlot("nothing_task_runs", task=TASK)
    pts = points(groups, opt.band)
    if not pts:
        raise NothingToPlot("nothing_cnn_keys", keys=", ".join(NEEDED))
    title = opt.t("title_cnn")
    fig, axes = new_figure(1, 2, width=11.0, height=4.4, sharey=True)
    datasets = list(dict.fromkeys(p["dataset"] for p in pts))
    for col, key in enumerate(("params", "macs")):
        ax = axes[0, col]
        for d, dataset in enumerate(datasets):
            mine = [p for p in pts if p["dataset"] == dataset]
            x = np.array([p[key] for p in mine])
            y = np.array([p["acc"] for p in mine])
            yerr = np.array([[p["acc"] - p["lo"] for p in mine], [p["hi"] - p["acc"] for p in mine]])
            ax.errorbar(x, y, yerr=yerr, fmt="o", color=f"C{d % 10}", capsize=3,
                        label=dataset or None, gid=f"dataset:{d}")
            for p in mine:
                ax.annotate(p["architecture"], (p[key], p["acc"]), textcoords="offset points",
                            xytext=(4, 4), fontsize=7)
        ax.set_xscale("log")
        ax.set_xlabel(opt.t(key))
        if col == 0:
            ax.set_ylabel(opt.t("test_acc"))
        if any(datasets):
            ax.legend(fontsize=7, loc="lower right")
    fig.suptitle(title)
    notes = []
    skipped = sum(p["skipped"] for p in pts)
    if skipped:
        notes.append(Message("note_cnn_skipped", n=skipped, keys=", ".join(NEEDED)))
    caption = opt.ct("cap_cnn", band=opt.ct("spread_" + opt.band))
    return finish(ctx, "cnn-accuracy", fig, opt.ct("title_cnn"), caption,
                  [i for p in pts for i in p["run_ids"]], notes)
