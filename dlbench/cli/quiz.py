"""``dlbench quiz``: interactive quizzes, scripted answers, stats, exercises and bank lint.

Progress database: ``--progress-db URL`` > the global ``--db URL`` when given on the
command line > ``$DLBENCH_QUIZ_DB`` > ``quiz.db`` in the per-user app folder
(``click.get_app_dir("dlbench")``). Stored runs shown next to a question are read from
the results database (global ``--db`` / ``$DLBENCH_DB``).
"""

from __future__ import annotations

import time
from pathlib import Path

import click

from ..errors import UsageError
from .context import AppContext
from .output import echo_json, format_table
from .quiz_io import (ask_question, describe_due, exercise_report, lint_lines,
                      recap, score_line, show_question)

from .quiz_context import LANG, TYPES, QuizContext, _qctx, common  # noqa: F401


@click.group("quiz", invoke_without_command=True)
@click.option("--topic", "topics", multiple=True, metavar="T",
              help="Only this topic (or area: 'opt' matches 'opt.adam'). Repeatable.")
@click.option("--section", "sections", multiple=True, metavar="S",
              help="Only this course section, e.g. day2.s2 (or 'day2'). Repeatable.")
@click.option("--type", "types", multiple=True, type=TYPES,
              help="Only these question types (default: all but implementation).")
@click.option("-n", "count", type=click.IntRange(1), default=10, show_default=True,
              help="Number of questions.")
@click.option("--review", is_flag=True, help="Only cards that are due, most overdue first.")
@click.option("--in-order", is_flag=True, help="Go through questions by id, not shuffled.")
@common
@click.pass_context
def quiz(ctx, topics, sections, types, count, review, in_order, **options):
    """Quiz yourself on the course's concepts (interactive).

    Type the number of a choice, a number (full-width digits and fractions work) or a
    word; '?' shows a hint (the answer then counts as helped), 's' skips, 'q' quits.
    """
    q = _qctx(ctx, **options)
    if ctx.invoked_subcommand is not None:
        return
    from ..quiz.session import INTERACTIVE_TYPES, Tally, check_filters, select

    check_filters(q.bank, topics=topics, sections=sections)
    questions = select(q.bank, q.store, q.who, topics=topics, sections=sections,
                       types=types or INTERACTIVE_TYPES, n=count, review=review,
                       in_order=in_order)
    ja = q.language == "ja"
    if not questions:
        if review:
            click.echo(describe_due(q.store, q.who, q.bank, q.language))
        else:
            click.echo("該当する問題がありません。" if ja else "No question matches these filters.")
        return
    session, tally = q.session(), Tally(len(questions))
    for i, question in enumerate(questions, 1):
        outcome = ask_question(session, question, i, len(questions), q.app)
        if outcome is None:
            break
        tally.outcomes.append(outcome)
    click.echo("\n" + score_line(tally, q.language))
    recap(tally, q.bank, q.store, q.who, q.language)


