"""What every figure builder shares: its inputs, its result, bands, notes, saving.

Notes (runs left out, diverged runs, mixed code versions, a missing font) are drawn in
the figure itself as text with gid ``"note"``, so a file never travels without them;
a figure with nothing to plot says why in its axes (gid ``"empty"``). Notes are drawn in
the figure's language (English when no Japanese font is installed) and listed in
:attr:`FigureResult.notes` in the language asked for (the report's).
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ...errors import UsageError
from ..fonts import FigureLanguage, figure_language, style
from ..i18n import Message, say, text
from ..selection import Selection
from ..series import Band, aggregate

FORMATS = ("png", "svg")


class NothingToPlot(Exception):
    """The selected runs have nothing this figure can show; ``message`` (a
    :class:`~dlbench.report.i18n.Message` of the i18n key ``key``) says why."""

    def __init__(self, key: str, **fmt):
        self.message = Message(key, **fmt)
        super().__init__(self.message)


@dataclass
class FigureOptions:
    """How to draw: the language (already resolved to an installed font), the seed band
    (``"minmax"`` or ``"std"``) and whether to smooth loss curves (the book's
    ``smooth_curve``)."""

    language: FigureLanguage = field(default_factory=figure_language)
    band: str = "minmax"
    smooth: bool = False

    @property
    def lang(self) -> str:
        return self.language.lang

    def t(self, key: str, **fmt) -> str:
        """A figure label, in the figure's language."""
        return text(key, self.lang, **fmt)

    def ct(self, key: str, **fmt) -> str:
        """Caption text, in the language asked for (the report's), whatever the font."""
        return text(key, self.language.asked, **fmt)

    @property
    def asked(self) -> str:
        return self.language.asked


@dataclass
class FigureContext:
    """A builder's inputs: the store to read series and artifacts from, the runs, how."""

    store: object
    selection: Selection
    options: FigureOptions
    registry: object = None


@dataclass
class FigureResult:
    """A built figure and what a report needs to explain it: the title, caption and notes
    in the language asked for (the figure itself may be drawn in English, see
    :class:`~dlbench.report.fonts.FigureLanguage`)."""

    kind: str
    figure: Figure
    title: str
    caption: str = ""
    run_ids: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    language: FigureLanguage = field(default_factory=figure_language)

    def save(self, path, dpi: int = 100) -> Path:
        """Write the figure; the format (PNG or SVG) comes from the file's extension."""
        path = Path(path)
        fmt = path.suffix.lstrip(".").lower()
        if fmt not in FORMATS:
            raise UsageError(f"cannot tell the figure format from {path.name!r}: "
                             f"use a file name ending in {' or '.join('.' + f for f in FORMATS)}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.to_bytes(fmt, dpi))
        return path

    def to_bytes(self, fmt: str = "png", dpi: int = 100) -> bytes:
        buf = io.BytesIO()
        with style(self.language):  # SVG settings are read when saving
            self.figure.savefig(buf, format=fmt, dpi=dpi)
        return buf.getvalue()


def new_figure(nrows: int = 1, ncols: int = 1, *, width: float = 6.4, height: float = 4.2,
               sharey: bool = False, sharex: bool = False) -> tuple[Figure, np.ndarray]:
    """A figure not attached to pyplot (so nothing leaks between figures) and its axes,
    always as a 2-D array."""
    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, sharey=sharey, sharex=sharex)
    return fig, axes


def add_notes(fig: Figure, notes: list, lang: str = "en") -> None:
    """Write ``notes`` (text or :class:`~dlbench.report.i18n.Message`) in ``lang`` under
    the axes, wrapped, so they travel with the image."""
    if not notes:
        return
    width = max(40, int(fig.get_figwidth() * (14 if lang == "en" else 10)))  # CJK: wider glyphs
    lines = []
    for n in notes:
        lines += textwrap.wrap(text("note_prefix", lang) + say(n, lang), width) or [""]
    fig.supxlabel("\n".join(lines), fontsize=7, ha="left", x=0.01, color="#8a4b00",
                  gid="note")


def finish(ctx: "FigureContext", kind: str, fig: Figure, title: str, caption: str, run_ids,
           extra_notes=()) -> FigureResult:
    """Write the selection's notes and ``extra_notes`` into ``fig`` (in the figure's
    language); the finished result, with ``title``, ``caption`` and the notes in the
    language asked for."""
    notes = [*ctx.selection.notes, *extra_notes]
    add_notes(fig, notes, ctx.options.lang)
    return FigureResult(kind, fig, title, caption, list(run_ids),
                        [say(n, ctx.options.asked) for n in notes])


def run_ids_of(groups) -> list[int]:
    return [i for g in groups for i in g.run_ids]


def empty_result(kind: str, title: str, notes: list, options: FigureOptions) -> FigureResult:
    """A figure that says why it has nothing to show (``notes[0]``) instead of an empty
    image; notes are text or :class:`~dlbench.report.i18n.Message`."""
    fig, axes = new_figure(width=6.4, height=2.4)
    ax = axes[0, 0]
    ax.set_axis_off()

    def message(lang: str, sep: str = "\n") -> str:
        why = say(notes[0], lang) if notes else ""
        lines = textwrap.wrap(why, 70 if lang == "en" else 40) if sep == "\n" else [why]
        return text("no_runs", lang) + (sep * 2 + sep.join(lines) if notes else "")

    ax.text(0.5, 0.5, message(options.lang), ha="center", va="center", transform=ax.transAxes,
            fontsize=10, gid="empty")
    ax.set_title(title)
    add_notes(fig, notes[1:], options.lang)
    return FigureResult(kind, fig, title, caption=message(options.asked, " "),
                        notes=[say(n, options.asked) for n in notes])


def seeds_text(groups) -> str:
    """How many seeds the settings have: ``3`` or ``1–3``."""
    counts = sorted({len(g.runs) for g in groups}) or [0]
    return str(counts[0]) if len(counts) == 1 else f"{counts[0]}–{counts[-1]}"


def band_caption(options: FigureOptions, groups) -> str:
    """What the lines and bands mean, for captions."""
    return options.ct("cap_lines", seeds=seeds_text(groups),
                      band=text("band_" + options.band, options.language.asked))


def draw_band(ax, band: Band, *, label: str, color=None, linestyle="-", marker=None,
              gid: str | None = None):
    """The mean as a line (``gid`` = the group's key, for tests and the report) and the
    band as a translucent area of the same color. Returns the line."""
    (line,) = ax.plot(band.x, band.mean, linestyle=linestyle, marker=marker, color=color,
                      label=label, gid=gid)
    ax.fill_between(band.x, band.lo, band.hi, color=line.get_color(), alpha=0.2,
                    linewidth=0, gid=(gid + ":band") if gid else None)
    return line


def band_legend(ax, options: FigureOptions, **kwargs) -> None:
    """The legend with one more entry that says what the bands are."""
    handles, labels = ax.get_legend_handles_labels()
    handles.append(Patch(color="0.5", alpha=0.25))
    labels.append(options.t("band_" + options.band))
    ax.legend(handles, labels, fontsize=7, **kwargs)


def seed_band(ctx: FigureContext, runs: list, key: str, *, transform=None) -> Band:
    """The series ``key`` of each run aggregated into a :class:`Band`; ``transform(run,
    steps, values) -> (x, y)`` may rescale (steps to epochs) or smooth each seed first."""
    curves = []
    for run in runs:
        steps, values = ctx.store.metric_series(run.id, key)
        if transform is not None:
            steps, values = transform(run, steps, values)
        curves.append((steps, values))
    return aggregate(curves, ctx.options.band)
