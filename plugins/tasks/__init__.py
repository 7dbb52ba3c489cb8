"""Benchmark tasks (``register_tasks``): the course's experiments, seeded and stored.

Each is a :class:`dlbench.bench.Task` with presets ``quick`` (default: the book's design
scaled to the shipped ``digits``), ``book`` (the book's settings, on MNIST when present
and on ``digits`` otherwise, saying so) and ``test`` (tiny, for the test suite).
"""

from dlbench import hookimpl

from .architectures import Architectures
from .batch_norm import BatchNormTask
from .convergence import Convergence
from .degradation import Degradation
from .hparam_search import HyperparameterSearch
from .overfitting import Overfitting
from .trajectories import Trajectories
from .vanishing import VanishingGradients
from .weight_init import WeightInit

TASKS = (VanishingGradients, WeightInit, BatchNormTask, Overfitting, Convergence, Trajectories,
         HyperparameterSearch, Architectures, Degradation)


@hookimpl
def register_tasks(register):
    for task in TASKS:
        register(task.name, task, summary=task.summary, formula=task.formula,
                 reference=task.reference,
                 convention="presets: " + ", ".join(task.presets) + "; grid: " + " × ".join(task.grid or ("-",)),
                 example={"kwargs": {}, "preset": "test"})
