"""``$…$`` math in question texts, rendered as readable Unicode for the terminal.

The bank writes formulas in LaTeX (``$\\beta\\sum_j \\mathrm{KL}(\\rho\\|\\hat{\\rho}_j)$``)
so that a web front end can typeset them; a terminal shows raw backslashes. This module
turns the small subset of LaTeX the bank uses into plain Unicode: β∑ⱼ KL(ρ‖ρ̂ⱼ), x², √(…),
≈, subscripts and superscripts where Unicode has the characters (``_(…)``/``^(…)``
otherwise), ``\\frac{a}{b}`` as a/b, ``\\hat``/``\\bar`` as combining marks, matrices as
``[[1, 2], [3, 4]]`` inline and as aligned rows in display math (``$$…$$``).

No dependency is added: the bank uses a small LaTeX subset, and a renderer of a few
hundred lines, tested on every formula of the bank, is simpler to keep right for a
terminal than adapting a general LaTeX-to-text converter.
``strict=True`` raises on a command it does not know; the bank test renders every text
of the shipped bank strictly, so a new command shows up there, not in a learner's terminal.
Text outside ``$…$`` is never changed.
"""

from __future__ import annotations

import re
import unicodedata

GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ",
    "tau": "τ", "upsilon": "υ", "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ",
    "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ",
    "Pi": "Π", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}
#: Symbols written as they are (no spaces added).
ORDINARY = {
    **GREEK, "partial": "∂", "nabla": "∇", "sum": "∑", "prod": "∏", "int": "∫",
    "infty": "∞", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "|": "‖",
    "top": "ᵀ", "prime": "′", "pm": "±", "mp": "∓",
    "{": "{", "}": "}", "_": "_", "%": "%", "&": "&", "#": "#", "$": "$", "langle": "⟨",
    "rangle": "⟩", "emptyset": "∅", "forall": "∀", "exists": "∃", "neg": "¬", "ell": "ℓ",
}
#: Binary operators and relations: spaced on both sides.
SPACED = {
    "cdot": "·", "times": "×", "odot": "⊙", "otimes": "⊗", "oplus": "⊕", "div": "÷",
    "approx": "≈", "simeq": "≃", "sim": "∼", "equiv": "≡", "propto": "∝", "le": "≤",
    "leq": "≤", "ge": "≥", "geq": "≥", "ll": "≪", "gg": "≫", "ne": "≠", "neq": "≠",
    "leftarrow": "←", "gets": "←", "rightarrow": "→", "to": "→", "Rightarrow": "⇒",
    "Leftarrow": "⇐", "iff": "⇔", "Leftrightarrow": "⇔", "mapsto": "↦", "mid": "|",
    "cdots": "⋯", "ldots": "…", "dots": "…", "in": "∈", "notin": "∉", "subset": "⊂", "circ": "∘", "ast": "∗",
}
#: Function names: upright, followed by a space before a letter (log y, not logy).
FUNCTIONS = {"log", "ln", "exp", "max", "min", "tanh", "sinh", "cosh", "sin", "cos", "tan",
             "arg", "lim", "det", "dim", "sup", "inf", "argmax", "argmin"}
SPACES = {",": " ", ";": " ", ":": " ", " ": " ", "!": "", "quad": "  ", "qquad": "   "}
#: Size and spacing commands that only change how a delimiter looks.
IGNORED = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr",
           "displaystyle", "textstyle", "limits", "nolimits"}
FONTS = {"mathrm", "text", "textrm", "mathit", "mathbf", "boldsymbol", "mathsf", "mathtt",
         "operatorname", "textbf", "textit", "mathcal", "mathbb"}
ACCENTS = {"hat": "\u0302", "widehat": "\u0302", "bar": "\u0304", "overline": "\u0305",
           "tilde": "\u0303", "widetilde": "\u0303", "dot": "\u0307", "ddot": "\u0308",
           "vec": "\u20d7"}
FRACTIONS = {"frac", "dfrac", "tfrac"}

SUPERSCRIPT = dict(zip(
    "0123456789+-−=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVWβγδθφχ′ᵀ",
    "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂᵝᵞᵟᶿᵠᵡ′ᵀ"))
SUBSCRIPT = dict(zip("0123456789+-−=()aehijklmnoprstuvxβγρφχ",
                     "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ"))
#: Characters that make a fraction's part or a root's argument need parentheses.
OPERATORS = set("+-−/×·=<>≤≥≈≠,⊙←→|∣ ")

_TOKEN = re.compile(r"\\([A-Za-z]+)(\s*)(?=(.?))|\\(.)|(\s+)|(.)", re.S)
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE = re.compile(r"\$([^$]+?)\$")
_SOFT = "\x00"
_FRAC, _FRAC_END = "\x02", "\x03"  # around a fraction: a space if a term is juxtaposed
_SIMPLE = re.compile(r"^(?:[\d.]+|(?:√|∂|d(?=[A-Za-z]))?\w[\u0300-\u036f\u20d7]*)"
                     r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃ-ᶿⁱⁿʰʲʳʷʸˡˢˣ′ᵀ₀-₎ₐ-ₜᵢ-ᵪⱼ]*$")  # after a function name: a space if a letter follows


