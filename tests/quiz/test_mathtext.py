"""``$…$`` math renders as readable Unicode in the terminal, for every text of the shipped bank."""

from __future__ import annotations

import re

import pytest

from dlbench.quiz.mathtext import MathError, render_math, tex_to_unicode


@pytest.mark.parametrize("tex, text", [
    (r"\beta\sum_j \mathrm{KL}(\rho\|\hat{\rho}_j)", "β∑ⱼ KL(ρ‖ρ̂ⱼ)"),
    (r"x^2 + y^{10}", "x² + y¹⁰"),
    (r"10^{-8}", "10⁻⁸"),
    (r"n_{in} + n_{out}", "nᵢₙ + nₒᵤₜ"),
    (r"\sqrt{2/n}", "√(2/n)"),
    (r"\sqrt{n}", "√n"),
    (r"\frac{1}{2}(y - t)^2", "1/2 (y - t)²"),
    (r"\dfrac{f(x + h) - f(x - h)}{2h}", "(f(x + h) - f(x - h))/(2h)"),
    (r"\dfrac{\partial z}{\partial u}\dfrac{du}{dx}", "∂z/∂u du/dx"),
    (r"\nabla L \cdot x \times 2 \odot g", "∇L · x × 2 ⊙ g"),
    (r"\bar{x} \approx \hat{y}", "x̄ ≈ ŷ"),
    (r"\theta \leftarrow \theta - \eta\dfrac{\hat{m} }{\sqrt{\hat{v} } + \varepsilon}",
     "θ ← θ - η m̂/(√v̂ + ε)"),
    (r"-\sum_k t_k \log y_k", "-∑ₖ tₖ log yₖ"),
    (r"w^{(t+1)} = w^{(t)} - \epsilon \nabla E", "w⁽ᵗ⁺¹⁾ = w⁽ᵗ⁾ - ε∇E"),
    (r"\mu_B", "μ_B"),                       # no subscript B in Unicode: a readable fallback
    (r"e^{-(z_1 - z_2)}", "e^(-(z₁-z₂))"),
    (r"\lfloor (H + 2P - K)/S \rfloor + 1", "⌊(H + 2P - K)/S⌋ + 1"),
    (r"\mathrm{final\_lr}", "final_lr"),
    (r"b = (0.1, -0.2)^\top", "b = (0.1, -0.2)ᵀ"),
    (r"\tanh^\prime(x) = 1 - \tanh^2(x)", "tanh′(x) = 1 - tanh²(x)"),
    (r"v \leftarrow \boxed{?}", "v ← [?]"),
    (r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}", "[[1, 2], [3, 4]]"),
])
def test_formulas(tex, text):
    assert tex_to_unicode(tex, strict=True) == text


def test_only_the_math_changes():
    text = "価格は 5 ドル。$\\eta = 0.1$ のとき、$x^2$ を最小化する。"
    assert render_math(text) == "価格は 5 ドル。η = 0.1 のとき、x² を最小化する。"
    assert render_math("no math here") == "no math here"
    assert render_math(None) is None


def test_display_matrix_keeps_its_rows():
    text = "Input:\n\n$$X = \\begin{pmatrix} 1 & 30 \\\\ 4 & 2 \\end{pmatrix}$$"
    assert render_math(text) == "Input:\n\nX = ⎡ 1 30 ⎤\n    ⎣ 4  2 ⎦"


def test_unknown_commands_fail_in_strict_mode_and_degrade_otherwise():
    with pytest.raises(MathError, match=r"\\frobnicate"):
        tex_to_unicode(r"\frobnicate{x}", strict=True)
    assert "\\" not in render_math(r"$\frobnicate x$")


def _texts(bank, question):
    """Every text the terminal shows for a question: prompt, choices, hints, explanation
    (as presented, generated numbers filled in) and every feedback."""
    from dlbench.quiz.session import Session

    for lang in ("ja", "en"):
        shown = Session(bank, None, "ann", lang).present(question)
        yield shown.prompt
        yield shown.explanation
        yield from shown.hints
        yield from (text for _, text in shown.choices())
        answer = question.numeric or question.text_answer
        feedback = [c.feedback for c in question.choices if c.feedback] + \
                   [n.feedback for n in (answer.near_misses if answer else ()) if n.feedback]
        yield from (render_math(getattr(f, lang), strict=True) for f in feedback)


def test_every_formula_of_the_shipped_bank_renders():
    """A new LaTeX command in the bank fails here (strict), not in a learner's terminal."""
    from dlbench.quiz import load_bank

    from .conftest import SHIPPED

    bank = load_bank([("course", SHIPPED)])
    with_math = [q for q in bank.questions.values()
                 if "$" in str([q.prompt, q.explanation, q.choices, q.hints])]
    assert len(with_math) > 100  # the survey covers the formulas, not an empty bank
    for question in bank.questions.values():
        for text in _texts(bank, question):
            assert "$" not in text, (question.id, text)
            assert not re.search(r"\\[A-Za-z]", text), (question.id, text)
            assert not re.search(r"[\x00-\x08]", text), (question.id, text)
