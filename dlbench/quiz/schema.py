"""Question files (TOML schema v1) -> :class:`~dlbench.quiz.model.Question`, with problems.

Every problem names the file and the dotted field at fault (``choices[2].text.en``), so an
author can fix it without guessing. A file with structural errors (missing or mistyped
fields) yields no question; the rest of the bank still loads. Cross-file checks (topics,
misconceptions, tasks, generators, exercises) are :mod:`dlbench.quiz.lint`'s job.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
import re
from fractions import Fraction
from pathlib import Path

from .model import (LANGS, QUESTION_TYPES, Choice, Exercise, NearMiss, NumericAnswer, Problem,
                    Question, Text, TextAnswer)
from .numparse import parse_number
from .reader import Reader as _Reader
from .textnorm import NORMALIZE_OPS

SCHEMA_VERSION = 1
ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
FRAMEWORKS = ("numpy", "pytorch", "tensorflow")
TRANSLATION_STATES = ("reviewed", "machine", "pending-ja", "pending-en")

COMMON_FIELDS = {"schema", "id", "type", "topics", "difficulty", "exam_scope", "framework",
                 "benchmarks", "group", "prompt", "explanation", "explanation_file", "hints",
                 "references", "misconception", "meta"}
TYPE_FIELDS = {
    "single_choice": {"shuffle", "choices"},
    "multiple_choice": {"shuffle", "choices"},
    "true_false": {"answer"},
    "numeric": {"answer"},
    "short_text": {"answer", "normalize"},
    "generated": {"answer", "generator"},
    "implementation": {"exercise", "gradcheck", "tasks"},
}
_NUMBER = (int, float)


def content_hash(data: dict, extra: bytes = b"") -> str:
    """SHA-256 of the question's canonical JSON (plus exercise files): stored with reviews so
    a changed question can be told apart from the one a learner answered."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()
    return hashlib.sha256(canonical + extra).hexdigest()


