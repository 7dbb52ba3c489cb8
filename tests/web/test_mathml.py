"""Quiz texts as HTML with MathML: every formula of the shipped bank converts, text stays
escaped, and a formula that cannot be converted (or would inject markup) falls back to the
terminal's Unicode text."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

pytest.importorskip("latex2mathml")

from dlbench.web.mathml import formula_to_mathml, to_html  # noqa: E402

SHIPPED = Path(__file__).resolve().parents[2] / "quizzes"
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE = re.compile(r"\$([^$]+?)\$")


def _shipped_formulas() -> set[tuple[bool, str]]:
    """Every formula of every text a learner can see, as presented (generated numbers in)."""
    from dlbench.quiz import load_bank
    from dlbench.quiz.session import Session

    bank = load_bank([("course", SHIPPED)])
    texts = []
    for q in bank.questions.values():
        for lang in ("ja", "en"):
            shown = Session(bank, None, "ann", lang).present(q)
            texts += [shown.source(q.prompt), shown.source(q.explanation)]
            texts += [shown.source(h) for h in q.hints]
            texts += [shown.source(c.text) for c in q.choices]
            texts += [c.feedback.get(lang) for c in q.choices if c.feedback]
            answer = q.numeric or q.text_answer
            texts += [n.feedback.get(lang) for n in (answer.near_misses if answer else ())]
    found = set()
    for text in texts:
        found |= {(True, m.group(1)) for m in _DISPLAY.finditer(text)}
        found |= {(False, m.group(1)) for m in _INLINE.finditer(_DISPLAY.sub("", text))}
    return found


def test_every_formula_of_the_shipped_bank_converts_to_mathml():
    formulas = _shipped_formulas()
    assert len(formulas) > 300  # the bank has hundreds of distinct formulas, not none
    failed = [(display, tex) for display, tex in formulas
              if formula_to_mathml(tex, display=display) is None]
    assert failed == []
    for display, tex in list(formulas)[:50]:
        root = ET.fromstring(formula_to_mathml(tex, display=display))
        assert root.tag == "{http://www.w3.org/1998/Math/MathML}math"
        assert root.get("display") == ("block" if display else "inline")


def test_text_outside_math_is_escaped_and_math_becomes_mathml():
    out = to_html("If <b>x</b> & $\\eta = 0.1$ then `f(x)` is **small**.")
    assert out.startswith("If &lt;b&gt;x&lt;/b&gt; &amp; <math")
    assert "<mi>η</mi>" in out and "<mn>0.1</mn>" in out
    assert out.endswith(" then <code>f(x)</code> is <strong>small</strong>.")
    assert "<b>" not in out


def test_display_math_is_a_block():
    out = to_html("Input:\n\n$$X = \\begin{pmatrix} 1 & 30 \\\\ 4 & 2 \\end{pmatrix}$$")
    assert out.startswith("Input:\n\n<math")
    assert 'display="block"' in out and "<mtable" in out


def test_markup_inside_text_command_is_not_injected():
    """latex2mathml copies \\text{...} verbatim; the result is re-serialised (escaped) or
    replaced by the Unicode fallback, never passed through."""
    for tex in (r"\text{<script>alert(1)</script>}", r"\text{<b>bold</b>}", r"\text{a&b}",
                r"x \text{<img src=x onerror=alert(1)>}"):
        out = to_html(f"${tex}$")
        assert "<script" not in out and "<b>" not in out and "<img" not in out, out


def test_unknown_command_falls_back_to_unicode_text():
    # latex2mathml keeps \frobnicate as <mi>\frobnicate</mi>: that is not a rendering
    assert formula_to_mathml(r"\frobnicate{x}") is None
    out = to_html(r"$\frobnicate x + \alpha$")
    assert out.startswith('<span class="math-fallback">') and "α" in out


def test_unconvertible_formula_falls_back_and_never_raises():
    assert formula_to_mathml("x^{") is None
    out = to_html("a $x^{$ b")
    assert '<span class="math-fallback">' in out and out.startswith("a ") and out.endswith(" b")
    assert to_html(None) == "" and to_html("") == ""
    assert to_html("price: 5 dollars") == "price: 5 dollars"
