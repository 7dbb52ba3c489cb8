"""Loading and linting banks: malformed files are reported with path and field while the
rest loads; every lint rule catches what it is meant to."""

from __future__ import annotations

from pathlib import Path

from dlbench.quiz import load_bank
from dlbench.quiz.lint import KNOWN_TASKS, lint

from .conftest import MINI, SHIPPED, write_bank


def _lint(folder: Path, **kw):
    return lint([("t", folder)], context=[("course", SHIPPED)], run_exercises=False, **kw)


def _messages(report):
    return [(Path(p.path).name, p.field, p.message) for p in report.errors()]


def test_the_mini_bank_is_clean(mini_bank):
    report = _lint(mini_bank)
    assert report.errors() == [] and len(report.bank.questions) == len(MINI)


def test_malformed_files_are_reported_and_the_others_still_load(tmp_path):
    files = dict(MINI)
    files["day1/broken-syntax-001.toml"] = 'schema = 1\nid = "broken-syntax-001\n'
    files["day1/missing-en-001.toml"] = MINI["day1/t-epoch-numeric-002.toml"].replace(
        't-epoch-numeric-002', 'missing-en-001').replace(
        'en = "With 60000 training samples and batch size 100, how many updates make an epoch?"', '')
    files["day1/bad-type-001.toml"] = MINI["day1/t-epoch-numeric-002.toml"].replace(
        't-epoch-numeric-002', 'bad-type-001').replace('difficulty = 1', 'difficulty = "easy"')
    bank = load_bank([("t", write_bank(tmp_path / "b", files))], context=[("course", SHIPPED)])
    assert set(bank.questions) == {Path(k).stem for k in MINI}  # the good ones all loaded
    problems = {(Path(p.path).name, p.field): p.message for p in bank.errors()}
    syntax = problems[("broken-syntax-001.toml", None)]
    assert "TOML syntax error" in syntax and "line 2" in syntax
    assert "both ja and en" in problems[("missing-en-001.toml", "prompt.en")]
    assert "expected an integer, got str 'easy'" in problems[("bad-type-001.toml", "difficulty")]


def test_id_must_equal_the_file_stem_and_be_unique(tmp_path):
    files = {"a/x-001.toml": MINI["day1/t-epoch-numeric-002.toml"].replace("t-epoch-numeric-002", "x-002"),
             "a/t-epoch-numeric-002.toml": MINI["day1/t-epoch-numeric-002.toml"],
             "b/t-epoch-numeric-002.toml": MINI["day1/t-epoch-numeric-002.toml"]}
    msgs = _messages(_lint(write_bank(tmp_path / "b", files)))
    assert ("x-001.toml", "id", "'x-002' differs from the file name 'x-001'; ids are stable and "
            "equal the file name") in msgs
    assert any(f == "id" and "duplicate id 't-epoch-numeric-002'" in m for _, f, m in msgs)


def test_unknown_fields_suggest_the_right_name(tmp_path):
    text = MINI["day1/t-epoch-numeric-002.toml"].replace("[explanation]", "[explenation]")
    msgs = _messages(_lint(write_bank(tmp_path / "b", {"t-epoch-numeric-002.toml": text})))
    assert ("t-epoch-numeric-002.toml", "explenation", "unknown field; did you mean 'explanation'?") in msgs
    assert ("t-epoch-numeric-002.toml", "explanation", "required field is missing") in msgs


def test_control_characters_are_rejected(tmp_path):
    text = MINI["day1/t-epoch-numeric-002.toml"].replace(
        'en = "60000 / 100 = 600."', 'en = "60000 / 100\\f= 600."')
    msgs = _messages(_lint(write_bank(tmp_path / "b", {"t-epoch-numeric-002.toml": text})))
    assert any(f == "explanation.en" and "U+000C" in m for _, f, m in msgs)


def test_choice_rules(tmp_path):
    text = MINI["day2/t-pool-choice-006.toml"].replace("correct = false", "correct = true")
    msgs = _messages(_lint(write_bank(tmp_path / "b", {"t-pool-choice-006.toml": text})))
    assert ("t-pool-choice-006.toml", "choices", "single_choice needs exactly one correct choice, got 2") in msgs
    text = MINI["day2/t-pool-choice-006.toml"].replace('id = "b"', 'id = "a"')
    msgs = _messages(_lint(write_bank(tmp_path / "c", {"t-pool-choice-006.toml": text})))
    assert ("t-pool-choice-006.toml", "choices[1].id", "duplicate choice id 'a'") in msgs


def test_misconceptions_topics_and_tasks_must_resolve(tmp_path):
    text = (MINI["day2/t-pool-choice-006.toml"]
            .replace('"pooling-has-weights"', '"pooling-is-magic"')
            .replace('topics = ["cnn.pooling"]', 'topics = ["cnn.pooling", "cnn.nothing"]')
            .replace('benchmarks = ["architectures"]', 'benchmarks = ["architecturez"]'))
    msgs = _messages(_lint(write_bank(tmp_path / "b", {"t-pool-choice-006.toml": text})))
    fields = {f: m for _, f, m in msgs}
    assert "unknown misconception 'pooling-is-magic'" in fields["choices[1].misconception"]
    assert "unknown topic 'cnn.nothing'" in fields["topics[1]"]
    assert "unknown task 'architecturez'" in fields["benchmarks[0]"]