def parse_question(data: dict, path: Path, *, bank: str = "") -> tuple[Question | None, list[Problem]]:
    """Validate one parsed question file; the question (or None) and every problem found."""
    r = _Reader(path)
    schema = r.field(data, "schema", "", int, required=True)
    if schema is not None and schema != SCHEMA_VERSION:
        r.error("schema", f"unknown schema version {schema}; this dlbench reads {SCHEMA_VERSION}")
    qid = r.field(data, "id", "", str, required=True)
    expected_id = path.parent.name if path.name == "exercise.toml" else path.stem
    if qid is not None:
        if not ID_PATTERN.match(qid):
            r.error("id", f"{qid!r} must be lowercase words joined by '-' ({ID_PATTERN.pattern})")
        elif qid != expected_id:
            where = "folder name" if path.name == "exercise.toml" else "file name"
            r.error("id", f"{qid!r} differs from the {where} {expected_id!r}; ids are stable "
                          "and equal the " + where)
    qtype = r.field(data, "type", "", str, required=True)
    if qtype is not None and qtype not in QUESTION_TYPES:
        close = difflib.get_close_matches(qtype, QUESTION_TYPES, n=1)
        r.error("type", f"unknown type {qtype!r}" + (f"; did you mean {close[0]!r}?" if close
                                                      else f"; one of {', '.join(QUESTION_TYPES)}"))
        qtype = None
    r.unknown(data, COMMON_FIELDS | TYPE_FIELDS.get(qtype, set().union(*TYPE_FIELDS.values())), "")

    meta = r.field(data, "meta", "", dict, default={})
    translation = meta.get("translation")
    if translation is not None and translation not in TRANSLATION_STATES:
        r.error("meta.translation", f"{translation!r} is not one of {', '.join(TRANSLATION_STATES)}")
    pending = translation[len("pending-"):] if isinstance(translation, str) and \
        translation.startswith("pending-") else None

    topics = r.str_list(data, "topics", "", required=True)
    difficulty = r.field(data, "difficulty", "", int, required=True)
    if difficulty is not None and difficulty not in (1, 2, 3):
        r.error("difficulty", f"must be 1, 2 or 3, got {difficulty}")
    prompt = r.text(data, "prompt", "", pending=pending)
    explanation = _explanation(r, data, path, pending)
    hints = []
    for i, hint in enumerate(r.field(data, "hints", "", list, default=[])):
        if not isinstance(hint, dict):
            r.error(f"hints[{i}]", "expected a table {ja, en}")
            continue
        hints.append(r.text({f"hints[{i}]": hint}, f"hints[{i}]", "", pending=pending) or Text())
    benchmarks = r.str_list(data, "benchmarks", "", pattern=ID_PATTERN)
    exam_scope = data.get("exam_scope", True)
    if not isinstance(exam_scope, bool):
        exam_scope = r.str_list(data, "exam_scope", "")
    framework = r.field(data, "framework", "", str)
    if framework is not None and framework not in FRAMEWORKS:
        r.error("framework", f"{framework!r} is not one of {', '.join(FRAMEWORKS)}")
    group = r.field(data, "group", "", dict)
    if group is not None:
        r.field(group, "id", "group", str, required=True)
        r.field(group, "order", "group", int, required=True)
        r.unknown(group, {"id", "order", "context"}, "group")
    references = r.field(data, "references", "", list, default=[])
    for i, ref in enumerate(references):
        if not isinstance(ref, dict) or not isinstance(ref.get("title"), str):
            r.error(f"references[{i}]", "expected a table with a string 'title' (and 'url')")
        else:
            r.unknown(ref, {"title", "url"}, f"references[{i}]")
    misconception = r.field(data, "misconception", "", str)

    fields = dict(
        id=qid, type=qtype, topics=topics, difficulty=difficulty, prompt=prompt,
        explanation=explanation, path=path, bank=bank, hints=tuple(hints), benchmarks=benchmarks,
        exam_scope=exam_scope, framework=framework, group=group,
        references=tuple(references), misconception=misconception, meta=meta)
    extra = b""
    if qtype in ("single_choice", "multiple_choice"):
        fields["shuffle"] = r.field(data, "shuffle", "", bool, default=True)
        fields["choices"] = _choices(r, data, qtype, pending)
    elif qtype == "true_false":
        fields["truth"] = r.field(data, "answer", "", bool, required=True)
    elif qtype in ("numeric", "generated"):
        fields["numeric"] = _numeric(r, data, generated=qtype == "generated")
        if qtype == "generated":
            gen = r.field(data, "generator", "", str, required=True)
            if gen is not None and not re.match(r"^[\w.]+:\w+$", gen):
                r.error("generator", f"{gen!r} must be 'module:function', e.g. "
                        "'dlbench.quiz.generators:conv_output_size'")
            fields["generator"] = gen
    elif qtype == "short_text":
        fields["text_answer"] = _short_text(r, data)
    elif qtype == "implementation":
        fields["exercise"], extra = _exercise(r, data, path, pending)

    errors = [p for p in r.problems if p.level == "error"]
    if errors or qid is None or qtype is None:
        return None, r.problems
    return Question(content_hash=content_hash(data, extra), **fields), r.problems


def _explanation(r: _Reader, data: dict, path: Path, pending) -> Text | None:
    if "explanation_file" not in data:
        return r.text(data, "explanation", "", pending=pending)
    if "explanation" in data:
        r.error("explanation_file", "give either explanation or explanation_file, not both")
    ref = data["explanation_file"]
    files = {lang: ref for lang in LANGS} if isinstance(ref, str) else ref
    if not isinstance(files, dict):
        r.error("explanation_file", "expected a path or a table {ja, en} of paths")
        return None
    out = {}
    for lang in LANGS:
        name = files.get(lang)
        target = (path.parent / name) if isinstance(name, str) else None
        if target is None or not target.is_file():
            r.error(f"explanation_file.{lang}" if isinstance(ref, dict) else "explanation_file",
                    f"file not found: {name!r} (relative to {path.parent})")
            continue
        out[lang] = target.read_text(encoding="utf-8")
    return Text(**out)


