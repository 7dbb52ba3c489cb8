"""SIGTERM and SIGHUP handled like Ctrl-C, so a killed ``dlbench run`` loses nothing.

Inside :func:`interrupt_on_signals`, SIGTERM (``kill``, a CI timeout) and SIGHUP (a
closed terminal) raise :class:`Interrupted`, a ``KeyboardInterrupt``: the run service
marks the runs in flight ``interrupted`` and stops its workers, exactly as for Ctrl-C.
The command exits with 128 + the signal number (143 for SIGTERM, 129 for SIGHUP).
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager


class Interrupted(KeyboardInterrupt):
    """A termination signal turned into an interrupt; ``signum`` says which."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def exit_status(exc: BaseException) -> int:
    """128 + the signal number: 130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP."""
    return 128 + (getattr(exc, "signum", None) or signal.SIGINT)


@contextmanager
def interrupt_on_signals(signals=(signal.SIGTERM, signal.SIGHUP)):
    """Turn ``signals`` into :class:`Interrupted` in the main thread (elsewhere: no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, _frame):
        raise Interrupted(signum)

    previous = {s: signal.signal(s, handler) for s in signals}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)
