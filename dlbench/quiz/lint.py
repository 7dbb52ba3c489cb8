"""``dlbench quiz lint``: everything a bank must satisfy before learners see it.

Per file (schema, in :mod:`dlbench.quiz.schema`): it parses; ``id`` equals the file
stem (the folder for exercises) and is unique; ``schema`` is known; no unknown fields;
every text in ja and en; choice rules. Across the bank (here):

- no control or invisible characters in any string (newlines aside);
- ``{{ }}`` only in generated questions' prompt, explanation and hints;
- every misconception id is defined in a ``misconceptions.toml``;
- numeric answers pass their own grading, and a float answer a learner cannot type
  exactly has a tolerance;
- a numeric answer's tolerance accepts the value rounded as its own explanation writes it,
  and a tight tolerance is stated in the prompt (see :func:`_precision`);
- each generator, run for many seeds, is deterministic, fills every placeholder and
  returns an answer that passes its own grading;
- each exercise's reference passes its checks, its stub fails at least one, both within
  ``timeout_s``;
- topics and sections resolve, tasks (``benchmarks``) resolve against registered tasks and
  :data:`KNOWN_TASKS`, a question on a topic demonstrated by a task names one;
- FSRS card ids derived from question ids do not collide.

Every problem names the file and the field at fault.
"""

from __future__ import annotations

import math
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .bank import Bank, load_bank, question_files, read_toml
from .draw import draw, render_text
from .exercises import run_exercise
from .grading import grade_number
from .model import Problem, Question
from .scheduling import card_id
from .textnorm import bad_characters, has_braces, nfkc, placeholders

#: The course's benchmark tasks. Questions may name them before their plugins are
#: registered; lint accepts the union of these and the registry's task names.
KNOWN_TASKS = ("vanishing-gradients", "weight-init", "batch-norm", "overfitting", "convergence",
               "trajectories", "hyperparameter-search", "architectures", "degradation")
GENERATOR_SEEDS = 20
_CHOICE_ID = r"^[a-z][a-z0-9-]*$"


@dataclass
class LintReport:
    bank: Bank
    problems: list[Problem] = field(default_factory=list)
    exercises_run: int = 0

    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]

    def ok(self, strict: bool = False) -> bool:
        return not self.errors() and not (strict and self.warnings())

    def as_dict(self) -> dict:
        return {"questions": len(self.bank.questions), "files": self.bank.files_read,
                "exercises_run": self.exercises_run,
                "errors": len(self.errors()), "warnings": len(self.warnings()),
                "problems": [{"path": p.path, "field": p.field, "level": p.level,
                              "message": p.message} for p in self.problems]}


def lint(folders: list[tuple[str, Path]], *, context: list[tuple[str, Path]] = (),
         task_names=(), run_exercises: bool = True, seeds: int = GENERATOR_SEEDS,
         min_per_topic: int = 0) -> LintReport:
    """Lint the banks in ``folders`` (registries of ``context`` banks resolve too)."""
    bank = load_bank(folders, context=context)
    report = LintReport(bank, list(bank.problems))
    add = report.problems.append
    for _, folder in folders:
        for path in [folder / "topics.toml", folder / "misconceptions.toml",
                     *question_files(Path(folder))]:
            if path.is_file():
                _strings(path, add)
    tasks = set(KNOWN_TASKS) | set(task_names)
    _registries(bank, tasks, add)
    ids: dict[int, str] = {}
    for q in bank.questions.values():
        cid = card_id(q.id)
        if cid in ids:
            add(Problem(str(q.path), "id", f"FSRS card id {cid} collides with {ids[cid]!r}"))
        ids[cid] = q.id
        try:
            _references(bank, q, tasks, add)
            if q.type == "numeric":
                _numeric(q, add)
                _precision(q, add)
            elif q.type == "generated":
                _generated(q, seeds, add)
        except Exception as exc:  # noqa: BLE001 - a lint bug on one file is that file's problem
            add(Problem(str(q.path), None, f"lint failed on this question: "
                        f"{type(exc).__name__}: {exc}"))
    if run_exercises:
        exercises = [q for q in bank.questions.values() if q.type == "implementation"]
        with ThreadPoolExecutor(max_workers=4) as pool:
            for problems in pool.map(_exercise, exercises):
                report.problems += problems
        report.exercises_run = len(exercises)
    if min_per_topic:
        _coverage(bank, min_per_topic, add)
    return report


