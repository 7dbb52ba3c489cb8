"""Plugin choices as typed on the command line, and typed task settings."""

from __future__ import annotations

import pytest

from dlbench.bench.choices import Choice, parse_choice, parse_choice_list, split_choices
from dlbench.errors import UsageError


def test_parse_choice_with_literal_kwargs():
    assert parse_choice("normal(std=0.01)") == Choice("normal", {"std": 0.01})
    assert parse_choice("adam(betas=(0.9, 0.99), lr=1e-2)").kwargs == {"betas": (0.9, 0.99), "lr": 0.01}
    assert str(parse_choice("adam(lr=0.1)")) == "adam(lr=0.1)"


@pytest.mark.parametrize("bad", ["Adam", "adam(0.1)", "adam(lr=foo)", "adam(lr=", "a b"])
def test_bad_choices_are_usage_errors(bad):
    with pytest.raises(UsageError):
        parse_choice(bad)


def test_split_respects_parentheses_and_dedupes():
    assert split_choices("sgd,adam(lr=1, eps=2),he") == ["sgd", "adam(lr=1, eps=2)", "he"]
    assert [str(c) for c in parse_choice_list(["sgd,adam", "sgd"])] == ["sgd", "adam"]


def test_set_values_are_typed_and_unknown_keys_name_the_valid_ones():
    import dlbench

    task = dlbench.registry().get("task", "convergence")
    values = task.parse_set(["iterations=200", "lr_grid=[0.1, 1]", "target_loss=1", "book_lr=false"])
    assert values == {"iterations": 200, "lr_grid": [0.1, 1], "target_loss": 1.0, "book_lr": False}
    with pytest.raises(UsageError, match="no setting 'iteratons'; valid keys: .*iterations"):
        task.parse_set(["iteratons=3"])
    with pytest.raises(UsageError, match="expected int"):
        task.parse_set(["iterations=[1]"])
