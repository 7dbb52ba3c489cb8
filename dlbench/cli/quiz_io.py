"""The terminal side of ``dlbench quiz``: asking, reporting, and stored-run links."""

from __future__ import annotations

import datetime as dt
import os
import time

import click

from ..quiz.mathtext import render_math
from ..quiz.progress import Attempt
from ..quiz.session import Outcome
from ..quiz.textnorm import nfkc

HINT_WORDS = {"?", "h", "hint", "ヒント"}
SKIP_WORDS = {"s", "skip", "スキップ"}
QUIT_WORDS = {"q", "quit", "exit", "終了"}


def _t(lang: str, ja: str, en: str) -> str:
    return ja if lang == "ja" else en


def bank_warnings(bank) -> None:
    """One line per malformed file (the rest of the bank is used)."""
    errors = bank.errors()
    for p in errors[:5]:
        click.echo(f"warning: {p}", err=True)
    if len(errors) > 5:
        click.echo(f"warning: ... and {len(errors) - 5} more problems", err=True)
    if errors:
        click.echo("warning: those files were skipped; `dlbench quiz lint` lists every problem",
                   err=True)


def until(when: dt.datetime, lang: str, now: dt.datetime | None = None) -> str:
    """'in 10 min' / '10 分後' for a due date."""
    seconds = (when - (now or dt.datetime.now(dt.timezone.utc))).total_seconds()
    if seconds <= 60:
        return _t(lang, "今すぐ", "now")
    for size, ja, en in ((86400, "日", "day"), (3600, "時間", "hour"), (60, "分", "min")):
        if seconds >= size:
            n = round(seconds / size)
            return _t(lang, f"{n} {ja}後", f"in {n} {en}" + ("s" if n > 1 and en != "min" else ""))
    return ""


def describe_due(store, learner, bank, lang) -> str:
    cards = [c for c in store.cards(learner).values() if c.question_id in bank.questions]
    if not cards:
        return _t(lang, "まだ復習するカードがありません。`dlbench quiz` で始めましょう。",
                  "No cards yet: start with `dlbench quiz`.")
    nxt = min(c.card.due for c in cards)
    return _t(lang, f"今は復習するカードがありません。次は {until(nxt, lang)}。",
              f"Nothing is due. The next card is due {until(nxt, lang)}.")


def show_question(shown, index: int | None = None, total: int | None = None) -> None:
    q = shown.question
    head = f"[{index}/{total}] " if index else ""
    click.echo(f"\n{head}{q.id}  ({', '.join(q.topics)})")
    click.echo(shown.prompt)
    for number, text in shown.choices():
        click.echo(f"  {number}) {text}")


def _stored_runs(app, task: str) -> list:
    """Stored runs of ``task`` in the results database, newest first (never creates a
    database just to look; an unreadable one must not spoil the quiz)."""
    from ..storage import RunStore

    try:
        with RunStore(app.db_url) as store:  # opening to read never creates a database
            return store.list_runs(task=task, limit=200)
    except Exception:
        return []


def offer_runs(question, app, lang) -> None:
    """Offer the stored run that illustrates the question's concept, only where the
    question's topic maps to the task (:data:`dlbench.quiz.demos.DEMOS`)."""
    from ..quiz.demos import demos_for, pick_run

    for demo in demos_for(question):
        run = pick_run(_stored_runs(app, demo.task), demo)
        if run is None:
            click.echo(_t(lang, f"この概念を実験で確かめる: {demo.command()}",
                          f"See it in an experiment: {demo.command()}"))
            continue
        task = demo.task
        ask = _t(lang, f"この概念を示す保存済みの実行 #{run.id} ({task}) を表示しますか?",
                 f"Show stored run #{run.id} ({task}) that illustrates this?")
        # A lenient prompt rather than click.confirm: anything but yes means no, and a closed
        # input (piped answers, Ctrl-D) ends the offer instead of aborting the session.
        try:
            reply = click.prompt(ask + " [y/N]", default="", show_default=False)
        except click.Abort:
            return
        if nfkc(reply).strip().casefold() in ("y", "yes", "はい", "うん"):
            click.echo(f"run {run.id}: {run.task} [{run.status}] "
                       f"{run.preset or ''} seed={run.seed}")
            for key, value in sorted(run.choices.items()):
                click.echo(f"  {key}: {value}")
            for key, value in sorted(run.summary.items()):
                click.echo(f"  {key} = {value:.4g}")
            click.echo(f"  (dlbench results show {run.id})")
        return


