"""Unicode handling shared by grading, rendering and lint.

Learners type on Japanese keyboards: full-width digits (``１/４``), full-width Latin
(``ＲｅＬＵ``), the ideographic space. NFKC folds those to their ordinary forms; nothing
here ever folds to ASCII (``é`` stays ``é``, ``伝播`` stays ``伝播``).
"""

from __future__ import annotations

import re
import unicodedata

#: The normalisation operations a short_text question may list, in the order applied.
NORMALIZE_OPS = ("nfkc", "casefold", "strip_spaces", "strip_punct")

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
# Invisible characters that slip in from copy-paste and make two equal-looking texts differ.
_INVISIBLE = {"\u200b", "\u200c", "\u2060", "\ufeff"}


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def normalize(text: str, ops=NORMALIZE_OPS) -> str:
    """Apply the listed operations (see :data:`NORMALIZE_OPS`) in their canonical order."""
    ops = set(ops)
    if "nfkc" in ops:
        text = nfkc(text)
    if "casefold" in ops:
        text = text.casefold()
    if "strip_punct" in ops:
        text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("P"))
    if "strip_spaces" in ops:
        text = "".join(text.split())
    return text.strip()


def bad_characters(text: str) -> list[str]:
    """Control characters (except newline) and invisible characters, as ``U+XXXX`` names."""
    found = []
    for ch in text:
        if ch == "\n":
            continue
        if unicodedata.category(ch) == "Cc" or ch in _INVISIBLE:
            found.append(f"U+{ord(ch):04X}")
    return sorted(set(found))


def placeholders(text: str) -> list[str]:
    """Names of the ``{{ name }}`` placeholders in ``text``, in order of appearance."""
    return PLACEHOLDER.findall(text)


def has_braces(text: str) -> bool:
    return "{{" in text or "}}" in text


def format_value(value) -> str:
    """How a generated parameter is shown: integers plainly, floats in shortest form."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    if hasattr(value, "item"):  # numpy scalar
        return format_value(value.item())
    return str(value)


def render(text: str, params: dict) -> str:
    """Fill ``{{ name }}`` placeholders from ``params``; unknown names are left as they are
    (lint reports them)."""
    def fill(match):
        name = match.group(1)
        return format_value(params[name]) if name in params else match.group(0)
    return PLACEHOLDER.sub(fill, text)
