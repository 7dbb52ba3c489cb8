"""What a task talks to while it runs, and what a run produces.

:class:`Observer` collects scalar series and arrays in memory (the runner writes them in
batches afterwards, so storage never slows training), creates plugins for the task, and
loads datasets. :class:`RunResult` is what comes back: plain data, picklable, so a run
can execute in a worker process and be stored by the main one.
"""

from __future__ import annotations

import inspect
import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from .choices import parse_choice


def _accepts(factory, name: str) -> bool:
    try:
        params = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return False
    return name in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


class Diverged(Exception):
    """Raised by a task (or the training loop) when the loss becomes NaN or infinite.

    A divergence is a result, not a failure: the run is stored with status
    ``diverged`` and whatever it logged until then.
    """

    def __init__(self, step: int, key: str = "loss", value: float = math.nan,
                 summary: dict | None = None):
        super().__init__(f"{key} became {value} at step {step}")
        self.step, self.key, self.value = step, key, value
        self.summary = summary or {}


@dataclass
class RunResult:
    """Outcome of one run.

    :param status: ``finished`` | ``diverged`` | ``failed`` | ``interrupted``.
    :param summary: final scalars (``final_loss``, ``steps_to_target``...).
    :param series: key -> list of ``(step, value)``.
    :param artifacts: key -> ndarray (histograms, trajectories...).
    :param epochs: ``(epoch, {key: value})`` in order, for the ``epoch_finished`` hook.
    """

    status: str = "finished"
    summary: dict = field(default_factory=dict)
    series: dict = field(default_factory=dict)
    artifacts: dict = field(default_factory=dict)
    epochs: list = field(default_factory=list)
    error: str | None = None
    error_step: int | None = None
    duration_s: float | None = None
    notes: list = field(default_factory=list)

    def points(self) -> int:
        return sum(len(v) for v in self.series.values())


class Observer:
    """A running task's connection to dlbench (the third argument of ``Task.run``).

    :param registry: the plugin registry to create plugins from.
    :param datasets: a cache ``choice string -> Dataset`` shared by the runs of a process.
    :param on_epoch: called as ``on_epoch(epoch, metrics)`` for live observer hooks.
    """

    def __init__(self, registry, *, datasets=None, on_epoch=None, data_dir=None):
        self.registry = registry
        self.series: dict[str, list] = defaultdict(list)
        self.artifacts: dict[str, np.ndarray] = {}
        self.epochs: list = []
        self.notes: list[str] = []
        self.step: int | None = None
        self._datasets = datasets if datasets is not None else {}
        self._on_epoch = on_epoch
        self.data_dir = data_dir

    # -- recording ---------------------------------------------------------------------
    def log(self, key: str, step: int, value) -> None:
        """Append one point to the scalar series ``key`` (NaN and inf are kept)."""
        self.step = int(step)
        self.series[key].append((int(step), float(value)))

    def artifact(self, key: str, array) -> None:
        """Keep a named numeric array (stored in its own table, exact dtype and shape)."""
        self.artifacts[key] = np.array(array, copy=True)

    def epoch(self, epoch: int, step: int | None = None, **metrics) -> None:
        """Log each metric at ``step`` (default: ``epoch``) and signal ``epoch_finished``
        with the 1-based ``epoch`` (evaluation) number."""
        for key, value in metrics.items():
            self.log(key, epoch if step is None else step, value)
        self.epochs.append((int(epoch), {k: float(v) for k, v in metrics.items()}))
        if self._on_epoch is not None:
            self._on_epoch(int(epoch), dict(self.epochs[-1][1]))

    def note(self, text: str) -> None:
        """A remark stored with the run (e.g. which fallback was used)."""
        if text not in self.notes:
            self.notes.append(text)

    # -- plugins and data --------------------------------------------------------------
    def create(self, kind: str, choice, *args, rng=None, context: dict | None = None,
               **overrides):
        """Instantiate a plugin from a choice (``"adam"``, ``"normal(std=0.01)"``).

        ``overrides`` take precedence over the choice's own arguments. ``rng`` and the
        ``context`` entries (e.g. ``num_classes``) are passed only to plugins whose
        constructor takes them and only when the choice did not set them, so that all
        randomness of a run comes from its seed and label smoothing knows the classes.
        """
        c = parse_choice(choice)
        kwargs = {**c.kwargs, **overrides}
        factory = self.registry.get(kind, c.name)
        for key, value in {"rng": rng, **(context or {})}.items():
            if value is not None and _accepts(factory, key):
                kwargs.setdefault(key, value)
        return self.registry.create(kind, c.name, *args, **kwargs)

    def dataset(self, choice):
        """Load (once per process) the dataset a choice names."""
        from .datasets import load_dataset

        return load_dataset(self.registry, choice, cache=self._datasets, data_dir=self.data_dir)

    def result(self, status="finished", summary=None, **kw) -> RunResult:
        return RunResult(status=status, summary=dict(summary or {}),
                         series={k: list(v) for k, v in self.series.items()},
                         artifacts=dict(self.artifacts), epochs=list(self.epochs),
                         notes=list(self.notes), **kw)
