"""Loading question banks: folders of TOML files plus their topic and misconception registries.

A bank is a folder::

    topics.toml            sections (day1.s1 ...) and topics (id -> titles, section, tasks)
    misconceptions.toml    misconception ids that choices and answers are tagged with
    day1/s3/xyz-001.toml   one question per file, named after its id (any sub-folders)
    exercises/<id>/        exercise.toml, stub.py, reference.py, checks.py

Banks come from the ``register_quiz_banks`` hook (the shipped one is registered by the
built-in plugin ``dlbench.plugins.quizbank``) or from ``--bank PATH``. Several banks load
into one :class:`Bank`; topic and misconception registries of every known bank are merged
so a third-party bank can tag the shipped topics. A malformed file becomes a
:class:`~dlbench.quiz.model.Problem` and never stops the other files from loading.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError
from .model import Misconception, Problem, Question, Section, Topic
from .reader import Reader as _Reader
from .schema import ID_PATTERN, parse_question

REGISTRY_FILES = ("topics.toml", "misconceptions.toml")
SECTION_PATTERN = r"^day[12]\.s[1-5]$"
TOPIC_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)+$"


@dataclass
class Bank:
    """Questions of one or more bank folders, and the registries they resolve against."""

    questions: dict[str, Question] = field(default_factory=dict)
    sections: dict[str, Section] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    misconceptions: dict[str, Misconception] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    folders: list[tuple[str, Path]] = field(default_factory=list)
    files_read: int = 0

    def get(self, question_id: str) -> Question:
        try:
            return self.questions[question_id]
        except KeyError:
            from ..errors import UnknownNameError
            raise UnknownNameError("question", question_id, self.questions) from None

    def section_of(self, question: Question) -> str | None:
        """The course section of the question's first topic that has one."""
        for topic in question.topics:
            if topic in self.topics:
                return self.topics[topic].section
        return None

    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]


#: A question file is a few KiB; the registries a few dozen. Anything past this is not
#: a bank file, and is refused before it is read into memory.
MAX_FILE_BYTES = 1 << 20
#: Tables and arrays nest a few levels in the schema; deeper data is refused.
MAX_NESTING = 32


def read_toml(path: Path, problems: list[Problem]) -> dict | None:
    """Parse ``path``; every failure becomes a problem for that file and None.

    Syntax errors name the line and column. The size is checked before reading, the
    nesting depth after parsing; a 100,000-deep array makes :mod:`tomllib` (recursive)
    raise :class:`RecursionError`, caught here like any other exception, so one bad
    file never stops the others.
    """
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.append(Problem(str(path), None, f"file too large: {size:,} bytes "
                                    f"(a bank file has at most {MAX_FILE_BYTES:,})"))
            return None
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        problems.append(Problem(str(path), None, f"TOML syntax error: {exc}"))
    except UnicodeDecodeError as exc:
        problems.append(Problem(str(path), None, f"not UTF-8 text: {exc}"))
    except OSError as exc:
        problems.append(Problem(str(path), None, f"cannot read: {exc}"))
    except RecursionError:
        problems.append(Problem(str(path), None, "nested too deeply to parse (tables and "
                                f"arrays nest at most {MAX_NESTING} levels)"))
    except Exception as exc:  # noqa: BLE001 - e.g. MemoryError, ValueError on huge integers
        problems.append(Problem(str(path), None, f"cannot parse: {type(exc).__name__}: {exc}"))
    else:
        if nesting(data) > MAX_NESTING:
            problems.append(Problem(str(path), None, f"nested too deeply: tables and arrays "
                                    f"nest at most {MAX_NESTING} levels"))
            return None
        return data
    return None


def nesting(value, limit: int = MAX_NESTING) -> int:
    """Depth of nested tables and arrays (a scalar is 0), counted up to ``limit + 1``:
    iterative, so it cannot overflow the stack itself."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        depth += 1
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        stack.extend((child, depth) for child in children)
    return deepest


def question_files(folder: Path) -> list[Path]:
    """Question files of a bank, sorted: every ``*.toml`` except the registries, and in
    ``exercises/`` only each folder's ``exercise.toml``."""
    out = []
    for path in sorted(folder.rglob("*.toml")):
        rel = path.relative_to(folder)
        if any(part.startswith((".", "_")) for part in rel.parts):
            continue
        if len(rel.parts) == 1 and rel.name in REGISTRY_FILES:
            continue
        if rel.parts[0] == "exercises" and rel.name != "exercise.toml":
            continue
        out.append(path)
    return out


