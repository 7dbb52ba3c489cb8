"""The exceptions dlbench raises on purpose.

Library code raises these; only ``dlbench.cli`` turns them into exit statuses:
a :class:`UsageError` exits with 2 (the user asked for something that does not exist
or is malformed), every other :class:`DlbenchError` exits with 1 (something that was
asked for properly failed). Any other exception is a bug and keeps its traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class DlbenchError(Exception):
    """Base class of every error dlbench reports to the user in one line."""

    exit_code = 1


class UsageError(DlbenchError):
    """The request itself is wrong: unknown name, bad value, missing file (exit 2)."""

    exit_code = 2


class UnknownNameError(UsageError, KeyError):
    """A plugin kind or name that is not registered, with the closest names suggested."""

    def __init__(self, what: str, name: str, known: Iterable[str]):
        self.what, self.name, self.known = what, name, sorted(known)
        close = difflib.get_close_matches(name, self.known, n=3, cutoff=0.6)
        message = f"unknown {what} {name!r}"
        if close:
            message += "; did you mean " + " or ".join(repr(c) for c in close) + "?"
        elif self.known:
            message += "; known: " + ", ".join(self.known)
        super().__init__(message)

    def __str__(self) -> str:  # KeyError would otherwise repr() the message
        return self.args[0]


class DuplicateNameError(DlbenchError):
    """Two plugins registered the same name for the same kind."""


class HyperparameterError(UsageError, ValueError):
    """A hyperparameter outside its valid range, or one the plugin does not take."""


class PluginError(DlbenchError):
    """A plugin could not be loaded or broke its contract."""


class StorageError(DlbenchError):
    """The result database cannot be opened, is corrupt, locked or too new."""


class DataError(DlbenchError):
    """A data set is missing, has the wrong checksum or cannot be parsed."""


def check_range(name: str, value, *, low=None, high=None, low_open=False, high_open=False):
    """Return ``value`` if it lies in the range, else raise :class:`HyperparameterError`.

    The message names the parameter and the valid range in interval notation, e.g.
    ``lr must be in [0, inf), got -0.1``.
    """
    ok = True
    if low is not None:
        ok = ok and (value > low if low_open else value >= low)
    if high is not None:
        ok = ok and (value < high if high_open else value <= high)
    if not ok:
        left = "(" if (low_open or low is None) else "["
        right = ")" if (high_open or high is None) else "]"
        lo = "-inf" if low is None else f"{low:g}"
        hi = "inf" if high is None else f"{high:g}"
        raise HyperparameterError(f"{name} must be in {left}{lo}, {hi}{right}, got {value!r}")
    return value


#: Public: every error class defined above (plugins raise them) and ``check_range``.
#: Computed, so an error class added above is public without a second edit.
__all__ = sorted([name for name, value in list(globals().items())
                  if isinstance(value, type) and issubclass(value, DlbenchError)]
                 + ["check_range"])