class MathError(ValueError):
    """A LaTeX construct the renderer does not know (raised in strict mode only)."""


def _tokens(tex: str) -> list[tuple[str, str]]:
    """``("cmd", name)`` for ``\\name`` and ``\\x``, ``("space", " ")``, ``("char", c)``."""
    out = []
    for word, after, following, symbol, space, char in _TOKEN.findall(tex):
        if word:
            out.append(("cmd", word))
            # TeX drops the space after a control word; keep it where the author spaced an
            # operator (``\theta - \eta``), drop it before a letter (``\partial z`` → ∂z)
            if after and following and not (following.isalnum() or following == "\\"):
                out.append(("space", " "))
        elif symbol:
            out.append(("cmd", symbol))
        elif space:
            out.append(("space", " "))
        else:
            out.append(("char", char))
    return out


class _Renderer:
    def __init__(self, tex: str, strict: bool, display: bool):
        self.toks, self.i, self.strict, self.display = _tokens(tex), 0, strict, display
        self.blocks: list[list[str]] = []  # display matrices, referenced by \x01n\x01

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self):
        tok = self.peek()
        self.i += 1
        return tok

    def skip_spaces(self):
        while (tok := self.peek()) is not None and tok[0] == "space":
            self.i += 1

    def group(self, stop: set[str] | None = None) -> str:
        """Render until the closing ``}`` (consumed) or a token in ``stop`` or the end."""
        out = []
        while (tok := self.peek()) is not None:
            kind, value = tok
            if kind == "char" and value == "}":
                self.i += 1
                break
            if stop and ((kind == "cmd" and value in stop) or (kind == "char" and value in stop)):
                break
            out.append(self.atom())
        return "".join(out)

    def argument(self) -> str:
        """One argument: a ``{…}`` group, a command, or a single character."""
        self.skip_spaces()
        tok = self.take()
        if tok is None:
            return ""
        kind, value = tok
        if kind == "char" and value == "{":
            return self.group()
        self.i -= 1
        return self.atom()

    def atom(self) -> str:
        kind, value = self.take()
        if kind == "space":
            return " "
        if kind == "char":
            if value == "{":
                return self.group()
            if value in "^_":
                return self.script(value)
            if value == "~":
                return " "
            return value
        return self.command(value)

    def script(self, mark: str) -> str:
        arg = self.argument().strip()
        table = SUPERSCRIPT if mark == "^" else SUBSCRIPT
        if mark == "^" and arg in ("′", "′′"):
            return arg
        if arg and all(c in table for c in arg):
            return "".join(table[c] for c in arg)
        arg = re.sub(r"\s+", "", arg)
        return f"{mark}{arg}" if len(arg) == 1 else f"{mark}({arg})"

    def command(self, name: str) -> str:
        if name in ORDINARY:
            return ORDINARY[name]
        if name in SPACED:
            return f" {SPACED[name]} "
        if name in FUNCTIONS:
            return name + _SOFT
        if name in SPACES:
            return SPACES[name]
        if name in IGNORED:
            return ""
        if name == "\\":
            return "; "
        if name in FONTS:
            return self.argument()
        if name in ACCENTS:
            arg = self.argument().strip()
            return arg + ACCENTS[name] if len(arg) == 1 else f"{name}({arg})"
        if name in FRACTIONS:
            top, bottom = self.argument().strip(), self.argument().strip()
            return f"{_FRAC}{_wrap(top)}/{_wrap(bottom, denominator=True)}{_FRAC_END}"
        if name == "sqrt":
            self.skip_spaces()
            if self.peek() == ("char", "["):  # \sqrt[n]{x}
                self.i += 1
                index = self.group({"]"})
                self.i += 1
                return f"{index.strip()}√{_wrap(self.argument().strip())}"
            arg = self.argument().strip()
            return f"√{arg}" if _atomic(arg) else f"√({arg})"
        if name == "boxed":
            return f"[{self.argument().strip()}]"
        if name == "begin":
            return self.environment(self.argument())
        if self.strict:
            raise MathError(f"unknown LaTeX command \\{name}")
        return name

    def environment(self, env: str) -> str:
        if env not in ("pmatrix", "bmatrix", "matrix", "array", "vmatrix"):
            if self.strict:
                raise MathError(f"unknown LaTeX environment {env}")
        rows, row, cell = [], [], []
        while (tok := self.peek()) is not None:
            if tok == ("cmd", "end"):
                self.i += 1
                self.argument()
                break
            if tok == ("char", "&"):
                self.i += 1
                row.append("".join(cell).strip())
                cell = []
            elif tok == ("cmd", "\\"):
                self.i += 1
                row.append("".join(cell).strip())
                rows.append(row)
                row, cell = [], []
            else:
                cell.append(self.atom())
        if cell or row:
            row.append("".join(cell).strip())
            rows.append(row)
        if not self.display:
            return "[" + ", ".join("[" + ", ".join(r) + "]" for r in rows) + "]"
        self.blocks.append(_matrix_lines(rows))
        return f"\x01{len(self.blocks) - 1}\x01"

    def render(self) -> str:
        out = []
        while self.peek() is not None:
            out.append(self.atom())
        # NFC: precomposed letters (ŷ) where Unicode has them, combining marks (ρ̂) elsewhere
        return unicodedata.normalize("NFC", _tidy("".join(out)))


