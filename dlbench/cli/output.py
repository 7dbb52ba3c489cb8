"""Output helpers shared by commands: JSON that survives NaN, tables sized to the terminal."""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Sequence

import click


def jsonable(value):
    """Replace NaN/±inf by the strings "NaN"/"Infinity"/"-Infinity" (valid JSON)."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return jsonable(value.item())
    return value


def echo_json(data) -> None:
    click.echo(json.dumps(jsonable(data), indent=2, ensure_ascii=False, allow_nan=False))


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _width(text: str) -> int:
    """Display width: East Asian wide characters take two columns."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _truncate(text: str, width: int) -> str:
    if _width(text) <= width:
        return text
    out, used = "", 0
    for ch in text:
        w = _width(ch)
        if used + w > width - 1:
            break
        out, used = out + ch, used + w
    return out + "…"


def format_table(rows: Sequence[Sequence], headers: Sequence[str], *, max_width: int | None = None,
                 shrink: int | None = None) -> str:
    """A plain-text table no wider than the terminal.

    When too wide, column ``shrink`` (default: the last) is truncated with "…".
    """
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(headers)]
    limit = max_width or shutil.get_terminal_size((120, 24)).columns
    total = sum(widths) + 2 * (len(widths) - 1)
    col = len(widths) - 1 if shrink is None else shrink
    if total > limit:
        widths[col] = max(8, widths[col] - (total - limit))
    def line(values):
        padded = []
        for i, v in enumerate(values):
            v = _truncate(v, widths[i])
            padded.append(v + " " * (widths[i] - _width(v)))
        return "  ".join(padded).rstrip()
    out = [line(list(headers)), line(["-" * w for w in widths])]
    out += [line(r) for r in cells]
    return "\n".join(out)
