"""Set up each worker process of the LocalCluster that ``--executor dask`` starts (Dask
imports this module in the worker and calls :func:`dask_setup` before it takes a task).

Ctrl-C in a terminal sends SIGINT to the whole foreground process group: ``dlbench run``
and the worker processes it started. The coordinator handles it (cancels the futures,
marks in-flight runs ``interrupted``, closes the cluster, which ends the workers); a
worker that also took it would die with a ``KeyboardInterrupt`` traceback on the user's
terminal. So the workers ignore SIGINT, as the process pool's workers do.
"""

from __future__ import annotations

import signal
import threading


def dask_setup(worker) -> None:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
