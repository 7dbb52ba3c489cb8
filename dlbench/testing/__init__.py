"""The plugin authors' kit: the conformance checks ``dlbench check`` runs, for your tests.

>>> from dlbench.testing import check_entry
>>> reg = dlbench.registry()
>>> results = check_entry(reg.entry("optimizer", "my-optimizer"), registry=reg)
>>> assert not [r for r in results if r.failed]

A pytest plugin (``dlbench.testing.pytest_plugin``, installed with dlbench) provides the
``dlbench_registry`` and ``dlbench_check`` fixtures.

The names below are imported on first use (PEP 562): pytest loads the plugin module,
and with it this package, in *every* project of an environment where dlbench is
installed, so importing the package must not import the checks (which pull in
``dlbench.arch``, ``dlbench.quiz`` and their dependencies).
"""

from __future__ import annotations

import importlib

#: public name -> the submodule that defines it
_WHERE = {
    "CHECKS": "registry_of_checks",
    "check_entry": "registry_of_checks",
    "CheckResult": "core",
    "Checker": "core",
    "ConformanceFailure": "core",
    "require": "core",
    "check_architecture": "architectures",
    "check_dataset": "datasets",
    "check_task": "datasets",
    "check_initializer": "initializers",
    "check_loss": "modules",
    "check_module": "modules",
    "QUADRATIC_START": "optimizers",
    "check_optimizer": "optimizers",
    "quadratic_loss_and_grad": "optimizers",
    "run_optimizer": "optimizers",
    "check_quiz_bank": "quiz_banks",
    "check_regularizer": "regularizers",
    "check_scheduler": "schedulers",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'dlbench.testing' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