def test_planned_task_names_are_accepted_and_a_demonstrated_topic_needs_one(tmp_path):
    assert "degradation" in KNOWN_TASKS
    text = MINI["day2/t-pool-choice-006.toml"].replace('benchmarks = ["architectures"]\n', "")
    msgs = _messages(_lint(write_bank(tmp_path / "b", {"t-pool-choice-006.toml": text})))
    assert any(f == "benchmarks" and 'add benchmarks = ["architectures"]' in m for _, f, m in msgs)


def test_numeric_answers_must_be_typeable(tmp_path):
    text = MINI["day1/t-sigmoid-numeric-001.toml"].replace("value = 0.25", "value = 0.8455347349164652")
    msgs = _messages(_lint(write_bank(tmp_path / "b", {"t-sigmoid-numeric-001.toml": text})))
    assert any(f == "answer" and "set abs_tol or rel_tol" in m for _, f, m in msgs)
    text = MINI["day1/t-epoch-numeric-002.toml"].replace("value = 600", "value = 600.5")
    msgs = _messages(_lint(write_bank(tmp_path / "c", {"t-epoch-numeric-002.toml": text})))
    assert ("t-epoch-numeric-002.toml", "answer.value",
            'kind = "integer" but value 600.5 is not an integer') in msgs


GENERATED = '''
schema = 1
id = "t-gen-007"
type = "generated"
topics = ["cnn.padding"]
difficulty = 1
benchmarks = ["architectures"]
generator = "dlbench.quiz.generators:conv_output_size"
[answer]
kind = "integer"
[prompt]
ja = "H = {{ h }}, K = {{ k }}, S = {{ s }}, P = {{ p }}。出力は?"
en = "H = {{ h }}, K = {{ k }}, S = {{ s }}, P = {{ p }}. {{ colour }} output?"
[explanation]
ja = "= {{ answer }}"
en = "= {{ answer }}"
'''


def test_generated_placeholders_must_be_filled(tmp_path):
    msgs = _messages(_lint(write_bank(tmp_path / "b", {"t-gen-007.toml": GENERATED}), seeds=3))
    assert any(f == "prompt.en" and "{{ colour }} is not produced by" in m for _, f, m in msgs)


def test_braces_only_in_generated_texts(tmp_path):
    text = MINI["day1/t-epoch-numeric-002.toml"].replace('en = "60000 / 100 = 600."', 'en = "{{ n }}"')
    msgs = _messages(_lint(write_bank(tmp_path / "b", {"t-epoch-numeric-002.toml": text})))
    assert any(f == "explanation.en" and "only in a generated" in m for _, f, m in msgs)


def test_broken_and_non_deterministic_generators_are_caught(tmp_path, monkeypatch):
    import dlbench.quiz.generators as gens

    calls = iter(range(1000))
    monkeypatch.setattr(gens, "flaky", lambda rng: {"params": {}, "answer": next(calls)},
                        raising=False)
    text = GENERATED.replace("conv_output_size", "flaky").replace("{{ colour }} ", "")
    msgs = _messages(_lint(write_bank(tmp_path / "b", {"t-gen-007.toml": text}), seeds=2))
    assert any(f == "generator" and "not deterministic" in m for _, f, m in msgs)
    text = GENERATED.replace("conv_output_size", "does_not_exist").replace("{{ colour }} ", "")
    msgs = _messages(_lint(write_bank(tmp_path / "c", {"t-gen-007.toml": text}), seeds=2))
    assert any(f == "generator" and "cannot be loaded" in m for _, f, m in msgs)


def test_card_id_collisions_are_caught(mini_bank, monkeypatch):
    import dlbench.quiz.lint as lint_module

    monkeypatch.setattr(lint_module, "card_id", lambda qid: 42)
    assert any("collides" in p.message for p in _lint(mini_bank).errors())


def test_coverage_gate(mini_bank):
    report = _lint(mini_bank, min_per_topic=1)
    assert any(p.field == "topics.arch.vgg" and "has 0 question" in p.message for p in report.errors())


def _deep_and_infinite(root: Path) -> Path:
    """The mini bank plus a 100,000-deep array, an ``inf`` integer answer, a file too large
    and a near miss whose value would spin a naive parser (issue 11 item 4)."""
    files = dict(MINI)
    files["day1/deep-array-001.toml"] = ('schema = 1\nid = "deep-array-001"\nx = '
                                         + "[" * 100_000 + "]" * 100_000 + "\n")
    files["day1/inf-int-001.toml"] = MINI["day1/t-epoch-numeric-002.toml"].replace(
        "t-epoch-numeric-002", "inf-int-001").replace("value = 600", "value = inf")
    files["day1/huge-slip-001.toml"] = MINI["day1/t-sigmoid-numeric-001.toml"].replace(
        "t-sigmoid-numeric-001", "huge-slip-001").replace("value = 0.5", 'value = "1e99999999"')
    bank = write_bank(root, files)
    (bank / "day1" / "big-file-001.toml").write_text("# " + "x" * (2 << 20) + "\n")
    return bank