@quiz.command("answer", context_settings={"ignore_unknown_options": True})
@click.argument("question_id")
@click.argument("answer", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--no-record", is_flag=True, help="Grade only; store nothing.")
@common
@click.pass_context
def answer_cmd(ctx, question_id, answer, as_json, no_record, **options):
    """Grade ANSWER to QUESTION_ID (for scripts). Exit 0 right, 1 wrong, 2 unreadable.

    Choices are given by id (b, or a,c); generated questions are graded against the
    numbers `quiz show` displays until the card is next reviewed. Negative numbers work
    as they are (`quiz answer ID -0.03`) or after `--`; several words are joined by spaces.
    """
    from ..quiz.progress import Attempt
    from ..quiz.session import Session

    answer = " ".join(answer)  # nargs=-1: "-0.03" is not an option, "a c" is one answer
    q = _qctx(ctx, **options)
    store = None if no_record else q.store
    session = Session(q.bank, store, q.who, q.language)
    shown = session.present(q.bank.get(question_id))
    shown.order = []  # scripts answer with choice ids, not display positions
    grade = session.grade(shown, answer)
    attempt = Attempt(answer, grade.status, grade.misconceptions, grade.detail)
    rating, card = session.record(shown, [attempt], grade)
    data = {"question": question_id, "type": shown.question.type, **grade.as_dict(),
            "explanation": shown.explanation if grade.graded else None,
            "rating": rating.name if rating else None,
            "due": card.due.isoformat() if card else None, "seed": shown.generated_seed}
    if as_json:
        echo_json(data)
    else:
        if grade.graded:
            mark = "correct" if grade.correct else f"wrong (expected {grade.expected})"
            click.echo(mark)
            from ..quiz.mathtext import render_math

            for line in grade.feedback:  # feedback may quote formulas, as the quiz loop shows them
                click.echo(f"  {render_math(line)}")
            click.echo(shown.explanation)
        else:
            click.echo(f"cannot read the answer: {grade.hint}")
    ctx.exit(0 if grade.correct else (1 if grade.graded else 2))


@quiz.command("show")
@click.argument("question_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@common
@click.pass_context
def show_cmd(ctx, question_id, as_json, **options):
    """Print a question as the next review will ask it (generated numbers included)."""
    q = _qctx(ctx, **options)
    shown = q.session().present(q.bank.get(question_id))
    if as_json:
        echo_json({"question": question_id, "type": shown.question.type, "prompt": shown.prompt,
                   "prompt_tex": shown.source(shown.question.prompt).strip(),
                   "choices": [{"id": cid, "text": text} for cid, (_, text)
                               in zip(shown.order, shown.choices())],
                   "answer_form": shown.answer_form(), "seed": shown.generated_seed,
                   "params": shown.drawn.params if shown.drawn else None})
    else:
        show_question(shown)


@quiz.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@common
@click.pass_context
def stats_cmd(ctx, as_json, **options):
    """Mastery per section and topic, and the misconceptions you still hold."""
    from ..quiz.stats import mastery

    q = _qctx(ctx, **options)
    data = mastery(q.bank, q.store, q.who)
    if as_json:
        echo_json(data)
        return
    lang = q.language

    def title(d):
        return (d["title"] or {}).get(lang) or ""

    def row(d):
        return (d["id"], title(d), d["questions"], d["seen"], d["right"], f"{100 * d['recall']:.0f}%")

    head = ("id", "title", "questions", "seen", "right", "recall")
    click.echo(format_table([row(s) for s in data["sections"]], head, shrink=1))
    click.echo("")
    click.echo(format_table([row(t) for t in data["topics"] if t["seen"]], head, shrink=1)
               if any(t["seen"] for t in data["topics"]) else
               ("まだ回答がありません。" if lang == "ja" else "No answers yet."))
    click.echo("\n" + STATS_LEGEND[lang])
    click.echo(f"\n{data['due']} " + ("枚のカードが復習時期です。" if lang == "ja" else "card(s) due for review."))
    if data["misconceptions"]:
        click.echo("\n" + ("まだ残っている誤解:" if lang == "ja" else "Misconceptions still held:"))
        for m in data["misconceptions"]:
            text = (m["text"] or {}).get(lang) or m["id"]
            click.echo(f"  - {m['id']}: {text}  ({m['question']})")
    exams = data.get("exams") or []
    if exams:
        click.echo("\n" + ("模擬試験の履歴:" if lang == "ja" else "Mock exams:"))
        verdict = {True: "合格" if lang == "ja" else "pass", False: "不合格" if lang == "ja" else "fail"}
        rows = [(f"#{e['id']}", e["finished_at"][:16].replace("T", " "),
                 f"{e['correct']}/{e['n']}", f"{100 * e['score']:.0f}%", verdict[e["passed"]],
                 " ".join(f"{sid.split('.')[0][-1]}.{sid.split('.')[1][1:]}:{r['right']}/{r['total']}"
                          for sid, r in e["sections"].items() if "." in sid),
                 e["seed"]) for e in exams]
        click.echo(format_table(rows, ("exam", "finished (UTC)", "right", "score", "result",
                                       "by section (day.section:right/total)", "seed"), shrink=5))


#: What each column of `quiz stats` means (printed under the tables).
STATS_LEGEND = {
    "en": "questions: in the bank for that section/topic · seen: answered at least once · "
          "right: questions whose last graded answer was right · recall: FSRS estimate of "
          "the chance you would answer them right today, averaged over all the questions "
          "(never-answered ones count 0 %).",
    "ja": "questions: その節・トピックの問題数 · seen: 1 回以上回答した問題数 · right: 最後の採点が"
          "正解だった問題数 · recall: 今日解いたら正解できる確率の FSRS による推定値を全問題で"
          "平均したもの(未回答の問題は 0% として数える)。",
}


@quiz.command("list")
@click.option("--topic", "topics", multiple=True, metavar="T", help="Only this topic or area.")
@click.option("--section", "sections", multiple=True, metavar="S", help="Only this section.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@common
@click.pass_context
def list_cmd(ctx, topics, sections, as_json, **options):
    """List the questions of the bank(s)."""
    from ..quiz.session import check_filters, matches

    q = _qctx(ctx, **options)
    check_filters(q.bank, topics=topics, sections=sections)
    rows = [(x.id, x.type, q.bank.section_of(x) or "", ", ".join(x.topics), x.bank)
            for x in sorted(q.bank.questions.values(), key=lambda x: x.id)
            if matches(q.bank, x, topics=topics, sections=sections)]
    if as_json:
        echo_json([dict(zip(("id", "type", "section", "topics", "bank"), r)) for r in rows])
    else:
        click.echo(format_table(rows, ("id", "type", "section", "topics", "bank"), shrink=3))


@quiz.command("exercise")
@click.argument("question_id")
@click.option("-o", "--output", type=click.Path(), default=".",
              help="File (or folder) to write the stub to. Default: ./<id>.py")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@common
@click.pass_context
def exercise_cmd(ctx, question_id, output, force, **options):
    """Write the stub of an implementation exercise to a file, and show the task."""
    from ..quiz.exercises import write_stub

    q = _qctx(ctx, **options)
    question = q.bank.get(question_id)
    path = write_stub(question, output, force=force)
    shown = q.session().present(question)
    click.echo(shown.prompt + "\n")
    click.echo(("スタブを書き出しました: " if q.language == "ja" else "Stub written to ") + str(path))
    click.echo(f"dlbench quiz check {question_id} {path}")


@quiz.command("check")
@click.argument("question_id")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--timeout", type=click.FloatRange(0.1, 600), default=None,
              help="Time limit in seconds (default: the exercise's).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--no-record", is_flag=True, help="Check only; store nothing.")
@common
@click.pass_context
def check_cmd(ctx, question_id, file, timeout, as_json, no_record, **options):
    """Grade FILE, your solution of exercise QUESTION_ID, against its hidden checks."""
    from ..quiz.exercises import run_exercise
    from ..quiz.session import exercise_attempt

    q = _qctx(ctx, **options)
    question = q.bank.get(question_id)
    result = run_exercise(question, file, timeout=timeout)
    if not no_record:
        attempt, rating = exercise_attempt(result)
        q.store.record_review(q.who, question, rating, attempts=[attempt], given=str(file),
                              correct=result.passed, helped=False, lang=q.language)
    if as_json:
        echo_json(result.as_dict())
    else:
        exercise_report(result, q.language)
    ctx.exit(0 if result.passed else 1)


@quiz.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, file_okay=False))
@click.option("--no-exercises", is_flag=True, help="Do not run exercises' references and stubs.")
@click.option("--strict", is_flag=True, help="Warnings fail too.")
@click.option("--min-per-topic", type=click.IntRange(0), default=0,
              help="Fail for topics with fewer questions than this.")
