"""Seeds and draws for ``generated`` questions.

The seed is a stable digest (SHA-256, never Python's salted ``hash()``) of the question
id, the learner and the review count: the same learner sees the same numbers until the
card is reviewed, then new ones; two learners see different ones. It is stored in the
review log so any past question can be rebuilt.
"""

from __future__ import annotations

import hashlib
import importlib
from dataclasses import dataclass

import numpy as np

from ..errors import DlbenchError
from .model import Question
from .textnorm import render


@dataclass(frozen=True)
class Drawn:
    """One instance of a generated question."""

    seed: int
    params: dict
    answer: float | int


def seed_for(question_id: str, learner: str, review_count: int) -> int:
    """A 63-bit seed (fits SQLite's signed integers) from SHA-256 of the three values."""
    digest = hashlib.sha256(f"{question_id}\x1f{learner}\x1f{review_count}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def load_generator(spec: str):
    """The function named by ``"module:function"``."""
    module, _, name = spec.partition(":")
    try:
        fn = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise DlbenchError(f"generator {spec!r} cannot be loaded: {exc}") from exc
    if not callable(fn):
        raise DlbenchError(f"generator {spec!r} is not a function")
    return fn


def draw(question: Question, seed: int) -> Drawn:
    """Run the question's generator with a Generator seeded by ``seed``."""
    out = load_generator(question.generator)(np.random.default_rng(seed))
    if not isinstance(out, dict) or "params" not in out or "answer" not in out:
        raise DlbenchError(f"generator {question.generator} must return "
                           "{'params': dict, 'answer': number}")
    return Drawn(seed, dict(out["params"]), out["answer"])


def render_text(text: str, drawn: Drawn | None) -> str:
    """Fill placeholders (``{{ answer }}`` included) when the question is generated."""
    if drawn is None:
        return text
    answer = drawn.answer
    shown = f"{answer:.6g}" if isinstance(answer, float) and not answer.is_integer() else answer
    return render(text, {**drawn.params, "answer": shown})
