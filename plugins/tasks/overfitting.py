"""``overfitting``: few training samples, a wide deep MLP, each regularizer vs none.

The book's overfit_weight_decay.py / overfit_dropout.py: MultiLayerNet 784-[100]×6-10
(ReLU, He) on 300 training samples, SGD lr 0.01, batch 100, 201 epochs; train accuracy
on the 300 samples and test accuracy every epoch. The gap between them is the lesson:
regularization should shrink it. Early stopping watches the validation split (never the
test split).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dlbench.bench import Dataset, Metric, Preset, Task, TaskConfig, setting

from .common import child_rng, fit_mlp


@dataclass
class OverfittingConfig(TaskConfig):
    dataset: str = setting("digits(n_train=300)", "the dataset plugin (few training samples, "
                                                  "so that the net overfits)")
    regularizer: str = setting("none", "the regularizer compared with none (grid axis: "
                                       "--regularizer)")
    activation: str = setting("relu", "activation of every hidden layer")
    initializer: str = setting("he", "weight initializer of every layer")
    hidden: list[int] = setting([100] * 6, "hidden layer sizes of the MLP",
                                low=1, min_len=1)
    optimizer: str = setting("sgd(lr=0.01)", "the optimizer that trains the net")
    batch_size: int = setting(100, "samples per training batch", low=1)
    epochs: int = setting(201, "epochs (train, validation and test accuracy after each)", low=1)
    dataset_fallback: str = setting("", "dataset run instead when dataset is not available "
                                        "(empty: fail)")


class Overfitting(Task):
    name = "overfitting"
    data_type = Dataset
    formula = 'gap_e = train_acc_e − test_acc_e per epoch e; final_gap, max_gap = max_e gap_e, best_test_acc = max_e test_acc_e'
    reference = 'ゼロから作る Deep Learning 6.4 (overfit_weight_decay.py, overfit_dropout.py)'
    suite_order = 4
    summary = {"en": "Train vs test accuracy per epoch on 300 samples, for each regularizer vs none",
               "ja": "300 サンプルでの訓練・テスト精度の推移(正則化ごと、なしと比較)"}
    Config = OverfittingConfig
    grid = ("regularizer",)
    primary_metric = ("final_test_acc", "max")
    metrics = {
        "final_test_acc": Metric("max", "test accuracy after the last epoch"),
        "final_train_acc": Metric("max", "training accuracy after the last epoch"),
        "final_gap": Metric("min", "train − test accuracy after the last epoch (overfitting)"),
        "max_gap": Metric("min", "largest train − test accuracy gap over the epochs"),
        "best_test_acc": Metric("max", "best test accuracy over the epochs"),
        "epochs_run": Metric("max", "epochs trained (fewer after early stopping)"),
    }
    #: shown beside the ranked metric: a small gap is only good with a good test accuracy
    leaderboard_columns = ("final_gap",)
    estimate_s = {"quick": 1.5, "test": 0.1, "book": 30.0}
    presets = {
        "quick": Preset(choices={"regularizer": ["none", "l2(weight_decay=0.1)", "dropout(p=0.2)",
                                                 "early-stopping(patience=20)"]},
                        seeds=3, budget_s=45,
                        note="the book's design on digits: 300 training images, 64-[100]x6-10 "
                             "ReLU He, SGD 0.01, 201 epochs. Digits is easier than MNIST, so the "
                             "gap is smaller (~0.085 without regularization); L2 and dropout "
                             "narrow it to ~0.05, mostly by lowering training accuracy"),
        "book": Preset(config={"dataset": "mnist(n_train=300)", "dataset_fallback": "digits(n_train=300)"},
                       choices={"regularizer": ["none", "l2(weight_decay=0.1)", "dropout(p=0.2)"]}),
        "test": Preset(config={"hidden": [32, 32], "epochs": 5, "dataset": "digits(n_train=100)"},
                       choices={"regularizer": ["none", "l2(weight_decay=0.1)"]}),
    }

    def run(self, config, rng, observer):
        data = observer.dataset(config.dataset)
        regs = []
        if str(config.regularizer) not in ("", "none"):
            regs.append(observer.create("regularizer", config.regularizer, rng=child_rng(rng),
                                           context={"num_classes": data.num_classes}))
        per_epoch = max(1, math.ceil(len(data.y_train) / config.batch_size))
        _, history = fit_mlp(observer, data, hidden=config.hidden, activation=config.activation,
                             initializer=config.initializer, optimizer=config.optimizer,
                             iterations=config.epochs * per_epoch, batch_size=config.batch_size,
                             rng=rng, regularizers=regs, eval_every=per_epoch,
                             eval_splits=("train", "val", "test"), dtype=config.dtype)
        train = np.array(history.evals["train_acc"])
        test = np.array(history.evals["test_acc"])
        gap = train - test
        summary = {"final_train_acc": float(train[-1]), "final_test_acc": float(test[-1]),
                   "final_gap": float(gap[-1]), "max_gap": float(gap.max()),
                   "best_test_acc": float(test.max()), "epochs_run": float(len(train))}
        if history.stopped_early_at is not None:
            observer.note(f"early stopping after {len(train)} epochs (validation split)")
        for reg in regs:
            mode = getattr(reg, "mode_used", None)
            if mode:
                observer.note(f"{config.regularizer}: penalty on {mode}")
        return summary
