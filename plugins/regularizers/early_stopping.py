"""Early stopping: end training once the validation metric stops improving.

``should_stop(history)`` is called after every epoch with the lists ``history["val_loss"]``
/ ``history["val_acc"]`` (one entry per epoch). The validation split is the data set's
own, drawn outside the training samples; the test split is never looked at (the monitor
can only be ``val_loss`` or ``val_acc``).
"""

from __future__ import annotations

import math

from dlbench.errors import HyperparameterError, UsageError, check_range

MONITORS = {"val_loss": "min", "val_acc": "max"}


class EarlyStopping:
    """Stop when the monitored value has not improved by more than ``min_delta`` for
    ``patience`` epochs in a row (PyTorch Lightning's ``EarlyStopping`` rule).

    An epoch improves on the best so far when ``value < best − min_delta`` (``val_loss``)
    or ``value > best + min_delta`` (``val_acc``); a NaN never improves. After each call
    :attr:`best_epoch` (1-based) and :attr:`best_value` say where the best was.

    :param patience: epochs without improvement before stopping, ≥ 1; default 3 (Lightning).
    :param min_delta: smallest change that counts as an improvement, ≥ 0; default 0.
    :param monitor: ``"val_loss"`` (default) or ``"val_acc"``.
    """

    def __init__(self, patience: int = 3, min_delta: float = 0.0, monitor: str = "val_loss"):
        self.patience = int(check_range("patience", patience, low=1))
        self.min_delta = float(check_range("min_delta", min_delta, low=0))
        if monitor not in MONITORS:
            raise HyperparameterError(f"monitor must be one of {tuple(MONITORS)} (a validation "
                                      f"metric, never the test set), got {monitor!r}")
        self.monitor = monitor
        self.best_epoch: int | None = None
        self.best_value: float | None = None

    def should_stop(self, history: dict[str, list]) -> bool:
        if self.monitor not in history:
            raise UsageError(f"early stopping monitors {self.monitor!r}, but the training "
                             f"history has only {sorted(history)}: is there a validation split?")
        sign = 1.0 if MONITORS[self.monitor] == "min" else -1.0
        best, best_epoch = math.inf, 0
        for epoch, value in enumerate(history[self.monitor], start=1):
            score = sign * float(value)  # lower is better
            if score < best - self.min_delta:  # False for NaN
                best, best_epoch = score, epoch
        self.best_epoch = best_epoch or None
        self.best_value = sign * best if best_epoch else None
        epochs = len(history[self.monitor])
        return epochs - best_epoch >= self.patience

    def __repr__(self) -> str:
        return (f"EarlyStopping(patience={self.patience}, min_delta={self.min_delta:g}, "
                f"monitor={self.monitor!r})")
