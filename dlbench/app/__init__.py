"""The application layer: what the command line and the Python API both call.

- :mod:`dlbench.app.runs`: :class:`RunService`, plan -> claim -> execute -> store.
- :mod:`dlbench.app.signals`: SIGTERM / SIGHUP handled like Ctrl-C.
- :func:`run` is ``dlbench.run(...)``; the CLI's ``dlbench run`` builds the same service.

Layers below never reach up here: ``bench/`` knows tasks, plans and executors but no
storage; ``storage/`` knows rows; this package wires them together.
"""

from __future__ import annotations

import os

from ..errors import UsageError
from .runs import NullListener, Outcome, RunInterrupted, RunService

__all__ = ["NullListener", "Outcome", "RunInterrupted", "RunService", "make_executor",
           "max_workers", "run"]


def max_workers() -> int:
    """CPUs this process may use (the affinity mask, not just the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def make_executor(workers: int, context, *, oversubscribe: bool = False, kind: str = "pool",
                  scheduler: str | None = None):
    """The executor ``dlbench run`` sends its runs to.

    ``kind="pool"``: a :class:`~dlbench.bench.executors.WorkerPool` of ``workers``
    processes on this machine, capped at the CPUs unless ``oversubscribe`` (1,000
    processes on 2 cores help nobody). ``kind="dask"``: a
    :class:`~dlbench.bench.dask_executor.DaskExecutor` (a LocalCluster of ``workers``
    single-threaded processes, or the cluster behind ``scheduler``, ``tcp://HOST:PORT``),
    from the optional extra ``dlbench[dask]``.
    """
    if kind == "dask":
        try:
            from ..bench.dask_executor import DaskExecutor
        except ImportError as exc:
            raise UsageError(f"--executor dask needs the dask extra ({exc}); install "
                             "dlbench[dask]") from None
        return DaskExecutor(workers, context, scheduler=scheduler)
    if kind != "pool":
        raise UsageError(f"unknown executor {kind!r}; use 'pool' or 'dask'")
    if scheduler is not None:
        raise UsageError("--scheduler needs --executor dask")
    from ..bench.executors import WorkerPool

    cpus = max_workers()
    if workers > cpus and not oversubscribe:
        raise UsageError(f"--workers {workers} is more than the {cpus} CPU(s) here; use "
                         f"--workers {cpus} or add --oversubscribe")
    return WorkerPool(workers, context)


def run(task: str, *, preset: str = "quick", seeds: int | None = None, seed: int | None = None,
        db: str | None = None, workers: int = 1, force: bool = False,
        settings: dict | None = None, plugins=(), plugins_dir=None, data_dir=None,
        registry=None, **choices):
    """Run a task from Python and return its :class:`Outcome` s (results kept in memory).

    >>> out = dlbench.run("convergence", optimizer=["sgd", "adam"], seeds=3)
    >>> [(o.spec.choices, o.summary["steps_to_target"]) for o in out]

    :param choices: kind -> a choice or list of choices (``optimizer=["sgd", "adam"]``).
    :param db: store in this database (SQLAlchemy URL); without it nothing is stored.
    :param workers: 1 runs in this process (with the given ``registry``); more use a
        pool of worker processes that rebuild the registry from ``plugins``.
    """
    from ..bench.executors import PluginContext, SerialExecutor
    from ..bench.spec import plan
    from ..pluginmanager import default_host, load_plugins

    reg, notify = registry, None
    if reg is None:
        host = load_plugins(plugins, plugins_dir) if (plugins or plugins_dir) else default_host()
        reg, notify = host.registry, host.notify
    if seeds is not None and seeds < 1:
        raise UsageError(f"seeds must be at least 1, got {seeds}")
    if seed is not None and seed < 0:
        raise UsageError(f"seed must be non-negative, got {seed}")
    seed_list = [seed] if seed is not None else (list(range(seeds)) if seeds else None)
    normalized = {k: ([v] if isinstance(v, str) else list(v)) for k, v in choices.items()}
    specs = plan(reg, task, preset=preset, choices=normalized, seeds=seed_list,
                 overrides=settings, data_dir=data_dir)
    context = PluginContext(tuple(plugins), str(plugins_dir) if plugins_dir else None,
                            str(data_dir) if data_dir else None)
    executor = make_executor(workers, context) if workers > 1 else SerialExecutor(reg, context)
    store = None
    if db is not None:
        from ..storage import RunStore

        store = RunStore(db, create=True)
    try:
        return RunService(store, notify=notify).execute(
            specs, executor, force=force, keep_results=True)
    finally:
        if store is not None:
            store.close()
