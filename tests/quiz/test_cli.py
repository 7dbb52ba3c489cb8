"""`dlbench quiz` end to end through click's runner: whole sessions in each language,
scripted answers, stats, exercises, lint of the shipped bank, where progress is stored."""

from __future__ import annotations

import math

import pytest

from dlbench.storage.quiz_store import QuizStore


def _quiz(invoke, bank, progress, *args, input=None):
    return invoke("quiz", "--bank", bank, "--progress-db", progress, "--learner", "ann", *args,
                  input=input)


def test_a_whole_session_in_english(invoke, mini_bank, progress):
    answers = ["ＢａｃｋＰｒｏｐ",           # t-backprop-text-004: accepted variant, full width
               "連鎖率", "chain rule",       # t-chain-text-003: near miss, then right on retry
               "six hundred", "６００",      # t-epoch-numeric-002: unreadable -> hint, then full width
               "true",                       # t-momentum-tf-005: wrong
               "?", "1",                     # t-pool-choice-006: no hint available, then right
               "?", "1/4"]                   # t-sigmoid-numeric-001: hint, then right (helped)
    result = _quiz(invoke, mini_bank, progress, "--lang", "en", "--in-order", "-n", "6",
                   input="\n".join(answers) + "\n")
    out = result.output
    assert result.exit_code == 0, out
    assert out.count("✓ Correct") == 5 and out.count("✗ Wrong") == 2
    assert "It is 律 (rule), not 率 (rate)." in out and "Try once more." in out
    assert "Answer with a whole number, e.g. 600" in out
    assert "No hint for this question." in out and "Hint: σ'(x) = σ(x)(1 − σ(x))" in out
    assert "Answer: false" in out and "No optimizer guarantees" in out
    assert "See it in an experiment: dlbench run trajectories" in out
    assert "[Hard]" in out and "[Again] next review now" in out
    assert "\n5/6 right.\n" in out
    recap = out[out.index("\n5/6 right.\n"):]
    assert "day1.s5  2/2  Backpropagation" in recap and "day2.s2  0/1" in recap
    # misconceptions hit in this session, with their text from misconceptions.toml
    assert "- momentum-global-minimum: Momentum (or RMSProp) reaches the global optimum" in recap
    assert "- chain-rule-kanji-ritsu" in recap
    assert "card(s) due now" in recap or "Next review" in recap
    cards = QuizStore(progress).cards("ann")
    assert len(cards) == 6
    assert cards["t-momentum-tf-005"].card.due < cards["t-epoch-numeric-002"].card.due
    stats = invoke("quiz", "stats", "--bank", mini_bank, "--progress-db", progress,
                   "--learner", "ann", "--json").json()
    text = invoke("quiz", "stats", "--bank", mini_bank, "--progress-db", progress,
                  "--learner", "ann", "--lang", "en").output
    assert "recall: FSRS estimate of the chance you would answer them right today" in text
    assert "seen: answered at least once" in text and "questions: in the bank" in text
    held = [m["id"] for m in stats["misconceptions"]]
    assert held == ["momentum-global-minimum"]  # the chain-rule slip was cleared by the retry
    day2 = {s["id"]: s for s in stats["sections"]}["day2.s2"]
    assert (day2["questions"], day2["seen"], day2["right"]) == (1, 1, 0)


def test_a_session_in_japanese_from_the_locale(invoke, mini_bank, progress, monkeypatch):
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    result = _quiz(invoke, mini_bank, progress, "--topic", "bp", "--in-order",
                   input="誤差逆伝搬法\n連鎖律\n")
    out = result.output
    assert result.exit_code == 0, out
    assert "勾配を連鎖律で出力側から効率よく求める方法の名前は?" in out
    assert out.count("✓ 正解") == 2 and "\n2/2 問正解。\n" in out
    assert "セクション別:" in out and "day1.s5  2/2  誤差逆伝播法" in out
    text = invoke("quiz", "stats", "--bank", mini_bank, "--progress-db", progress, "--learner", "ann")
    assert "誤差逆伝播法" in text.output and "復習時期" in text.output
    # every column is explained under the tables
    for column in ("questions:", "seen:", "right:", "recall:"):
        assert column in text.output
    assert "FSRS による推定値" in text.output and "未回答の問題は 0%" in text.output


def test_quit_and_review_with_nothing_due(invoke, mini_bank, progress):
    result = _quiz(invoke, mini_bank, progress, "--in-order", input="q\n")
    assert result.exit_code == 0 and "\n0/0 answered right (6 not answered).\n" in result.output
    review = _quiz(invoke, mini_bank, progress, "--review")
    assert "No cards yet" in review.output