def read_answer(shown, lang: str) -> tuple[str, str]:
    """Prompt for an answer: ``(raw text, normalised word)``; a closed input (Ctrl-D,
    piped answers that ran out) reads as ``q``."""
    label = _t(lang, f"答え({shown.answer_form()})", f"Answer ({shown.answer_form()})")
    try:
        raw = click.prompt(label, default="", show_default=False)
    except click.Abort:
        raw = "q"
    return raw, nfkc(raw).strip().casefold()


def ask_question(session, question, index: int, total: int, app) -> Outcome | None:
    """Ask one question until it is graded, skipped or the learner quits.

    :return: how it ended, or None when the learner quits (the question is not counted).
    """
    lang = session.lang
    shown = session.present(question)
    show_question(shown, index, total)
    if question.type == "implementation":
        return ask_exercise(session, shown)
    hints = list(shown.hints)
    attempts, helped, retried, final = [], False, False, None
    start = time.perf_counter()
    while True:
        raw, word = read_answer(shown, lang)
        if word in HINT_WORDS:
            if hints:
                helped = True
                click.echo(_t(lang, "ヒント: ", "Hint: ") + hints.pop(0))
            else:
                click.echo(_t(lang, "この問題にヒントはありません。", "No hint for this question."))
            continue
        if word in SKIP_WORDS or word in QUIT_WORDS:
            attempts.append(Attempt(raw, "skipped"))
            session.record(shown, attempts, None)
            if word in QUIT_WORDS:
                return None
            click.echo(_t(lang, "スキップしました。", "Skipped."))
            return Outcome(question, "skipped", _revealed(attempts))
        grade = session.grade(shown, raw)
        if not grade.graded:
            attempts.append(Attempt(raw, "unparseable", detail={"hint": grade.hint}))
            click.echo(render_math(grade.hint))
            continue
        attempts.append(Attempt(raw, grade.status, grade.misconceptions, grade.detail))
        final = grade
        if grade.correct:
            click.echo(_t(lang, "✓ 正解", "✓ Correct"))
            break
        click.echo(_t(lang, "✗ 不正解", "✗ Wrong"))
        for line in grade.feedback:
            click.echo(f"  {render_math(line)}")
        if grade.near_miss and not retried:
            retried = helped = True
            click.echo(_t(lang, "もう一度どうぞ。", "Try once more."))
            continue
        expected = render_math(str(grade.expected))
        click.echo(_t(lang, f"正解: {expected}", f"Answer: {expected}"))
        break
    seconds = time.perf_counter() - start
    rating, card = session.record(shown, attempts, final, helped=helped,
                                  seconds=None if helped or len(attempts) > 1 else seconds)
    click.echo(shown.explanation)
    if card is not None:
        click.echo(_t(lang, f"[{rating.name}] 次の復習: {until(card.due, lang)}",
                      f"[{rating.name}] next review {until(card.due, lang)}"))
    offer_runs(question, app, lang)
    return Outcome(question, "right" if final.correct else "wrong", _revealed(attempts))


def _revealed(attempts) -> tuple[str, ...]:
    return tuple(dict.fromkeys(m for a in attempts for m in a.misconceptions))


def ask_exercise(session, shown) -> int | None:
    """An implementation exercise in a session: the learner names their solution file."""
    from ..quiz.exercises import run_exercise
    from ..quiz.session import exercise_attempt

    lang, q = session.lang, shown.question
    click.echo(_t(lang, f"スタブ: dlbench quiz exercise {q.id} -o FILE",
                  f"Stub: dlbench quiz exercise {q.id} -o FILE"))
    try:
        raw = click.prompt(_t(lang, "解答ファイルのパス(s でスキップ)",
                              "Path of your solution file (s to skip)"), default="s",
                           show_default=False)
    except click.Abort:
        raw = "q"
    word = nfkc(raw).strip().casefold()
    if word in SKIP_WORDS or word in QUIT_WORDS:
        session.record(shown, [Attempt(raw, "skipped")], None)
        return None if word in QUIT_WORDS else Outcome(q, "skipped")
    if not os.path.isfile(raw.strip()):
        click.echo(_t(lang, f"ファイルがありません: {raw.strip()}", f"No such file: {raw.strip()}"))
        session.record(shown, [Attempt(raw, "skipped")], None)
        return Outcome(q, "skipped")
    result = run_exercise(q, raw.strip())
    exercise_report(result, lang)
    attempt, rating = exercise_attempt(result)
    if session.store is not None:
        card = session.store.record_review(session.learner, q, rating, attempts=[attempt],
                                           given=raw.strip(), correct=result.passed,
                                           helped=False, lang=lang)
        click.echo(_t(lang, f"[{rating.name}] 次の復習: {until(card.due, lang)}",
                      f"[{rating.name}] next review {until(card.due, lang)}"))
    click.echo(shown.explanation)
    return Outcome(q, "right" if result.passed else "wrong")


