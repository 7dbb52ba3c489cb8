"""``dlbench quiz exam``: a timed mock exam, no feedback until the end, stored and scored.

The drawing, clock and scoring live in :mod:`dlbench.quiz.exam`; this module asks and
reports. Exam answers do not review FSRS cards (see :mod:`dlbench.quiz.exam` for why).
"""

from __future__ import annotations

import secrets

import click

from ..quiz.mathtext import render_math
from .quiz_context import _qctx, common
from .quiz_io import HINT_WORDS, QUIT_WORDS, SKIP_WORDS, _t, read_answer


def answer_text(shown) -> str:
    """The right answer as the learner saw the question (choice numbers in display order)."""
    q, lang = shown.question, shown.lang
    if q.choices:
        by_id = {c.id: c for c in q.choices}
        return "; ".join(f"{i}) {render_math(getattr(by_id[cid].text, lang)).strip()}"
                         for i, cid in enumerate(shown.order, 1) if by_id[cid].correct)
    if q.type == "true_false":
        return _t(lang, "正しい" if q.truth else "誤り", "true" if q.truth else "false")
    if q.type == "generated" and shown.drawn is not None:
        value = shown.drawn.answer
    elif q.numeric is not None:
        value = q.numeric.value
    else:
        return ""
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return text + (f" {q.numeric.unit}" if q.numeric and q.numeric.unit else "")


def _ask(session, sheet, item, total: int) -> bool:
    """Ask one exam question; False when the learner ends the exam."""
    lang = session.lang
    shown = session.present_seeded(item.question, item.seed)
    left = _t(lang, f"残り {clock(sheet.remaining())}", f"{clock(sheet.remaining())} left")
    click.echo(f"\n[{item.position}/{total}] {left}  ({item.section or '-'})")
    click.echo(shown.prompt)
    for number, text in shown.choices():
        click.echo(f"  {number}) {text}")
    while True:
        raw, word = read_answer(shown, lang)
        if word in QUIT_WORDS:
            return False
        if word in SKIP_WORDS:
            return True
        if word in HINT_WORDS:
            click.echo(_t(lang, "模擬試験にヒントはありません。", "No hints in the exam."))
            continue
        grade = session.grade(shown, raw)
        if not grade.graded:
            click.echo(render_math(grade.hint))
            continue
        sheet.answer(item, raw, grade)
        if sheet.timed_out:
            click.echo(_t(lang, "時間切れ: この解答は数えません。",
                          "Time is up: this answer does not count."))
            return False
        return True


def clock(seconds: float) -> str:
    from ..quiz.exam import clock_text

    return clock_text(seconds)


def report(result, session, bank, lang: str) -> None:
    """Score per section, the pass line, the missed items with their explanations."""
    pct = f"{100 * result.score:.0f}%"
    line = f"{100 * result.pass_line:.0f}%"
    verdict = _t(lang, "合格" if result.passed else "不合格", "PASS" if result.passed else "FAIL")
    click.echo("\n" + _t(lang, f"結果: {result.n} 問中 {result.right} 問正解 ({pct})。",
                         f"Result: {result.right}/{result.n} right ({pct})."))
    click.echo(_t(lang, f"合格ライン {line}(推定値: JDLA は合格点を公表しておらず、受験者の報告では"
                        f" 65〜70%): {verdict}",
                  f"Pass line {line} (an estimate: JDLA does not publish the pass mark; "
                  f"takers report 65-70%): {verdict}"))
    unanswered = sum(a.status == "unanswered" for a in result.answers)
    if unanswered:
        click.echo(_t(lang, f"未回答 {unanswered} 問(不正解として採点)。",
                      f"{unanswered} not answered (scored as wrong)."))
    click.echo(_t(lang, "セクション別:", "By section:"))
    for sid, row in result.by_section().items():
        info = bank.sections.get(sid)
        title = getattr(info.title, lang) if info else ""
        share = 100 * row["right"] / row["total"]
        click.echo(f"  {sid}  {row['right']}/{row['total']}  {share:3.0f}%  {title}")
    missed = result.missed()
    if missed:
        click.echo(_t(lang, f"間違えた・未回答の問題 ({len(missed)}):",
                      f"Missed ({len(missed)}):"))
    for a in missed:
        shown = session.present_seeded(a.question, a.seed)
        given = a.given if a.given is not None else _t(lang, "(未回答)", "(not answered)")
        click.echo(f"\n  [{a.position}] {a.question.id} ({a.section or '-'})")
        click.echo("  " + _t(lang, f"あなたの答え: {given}  正解: {answer_text(shown)}",
                             f"your answer: {given}  answer: {answer_text(shown)}"))
        for text in shown.explanation.splitlines():
            click.echo(f"    {text}")


@click.command("exam")
@click.option("--minutes", type=click.FloatRange(0, min_open=True), default=None,
              help="Time limit (default: the bank's, 60). Past it the rest is unanswered.")
@click.option("-n", "count", type=click.IntRange(1), default=None,
              help="Number of questions (default: the bank's, 40).")
@click.option("--seed", type=click.IntRange(0, 2 ** 62), default=None,
              help="Draw this exam (the same seed draws the same questions). Default: random.")
@common
@click.pass_context
def exam_cmd(ctx, minutes, count, seed, **options):
    """A timed mock E資格 exam over the day1/day2 sections, in the proportions of the
    bank's topics.toml [exam] table. No feedback until the end; then the score per
    section, the pass line and the missed questions. Stored; `quiz stats` lists exams.

    Exam answers do not change your review schedule.
    """
    from ..quiz import registered_banks
    from ..quiz.exam import exam_settings, new_sheet

    q = _qctx(ctx, **options)
    lang = q.language
    settings = exam_settings(list(q.folders()) + registered_banks(q.app.registry))
    seed = secrets.randbelow(10 ** 6) if seed is None else seed
    minutes = settings.minutes if minutes is None else minutes
    sheet = new_sheet(q.bank, settings, learner=q.who, lang=lang,
                      n=count or settings.questions, seed=seed, minutes=minutes)
    total = len(sheet.answers)
    click.echo(_t(lang, f"模擬試験: {total} 問、{minutes:g} 分、seed {seed}(--seed {seed} で同じ問題)。"
                        "終わるまで正誤は表示しません。s でスキップ、q で終了。",
                  f"Mock exam: {total} questions, {minutes:g} minutes, seed {seed} (--seed {seed} "
                  "draws the same). No feedback until the end; 's' skips, 'q' ends the exam."))
    session = q.session()
    for item in sheet.answers:
        if sheet.time_is_up():
            click.echo(_t(lang, "\n時間切れです。", "\nTime is up."))
            break
        if not _ask(session, sheet, item, total):
            break
    result = sheet.result()
    result.id = q.store.record_exam(result)
    report(result, session, q.bank, lang)
    click.echo("\n" + _t(lang, f"模擬試験 #{result.id} として保存しました(履歴: dlbench quiz stats)。",
                         f"Stored as exam #{result.id} (history: dlbench quiz stats)."))
