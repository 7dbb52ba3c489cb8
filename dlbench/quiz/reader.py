"""Typed access to parsed TOML tables that records a problem per mistake, with the file
and the dotted field (``choices[2].text.en``): the basis of every bank validation."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from .model import LANGS, Problem, Text

class Reader:
    """Typed access to a parsed TOML table that records a :class:`Problem` per mistake."""

    def __init__(self, path: Path):
        self.path = str(path)
        self.problems: list[Problem] = []

    def error(self, where: str | None, message: str) -> None:
        self.problems.append(Problem(self.path, where, message))

    def warn(self, where: str | None, message: str) -> None:
        self.problems.append(Problem(self.path, where, message, "warning"))

    def field(self, table: dict, key: str, where: str, types, *, required=False, default=None):
        name = f"{where}.{key}" if where else key
        if key not in table:
            if required:
                self.error(name, "required field is missing")
            return default
        value = table[key]
        if isinstance(value, bool) and bool not in _as_tuple(types):
            self.error(name, f"expected {_type_names(types)}, got a boolean")
            return default
        if not isinstance(value, types):
            self.error(name, f"expected {_type_names(types)}, got {type(value).__name__} {value!r}")
            return default
        return value

    def unknown(self, table: dict, allowed: set[str], where: str) -> None:
        for key in sorted(set(table) - allowed):
            close = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.7)
            hint = f"; did you mean {close[0]!r}?" if close else \
                f"; allowed here: {', '.join(sorted(allowed))}"
            self.error(f"{where}.{key}" if where else key, f"unknown field{hint}")

    def text(self, table: dict, key: str, where: str, *, required=True,
             pending: str | None = None) -> Text | None:
        """A ``{ja, en}`` table; a language may be missing only if ``pending`` names it."""
        name = f"{where}.{key}" if where else key
        value = self.field(table, key, where, dict, required=required)
        if value is None:
            return None
        self.unknown(value, set(LANGS), name)
        out = {}
        for lang in LANGS:
            text = value.get(lang)
            if text is None:
                if pending == lang:
                    self.warn(f"{name}.{lang}", "translation pending (meta.translation)")
                else:
                    self.error(f"{name}.{lang}", "missing: every text needs both ja and en "
                               "(or meta.translation = \"pending-" + lang + "\")")
                continue
            if not isinstance(text, str):
                self.error(f"{name}.{lang}", f"expected a string, got {type(text).__name__}")
            elif not text.strip():
                self.error(f"{name}.{lang}", "is empty")
            else:
                out[lang] = text
        return Text(**out)

    def str_list(self, table: dict, key: str, where: str, *, required=False,
                 pattern: re.Pattern | None = None) -> tuple[str, ...]:
        name = f"{where}.{key}" if where else key
        value = self.field(table, key, where, list, required=required, default=[])
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self.error(f"{name}[{i}]", f"expected a string, got {type(item).__name__}")
            elif pattern is not None and not pattern.match(item):
                self.error(f"{name}[{i}]", f"{item!r} does not match {pattern.pattern}")
            else:
                out.append(item)
        if required and not out and value is not None and key in table:
            self.error(name, "must not be empty")
        return tuple(out)


def _as_tuple(types):
    return types if isinstance(types, tuple) else (types,)


def _type_names(types) -> str:
    names = {"str": "a string", "int": "an integer", "float": "a number", "bool": "true/false",
             "list": "an array", "dict": "a table"}
    return " or ".join(dict.fromkeys(names.get(t.__name__, t.__name__) for t in _as_tuple(types)))
