"""Task settings: every field of every built-in task declares type, range and meaning;
planning refuses a value outside the range (before any run); the README lists them all.

The boundary tests are generated from the declarations themselves, so a setting added
later with a range is tested without editing this file.
"""

from __future__ import annotations

import dataclasses
import math
import typing
from pathlib import Path

import pytest

from dlbench.bench.settings_doc import (END, START, builtin_tasks, readme_section,
                                        setting_rows, settings_markdown)
from dlbench.bench.spec import plan
from dlbench.errors import UsageError
from dlbench.plugins.tasks import TASKS
from dlbench.pluginmanager import build_registry

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture(scope="module")
def reg():
    return build_registry(autoload=False)


def _declared(task):
    """(task, key, Setting, type hint, the value the test preset uses) of every setting."""
    hints = typing.get_type_hints(task.Config)
    preset = task.presets["test"].config
    for key, default, declared in task.settings():
        yield task, key, declared, hints[key], preset.get(key, default)


ALL = [row for task in TASKS for row in _declared(task)]


def _is_int(hint) -> bool:
    rest = [a for a in typing.get_args(hint) if a is not type(None)] or [hint]
    item = typing.get_args(rest[0])[0] if typing.get_origin(rest[0]) is list else rest[0]
    return item is int


def _below(declared, hint, value):
    """The value just below the declared lower bound, of the setting's own type: the
    bound itself when it is open; else one less (int) or the next float down."""
    low = declared.low
    if declared.low_open:
        bad = int(low) if _is_int(hint) else float(low)
    else:
        bad = int(low) - 1 if _is_int(hint) else math.nextafter(float(low), -math.inf)
    if typing.get_origin(hint) is list:  # the first item out of range, the rest as given
        return [bad, *list(value)[1:]]
    return bad


def _above(declared, hint, value):
    high = declared.high
    if declared.high_open:
        bad = int(high) if _is_int(hint) else float(high)
    else:
        bad = int(high) + 1 if _is_int(hint) else math.nextafter(float(high), math.inf)
    if typing.get_origin(hint) is list:
        return [bad, *list(value)[1:]]
    return bad


def _ids(rows):
    return [f"{task.name}:{key}" for task, key, *_ in rows]


def test_every_field_of_every_task_declares_an_exact_type_a_meaning_and_a_valid_default():
    assert {t.name for t in builtin_tasks()} == {t.name for t in TASKS}
    for task in TASKS:
        hints = typing.get_type_hints(task.Config)
        names = [f.name for f in dataclasses.fields(task.Config)]
        assert [key for key, _, _ in task.settings()] == names
        for key, default, declared in task.settings():
            assert declared is not None and declared.help, f"{task.name}.{key} is undeclared"
            hint = hints[key]
            assert hint is not typing.Any and hint is not list, f"{task.name}.{key}: {hint}"
            if typing.get_origin(hint) is list:
                assert typing.get_args(hint), f"{task.name}.{key}: list without item type"
        task.validate(task.Config())  # every default lies in its own declared range


LOWER = [row for row in ALL if row[2].low is not None]
UPPER = [row for row in ALL if row[2].high is not None]
SIZED = [row for row in ALL if row[2].min_len]
CHOSEN = [row for row in ALL if row[2].choices]


def test_the_ranges_cover_what_the_runs_divide_by_or_loop_over():
    """Sizes, counts and rates are bounded (the ZeroDivisionError and empty-grid runs of
    issue 10), not merely typed."""
    bounded = {(t.name, k) for t, k, *_ in LOWER}
    for name, key in [("convergence", "iterations"), ("convergence", "batch_size"),
                      ("convergence", "lr_grid"), ("convergence", "hidden"),
                      ("convergence", "target_loss"), ("convergence", "clip_norm"),
                      ("batch-norm", "scale_grid"), ("batch-norm", "n_train"),
                      ("hyperparameter-search", "trials"), ("hyperparameter-search", "top"),
                      ("architectures", "width"), ("degradation", "depth"),
                      ("trajectories", "eps"), ("vanishing-gradients", "hist_bins")]:
        assert (name, key) in bounded
    assert {(t.name, k) for t, k, *_ in SIZED} >= {
        ("convergence", "lr_grid"), ("convergence", "hidden"), ("batch-norm", "scale_grid")}
    assert ("convergence", "sampling") in {(t.name, k) for t, k, *_ in CHOSEN}


@pytest.mark.parametrize("task, key, declared, hint, value", LOWER, ids=_ids(LOWER))
def test_a_value_just_below_the_lower_bound_is_refused_by_plan(reg, task, key, declared,
                                                               hint, value):
    bad = _below(declared, hint, value)
    with pytest.raises(UsageError) as refused:
        plan(reg, task.name, preset="test", overrides={key: bad})
    message = str(refused.value)
    assert key in message and declared.describe() in message, message
    plan(reg, task.name, preset="test", overrides={key: value})  # the preset's own value passes


