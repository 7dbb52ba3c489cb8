"""``hyperparameter-search``: the book's random search over learning rate and weight decay.

hyperparameter_optimization.py: 500 training samples, MultiLayerNet 784-[100]×6-10, 100
trials of 50 epochs, batch 100, SGD, weight decay 10^U(−8, −4) and learning rate
10^U(−6, −2), judged on a validation split (never the test set); the best trials are
reported. Weight decay is the book's L2 penalty (λ/2)·Σ‖W‖².
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dlbench.bench import Dataset, Metric, Preset, Task, TaskConfig, setting

from .common import child_rng, fit_mlp


@dataclass
class HparamConfig(TaskConfig):
    dataset: str = setting("digits(n_train=500)", "the dataset plugin; trials are judged on "
                                                  "its validation split")
    optimizer: str = setting("sgd", "the optimizer searched (grid axis: --optimizer)")
    activation: str = setting("relu", "activation of every hidden layer")
    initializer: str = setting("he", "weight initializer of every layer")
    hidden: list[int] = setting([100] * 6, "hidden layer sizes of the MLP",
                                low=1, min_len=1)
    trials: int = setting(100, "random trials", low=1)
    epochs: int = setting(50, "epochs per trial", low=1)
    batch_size: int = setting(100, "samples per training batch", low=1)
    #: 10**300 is about the largest float: beyond, a drawn rate would overflow
    log10_lr: list[float] = setting([-6.0, -2.0], "[a, b]: each trial's learning rate is "
                                                  "10^U(a, b)", low=-300, high=300,
                                    min_len=2, max_len=2)
    log10_weight_decay: list[float] = setting([-8.0, -4.0], "[c, d]: each trial's weight "
                                                            "decay λ is 10^U(c, d)",
                                              low=-300, high=300, min_len=2, max_len=2)
    top: int = setting(20, "best trials averaged in top_mean_val_acc", low=1)
    dataset_fallback: str = setting("", "dataset run instead when dataset is not available "
                                        "(empty: fail)")


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
