"""Plugin choices as users type them: ``adam``, ``normal(std=0.01)``, ``"sgd,adam(lr=1e-2)"``.

A choice is a registered name plus optional keyword arguments in parentheses, with
Python literal values. Lists of choices are comma-separated; commas inside parentheses
belong to the choice. Text is parsed exactly once, when a run is planned
(:func:`dlbench.bench.spec.plan`): from then on a :class:`Choice` carries the kind, the
plugin that registered the name, its version and a digest of its code, and tasks receive
those resolved choices. Parsing is bounded (length, nesting) and raises nothing but
:class:`~dlbench.errors.UsageError`.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from ..errors import UsageError

_CHOICE = re.compile(r"^\s*([a-z0-9]+(?:-[a-z0-9]+)*)\s*(?:\((.*)\))?\s*$", re.S)
#: longest choice or setting text accepted (a choice is a name and a few keywords)
MAX_TEXT = 2000
#: deepest nesting of brackets and unary operators in a literal
MAX_DEPTH = 20


@dataclass(frozen=True)
class Choice:
    """A plugin name and the keyword arguments to create it with.

    Resolved choices (from planning) also know their ``kind``, the ``plugin`` that
    registered the name, its ``version`` and ``code_digest`` (which enter the config
    hash, so an edited plugin's runs are not reused).
    """

    name: str
    kwargs: dict = field(default_factory=dict)
    kind: str = ""
    plugin: str | None = None
    version: str | None = None
    code_digest: str | None = None

    def __str__(self) -> str:
        if not self.kwargs:
            return self.name
        args = ", ".join(f"{k}={v!r}" for k, v in sorted(self.kwargs.items()))
        return f"{self.name}({args})"

    def __hash__(self) -> int:
        return hash((self.kind, str(self)))

    def __eq__(self, other) -> bool:
        return isinstance(other, Choice) and (self.kind, str(self)) == (other.kind, str(other))


def _depth(node: ast.AST) -> int:
    """Nesting depth of a literal's syntax tree, without recursion."""
    deepest, stack = 0, [(node, 1)]
    while stack:
        current, d = stack.pop()
        deepest = max(deepest, d)
        if d > MAX_DEPTH:
            return d
        stack.extend((child, d + 1) for child in ast.iter_child_nodes(current))
    return deepest


def literal(text: str, what: str):
    """A Python literal from user text, bounded: too long, too deep or not a literal is a
    :class:`UsageError` naming ``what``; never a RecursionError or MemoryError."""
    if len(text) > MAX_TEXT:
        raise UsageError(f"{what}: {len(text)} characters is too long (at most {MAX_TEXT})")
    try:
        tree = ast.parse(text.strip(), mode="eval")
        if _depth(tree) > MAX_DEPTH:
            raise UsageError(f"{what}: nested more than {MAX_DEPTH} levels deep")
        return ast.literal_eval(tree)
    except UsageError:
        raise
    except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError) as exc:
        raise UsageError(f"{what}: cannot read {text[:60]!r} as a value "
                         f"({type(exc).__name__})") from None


def parse_choice(text) -> Choice:
    """``"normal(std=0.01)"`` -> ``Choice("normal", {"std": 0.01})``; a Choice passes through."""
    if isinstance(text, Choice):
        return text
    if isinstance(text, dict):
        return Choice(text["name"], dict(text.get("kwargs", {})))
    text = str(text)
    if len(text) > MAX_TEXT:
        raise UsageError(f"plugin choice of {len(text)} characters is too long (at most {MAX_TEXT})")
    match = _CHOICE.match(text)
    if not match:
        raise UsageError(f"cannot read plugin choice {text[:60]!r}: expected NAME or "
                         "NAME(key=value, ...)")
    name, args = match.groups()
    kwargs: dict = {}
    if args and args.strip():
        try:
            call = ast.parse(f"f({args})", mode="eval").body
        except (SyntaxError, ValueError, MemoryError, RecursionError) as exc:
            raise UsageError(f"cannot read the arguments of {text[:60]!r}: use key=value with "
                             f"literal values ({type(exc).__name__})") from None
        if not isinstance(call, ast.Call) or call.args or any(k.arg is None for k in call.keywords):
            raise UsageError(f"cannot read the arguments of {text[:60]!r}: use key=value")
        for kw in call.keywords:
            if kw.arg in kwargs:
                raise UsageError(f"{name}: argument {kw.arg!r} is given twice in {text[:60]!r}")
            if _depth(kw.value) > MAX_DEPTH:
                raise UsageError(f"{name}({kw.arg}=...): nested more than {MAX_DEPTH} levels deep")
            try:
                kwargs[kw.arg] = ast.literal_eval(kw.value)
            except (ValueError, TypeError, SyntaxError) as exc:
                raise UsageError(f"{name}({kw.arg}=...): use a literal value such as 0.1, 'x', "
                                 f"[1, 2] ({exc})") from None
    return Choice(name, kwargs)


def split_choices(text: str) -> list[str]:
    """Split ``"a,b(x=1, y=2),c"`` at top-level commas."""
    if len(text) > MAX_TEXT * 20:
        raise UsageError(f"a list of {len(text)} characters is too long")
    parts, depth, current = [], 0, []
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
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
