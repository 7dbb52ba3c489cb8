"""Optimizer paths of ``trajectories`` over the contour of each 2-D test function: one
row per function, one panel per optimizer (the book's optimizer_compare_naive.py
layout, 2×2 on its bowl)."""

from __future__ import annotations

import numpy as np

from ...bench.choices import parse_choice
from ..i18n import Message
from .base import FigureContext, FigureResult, NothingToPlot, finish, new_figure, run_ids_of

TASK = "trajectories"
GRID_POINTS = 120
MARKED_STEPS = 60


def load_surface(registry, choice: str):
    """The :class:`~dlbench.bench.Surface` a run's ``dataset`` choice names."""
    c = parse_choice(choice)
    return registry.create("dataset", c.name, **c.kwargs).load()


def finite_prefix(path: np.ndarray) -> np.ndarray:
    """The rows of a ``(steps + 1, 2)`` path before the first non-finite one."""
    bad = np.flatnonzero(~np.all(np.isfinite(path), axis=1))
    return path[: bad[0]] if bad.size else path


def _column(group) -> str:
    """The optimizer of a group as its column title, with its version when two differ."""
    name = group.choices.get("optimizer", "?")
    return name + (f" [{group.versions['optimizer']}]" if "optimizer" in group.versions else "")


def run_paths(store, run_id: int) -> list[np.ndarray]:
    """The stored paths ``path/0``, ``path/1``, ... of a run, in order."""
    keys = [k for k in store.get_run(run_id).artifacts if k.startswith("path/")]
    keys.sort(key=lambda k: int(k.split("/", 1)[1]))
    return [store.artifact(run_id, k) for k in keys]


def optimizer_paths(ctx: FigureContext) -> FigureResult:
    """Each panel: contours of log(1 + f − f_min); the paths from the function's standard
    start points (the same for every seed, so drawn once, solid) and from the random start
    points of every seed (thin, dashed); the start (circle) and the minimum (star)."""
    opt = ctx.options
    runs = ctx.selection.groups(TASK)
    if not runs:
        raise NothingToPlot("nothing_task_runs", task=TASK)
    registry = ctx.registry
    if registry is None:
        from ... import registry as default_registry

        registry = default_registry()
    surfaces = list(dict.fromkeys(g.choices.get("dataset", "book-bowl") for g in runs))
    # one column per optimizer, two versions of one name being two columns
    optimizers = list(dict.fromkeys(_column(g) for g in runs))
    fig, axes = new_figure(len(surfaces), len(optimizers), width=3.3 * len(optimizers) + 0.4,
                           height=2.9 * len(surfaces) + 0.8)
    notes = []
    for row, name in enumerate(surfaces):
        try:
            surface = load_surface(registry, name)
        except Exception as exc:  # a surface plugin no longer installed: say so, go on
            notes.append(Message("note_no_surface", name=repr(name), error=exc))
            surface = None
        if surface is not None:
            X, Y, Z = surface.grid(GRID_POINTS)
            levels = np.log1p(np.maximum(Z - surface.f_min, 0.0))
        for col, optimizer in enumerate(optimizers):
            ax = axes[row, col]
            group = next((g for g in runs if g.choices.get("dataset", "book-bowl") == name
                          and _column(g) == optimizer), None)
            if surface is not None:
                ax.contour(X, Y, levels, levels=15, cmap="Greys", linewidths=0.6,
                           alpha=0.7).set_gid("contour")
                ax.plot(*surface.minimum, marker="*", markersize=11, color="gold",
                        markeredgecolor="k", linestyle="none", gid="minimum")
                (x0, x1), (y0, y1) = surface.bounds
                ax.set_xlim(x0, x1)
                ax.set_ylim(y0, y1)
                n_std = len(surface.starts)
            else:
                n_std = 0
            if group is None:
                ax.text(0.5, 0.5, opt.t("not_run"), ha="center", va="center", transform=ax.transAxes,
                        gid="empty")
            else:
                _draw_group(ax, ctx.store, group, n_std, col)
            lr = sorted({r.summary.get("lr") for r in (group.runs if group else [])
                         if r.summary.get("lr") is not None})
            lr_text = opt.t("lr_of", lrs="/".join(f"{v:g}" for v in lr)) if lr else ""
            ax.set_title(f"{optimizer}{lr_text} — {name}", fontsize=8)
            if row == len(surfaces) - 1:
                ax.set_xlabel("x")
            if col == 0:
                ax.set_ylabel("y")
    fig.suptitle(opt.t("title_paths"))
    caption = opt.ct("cap_paths")
    return finish(ctx, "optimizer-paths", fig, opt.ct("title_paths"), caption, run_ids_of(runs),
                  notes)


def _draw_group(ax, store, group, n_std: int, col: int) -> None:
    color = f"C{col % 10}"
    for s, run in enumerate(group.runs):
        for i, path in enumerate(run_paths(store, run.id)):
            standard = i < n_std
            if standard and s > 0:
                continue  # the same start and the same deterministic path in every seed
            path = finite_prefix(path)
            if not len(path):
                continue
            dots = standard and len(path) <= MARKED_STEPS  # the book marks each of its 30 steps
            ax.plot(path[:, 0], path[:, 1], color=color, marker="o" if dots else None,
                    markersize=2.5, linewidth=1.3 if standard else 0.7,
                    linestyle="-" if standard else "--", alpha=1.0 if standard else 0.6,
                    gid=f"path:{run.id}:{i}")
            ax.plot(path[0, 0], path[0, 1], marker="o", markersize=5, color=color,
                    markerfacecolor="white", linestyle="none", gid="start")
