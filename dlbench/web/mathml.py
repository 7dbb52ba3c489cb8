"""Quiz texts as safe HTML for the browser: ``$…$`` / ``$$…$$`` math as MathML.

The bank writes formulas in LaTeX so a web page can typeset them. Browsers render MathML
natively (Chromium since 109, Firefox, Safari), so the server converts each formula with
``latex2mathml`` and the page needs no JavaScript math library and loads nothing from a
CDN (the content security policy is ``default-src 'self'``).

Safety: ``latex2mathml`` copies ``\\text{…}`` verbatim into its output, so ``\\text{<b>}``
would inject markup. Every converted formula is therefore parsed as XML, checked against
an allow-list of MathML elements and attributes, and serialised again (which escapes all
text). A formula that does not convert, or converts to something outside the allow-list
or with a LaTeX command left in it (``latex2mathml`` keeps unknown commands as
``<mi>\\cmd</mi>`` instead of failing), falls back to the Unicode text of
:mod:`dlbench.quiz.mathtext`, HTML-escaped, in a ``<span class="math-fallback">``.

Text outside the math is HTML-escaped; the only markup recognised there is the bank's
inline Markdown: ```code``` and ``**bold**``. Newlines are kept as they are (the page
shows the text with ``white-space: pre-line``).
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

from latex2mathml.converter import convert

from ..quiz.mathtext import render_math

__all__ = ["formula_to_mathml", "to_html"]

_MATHML_NS = "http://www.w3.org/1998/Math/MathML"
#: Presentation MathML that latex2mathml produces for the bank's formulas.
ALLOWED_TAGS = {"math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msub", "msup",
                "msubsup", "mfrac", "msqrt", "mroot", "mover", "munder", "munderover",
                "mtable", "mtr", "mtd", "mstyle", "mpadded", "mphantom", "menclose",
                "mfenced", "merror", "semantics", "annotation", "mmultiscripts", "mprescripts",
                "none", "mlabeledtr"}
ALLOWED_ATTRS = {"display", "mathvariant", "stretchy", "fence", "separator", "accent",
                 "accentunder", "lspace", "rspace", "width", "height", "depth", "linethickness",
                 "columnalign", "rowalign", "columnspacing", "rowspacing", "columnlines",
                 "rowlines", "frame", "framespacing", "notation", "open", "close",
                 "separators", "scriptlevel", "displaystyle", "movablelimits", "largeop",
                 "symmetric", "minsize", "maxsize", "form", "encoding", "voffset",
                 "columnspan", "rowspan", "xmlns"}

_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE = re.compile(r"\$([^$]+?)\$")
_CODE = re.compile(r"`([^`\n]+)`")
_BOLD = re.compile(r"\*\*([^*\n]+)\*\*")
_LEFTOVER_COMMAND = re.compile(r"\\[A-Za-z]")

ET.register_namespace("", _MATHML_NS)


class _Unsafe(ValueError):
    """The converted formula holds something the page must not show as markup."""


def _check(element: ET.Element) -> None:
    for node in element.iter():
        tag = node.tag.split("}", 1)[-1] if isinstance(node.tag, str) else ""
        if tag not in ALLOWED_TAGS:
            raise _Unsafe(tag)
        for name in node.attrib:
            if name.split("}", 1)[-1] not in ALLOWED_ATTRS:
                raise _Unsafe(name)
        if node.text and _LEFTOVER_COMMAND.search(node.text):
            raise _Unsafe(node.text)  # an unknown command kept as text


def formula_to_mathml(tex: str, *, display: bool = False) -> str | None:
    """One formula (without the dollars) as a ``<math>`` element, or ``None`` when it
    cannot be converted safely (the caller then shows the Unicode fallback)."""
    try:
        raw = convert(tex, display="block" if display else "inline")
        root = ET.fromstring(raw)
        _check(root)
    except Exception:  # noqa: BLE001 - latex2mathml raises many types; all mean "fall back"
        return None
    return ET.tostring(root, encoding="unicode", short_empty_elements=False)


def _fallback(tex: str, display: bool) -> str:
    """The terminal's Unicode rendering, escaped (never raises: non-strict mathtext)."""
    try:
        text = render_math(f"$${tex}$$" if display else f"${tex}$") or tex
    except Exception:  # noqa: BLE001 - a last resort must not fail the page
        text = tex
    return f'<span class="math-fallback">{html.escape(text)}</span>'


def _formula(tex: str, display: bool) -> str:
    mathml = formula_to_mathml(tex, display=display)
    return mathml if mathml is not None else _fallback(tex, display)


def _prose(text: str) -> str:
    """Text outside the math: escaped, then the bank's inline code and bold."""
    out = html.escape(text, quote=False)
    out = _CODE.sub(lambda m: f"<code>{m.group(1)}</code>", out)
    return _BOLD.sub(lambda m: f"<strong>{m.group(1)}</strong>", out)


def _inline_parts(text: str) -> str:
    out, pos = [], 0
    for m in _INLINE.finditer(text):
        out.append(_prose(text[pos:m.start()]))
        out.append(_formula(m.group(1), False))
        pos = m.end()
    out.append(_prose(text[pos:]))
    return "".join(out)


def to_html(text: str | None) -> str:
    """A bank text as HTML: math as MathML (or escaped Unicode), everything else escaped.

    The result is safe to insert into a page unescaped (Jinja ``|safe`` / ``Markup``)."""
    if not text:
        return ""
    out, pos = [], 0
    for m in _DISPLAY.finditer(text):
        out.append(_inline_parts(text[pos:m.start()]))
        out.append(_formula(m.group(1), True))
        pos = m.end()
    out.append(_inline_parts(text[pos:]))
    return "".join(out)
