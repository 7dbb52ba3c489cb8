"""Figures and reports from the results database.

``make_figure(kind, store, RunFilter(...))`` draws one figure of :data:`FIGURE_KINDS`
(matplotlib, headless) from stored runs, seeds as a mean line and a band;
``write_report(store, registry, out_dir)`` writes one self-contained HTML file with every
task's figures, leaderboards, results and the configuration of every run.
"""

from .build import ReportInfo, build_report, write_report
from .figures import FIGURE_KINDS, FigureOptions, FigureResult, make_figure
from .fonts import figure_language, japanese_font
from .selection import RunFilter, Selection, select

__all__ = ["FIGURE_KINDS", "FigureOptions", "FigureResult", "ReportInfo", "RunFilter",
           "Selection", "build_report", "figure_language", "japanese_font", "make_figure",
           "select", "write_report"]