@pytest.mark.parametrize("task, key, declared, hint, value", UPPER, ids=_ids(UPPER))
def test_a_value_just_above_the_upper_bound_is_refused_by_plan(reg, task, key, declared,
                                                               hint, value):
    with pytest.raises(UsageError, match=key) as refused:
        plan(reg, task.name, preset="test", overrides={key: _above(declared, hint, value)})
    assert declared.describe() in str(refused.value)


@pytest.mark.parametrize("task, key, declared, hint, value", SIZED, ids=_ids(SIZED))
def test_a_list_shorter_than_declared_is_refused_by_plan(reg, task, key, declared, hint, value):
    with pytest.raises(UsageError, match=f"setting {key} needs at least {declared.min_len}"):
        plan(reg, task.name, preset="test", overrides={key: list(value)[:declared.min_len - 1]})


@pytest.mark.parametrize("task, key, declared, hint, value", CHOSEN, ids=_ids(CHOSEN))
def test_a_string_outside_its_choices_is_refused_by_plan(reg, task, key, declared, hint, value):
    with pytest.raises(UsageError, match=f"setting {key} must be one of"):
        plan(reg, task.name, preset="test", overrides={key: "no-such-value"})


def _is_float(hint) -> bool:
    rest = [a for a in typing.get_args(hint) if a is not type(None)] or [hint]
    item = typing.get_args(rest[0])[0] if typing.get_origin(rest[0]) is list else rest[0]
    return item is float


FLOATS = [row for row in ALL if _is_float(row[3])]


@pytest.mark.parametrize("task, key, declared, hint, value", FLOATS, ids=_ids(FLOATS))
def test_non_finite_numbers_are_refused_by_plan(reg, task, key, declared, hint, value):
    """``--set lr_grid=[1e999]`` reads as inf; no float setting means anything at ±inf/NaN."""
    for bad in (math.inf, -math.inf, math.nan):
        given = [bad, *list(value)[1:]] if typing.get_origin(hint) is list else bad
        with pytest.raises(UsageError, match=f"setting {key} "):
            plan(reg, task.name, preset="test", overrides={key: given})


def test_a_grid_over_a_typed_setting_is_checked_point_by_point(reg):
    """``--grid batch_size=0,32``: the invalid point fails the whole plan, before any run."""
    with pytest.raises(UsageError, match="setting batch_size must be ≥ 1, got 0"):
        plan(reg, "convergence", preset="test", choices={"batch_size": ["0,32"]})
    specs = plan(reg, "convergence", preset="test", choices={"batch_size": ["16,32"]})
    assert sorted({s.config["batch_size"] for s in specs}) == [16, 32]


def test_degradation_keeps_its_depth_rule_where_a_range_cannot_express_it(reg):
    with pytest.raises(UsageError, match=r"depth must be 6n \+ 2"):
        plan(reg, "degradation", preset="test", overrides={"depth": 9})
    with pytest.raises(UsageError, match=r"depth must be 6n \+ 2"):
        plan(reg, "degradation", preset="test", choices={"net": ["plain(depth=10)"]})


@pytest.mark.parametrize("task", TASKS, ids=[t.name for t in TASKS])
def test_every_preset_of_every_task_plans_without_error(reg, task):
    """Planning validates every grid point and loads the datasets; nothing runs."""
    for preset in task.presets:
        specs = plan(reg, task.name, preset=preset)
        assert specs, (task.name, preset)


def test_readme_lists_every_setting_exactly_as_declared():
    """The README's generated section is the declarations rendered now; when this fails,
    run ``python -m dlbench.bench.settings_doc README.md``."""
    text = README.read_text(encoding="utf-8")
    assert readme_section(text) == settings_markdown(builtin_tasks()).strip("\n"), (
        "README task settings differ from the declarations; run "
        "`python -m dlbench.bench.settings_doc README.md`")


def test_the_generated_markdown_has_a_row_per_setting_with_its_range():
    markdown = settings_markdown(TASKS)
    for task in TASKS:
        section = markdown.split(f"### `{task.name}`", 1)[1].split("### ", 1)[0]
        for row in setting_rows(task):
            assert f"| `{row['key']}` | " in section, (task.name, row["key"])
    assert "| `iterations` | `int` | `500` | ≥ 1 | training iterations" in markdown
    assert "| `clip_norm` | `float \\| None` | `None` | > 0 |" in markdown
    assert "| `sampling` | `str` | `book` | one of book, shuffle |" in markdown
    assert "| `optimizer` | `str` | `sgd` | a registered optimizer |" in markdown
    assert "`[1, 0.54117, 0.292864, …, 0.0001] (16 items)`" in markdown  # batch-norm scales


def test_rewriting_the_readme_section_replaces_only_that_section(tmp_path, monkeypatch):
    from dlbench.bench import settings_doc

    readme = tmp_path / "README.md"
    readme.write_text(f"# intro\n\n{START}\nstale\n{END}\n\n## after\n", encoding="utf-8")
    monkeypatch.setattr(settings_doc, "builtin_tasks", lambda: list(TASKS))
    assert settings_doc.rewrite_readme(readme) is True
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# intro\n\n") and text.endswith(f"{END}\n\n## after\n")
    assert "stale" not in text and readme_section(text) == settings_markdown(TASKS).strip("\n")
    assert settings_doc.rewrite_readme(readme) is False