def _load_registries(folder: Path, bank: Bank) -> None:
    import re

    section_re, topic_re = re.compile(SECTION_PATTERN), re.compile(TOPIC_PATTERN)
    path = folder / "topics.toml"
    data = read_toml(path, bank.problems) if path.is_file() else None
    if data is not None:
        r = _Reader(path)
        r.unknown(data, {"schema", "sections", "topics", "exam"}, "")  # exam: quiz/exam.py
        for where, item in _tables(r, data, "sections"):
            r.unknown(item, {"id", "title"}, where)
            sid, title = r.field(item, "id", where, str, required=True), r.text(item, "title", where)
            if sid is not None and not section_re.match(sid):
                r.error(f"{where}.id", f"{sid!r} is not a course section (day1.s1 ... day2.s5)")
            elif sid is not None and title is not None:
                _put(bank.sections, sid, Section(sid, title), r, where)
        for where, item in _tables(r, data, "topics"):
            r.unknown(item, {"id", "section", "title", "concept", "benchmarks", "exam_scope",
                             "syllabus"}, where)
            tid = r.field(item, "id", where, str, required=True)
            section = r.field(item, "section", where, str, required=True)
            title = r.text(item, "title", where)
            concept = r.field(item, "concept", where, int)
            benchmarks = r.str_list(item, "benchmarks", where, pattern=ID_PATTERN)
            scope = item.get("exam_scope", True)
            if not isinstance(scope, bool):
                scope = r.str_list(item, "exam_scope", where)
            syllabus = r.str_list(item, "syllabus", where)
            if tid is not None and not topic_re.match(tid):
                r.error(f"{where}.id", f"{tid!r} must look like 'area.name' ({TOPIC_PATTERN})")
            elif None not in (tid, section, title):
                _put(bank.topics, tid, Topic(tid, section, title, concept, benchmarks, scope,
                                             syllabus), r, where)
        bank.problems += r.problems
    path = folder / "misconceptions.toml"
    data = read_toml(path, bank.problems) if path.is_file() else None
    if data is not None:
        r = _Reader(path)
        r.unknown(data, {"schema", "misconceptions"}, "")
        for where, item in _tables(r, data, "misconceptions"):
            r.unknown(item, {"id", "topic", "text", "facts"}, where)
            mid = r.field(item, "id", where, str, required=True)
            text = r.text(item, "text", where)
            if mid is not None and not ID_PATTERN.match(mid):
                r.error(f"{where}.id", f"{mid!r} must be kebab-case ({ID_PATTERN.pattern})")
            elif mid is not None and text is not None:
                _put(bank.misconceptions, mid, Misconception(
                    mid, r.field(item, "topic", where, str), text,
                    r.str_list(item, "facts", where)), r, where)
        bank.problems += r.problems


def _tables(r: _Reader, data: dict, key: str):
    """``(field name, table)`` for each entry of an array of tables; other items are errors."""
    for i, item in enumerate(r.field(data, key, "", list, default=[])):
        if isinstance(item, dict):
            yield f"{key}[{i}]", item
        else:
            r.error(f"{key}[{i}]", f"expected a table ([[{key}]])")


def _put(table: dict, key: str, value, r: _Reader, where: str) -> None:
    previous = table.get(key)
    if previous is not None and previous != value:
        r.error(f"{where}.id", f"{key!r} is already defined differently (in another bank "
                               "or earlier in this file)")
        return
    table[key] = value


def load_bank(folders: list[tuple[str, Path]], *, context: list[tuple[str, Path]] = ()) -> Bank:
    """Load the questions of ``folders`` (``(bank name, path)`` pairs).

    Topic and misconception registries are read from ``folders`` and ``context`` (other
    known banks), so ids defined by the shipped bank resolve in a third-party one.
    """
    bank = Bank(folders=list(folders))
    seen_dirs = set()
    for _, folder in list(folders) + list(context):
        key = Path(folder).resolve()
        if key not in seen_dirs:
            seen_dirs.add(key)
            try:
                _load_registries(Path(folder), bank)
            except Exception as exc:  # noqa: BLE001 - one bad registry must not stop loading
                bank.problems.append(Problem(str(folder), None, "cannot read the registries: "
                                             f"{type(exc).__name__}: {exc}"))
    for name, folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            bank.problems.append(Problem(str(folder), None, "bank folder not found"))
            continue
        for path in question_files(folder):
            bank.files_read += 1
            data = read_toml(path, bank.problems)
            if data is None:
                continue
            question, problems = _parse_safely(data, path, name)
            bank.problems += problems
            if question is None:
                continue
            if question.id in bank.questions:
                other = bank.questions[question.id].path
                bank.problems.append(Problem(str(path), "id", f"duplicate id {question.id!r} "
                                             f"(also in {other}); ids are unique across banks"))
                continue
            bank.questions[question.id] = question
    return bank


def _parse_safely(data: dict, path: Path, name: str):
    """:func:`parse_question`, with any exception it raises turned into a problem for this
    file: a bug met on strange input must not stop the rest of the bank from loading."""
    try:
        return parse_question(data, path, bank=name)
    except Exception as exc:  # noqa: BLE001 - reported, never swallowed silently
        return None, [Problem(str(path), None, f"cannot read this question: "
                              f"{type(exc).__name__}: {exc}")]


def registered_banks(registry) -> list[tuple[str, Path]]:
    """``(name, folder)`` of every bank registered through ``register_quiz_banks``."""
    return [(e.name, Path(e.obj)) for e in registry.entries("quiz-bank")]


def resolve_banks(specs, registry) -> list[tuple[str, Path]]:
    """``--bank`` values (registered names or folders) -> ``(name, folder)``; all registered
    banks when none is given."""
    known = registered_banks(registry)
    if not specs:
        return known
    by_name = dict(known)
    out = []
    for spec in specs:
        if spec in by_name:
            out.append((spec, by_name[spec]))
            continue
        path = Path(spec).expanduser()
        if not path.is_dir():
            names = ", ".join(by_name) or "none"
            raise UsageError(f"--bank {spec!r} is neither a folder nor a registered bank "
                             f"(registered: {names})")
        out.append((path.name, path))
    return out
