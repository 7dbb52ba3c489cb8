"""``weight-init``: loss curves for std 0.01 vs Xavier vs He on the same ReLU net.

The book's weight_init_compare.py: MultiLayerNet 784-[100]×4-10, ReLU for all three
initializations, SGD lr 0.01, batch 128, 2,000 iterations. With std 0.01 the signal
shrinks layer after layer and learning stalls; He keeps it alive.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dlbench.bench import Dataset, Metric, Preset, Task, TaskConfig, setting
from dlbench.taskkit import area_under_curve, steps_to_target

from .common import fit_mlp


@dataclass
class WeightInitConfig(TaskConfig):
    initializer: str = setting("he", "the weight initializer compared (grid axis: "
                                     "--initializer)")
    activation: str = setting("relu", "activation of every hidden layer")
    hidden: list[int] = setting([100, 100, 100, 100], "hidden layer sizes of the MLP",
                                low=1, min_len=1)
    optimizer: str = setting("sgd(lr=0.01)", "the optimizer that trains the net")
    batch_size: int = setting(128, "samples per training batch", low=1)
    iterations: int = setting(1000, "training iterations", low=1)
    target_loss: float = setting(0.5, "training loss that counts as reached (steps_to_target)",
                                 low=0, low_open=True)
    dataset_fallback: str = setting("", "dataset run instead when dataset is not available "
                                        "(empty: fail)")


class WeightInit(Task):
    name = "weight-init"
    data_type = Dataset
    formula = 'L_t = cross-entropy at iteration t under SGD; final_loss = mean of the last 5 % of L_t; auc = mean_t L_t'
    reference = 'ゼロから作る Deep Learning 6.2.4 (weight_init_compare.py)'
    suite_order = 2
    summary = {"en": "Training loss curves for std 0.01 vs Xavier vs He initialization",
               "ja": "標準偏差 0.01・Xavier・He の各初期値での学習損失の推移"}
    Config = WeightInitConfig
    grid = ("initializer",)
    primary_metric = ("final_loss", "min")
    metrics = {
        "final_loss": Metric("min", "mean training loss over the last steps"),
        "auc": Metric("min", "area under the loss curve (mean loss)"),
        "steps_to_target": Metric("min", "steps until the loss ≤ target"),
        "train_acc": Metric("max", "training accuracy at the end"),
        "test_acc": Metric("max", "test accuracy at the end"),
    }
    estimate_s = {"quick": 0.5, "test": 0.05, "book": 20.0}
    presets = {
        "quick": Preset(choices={"initializer": ["normal(std=0.01)", "xavier", "he"]}, seeds=3,
                        budget_s=20, note="book's net on digits (64-[100]x4-10, ReLU), 1,000 iterations"),
        "book": Preset(config={"dataset": "mnist", "dataset_fallback": "digits", "iterations": 2000},
                       choices={"initializer": ["normal(std=0.01)", "xavier", "he"]}),
        "test": Preset(config={"hidden": [16, 16], "iterations": 30, "target_loss": 2.0},
                       choices={"initializer": ["normal(std=0.01)", "he"]}),
    }

    def run(self, config, rng, observer):
        data = observer.dataset(config.dataset)
        _, history = fit_mlp(observer, data, hidden=config.hidden, activation=config.activation,
                             initializer=config.initializer, optimizer=config.optimizer,
                             iterations=config.iterations, batch_size=config.batch_size, rng=rng,
                             eval_every=config.iterations, eval_splits=("train", "test"),
                             dtype=config.dtype)
        losses = history.loss
        tail = losses[-max(1, len(losses) // 20):]
        hit = steps_to_target(losses, config.target_loss)
        return {"final_loss": float(np.mean(tail)), "auc": area_under_curve(losses),
                "steps_to_target": math.inf if hit is None else hit + 1,
                "train_acc": history.last("train_acc"), "test_acc": history.last("test_acc")}