@click.option("--seeds", type=click.IntRange(1), default=20, show_default=True,
              help="Seeds each generator is run with.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def lint_cmd(ctx, paths, no_exercises, strict, min_per_topic, seeds, as_json):
    """Validate question banks (default: every registered bank). Exit 1 on errors."""
    from ..quiz import registered_banks
    from ..quiz.lint import lint

    app = ctx.find_object(AppContext)
    known = registered_banks(app.registry)
    folders = [(Path(p).name, Path(p)) for p in paths] or known
    if not folders:
        raise UsageError("no bank to lint: give a folder")
    start = time.perf_counter()
    report = lint(folders, context=known, task_names=app.registry.names("task"),
                  run_exercises=not no_exercises, seeds=seeds, min_per_topic=min_per_topic)
    if as_json:
        echo_json({**report.as_dict(), "ok": report.ok(strict)})
    else:
        for line in lint_lines(report):
            click.echo(line)
        d = report.as_dict()
        click.echo(f"{d['questions']} questions in {d['files']} files, {d['exercises_run']} "
                   f"exercises run: {d['errors']} errors, {d['warnings']} warnings "
                   f"({time.perf_counter() - start:.1f} s)")
    ctx.exit(0 if report.ok(strict) else 1)


from .quiz_exam import exam_cmd  # noqa: E402  (a sub-command of the group above)

quiz.add_command(exam_cmd)
