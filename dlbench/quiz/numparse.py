"""Reading a number a learner typed, with bounds: the parser behind numeric grading.

Forms: ``0.25``, ``.25``, ``2.5e-1``, ``1/4``, ``1,024``, ``√10``, ``2√(0.5)``,
``0.1/√0.001``, full-width forms (after NFKC), several minus signs, an optional unit.
Only ASCII digits are read (``٣`` or ``፩`` are not numbers here). The result is an exact
:class:`~fractions.Fraction`; a square root is taken to 50 significant digits, exact for
perfect squares (``√16`` is the integer 4).

Bounded on purpose: ``Fraction("1e99999999")`` builds a 100-million-digit integer and spins
for minutes, so length and exponent are capped *before* any big-number arithmetic.
"""

from __future__ import annotations

import re
from decimal import Decimal, localcontext
from fractions import Fraction

from .textnorm import nfkc

#: Longer answers are not read at all: no answer in the bank comes near this, and every
#: step after it (NFKC, splitting, normalising) stays well inside the 50 ms budget.
MAX_ANSWER_CHARS = 1000
#: A typed number longer than this (after spaces, unit and separators are removed) is not
#: read: 100 characters hold any number a question asks for.
MAX_NUMBER_CHARS = 100
#: Decimal exponents beyond ±this are refused *before* any arithmetic: ``Fraction("1e99999999")``
#: builds a 100-million-digit integer and spins for minutes.
MAX_EXPONENT = 1000

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$", re.ASCII)
_DECIMAL = re.compile(r"([+-]?)([0-9]+\.?[0-9]*|\.[0-9]+)(?:e([+-]?[0-9]+))?", re.ASCII)
_RADICAND = re.compile(r"\((.+)\)|(.+)")
_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2010": "-", "\u2011": "-", "\u2012": "-",
                              "\u2013": "-", "\uff0d": "-", "\u02d7": "-"})
_SQRT_DIGITS = 50


def parse_number(text: str, *, accept_fraction: bool = True, unit: str | None = None) -> Fraction:
    """The rational a learner typed; :class:`ValueError` (``"fraction"``, ``"too long"``,
    ``"exponent"`` or ``"not a number"``) if it is not a number this grader reads.

    Forms: ``0.25``, ``.25``, ``2.5e-1``, ``1/4``, ``1,024``, ``√10``, ``2√(0.5)``,
    ``0.1/√0.001``; full-width forms after NFKC; the unit may follow. Bounded: a square root
    is taken to 50 significant digits (exact for perfect squares, so ``√16`` is the integer
    4), and the length and exponent caps above hold before any big-number arithmetic.
    """
    if len(text) > MAX_ANSWER_CHARS:
        raise ValueError("too long")
    t = nfkc(text).translate(_MINUS_SIGNS).strip().casefold()
    if unit:
        u = nfkc(unit).strip().casefold()
        if u and t.endswith(u):
            t = t[: len(t) - len(u)]
    t = t.strip()
    if _THOUSANDS.match(t):
        t = t.replace(",", "")
    t = "".join(t.split())
    if len(t) > MAX_NUMBER_CHARS:
        raise ValueError("too long")
    if "/" in t and not accept_fraction:
        raise ValueError("fraction")
    sign = -1 if t.startswith("-") else 1
    body = t[1:] if t[:1] in "+-" else t
    if body[:1] in "+-":
        raise ValueError("not a number")
    parts = _split_outside_brackets(body)
    if len(parts) > 2:
        raise ValueError("not a number")
    value = _term(parts[0])
    if len(parts) == 2:
        divisor = _term(parts[1])
        if divisor == 0:
            raise ValueError("not a number")
        value /= divisor
    return sign * value


def _split_outside_brackets(t: str) -> list[str]:
    """``t`` split at each ``/`` that is not inside ``(...)``: ``2√(1/4)/3`` → two parts."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(t):
        depth += (ch == "(") - (ch == ")")
        if ch == "/" and depth == 0:
            parts.append(t[start:i])
            start = i + 1
    return parts + [t[start:]]


def _term(t: str) -> Fraction:
    """``decimal``, ``√radicand`` or ``decimal√radicand`` (radicand optionally in brackets)."""
    if "√" not in t:
        return _decimal(t)
    coefficient, _, radicand = t.partition("√")
    factor = _decimal(coefficient) if coefficient else Fraction(1)
    match = _RADICAND.fullmatch(radicand)
    inner = match.group(1) or match.group(2) if match else ""
    parts = inner.split("/")
    if not inner or len(parts) > 2:
        raise ValueError("not a number")
    r = _decimal(parts[0]) / (_decimal(parts[1]) if len(parts) == 2 else 1)
    return factor * _sqrt(r)


def _decimal(t: str) -> Fraction:
    match = _DECIMAL.fullmatch(t)
    if not match:
        raise ValueError("not a number")
    sign, digits, exponent = match.groups()
    whole, _, frac = digits.partition(".")
    e = int(exponent or 0)  # at most MAX_NUMBER_CHARS digits: cheap
    if abs(e) > MAX_EXPONENT:
        raise ValueError("exponent")
    n = int(whole + frac) * (-1 if sign == "-" else 1)
    e -= len(frac)
    return Fraction(n * 10 ** e) if e >= 0 else Fraction(n, 10 ** -e)


def _sqrt(r: Fraction) -> Fraction:
    if r < 0:
        raise ValueError("not a number")
    with localcontext() as ctx:
        ctx.prec = _SQRT_DIGITS
        return Fraction((Decimal(r.numerator) / Decimal(r.denominator)).sqrt())