def _choices(r: _Reader, data: dict, qtype: str, pending) -> tuple[Choice, ...]:
    raw = r.field(data, "choices", "", list, required=True, default=[])
    choices, seen = [], set()
    for i, item in enumerate(raw):
        where = f"choices[{i}]"
        if not isinstance(item, dict):
            r.error(where, "expected a table ([[choices]])")
            continue
        r.unknown(item, {"id", "correct", "text", "feedback", "misconception", "pin"}, where)
        cid = r.field(item, "id", where, str, required=True)
        if cid is not None:
            if cid in seen:
                r.error(f"{where}.id", f"duplicate choice id {cid!r}")
            seen.add(cid)
        correct = r.field(item, "correct", where, bool, required=True)
        text = r.text(item, "text", where, pending=pending)
        feedback = r.text(item, "feedback", where, required=False, pending=pending)
        misconception = r.field(item, "misconception", where, str)
        pin = r.field(item, "pin", where, bool, default=False)
        if cid is not None and correct is not None and text is not None:
            choices.append(Choice(cid, correct, text, feedback, misconception, pin))
    if len(raw) < 2:
        r.error("choices", f"a {qtype} question needs at least 2 choices, got {len(raw)}")
    n_correct = sum(c.correct for c in choices)
    if qtype == "single_choice" and len(choices) == len(raw) and n_correct != 1:
        r.error("choices", f"single_choice needs exactly one correct choice, got {n_correct}")
    if qtype == "multiple_choice" and len(choices) == len(raw) and n_correct < 1:
        r.error("choices", "multiple_choice needs at least one correct choice")
    for lang in LANGS:
        texts = [getattr(c.text, lang) for c in choices if getattr(c.text, lang)]
        dupes = sorted({t for t in texts if texts.count(t) > 1})
        if dupes:
            r.error("choices", f"two choices have the same {lang} text: {dupes[0]!r}")
    return tuple(choices)


def _near_misses(r: _Reader, answer: dict, *, numeric: bool) -> tuple[NearMiss, ...]:
    out = []
    for i, item in enumerate(r.field(answer, "near_miss", "answer", list, default=[])):
        where = f"answer.near_miss[{i}]"
        if not isinstance(item, dict):
            r.error(where, "expected a table ([[answer.near_miss]])")
            continue
        key = "value" if numeric else "text"
        r.unknown(item, {key, "feedback", "misconception"}, where)
        feedback = r.text(item, "feedback", where)
        misconception = r.field(item, "misconception", where, str)
        if numeric:
            value = r.field(item, "value", where, _NUMBER + (str,), required=True)
            exact = _exact(value)
            if value is not None and exact is None:
                r.error(f"{where}.value", f"{value!r} is not a finite number or fraction")
            if exact is not None and feedback is not None:
                out.append(NearMiss(feedback, value=exact, misconception=misconception))
        else:
            text = r.field(item, "text", where, str, required=True)
            if text is not None and feedback is not None:
                out.append(NearMiss(feedback, text=text, misconception=misconception))
    return tuple(out)


def _exact(value) -> Fraction | None:
    """A near miss's value as a rational: numbers, or strings read by the learners' own
    (bounded) parser, so ``"1e99999999"`` cannot hang loading; None if not finite/readable."""
    try:
        if isinstance(value, str):
            return parse_number(value)
        return Fraction(value) if value is not None else None
    except (ValueError, ZeroDivisionError, OverflowError):
        return None


def _numeric(r: _Reader, data: dict, *, generated: bool) -> NumericAnswer | None:
    answer = r.field(data, "answer", "", dict, required=True)
    if answer is None:
        return None
    allowed = {"kind", "abs_tol", "rel_tol", "accept_fraction", "unit", "near_miss"}
    r.unknown(answer, allowed if generated else allowed | {"value"}, "answer")
    value = None
    if not generated:
        value = r.field(answer, "value", "answer", _NUMBER, required=True)
        if value is not None and not math.isfinite(value):
            r.error("answer.value", f"must be finite, got {value}")
    kind = r.field(answer, "kind", "answer", str, default="float")
    if kind not in ("integer", "float"):
        r.error("answer.kind", f"must be 'integer' or 'float', got {kind!r}")
    tols = {}
    for key in ("abs_tol", "rel_tol"):
        tol = r.field(answer, key, "answer", _NUMBER, default=0.0)
        if tol is not None and not (tol >= 0 and math.isfinite(tol)):
            r.error(f"answer.{key}", f"must be a finite number >= 0, got {tol}")
        tols[key] = float(tol or 0.0)
    if kind == "integer":
        if any(tols.values()):
            r.error("answer", "kind = \"integer\" is graded exactly: remove abs_tol/rel_tol")
        if value is not None and math.isfinite(value) and float(value) != int(value):
            r.error("answer.value", f"kind = \"integer\" but value {value} is not an integer")
    if value is not None and not math.isfinite(value):
        value = None  # reported above; never converted (int(inf) raises OverflowError)
    return NumericAnswer(
        value=None if value is None else (int(value) if kind == "integer" else float(value)),
        kind=kind, abs_tol=tols["abs_tol"], rel_tol=tols["rel_tol"],
        accept_fraction=r.field(answer, "accept_fraction", "answer", bool, default=True),
        unit=r.field(answer, "unit", "answer", str),
        near_misses=_near_misses(r, answer, numeric=True))