def test_answer_for_scripts_and_scheduling_moves(invoke, mini_bank, progress):
    first = _quiz(invoke, mini_bank, progress, "answer", "t-epoch-numeric-002", "６００", "--json")
    assert first.exit_code == 0 and first.json()["status"] == "correct"
    assert first.json()["rating"] == "Good"
    second = _quiz(invoke, mini_bank, progress, "answer", "t-epoch-numeric-002", "600", "--json")
    assert second.json()["due"] > first.json()["due"]
    wrong = _quiz(invoke, mini_bank, progress, "answer", "t-pool-choice-006", "b", "--json")
    assert wrong.exit_code == 1 and wrong.json()["misconceptions"] == ["pooling-has-weights"]
    assert wrong.json()["rating"] == "Again"
    unreadable = _quiz(invoke, mini_bank, progress, "answer", "t-epoch-numeric-002", "lots")
    assert unreadable.exit_code == 2 and "whole number" in unreadable.output
    assert QuizStore(progress).review_count("ann", "t-epoch-numeric-002") == 2  # no mark
    unknown = _quiz(invoke, mini_bank, progress, "answer", "t-epoch-numeric-02", "1")
    assert unknown.exit_code == 2 and "did you mean 't-epoch-numeric-002'" in unknown.output


def test_show_then_answer_a_generated_question(invoke, progress):
    shown = invoke("quiz", "show", "cnn-outsize-gen-001", "--progress-db", progress, "--json").json()
    p = shown["params"]
    answer = math.floor((p["h"] + 2 * p["p"] - p["k"]) / p["s"]) + 1
    assert f"{p['h']}" in shown["prompt"] and "{{" not in shown["prompt"]
    result = invoke("quiz", "answer", "cnn-outsize-gen-001", answer, "--progress-db", progress,
                    "--json")
    assert result.exit_code == 0, result.output
    assert result.json()["seed"] == shown["seed"]
    again = invoke("quiz", "show", "cnn-outsize-gen-001", "--progress-db", progress, "--json").json()
    assert again["seed"] != shown["seed"]  # a new review count gives new numbers