def test_one_bad_file_never_stops_the_others(tmp_path):
    report = _lint(_deep_and_infinite(tmp_path / "b"))
    assert set(report.bank.questions) == {Path(k).stem for k in MINI}
    problems = {name: (field, message) for name, field, message in _messages(report)}
    assert "nested too deeply" in problems["deep-array-001.toml"][1]
    assert problems["inf-int-001.toml"] == ("answer.value", "must be finite, got inf")
    assert "not a finite number" in problems["huge-slip-001.toml"][1]
    assert "file too large" in problems["big-file-001.toml"][1]
    assert len(report.errors()) == 4


def test_lint_and_list_report_bad_files_and_go_on(invoke, tmp_path):
    bank = _deep_and_infinite(tmp_path / "b")
    linted = invoke("quiz", "lint", "--no-exercises", bank, catch=False)
    assert linted.exit_code == 1
    assert "deep-array-001.toml: error: nested too deeply" in linted.output
    assert "inf-int-001.toml: answer.value: error: must be finite" in linted.output
    assert f"{len(MINI)} questions in {len(MINI) + 4} files" in linted.output
    listed = invoke("quiz", "list", "--bank", bank, "--json", catch=False)
    assert listed.exit_code == 0
    assert {row["id"] for row in listed.json()} == {Path(k).stem for k in MINI}


def test_an_exception_while_reading_one_question_is_that_files_problem(tmp_path, monkeypatch):
    from dlbench.quiz import bank as bank_module

    real = bank_module.parse_question

    def buggy(data, path, **kw):
        if path.stem == "t-epoch-numeric-002":
            raise KeyError("a bug met on strange input")
        return real(data, path, **kw)

    monkeypatch.setattr(bank_module, "parse_question", buggy)
    bank = load_bank([("t", write_bank(tmp_path / "b", MINI))], context=[("course", SHIPPED)])
    assert len(bank.questions) == len(MINI) - 1
    [problem] = bank.errors()
    assert problem.path.endswith("t-epoch-numeric-002.toml") and "KeyError" in problem.message


VANISHING = MINI["day1/t-sigmoid-numeric-001.toml"].replace(
    "value = 0.25", "value = 0.0009765625\nrel_tol = 0.01").replace(
    'ja = "σ\'(0) = 0.5 × 0.5 = 0.25。"', 'ja = "0.25⁵ = 1/1024 ≈ 0.001。"').replace(
    'en = "σ\'(0) = 0.5 × 0.5 = 0.25."', 'en = "0.25⁵ = 1/1024 ≈ 0.001."')


def test_a_tolerance_that_rejects_the_explanations_own_rounding_is_caught(tmp_path):
    """The vg-vanishing-num-001 bug: the explanation writes ≈ 0.001, rel_tol 0.01 rejects it."""
    msgs = _messages(_lint(write_bank(tmp_path / "b", {"day1/t-sigmoid-numeric-001.toml": VANISHING})))
    assert ("t-sigmoid-numeric-001.toml", "answer", "the tolerance rejects 0.001, the value "
            "0.000976562 rounded as the explanation writes it; widen abs_tol/rel_tol or write "
            "the value to the precision graded") in msgs
    wide = VANISHING.replace("rel_tol = 0.01", "rel_tol = 0.025")
    assert _messages(_lint(write_bank(tmp_path / "c", {"day1/t-sigmoid-numeric-001.toml": wide}))) == []


def test_a_tight_tolerance_must_be_stated_in_both_prompts(tmp_path):
    tight = MINI["day1/t-sigmoid-numeric-001.toml"].replace(
        "value = 0.25", "value = 1.875\nabs_tol = 0.001")  # rejects 1.88 (3 significant figures)
    msgs = _messages(_lint(write_bank(tmp_path / "b", {"day1/t-sigmoid-numeric-001.toml": tight})))
    assert {f for _, f, m in msgs if "rejects 1.88" in m} == {"prompt.ja", "prompt.en"}
    stated = tight.replace('導関数の最大値は?"', '導関数の最大値は?(正確な値で)"').replace(
        'derivative?"', 'derivative? Give the exact value."')
    assert _messages(_lint(write_bank(tmp_path / "c", {"day1/t-sigmoid-numeric-001.toml": stated}))) == []


def test_explained_roundings_follow_approximation_marks_only():
    from dlbench.quiz.lint import explained_roundings

    texts = [r"w = 0.5, then 1/1024 \approx 0.000977 (≈ 0.001, not ≈ 0.0010 or ≈ 0.01)",
             "約 0.00098。"]
    assert explained_roundings(0.0009765625, texts) == ["0.000977", "0.001", "0.00098"]
