"""Plugin choices as users type them: ``adam``, ``normal(std=0.01)``, ``"sgd,adam(lr=1e-2)"``.

A choice is a registered name plus optional keyword arguments in parentheses, with
Python literal values. Lists of choices are comma-separated; commas inside parentheses
belong to the choice.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from ..errors import UsageError

_CHOICE = re.compile(r"^\s*([a-z0-9]+(?:-[a-z0-9]+)*)\s*(?:\((.*)\))?\s*$", re.S)


@dataclass(frozen=True)
class Choice:
    """A plugin name and the keyword arguments to create it with."""

    name: str
    kwargs: dict = field(default_factory=dict)

    def __str__(self) -> str:
        if not self.kwargs:
            return self.name
        args = ", ".join(f"{k}={v!r}" for k, v in sorted(self.kwargs.items()))
        return f"{self.name}({args})"

    def __hash__(self) -> int:
        return hash(str(self))


def parse_choice(text) -> Choice:
    """``"normal(std=0.01)"`` -> ``Choice("normal", {"std": 0.01})``; a Choice passes through."""
    if isinstance(text, Choice):
        return text
    if isinstance(text, dict):
        return Choice(text["name"], dict(text.get("kwargs", {})))
    match = _CHOICE.match(str(text))
    if not match:
        raise UsageError(f"cannot read plugin choice {text!r}: expected NAME or NAME(key=value, ...)")
    name, args = match.groups()
    kwargs = {}
    if args and args.strip():
        try:
            call = ast.parse(f"f({args})", mode="eval").body
            if call.args:
                raise ValueError("positional arguments")
            kwargs = {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords}
        except (SyntaxError, ValueError) as exc:
            raise UsageError(f"cannot read the arguments of {text!r}: use key=value with "
                             f"literal values ({exc})") from None
    return Choice(name, kwargs)


def split_choices(text: str) -> list[str]:
    """Split ``"a,b(x=1, y=2),c"`` at top-level commas."""
    parts, depth, current = [], 0, ""
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def parse_choice_list(values) -> list[Choice]:
    """CLI values (each possibly comma-separated) -> list of Choices, duplicates removed."""
    out: list[Choice] = []
    for value in values:
        for part in split_choices(value) if isinstance(value, str) else [value]:
            choice = parse_choice(part)
            if choice not in out:
                out.append(choice)
    return out
