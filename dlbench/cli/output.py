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


def emit(text: str, out: str | None, what: str) -> None:
    """Print ``text``, or write it to the file ``out`` and say so on stderr."""
    if out:
        with open(out, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        click.echo(f"wrote {what} to {out}", err=True)
    else:
        click.echo(text, nl=False)


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

    When too wide, the widest columns are truncated with "…" (column ``shrink`` first, if
    given), one character at a time, down to 8 characters each.
    """
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(headers)]
    limit = max_width or shutil.get_terminal_size((120, 24)).columns
    excess = sum(widths) + 2 * (len(widths) - 1) - limit
    if shrink is not None and excess > 0:
        cut = min(excess, max(0, widths[shrink] - 8))
        widths[shrink] -= cut
        excess -= cut
    while excess > 0:
        widest = max(range(len(widths)), key=lambda i: widths[i])
        if widths[widest] <= 8:
            break
        widths[widest] -= 1
        excess -= 1

    def line(values):
        padded = []
        for i, v in enumerate(values):
            v = _truncate(v, widths[i])
            padded.append(v + " " * (widths[i] - _width(v)))
        return "  ".join(padded).rstrip()

    out = [line(list(headers)), line(["-" * w for w in widths])]
    out += [line(r) for r in cells]
    return "\n".join(out)