def _walk(value, where: str):
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, f"{where}.{k}" if where else k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, f"{where}[{i}]")


def _strings(path: Path, add) -> None:
    """Control characters anywhere; braces outside generated prompts, explanations, hints."""
    data = read_toml(path, []) or {}
    generated = data.get("type") == "generated"
    for where, text in _walk(data, ""):
        bad = bad_characters(text)
        if bad:
            add(Problem(str(path), where, f"control or invisible character {', '.join(bad)} "
                        "(a '\\t' or '\\f' in a basic string? use a literal string '...')"))
        templated = where.split(".")[0].split("[")[0] in ("prompt", "explanation", "hints")
        if has_braces(text) and not (generated and templated):
            add(Problem(str(path), where, "'{{' or '}}' is allowed only in a generated "
                        "question's prompt, explanation and hints"))


def _registries(bank: Bank, tasks: set[str], add) -> None:
    for t in bank.topics.values():
        if t.section not in bank.sections:
            add(Problem("topics.toml", f"topics.{t.id}.section",
                        f"section {t.section!r} is not defined in [[sections]]"))
        for b in t.benchmarks:
            if b not in tasks:
                add(Problem("topics.toml", f"topics.{t.id}.benchmarks",
                            f"unknown task {b!r}; known: {', '.join(sorted(tasks))}"))
    for m in bank.misconceptions.values():
        if m.topic is not None and m.topic not in bank.topics:
            add(Problem("misconceptions.toml", f"misconceptions.{m.id}.topic",
                        f"unknown topic {m.topic!r}"))


def _references(bank: Bank, q: Question, tasks: set[str], add) -> None:
    path = str(q.path)
    for i, t in enumerate(q.topics):
        if t not in bank.topics:
            add(Problem(path, f"topics[{i}]", f"unknown topic {t!r}; define it in topics.toml"))
    for i, b in enumerate(q.benchmarks):
        if b not in tasks:
            add(Problem(path, f"benchmarks[{i}]", f"unknown task {b!r}; known: "
                        f"{', '.join(sorted(tasks))}"))
    demonstrated = sorted({b for t in q.topics if t in bank.topics for b in bank.topics[t].benchmarks})
    if demonstrated and not q.benchmarks:
        add(Problem(path, "benchmarks", "missing: its topic is demonstrated by task(s) "
                    f"{', '.join(demonstrated)}; add benchmarks = [\"{demonstrated[0]}\"]"))
    tagged = [("misconception", q.misconception)]
    tagged += [(f"choices[{i}].misconception", c.misconception) for i, c in enumerate(q.choices)]
    answer = q.numeric or q.text_answer
    if answer is not None:
        tagged += [(f"answer.near_miss[{i}].misconception", n.misconception)
                   for i, n in enumerate(answer.near_misses)]
    for where, m in tagged:
        if m is not None and m not in bank.misconceptions:
            add(Problem(path, where, f"unknown misconception {m!r}; define it in "
                        "misconceptions.toml"))
    import re

    for i, c in enumerate(q.choices):
        if not re.match(_CHOICE_ID, c.id):
            add(Problem(path, f"choices[{i}].id", f"{c.id!r} must start with a letter "
                        "(numbers are how learners pick displayed choices)"))
    if q.type == "true_false" and not q.misconception:
        add(Problem(path, "misconception", "a true_false question should name the "
                    "misconception a wrong answer reveals", "warning"))