def _call(text: str) -> tuple[str, bool]:
    """``(head, True)`` when ``text`` is ``head(…)`` with one balanced group at the end."""
    head, paren, rest = text.partition("(")
    return head, bool(paren) and rest.endswith(")") and _balanced(rest[:-1])


def _atomic(text: str) -> bool:
    """One term: no operator outside a single trailing (…) group (``f(x)``, ``√(u + ε)``)."""
    if not text:
        return False
    head, call = _call(text)
    if any(c in OPERATORS for c in head):
        return False
    return "(" not in text or (call and head != "")


def _wrap(text: str, *, denominator: bool = False) -> str:
    """``text`` in parentheses unless it is one term. A denominator must be one number, one
    symbol or one call (``√(…)``, ``g(x)``), so that 1/(2h) is not read as h/2."""
    if denominator:
        head, call = _call(text)
        simple = _SIMPLE.match(text) or (call and (head == "√" or _SIMPLE.match(head)))
    else:
        simple = _atomic(text)
    if simple or (text.startswith("(") and text.endswith(")") and _balanced(text[1:-1])):
        return text
    return f"({text})"


def _balanced(text: str) -> bool:
    depth = 0
    for c in text:
        depth += (c == "(") - (c == ")")
        if depth < 0:
            return False
    return depth == 0


def _tidy(text: str) -> str:
    letter = r"[A-Za-z0-9\u0370-\u03ff√∑∂∇]"
    text = re.sub(_SOFT + f"(?={letter})", " ", text).replace(_SOFT, "")
    text = text.replace(_FRAC_END + _FRAC, " ")  # two fractions side by side
    text = re.sub(f"(?<=[A-Za-z0-9\u0370-\u03ff\u0300-\u036f)]){_FRAC}", " ", text)
    text = re.sub(_FRAC_END + r"(?=[A-Za-z0-9\u0370-\u03ff√∑∂∇(‖|\[])", " ", text)
    text = text.replace(_FRAC, "").replace(_FRAC_END, "")
    text = re.sub(r"(?<=\S) {2,}(?=\S)", " ", text)  # spaced operators next to spaces
    text = re.sub(r"([(\[⌊⌈]) +", r"\1", text)
    text = re.sub(r" +([)\]⌋⌉])", r"\1", text)
    return text.strip()


def _matrix_lines(rows: list[list[str]]) -> list[str]:
    """Rows of a matrix with aligned columns between tall brackets."""
    width = max(len(r) for r in rows)
    cols = [max((len(r[j]) if j < len(r) else 0) for r in rows) for j in range(width)]
    body = [" ".join((r[j] if j < len(r) else "").rjust(cols[j]) for j in range(width))
            for r in rows]
    if len(body) == 1:
        return [f"[{body[0]}]"]
    edges = [("⎡", "⎤")] + [("⎢", "⎥")] * (len(body) - 2) + [("⎣", "⎦")]
    return [f"{left} {line} {right}" for (left, right), line in zip(edges, body)]


def _compose(text: str, blocks: list[list[str]]) -> str:
    """Lay out a display formula whose matrices span several lines: text beside a matrix
    sits on its middle row."""
    parts = re.split(r"\x01(\d+)\x01", text)
    columns = [[p] if i % 2 == 0 else blocks[int(p)] for i, p in enumerate(parts)]
    height = max(len(c) for c in columns)
    lines = [""] * height
    for col in columns:
        width = max(len(s) for s in col)
        top = (height - len(col)) // 2
        middle = top + len(col) // 2 if len(col) > 1 else top
        for k in range(height):
            idx = k - top if len(col) > 1 else (0 if k == middle else None)
            cell = col[idx] if idx is not None and 0 <= idx < len(col) else ""
            lines[k] += cell.ljust(width)
    return "\n".join(line.rstrip() for line in lines)


def tex_to_unicode(tex: str, *, strict: bool = False, display: bool = False) -> str:
    """One formula (without the dollars) as Unicode text."""
    r = _Renderer(tex, strict, display)
    text = r.render()
    return _compose(text, r.blocks) if r.blocks else text


def render_math(text: str | None, *, strict: bool = False) -> str | None:
    """``text`` with each ``$$…$$`` (on lines of its own) and ``$…$`` rendered as Unicode."""
    if not text or "$" not in text:
        return text
    text = _DISPLAY.sub(lambda m: tex_to_unicode(m.group(1), strict=strict, display=True), text)
    return _INLINE.sub(lambda m: tex_to_unicode(m.group(1), strict=strict), text)