def _short_text(r: _Reader, data: dict) -> TextAnswer | None:
    ops = r.str_list(data, "normalize", "") if "normalize" in data else \
        ("nfkc", "casefold", "strip_spaces")
    for op in ops:
        if op not in NORMALIZE_OPS:
            r.error("normalize", f"unknown operation {op!r}; allowed: {', '.join(NORMALIZE_OPS)}")
    if "nfkc" not in ops:
        r.error("normalize", "must include \"nfkc\" (full-width input must be accepted)")
    answer = r.field(data, "answer", "", dict, required=True)
    if answer is None:
        return None
    r.unknown(answer, {"accepted", "near_miss"}, "answer")
    accepted = r.field(answer, "accepted", "answer", dict, required=True, default={})
    r.unknown(accepted, set(LANGS), "answer.accepted")
    lists = {lang: r.str_list(accepted, lang, "answer.accepted", required=True) for lang in LANGS}
    return TextAnswer(lists["ja"], lists["en"], tuple(ops),
                      _near_misses(r, answer, numeric=False))


def _exercise(r: _Reader, data: dict, path: Path, pending) -> tuple[Exercise | None, bytes]:
    if path.name != "exercise.toml":
        r.error("type", "implementation questions live in quizzes/exercises/<id>/exercise.toml")
    spec = r.field(data, "exercise", "", dict, required=True)
    if spec is None:
        return None, b""
    r.unknown(spec, {"entry", "stub", "reference", "checks", "timeout_s"}, "exercise")
    entry = r.field(spec, "entry", "exercise", str, required=True)
    files, extra = {}, b""
    for key in ("stub", "reference", "checks"):
        name = r.field(spec, key, "exercise", str, required=True)
        if name is not None and not (path.parent / name).is_file():
            r.error(f"exercise.{key}", f"file not found: {name!r} in {path.parent}")
        elif name is not None:
            files[key] = name
            extra += (path.parent / name).read_bytes()
    timeout = r.field(spec, "timeout_s", "exercise", _NUMBER, default=10.0)
    if timeout is not None and not 0 < timeout <= 120:
        r.error("exercise.timeout_s", f"must be in (0, 120] seconds, got {timeout}")
    grad = r.field(data, "gradcheck", "", dict, default={})
    r.unknown(grad, {"dtype", "eps", "max_rel_err", "seeds"}, "gradcheck")
    if grad.get("dtype", "float64") != "float64":
        r.error("gradcheck.dtype", "gradient checks run in float64 only")
    tasks = []
    for i, task in enumerate(r.field(data, "tasks", "", list, default=[])):
        where = f"tasks[{i}]"
        if not isinstance(task, dict):
            r.error(where, "expected a table ([[tasks]])")
            continue
        r.unknown(task, {"id", "title"}, where)
        tid = r.field(task, "id", where, int, required=True)
        title = r.text(task, "title", where, pending=pending)
        if tid is not None and title is not None:
            tasks.append((tid, title))
    if len(files) < 3 or entry is None:
        return None, extra
    return Exercise(path.parent, entry, files["stub"], files["reference"], files["checks"],
                    float(timeout or 10.0), dict(grad), tuple(tasks)), extra