def _numeric(q: Question, add) -> None:
    a = q.numeric
    shown = str(a.value)
    if grade_number(a, shown, "en", a.value).status != "correct":
        add(Problem(str(q.path), "answer", f"the answer {shown} fails its own grading"))
    if a.kind == "float" and not (a.abs_tol or a.rel_tol):
        if len(f"{a.value:.15g}".replace("-", "").replace(".", "").lstrip("0")) > 6:
            add(Problem(str(q.path), "answer", f"value {a.value} has more digits than a learner "
                        "types; set abs_tol or rel_tol"))
    for i, slip in enumerate(a.near_misses):
        if grade_number(a, str(float(slip.value)), "en", a.value).status == "correct":
            add(Problem(str(q.path), f"answer.near_miss[{i}].value",
                        "this near miss is graded correct by the tolerance"))


#: A number an explanation writes as an approximation: right after "≈", "≒", "\\approx", "約", "about",
#: "approximately" or "roughly" (``≈ 0.001``, ``約 0.016``). Other numbers in an
#: explanation are usually other quantities (an input, a distractor's result).
_APPROXIMATION = re.compile(r"(?:≈|≒|約|\\approx\b|\babout|\bapproximately|\broughly)\s*(-?)([0-9]+(?:\.[0-9]+)?)"
                            r"(?![0-9]|\.[0-9])", re.I)
#: Phrases that state the precision a numeric answer is asked for, per language.
PRECISION_PHRASES = {
    "en": re.compile(r"significant (figure|digit)|decimal place|exact", re.I),
    "ja": re.compile(r"有効数字|小数第|桁|厳密|正確"),
}
#: A tolerance that rejects the value rounded to this many significant figures is *tight*.
TIGHT_DIGITS = 3


def rounded(value: float, digits: int) -> float:
    """``value`` rounded to ``digits`` significant figures."""
    return float(f"{value:.{digits - 1}e}")


def significant_digits(written: str) -> int:
    """Significant figures of a written decimal: ``0.000977`` → 3, ``3.2`` → 2, ``0.001`` → 1."""
    return max(1, len(written.replace(".", "").lstrip("0")))


def explained_roundings(value: float, texts) -> list[str]:
    """The roundings of ``value`` that ``texts`` write as approximations: each number after
    an approximation mark (:data:`_APPROXIMATION`) that is not ``value`` itself but equals
    ``value`` rounded to that number's own significant figures (for 1/1024: ``≈ 0.000977``,
    ``≈ 0.001``; not ``≈ 0.01``)."""
    out = []
    for text in texts:
        text = nfkc(text or "").replace("\u2212", "-")
        for sign, digits in _APPROXIMATION.findall(text):
            written = float(sign + digits)
            if written != value and written == rounded(value, significant_digits(digits)):
                out.append(sign + digits)
    return list(dict.fromkeys(out))


def _precision(q: Question, add) -> None:
    """Tolerance against precision, for a float numeric answer:

    1. every rounding of the value the explanation writes as an approximation (ja or en,
       :func:`explained_roundings`) is graded correct: who answers as the explanation
       does is right;
    2. a *tight* tolerance, one that rejects the value rounded to :data:`TIGHT_DIGITS`
       significant figures, is stated in the prompt of both languages
       (:data:`PRECISION_PHRASES`: significant figures, decimal places or exact).
    """
    a = q.numeric
    if a.kind != "float" or a.value == 0:
        return
    for written in explained_roundings(a.value, [q.explanation.ja, q.explanation.en]):
        if grade_number(a, written, "en", a.value).status != "correct":
            add(Problem(str(q.path), "answer", f"the tolerance rejects {written}, the value "
                        f"{a.value:g} rounded as the explanation writes it; widen abs_tol/"
                        "rel_tol or write the value to the precision graded"))
    short = f"{rounded(a.value, TIGHT_DIGITS):g}"
    if grade_number(a, short, "en", a.value).status != "correct":
        for lang, pattern in PRECISION_PHRASES.items():
            if not pattern.search(getattr(q.prompt, lang) or ""):
                add(Problem(str(q.path), f"prompt.{lang}", f"the tolerance rejects {short} (the "
                            f"value to {TIGHT_DIGITS} significant figures): say in the prompt "
                            "what precision is asked for (significant figures, decimal places "
                            "or exact)"))