def test_global_db_stores_progress_when_given(invoke, mini_bank, tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    result = invoke("--db", url, "quiz", "answer", "t-epoch-numeric-002", "600", "--bank", mini_bank,
                    "--learner", "ann")
    assert result.exit_code == 0, result.output
    assert "t-epoch-numeric-002" in QuizStore(url).cards("ann")


def test_default_progress_db_is_per_user(invoke, mini_bank, tmp_path):
    result = invoke("quiz", "answer", "t-epoch-numeric-002", "600", "--bank", mini_bank)
    assert result.exit_code == 0, result.output
    assert list((tmp_path / "home").rglob("quiz.db"))
    assert not (tmp_path / "results").exists()  # the runs database is not created


def test_exercise_and_check(invoke, tmp_path, progress):
    stub = tmp_path / "mine.py"
    wrote = invoke("quiz", "exercise", "l2-penalty-001", "-o", stub)
    assert wrote.exit_code == 0 and stub.exists() and "dlbench quiz check l2-penalty-001" in wrote.output
    failed = invoke("quiz", "check", "l2-penalty-001", stub, "--progress-db", progress)
    assert failed.exit_code == 1 and "NotImplementedError" in failed.output
    assert "called:   l2_penalty(" in failed.output
    from .conftest import SHIPPED

    ok = invoke("quiz", "check", "l2-penalty-001", SHIPPED / "exercises/l2-penalty-001/reference.py",
                "--progress-db", progress, "--json")
    assert ok.exit_code == 0 and ok.json()["passed"]


def test_malformed_file_is_reported_and_the_session_goes_on(invoke, mini_bank, progress):
    (mini_bank / "day1" / "broken-001.toml").write_text('schema = 1\nid = "broken-001"\ntype = 3\n')
    result = _quiz(invoke, mini_bank, progress, "list")
    assert result.exit_code == 0 and "t-epoch-numeric-002" in result.stdout
    assert "broken-001.toml: type: error: expected a string, got int 3" in result.stderr


def test_lint_of_the_mini_bank_reports_path_and_field(invoke, mini_bank):
    (mini_bank / "day1" / "broken-001.toml").write_text('schema = 1\nid = "broken-001"\ntype = 3\n')
    result = invoke("quiz", "lint", mini_bank, "--no-exercises")
    assert result.exit_code == 1
    assert "broken-001.toml: type: error: expected a string, got int 3" in result.output


@pytest.mark.slow
def test_lint_passes_on_the_shipped_bank(invoke):
    """The CI gate: every question, generator and exercise of the shipped bank."""
    result = invoke("quiz", "lint", "--strict")
    assert result.exit_code == 0, result.output
    assert ": 0 errors, 0 warnings" in result.output


def test_a_plugin_registers_a_third_party_bank(invoke, mini_bank, tmp_path, progress):
    plugin = tmp_path / "mybank.py"
    plugin.write_text(
        "from dlbench import hookimpl\n\n"
        "@hookimpl\n"
        "def register_quiz_banks(register):\n"
        f"    register('mini', {str(mini_bank)!r}, summary={{'en': 'test bank', 'ja': 'テスト'}})\n")
    listed = invoke("-p", plugin, "quiz", "list", "--json")
    banks = {q["id"]: q["bank"] for q in listed.json()}
    assert banks["t-epoch-numeric-002"] == "mini" and banks["bn-mc-001"] == "course"
    only = invoke("-p", plugin, "quiz", "list", "--bank", "mini", "--json").json()
    assert {q["bank"] for q in only} == {"mini"}
    checked = invoke("-p", plugin, "check", "quiz-bank", "mini")
    assert checked.exit_code == 0, checked.output
    (mini_bank / "day1" / "broken-001.toml").write_text('schema = 1\nid = "broken-001"\n')
    checked = invoke("-p", plugin, "check", "quiz-bank", "mini")
    assert checked.exit_code == 1 and "broken-001.toml" in checked.output


def test_an_exercise_inside_a_session(invoke, progress):
    from .conftest import SHIPPED

    reference = SHIPPED / "exercises/l2-penalty-001/reference.py"
    result = invoke("quiz", "--type", "implementation", "--topic", "reg.l2", "--progress-db",
                    progress, "--lang", "en", input=f"{reference}\n")
    assert result.exit_code == 0, result.output
    assert "checks, passed" in result.output and "\n1/1 right.\n" in result.output
    assert "[Good]" in result.output


def test_closed_input_at_the_stored_run_offer_ends_the_session_cleanly(invoke, tmp_path):
    from dlbench.storage import RunStore

    runs = f"sqlite:///{tmp_path / 'runs.db'}"
    with RunStore(runs, create=True) as store:
        rid = store.add_run(task="vanishing-gradients", config={}, config_hash="h",
                            status="finished", choices={"activation": "sigmoid"}, seed=0,
                            summary={"grad_ratio": 1e-8})
    result = invoke("--db", runs, "quiz", "--topic", "act.sigmoid", "-n", "1", "--in-order",
                    "--lang", "en", "--progress-db", f"sqlite:///{tmp_path / 'p.db'}",
                    input="1\n")
    assert result.exit_code == 0, result.output
    assert f"Show stored run #{rid}" in result.output and "Aborted" not in result.output


def test_quitting_after_two_of_five_gives_counts_that_add_up(invoke, mini_bank, progress):
    result = _quiz(invoke, mini_bank, progress, "--in-order", "-n", "5", "--lang", "en",
                   input="backprop\nchain rule\nq\n")
    assert result.exit_code == 0, result.output
    assert "\n2/2 answered right (3 not answered).\n" in result.output
    fresh = progress.replace("progress.db", "fresh.db")
    skipped = _quiz(invoke, mini_bank, fresh, "--in-order", "-n", "5", "--lang", "ja",
                    input="s\n連鎖律\nq\n")
    assert "回答した 1 問中 1 問正解(スキップ 1 問、未回答 3 問)。" in skipped.output


@pytest.mark.parametrize("option, wrong, suggestion", [
    ("--section", "day3", "did you mean 'day2' or 'day1'"),
    ("--topic", "opt.adma", "did you mean 'opt.adam'"),
])
def test_unknown_section_or_topic_is_a_usage_error_with_a_suggestion(invoke, progress, option,
                                                                     wrong, suggestion):
    result = invoke("quiz", option, wrong, "--progress-db", progress)
    assert result.exit_code == 2
    assert f"Error: unknown {option[2:]} {wrong!r}; {suggestion}" in result.output
    listed = invoke("quiz", "list", option, wrong)
    assert listed.exit_code == 2 and suggestion in listed.output
    assert invoke("quiz", option, option == "--topic" and "opt" or "day2", "-n", "1",
                  "--progress-db", progress, input="q\n").exit_code == 0  # areas still work


def test_the_terminal_shows_math_as_unicode(invoke, progress):
    result = invoke("quiz", "answer", "reg-sparse-tf-001", "false", "--lang", "en", "--no-record")
    assert result.exit_code == 0, result.output
    assert "β∑ⱼ KL(ρ‖ρ̂ⱼ)" in result.output and "$" not in result.output
    shown = invoke("quiz", "show", "init-he-num-002", "--lang", "en", "--progress-db", progress)
    assert "√" in shown.output and "\\sqrt" not in shown.output and "$" not in shown.output
    as_json = invoke("quiz", "show", "init-he-num-002", "--json", "--progress-db", progress)
    assert "\\sqrt" in as_json.json()["prompt_tex"] and "\\sqrt" not in as_json.json()["prompt"]
