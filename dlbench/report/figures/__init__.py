"""The figure kinds of ``dlbench plot KIND`` and of the report, and :func:`make_figure`.

Each kind reads the runs of one task (or, for ``loss-curves`` and ``learning-curves``,
any task whose runs store the series it draws) and returns a :class:`FigureResult`
whose matplotlib ``Figure`` can be inspected, saved as PNG or SVG, or embedded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from ...errors import UnknownNameError, UsageError
from ..fonts import style
from ..selection import RunFilter, Selection, select_from_store
from .base import (FigureContext, FigureOptions, FigureResult, NothingToPlot, empty_result)
from .cnn import accuracy_vs_cost
from .curves import accuracy_curves, learning_curves, loss_curves
from .layers import activation_histograms, gradient_norms
from .paths import optimizer_paths
from .sweeps import batch_norm_scales, search_trials


@dataclass(frozen=True)
class FigureKind:
    """A figure ``dlbench plot`` can draw.

    :param tasks: the tasks it reads, the default first; ``None``: any task (then
        ``--task`` is required).
    """

    name: str
    tasks: tuple[str, ...] | None
    build: Callable[[FigureContext, str], FigureResult]
    summary: str


FIGURE_KINDS: dict[str, FigureKind] = {k.name: k for k in (
    FigureKind("activation-histograms", ("vanishing-gradients",),
               lambda ctx, task: activation_histograms(ctx),
               "activation histograms, one panel per layer, per activation × initializer"),
    FigureKind("gradient-norms", ("vanishing-gradients", "degradation"), gradient_norms,
               "weight-gradient norm against depth (per activation × initializer, or per "
               "block for plain vs residual nets)"),
    FigureKind("loss-curves", ("convergence", "weight-init"), loss_curves,
               "training loss per iteration, per optimizer (or initializer); --smooth"),
    FigureKind("optimizer-paths", ("trajectories",), lambda ctx, task: optimizer_paths(ctx),
               "optimizer paths over the contour of each 2-D test function"),
    FigureKind("accuracy-curves", ("overfitting",), accuracy_curves,
               "train and test accuracy per epoch, per regularizer"),
    FigureKind("batch-norm-scales", ("batch-norm",), lambda ctx, task: batch_norm_scales(ctx),
               "accuracy against the initial weight scale, with and without batch norm"),
    FigureKind("search-trials", ("hyperparameter-search",), lambda ctx, task: search_trials(ctx),
               "validation accuracy of each random-search trial against lr and weight decay"),
    FigureKind("cnn-accuracy", ("architectures",), lambda ctx, task: accuracy_vs_cost(ctx),
               "CNN test accuracy against parameters and against MACs"),
    FigureKind("learning-curves", None, learning_curves,
               "any task's loss and accuracy series per step or epoch, per setting"),
)}


def figure_kind(name: str) -> FigureKind:
    if name not in FIGURE_KINDS:
        raise UnknownNameError("figure kind", name, FIGURE_KINDS)
    return FIGURE_KINDS[name]


def resolve_task(kind: FigureKind, task: str | None) -> str:
    if kind.tasks is None:
        if not task:
            raise UsageError(f"{kind.name} draws any task's series: give --task TASK")
        return task
    if task is None:
        return kind.tasks[0]
    if task not in kind.tasks:
        raise UsageError(f"{kind.name} draws runs of {' or '.join(kind.tasks)}, not {task!r}")
    return task


def draw(kind: FigureKind, task: str, selection: Selection, store, options: FigureOptions,
         registry=None, *, font_note: bool = True) -> FigureResult:
    """Build one figure from an existing selection (the report's path); never raises for
    missing data: the figure says what is missing instead. ``font_note=False`` leaves out
    the note about a missing Japanese font (the report says it once, not per figure)."""
    note = options.language.fallback_note if font_note else None
    if note and note not in selection.notes:
        selection.notes.append(note)
    title = f"{kind.name} ({task})"
    with style(options.language):
        if selection.empty:
            result = empty_result(kind.name, title, selection.notes, options)
        else:
            try:
                result = kind.build(FigureContext(store, selection, options, registry), task)
            except NothingToPlot as exc:
                result = empty_result(kind.name, title, [exc.message, *selection.notes], options)
    result.language = options.language
    return result


def make_figure(name: str, store, filt: RunFilter | None = None,
                options: FigureOptions | None = None, registry=None) -> FigureResult:
    """The figure ``name`` from the runs of ``store`` that ``filt`` selects.

    >>> make_figure("loss-curves", store, RunFilter(task="convergence")).save("loss.svg")
    """
    kind = figure_kind(name)
    filt = filt or RunFilter()
    task = resolve_task(kind, filt.task)
    selection = select_from_store(store, replace(filt, task=task))
    return draw(kind, task, selection, store, options or FigureOptions(), registry)


__all__ = ["FIGURE_KINDS", "FigureKind", "FigureOptions", "FigureResult", "draw",
           "figure_kind", "make_figure", "resolve_task"]
