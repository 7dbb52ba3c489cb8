"""The task kit: what a task plugin needs beyond :mod:`dlbench.bench`'s protocol.

The built-in tasks are written with exactly these names, so a third-party task can do
what they do (train the book's MultiLayerNet, measure it, score the curve) without
reaching into dlbench's private modules::

    from dlbench.bench import Preset, Task, TaskConfig
    from dlbench.taskkit import area_under_curve, child_rng, mlp, train

    class MyTask(Task):
        def run(self, config, rng, observer):
            data = observer.dataset(config.dataset).flat()
            net = mlp(observer, data.x_train.shape[1], [50, 50], data.num_classes,
                      activation="relu", initializer="he", rng=child_rng(rng))
            opt = observer.create("optimizer", "adam", net.parameters())
            history = train(net, data, opt, loss_fn=observer.create("loss", "cross-entropy"),
                            rng=rng, observer=observer, iterations=200, batch_size=100)
            return observer.result(summary={"auc": area_under_curve(history.loss)})

Networks: :func:`mlp`, :func:`dense_names`, :func:`activation_names`.
Training: :func:`train` (returns a :class:`History`), :func:`evaluate`.
Randomness: :func:`child_rng`. Scores: :func:`accuracy`, :func:`steps_to_target`,
:func:`area_under_curve`, :func:`smooth_curve`, :func:`seed_stats`.
"""

from __future__ import annotations

import numpy as np

from .bench.metrics import accuracy, area_under_curve, seed_stats, smooth_curve, steps_to_target
from .bench.models import activation_names, dense_names, mlp
from .bench.training import History, evaluate, train

__all__ = ["History", "accuracy", "activation_names", "area_under_curve", "child_rng",
           "dense_names", "evaluate", "mlp", "seed_stats", "smooth_curve", "steps_to_target",
           "train"]


def child_rng(rng: np.random.Generator) -> np.random.Generator:
    """A generator for one sub-experiment (one network of several, one regularizer's
    masks), drawn from the run's generator: the run stays reproducible from its seed and
    the sub-experiments do not share a stream."""
    return np.random.default_rng(int(rng.integers(2 ** 63)))
