"""Benchmark tasks (``register_tasks``): the course's experiments, seeded and stored.

Each is a :class:`dlbench.bench.Task` with presets ``quick`` (default: the book's design
scaled to the shipped ``digits``), ``book`` (the book's settings, on MNIST when present
and on ``digits`` otherwise, saying so) and ``test`` (tiny, for the test suite).
"""

from dlbench import hookimpl

from .convergence import Convergence

TASKS = (Convergence,)


@hookimpl
def register_tasks(register):
    for task in TASKS:
        doc = (task.__doc__ or "").strip()
        register(task.name, task, summary=task.summary,
                 formula=doc.split("\n\n")[0].replace("\n", " "),
                 reference=getattr(task, "reference", "ゼロから作る Deep Learning ch. 6 "
                                   "(oreilly-japan/deep-learning-from-scratch)"),
                 convention="presets: " + ", ".join(task.presets) + "; grid: " + " × ".join(task.grid or ("-",)),
                 example={"kwargs": {}, "preset": "test"})
