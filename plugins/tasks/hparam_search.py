"""``hyperparameter-search``: the book's random search over learning rate and weight decay.

hyperparameter_optimization.py: 500 training samples, MultiLayerNet 784-[100]×6-10, 100
trials of 50 epochs, batch 100, SGD, weight decay 10^U(−8, −4) and learning rate
10^U(−6, −2), judged on a validation split (never the test set); the best trials are
reported. Weight decay is the book's L2 penalty (λ/2)·Σ‖W‖².
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from dlbench.bench import Dataset, Preset, Task, TaskConfig
from dlbench.bench import Metric

from .common import child_rng, fit_mlp


@dataclass
class HparamConfig(TaskConfig):
    dataset: str = "digits(n_train=500)"
    optimizer: str = "sgd"
    activation: str = "relu"
    initializer: str = "he"
    hidden: list[int] = field(default_factory=lambda: [100] * 6)
    trials: int = 100
    epochs: int = 50
    batch_size: int = 100
    log10_lr: list[float] = field(default_factory=lambda: [-6.0, -2.0])
    log10_weight_decay: list[float] = field(default_factory=lambda: [-8.0, -4.0])
    top: int = 20
    dataset_fallback: str = ""


class HyperparameterSearch(Task):
    name = "hyperparameter-search"
    data_type = Dataset
    formula = 'lr = 10^U(a, b), λ = 10^U(c, d) per trial; best_val_acc = max over trials of the validation accuracy'
    reference = 'ゼロから作る Deep Learning 6.5 (hyperparameter_optimization.py); Bergstra & Bengio 2012'
    suite_order = 7
    summary = {"en": "Random search over learning rate and weight decay, judged on a validation split",
               "ja": "学習率と荷重減衰のランダムサーチ(検証データで評価)"}
    Config = HparamConfig
    grid = ("optimizer",)
    owns = {"optimizer": {"lr": "log10_lr"}}  # each trial draws its own lr
    primary_metric = ("best_val_acc", "max")
    metrics = {
        "best_val_acc": Metric("max", "validation accuracy of the best trial"),
        "median_val_acc": Metric("max", "median validation accuracy over the trials"),
        "top_mean_val_acc": Metric("max", "mean validation accuracy of the best trials"),
        "best_lr": Metric("min", "learning rate of the best trial (not a score)"),
        "best_weight_decay": Metric("min", "weight decay of the best trial (not a score)"),
        "trials": Metric("max", "trials run"),
    }
    estimate_s = {"quick": 3.0, "test": 0.1, "book": 300.0}
    presets = {
        "quick": Preset(config={"trials": 20, "epochs": 30, "log10_lr": [-4.0, 0.0]}, seeds=3,
                        budget_s=30,
                        note="20 trials of 30 epochs on 500 digits; lr range 10^U(-4, 0) because "
                             "the book's 10^U(-6, -2) barely moves a digits net in 30 epochs"),
        "book": Preset(config={"dataset": "mnist(n_train=500)", "dataset_fallback": "digits(n_train=500)"}),
        "test": Preset(config={"trials": 3, "epochs": 2, "hidden": [16, 16], "log10_lr": [-2.0, -1.0]}),
    }

    def run(self, config, rng, observer):
        data = observer.dataset(config.dataset)
        per_epoch = max(1, math.ceil(len(data.y_train) / config.batch_size))
        rows = []
        for trial in range(1, config.trials + 1):
            lr = 10 ** rng.uniform(*config.log10_lr)
            wd = 10 ** rng.uniform(*config.log10_weight_decay)
            reg = observer.create("regularizer", f"l2(weight_decay={wd!r})")
            _, history = fit_mlp(observer, data, hidden=config.hidden, activation=config.activation,
                                 initializer=config.initializer, optimizer=config.optimizer, lr=lr,
                                 iterations=config.epochs * per_epoch, batch_size=config.batch_size,
                                 rng=child_rng(rng), regularizers=[reg], eval_every=config.epochs * per_epoch,
                                 eval_splits=("train", "val"), prefix=f"trial={trial}/",
                                 raise_on_divergence=False, log_every=per_epoch, dtype=config.dtype)
            val = history.last("val_acc") if history.diverged_at is None else math.nan
            train = history.last("train_acc") if history.diverged_at is None else math.nan
            rows.append((lr, wd, val, train))
            observer.log("val_acc", trial, val)
        table = np.array(rows)
        order = np.argsort(-np.nan_to_num(table[:, 2], nan=-1.0))
        observer.artifact("trials", table[order])  # best first: lr, weight_decay, val_acc, train_acc
        best = table[order[0]]
        top = table[order[:config.top], 2]
        return {"best_val_acc": float(best[2]), "best_lr": float(best[0]),
                "best_weight_decay": float(best[1]), "median_val_acc": float(np.nanmedian(table[:, 2])),
                "top_mean_val_acc": float(np.nanmean(top)), "trials": float(len(rows))}