def _generated(q: Question, seeds: int, add) -> None:
    path = str(q.path)
    texts = [("prompt", q.prompt), ("explanation", q.explanation)] + \
            [(f"hints[{i}]", h) for i, h in enumerate(q.hints)]
    for seed in range(seeds):
        try:
            first, second = draw(q, seed), draw(q, seed)
        except Exception as exc:  # a generator's bug: report it, keep linting
            add(Problem(path, "generator", f"{q.generator} failed for seed {seed}: "
                        f"{type(exc).__name__}: {exc}"))
            return
        if (first.params, first.answer) != (second.params, second.answer):
            add(Problem(path, "generator", f"{q.generator} is not deterministic for seed {seed}"))
            return
        answer = first.answer
        if not isinstance(answer, (int, float)) or not math.isfinite(float(answer)):
            add(Problem(path, "generator", f"seed {seed}: answer {answer!r} is not a finite number"))
            return
        if q.numeric.kind == "integer" and float(answer) != int(answer):
            add(Problem(path, "answer.kind", f"seed {seed}: kind = \"integer\" but the "
                        f"generator returned {answer!r}"))
            return
        shown = str(int(answer)) if q.numeric.kind == "integer" else repr(float(answer))
        if grade_number(q.numeric, shown, "en", answer).status != "correct":
            add(Problem(path, "answer", f"seed {seed}: answer {shown} fails its own grading"))
            return
        for where, text in texts:
            for lang, value in text.items():
                rendered = render_text(value or "", first)
                if "{{" in rendered or "}}" in rendered:
                    left = placeholders(rendered) or ["?"]
                    add(Problem(path, f"{where}.{lang}", f"placeholder {{{{ {left[0]} }}}} is "
                                f"not produced by {q.generator} (it gives: "
                                f"{', '.join(sorted(first.params))}, answer)"))
                    return


def _exercise(q: Question) -> list[Problem]:
    ex, path, out = q.exercise, str(q.exercise.folder / "exercise.toml"), []
    ref = run_exercise(q, ex.file("reference"))
    if ref.timed_out:
        out.append(Problem(path, "exercise.reference", f"the reference did not finish within "
                           f"timeout_s = {ex.timeout_s:g} s"))
    for c in ref.failed():
        out.append(Problem(path, "exercise.reference", f"the reference fails check {c.name!r}: "
                           f"{c.status}: {c.message or ''}".rstrip(": ")))
    stub = run_exercise(q, ex.file("stub"))
    if stub.timed_out:
        out.append(Problem(path, "exercise.stub", f"the stub did not finish within "
                           f"timeout_s = {ex.timeout_s:g} s"))
    elif stub.passed:
        out.append(Problem(path, "exercise.stub", "the stub passes every check; the checks "
                           "cannot tell a solution from the stub"))
    if len(ref.checks) < 2:
        out.append(Problem(path, "exercise.checks", "checks.py defines no check (@check)"))
    return out


def _coverage(bank: Bank, minimum: int, add) -> None:
    counts = {t: 0 for t in bank.topics}
    for q in bank.questions.values():
        for t in q.topics:
            if t in counts:
                counts[t] += 1
    for t, n in sorted(counts.items()):
        if n < minimum:
            add(Problem("topics.toml", f"topics.{t}", f"has {n} question(s); at least "
                        f"{minimum} required (--min-per-topic)"))


def check_quiz_bank(entry) -> list:
    """``dlbench check quiz-bank``: lint a registered bank, quickly (exercises are not run:
    ``dlbench quiz lint`` does that)."""
    from ..testing.core import CheckResult

    folder = Path(entry.obj)
    if not folder.is_dir():
        return [CheckResult(entry.kind, entry.name, "bank", "fail", f"folder not found: {folder}")]
    from importlib.resources import files

    shipped = [("course", Path(str(files("dlbench.quizzes"))))]  # the common topic vocabulary
    report = lint([(entry.name, folder)], context=shipped, run_exercises=False, seeds=3)
    errors = report.errors()
    detail = (f"{len(report.bank.questions)} questions" if not errors else
              f"{len(errors)} errors, first: {errors[0]}")
    return [CheckResult(entry.kind, entry.name, "bank", "fail" if errors else "pass", detail)]
