"""HTML building blocks of the report: escaping, tables, figures, the page.

Everything is a string; :class:`Markup` marks strings that are already HTML so they are
not escaped twice. The page carries its own CSS and its images as ``data:`` URIs, so it
opens from a file with no server and loads nothing from the network.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Iterable, Sequence


class Markup(str):
    """A string that is already HTML; ``markup + text`` escapes ``text`` and stays Markup."""

    def __add__(self, other):
        if not isinstance(other, str):
            return NotImplemented
        return Markup(str.__add__(self, esc(other)))


def esc(value) -> Markup:
    """``value`` as HTML text (Markup passes through; None is empty)."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return Markup("")
    if isinstance(value, float):
        value = f"{value:.4g}"
    return Markup(html.escape(str(value), quote=True))


def _attrs(attrs: dict) -> str:
    return "".join(f' {key.rstrip("_").replace("_", "-")}="{esc(value)}"'
                   for key, value in attrs.items() if value is not None)


def tag(element: str, content="", **attrs) -> Markup:
    """``<name attr="...">content</name>``; ``class_`` becomes ``class``; None drops an
    attribute; content may be a list of parts."""
    if isinstance(content, (list, tuple)):
        content = Markup("".join(esc(c) for c in content))
    return Markup(f"<{element}{_attrs(attrs)}>{esc(content)}</{element}>")


def void(element: str, **attrs) -> Markup:
    """An element without content or end tag (``img``, ``meta``)."""
    return Markup(f"<{element}{_attrs(attrs)}>")


def link(target_id: str, text) -> Markup:
    return tag("a", text, href=f"#{target_id}")


def run_links(run_ids: Iterable[int]) -> Markup:
    return Markup(", ".join(link(f"run-{i}", str(i)) for i in run_ids))


_ARXIV = re.compile(r"arXiv:(\d{4}\.\d{4,5})")


def reference_html(text: str | None) -> Markup:
    """A reference line with arXiv ids as plain links to their abstract pages."""
    if not text:
        return Markup("")
    out, last = [], 0
    for m in _ARXIV.finditer(text):
        out.append(esc(text[last:m.start()]))
        out.append(tag("a", m.group(0), href=f"https://arxiv.org/abs/{m.group(1)}"))
        last = m.end()
    out.append(esc(text[last:]))
    return Markup("".join(out))


def table(table_id: str, caption: str, headers: Sequence[str], rows: Sequence[Sequence],
          *, numeric: Sequence[bool] | None = None) -> Markup:
    """A table with an id (for links from the contents) and a caption."""
    numeric = numeric or [False] * len(headers)
    head = tag("tr", [tag("th", h, scope="col") for h in headers])
    body = [tag("tr", [tag("td", c, class_="num" if numeric[i] else None)
                       for i, c in enumerate(row)]) for row in rows]
    inner = tag("table", [tag("caption", caption), tag("thead", head), tag("tbody", body)],
                id=table_id)
    return tag("div", inner, class_="scroll")


def image_uri(data: bytes, fmt: str) -> str:
    mime = {"png": "image/png", "svg": "image/svg+xml"}[fmt]
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def figure(figure_id: str, title: str, image: str, caption: Markup | str, notes: Sequence[str],
           run_ids: Sequence[int], runs_label: str, note_label: str = "note: ") -> Markup:
    """An embedded image with its caption, its notes (each after ``note_label``) and links
    to the runs behind it."""
    parts = [void("img", src=image, alt=title),
             tag("figcaption", [tag("strong", title), Markup(" "), esc(caption)])]
    for note in notes:
        parts.append(tag("p", note_label + note, class_="note"))
    if run_ids:
        parts.append(tag("p", [esc(runs_label + ": "), run_links(run_ids)], class_="runs"))
    return tag("figure", parts, id=figure_id)


def pre(text: str) -> Markup:
    return tag("pre", text)


STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK JP","Hiragino Sans",
 "Yu Gothic",Meiryo,"dlbench-ja",sans-serif;max-width:1200px;margin:0 auto;
 padding:0 1rem 4rem;color:#222;line-height:1.5}
h1{border-bottom:2px solid #444}h2{margin-top:2.5rem;border-bottom:1px solid #bbb}
figure{margin:1.5rem 0;padding:.5rem;border:1px solid #ddd;border-radius:4px}
figure img{max-width:100%;height:auto;display:block;margin:0 auto}
figcaption{font-size:.9rem;color:#333;margin-top:.4rem}
.note,.warning{background:#fff4e0;border-left:4px solid #e08a00;padding:.3rem .6rem;
 font-size:.9rem}
.warning{background:#ffecec;border-left-color:#c00}
.runs{font-size:.85rem;color:#555}
.scroll{overflow-x:auto}
table{border-collapse:collapse;margin:1rem 0;font-size:.85rem}
caption{text-align:left;font-weight:bold;padding:.3rem 0}
th,td{border:1px solid #ccc;padding:.2rem .5rem;vertical-align:top}
th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
pre{background:#f7f7f7;padding:.5rem;overflow-x:auto;font-size:.8rem;
 font-family:ui-monospace,Menlo,Consolas,"DejaVu Sans Mono",monospace,"dlbench-ja"}
.run{border-top:1px solid #eee;padding:.3rem 0}
:target{outline:3px solid #ffb000}
"""


def page(title: str, lang: str, body: Sequence[Markup], font_css: str = "") -> str:
    """The whole document: doctype, head (charset, title, inline CSS) and body.
    ``font_css`` is an ``@font-face`` rule of the family ``dlbench-ja`` that
    :data:`STYLE` falls back to (see :mod:`dlbench.report.webfont`)."""
    head = [void("meta", charset="utf-8"),
            void("meta", name="viewport", content="width=device-width, initial-scale=1"),
            tag("title", title), Markup(f"<style>{font_css}{STYLE}</style>")]
    return ("<!DOCTYPE html>\n" + tag("html", [tag("head", head), tag("body", list(body))],
                                      lang=lang) + "\n")
