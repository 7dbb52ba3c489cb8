"""``check_entry`` and the checks that need a registry: passed explicitly, never global."""

from __future__ import annotations

import dlbench
from dlbench.plugin_registry import Entry
from dlbench.testing import check_dataset, check_entry


class Broken:
    def load(self, rng=None):
        return 1 / 0


def test_a_dataset_whose_loader_has_a_bug_fails_with_the_error_not_a_crash():
    [result] = check_dataset(Entry("dataset", "broken", Broken, "test"))
    assert result.prop == "load" and result.status == "fail"
    assert result.detail.startswith("ZeroDivisionError: division by zero at test_checks.py:")


def test_a_task_is_run_through_the_registry_given_and_skipped_without_one():
    reg = dlbench.registry()
    entry = reg.entry("task", "convergence")
    [skipped] = [r for r in check_entry(entry) if r.prop == "test-preset"]
    assert skipped.status == "skip" and "no registry" in skipped.detail
    [ran] = [r for r in check_entry(entry, registry=reg) if r.prop == "test-preset"]
    assert ran.status == "pass", ran.detail
