"""kind -> conformance check. Kinds without an entry get the metadata check only.

Each kind's checks live in their own module; add a kind here when its checks exist.
"""

from __future__ import annotations

from collections.abc import Callable

from ..arch.check import check_architecture
from ..plugin_registry import Entry
from ..quiz.lint import check_quiz_bank
from .core import CheckResult
from .datasets import check_dataset, check_task
from .initializers import check_initializer
from .modules import check_loss, check_module
from .optimizers import check_optimizer
from .regularizers import check_regularizer
from .schedulers import check_scheduler

CHECKS: dict[str, Callable[[Entry], list[CheckResult]]] = {
    "dataset": check_dataset,
    "task": check_task,
    "activation": check_module,
    "layer": lambda e: check_module(e, default_shape=(4, 5), default_range=(-1.0, 1.0)),
    "loss": check_loss,
    "optimizer": check_optimizer,
    "initializer": check_initializer,
    "regularizer": check_regularizer,
    "scheduler": check_scheduler,
    "architecture": check_architecture,
    "quiz-bank": check_quiz_bank,
}