def exercise_report(result, lang: str) -> None:
    """Per check: status, what was called, expected and got."""
    marks = {"pass": "ok  ", "fail": "FAIL", "error": "ERR ", "timeout": "TIME", "not-run": "--  "}
    for c in result.checks:
        task = f"[task {c.task}] " if c.task else ""
        click.echo(f"{marks.get(c.status, c.status)}  {task}{c.title}")
        if c.status == "pass":
            continue
        for key, label in (("message", ""), ("call", "called:   "), ("expected", "expected: "),
                           ("got", "got:      "), ("output", "output:   ")):
            value = getattr(c, key)
            if value:
                click.echo(f"      {label}{value}")
    passed = sum(c.status == "pass" for c in result.checks)
    verdict = _t(lang, "合格" if result.passed else "不合格", "passed" if result.passed else "failed")
    click.echo(f"{passed}/{len(result.checks)} checks, {verdict} ({result.seconds:.1f} s)")


def lint_lines(report) -> list[str]:
    cwd = os.getcwd()
    out = []
    for p in report.problems:
        path = os.path.relpath(p.path, cwd) if os.path.isabs(p.path) else p.path
        where = f"{path}: {p.field}" if p.field else path
        out.append(f"{where}: {p.level}: {p.message}")
    return out


def score_line(tally, lang: str) -> str:
    """``5/6 right.`` when every question was answered; otherwise counts that add up to
    the session's size: ``2/2 answered right (1 skipped, 2 not answered).``"""
    right, answered, skipped, rest = tally.right, tally.answered, tally.skipped, tally.not_answered
    if not skipped and not rest:
        return _t(lang, f"{right}/{answered} 問正解。", f"{right}/{answered} right.")
    extra_ja = "、".join(x for x in (f"スキップ {skipped} 問" if skipped else "",
                                     f"未回答 {rest} 問" if rest else "") if x)
    extra_en = ", ".join(x for x in (f"{skipped} skipped" if skipped else "",
                                     f"{rest} not answered" if rest else "") if x)
    return _t(lang, f"回答した {answered} 問中 {right} 問正解({extra_ja})。",
              f"{right}/{answered} answered right ({extra_en}).")


def due_line(store, learner: str, bank, lang: str, now: dt.datetime | None = None) -> str:
    """What is due next: cards due now, and when the next one after them comes."""
    now = now or dt.datetime.now(dt.timezone.utc)
    cards = [c.card.due for c in store.cards(learner).values() if c.question_id in bank.questions]
    soon = now + dt.timedelta(seconds=60)  # `until` calls anything within a minute "now"
    due = sum(d <= soon for d in cards)
    later = [d for d in cards if d > soon]
    nxt = until(min(later), lang, now) if later else None
    if due:
        return _t(lang, f"今復習できるカード: {due} 枚" + (f"。次は {nxt}。" if nxt else "。"),
                  f"{due} card(s) due now" + (f"; the next one {nxt}." if nxt else "."))
    if nxt:
        return _t(lang, f"次の復習は {nxt}。", f"Next review {nxt}.")
    return _t(lang, "復習待ちのカードはありません。", "No card is waiting for review.")


def recap(tally, bank, store, learner: str, lang: str) -> None:
    """The end of a session: score by section, misconceptions hit, what is due next."""
    sections = tally.by_section(bank)
    if sections:
        click.echo(_t(lang, "セクション別:", "By section:"))
        width = max(len(sid) for sid, _, _ in sections)
        for sid, right, answered in sections:
            info = bank.sections.get(sid)
            title = getattr(info.title, lang) if info else ""
            click.echo(f"  {sid.ljust(width)}  {right}/{answered}  {title}")
    hit = tally.misconceptions()
    if hit:
        click.echo(_t(lang, "今回表れた誤解:", "Misconceptions you hit:"))
        for mid in hit:
            info = bank.misconceptions.get(mid)
            text = render_math(getattr(info.text, lang)) if info else ""
            click.echo(f"  - {mid}: {text}" if text else f"  - {mid}")
    if store is not None:
        click.echo(due_line(store, learner, bank, lang))
