"""``dlbench.run(...)``: the runner from Python (a notebook), with the CLI's semantics."""

from __future__ import annotations

from ..errors import UsageError
from .executors import PluginContext, PoolExecutor, SerialExecutor
from .runner import Runner
from .spec import plan


def run(task: str, *, preset: str = "quick", seeds: int | None = None, seed: int | None = None,
        db: str | None = None, workers: int = 1, force: bool = False, settings: dict | None = None,
        plugins=(), plugins_dir=None, data_dir=None, registry=None, **choices):
    """Run a task and return its outcomes (``Outcome`` objects, results kept in memory).

    >>> out = dlbench.run("convergence", optimizer=["sgd", "adam"], seeds=3)
    >>> [(o.spec.choices, o.summary["steps_to_target"]) for o in out]

    :param choices: kind -> a choice or list of choices (``optimizer=["sgd", "adam"]``).
    :param db: store in this database (SQLAlchemy URL); without it nothing is stored.
    """
    from .. import registry as get_registry

    reg = registry
    if reg is None:
        reg = get_registry(plugins=plugins, plugins_dir=plugins_dir) if (plugins or plugins_dir) \
            else get_registry()
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
    executor = PoolExecutor(workers, context) if workers > 1 else SerialExecutor(reg, context)
    store = None
    if db is not None:
        from ..storage import ResultStore

        store = ResultStore(db)
    try:
        return Runner(reg, store, executor, force=force, keep_results=True).run(specs)
    finally:
        if store is not None:
            store.close()
