"""``batch-norm``: accuracy with and without batch norm across weight scales.

The book's batch_norm_test.py: MultiLayerNetExtend 784-[100]×5-10 (ReLU) on 1,000
training samples, weights drawn with std in ``np.logspace(0, -4, 16)``, SGD lr 0.01,
batch 100, 20 epochs; accuracy on the training samples. Without batch norm, learning
only works in a narrow band of scales; with it (inserted before each activation),
almost everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dlbench.bench import Dataset, Metric, Preset, Task, TaskConfig, setting

from .common import child_rng, fit_mlp


@dataclass
class BatchNormConfig(TaskConfig):
    regularizer: str = setting("batch-norm", "batch-norm or none (grid axis: --regularizer)")
    activation: str = setting("relu", "activation of every hidden layer")
    hidden: list[int] = setting([100, 100, 100, 100, 100], "hidden layer sizes of the MLP",
                                low=1, min_len=1)
    scale_grid: list[float] = setting([float(s) for s in np.logspace(0, -4, 16)],
                                      "weight std σ of each training run, W ~ N(0, σ²)",
                                      low=0, low_open=True, min_len=1)
    n_train: int = setting(1000, "training samples used (a random subset; at most the "
                                 "training split)", low=1)
    optimizer: str = setting("sgd(lr=0.01)", "the optimizer that trains the net")
    batch_size: int = setting(100, "samples per training batch", low=1)
    epochs: int = setting(20, "epochs at each weight scale", low=1)
    dataset_fallback: str = setting("", "dataset run instead when dataset is not available "
                                        "(empty: fail)")


class BatchNormTask(Task):
    name = "batch-norm"
    data_type = Dataset
    formula = 'for σ in logspace(0, −4, 16): W ~ N(0, σ²), train 20 epochs; mean_train_acc = mean over σ of the final training accuracy'
    reference = 'ゼロから作る Deep Learning 6.3 (batch_norm_test.py); Ioffe & Szegedy 2015 arXiv:1502.03167'
    suite_order = 3
    summary = {"en": "Training accuracy with and without batch normalization across 16 weight scales",
               "ja": "16 通りの重みスケールでのバッチ正規化あり・なしの学習精度"}
    Config = BatchNormConfig
    grid = ("regularizer",)
    primary_metric = ("mean_train_acc", "max")
    metrics = {
        "mean_train_acc": Metric("max", "training accuracy, mean over the weight scales"),
        "min_train_acc": Metric("max", "training accuracy at the worst weight scale"),
        "mean_test_acc": Metric("max", "test accuracy, mean over the weight scales"),
        "scales_above_50": Metric("max", "weight scales whose training accuracy is above 50%"),
    }
    estimate_s = {"quick": 3.0, "test": 0.2, "book": 60.0}
    presets = {
        "quick": Preset(choices={"regularizer": ["none", "batch-norm"]}, seeds=3, budget_s=45,
                        note="book's sweep on digits: 1,000 of its training images, 20 epochs"),
        "book": Preset(config={"dataset": "mnist", "dataset_fallback": "digits"},
                       choices={"regularizer": ["none", "batch-norm"]}),
        "test": Preset(config={"hidden": [16, 16], "scale_grid": [1.0, 0.01], "n_train": 100,
                               "epochs": 2},
                       choices={"regularizer": ["none", "batch-norm"]}),
    }

    def run(self, config, rng, observer):
        data = observer.dataset(config.dataset)
        n = min(config.n_train, len(data.y_train))
        keep = rng.permutation(len(data.y_train))[:n]
        subset = type(data)(data.name, data.x_train[keep], data.y_train[keep], data.x_val,
                            data.y_val, data.x_test, data.y_test, data.num_classes, data.checksum)
        per_epoch = max(1, n // config.batch_size)
        rows = []
        for i, scale in enumerate(config.scale_grid, start=1):
            regs = []
            if str(config.regularizer) not in ("", "none"):
                regs.append(observer.create("regularizer", config.regularizer, rng=child_rng(rng),
                                           context={"num_classes": data.num_classes}))
            _, history = fit_mlp(
                observer, subset, hidden=config.hidden, activation=config.activation,
                initializer=f"normal(std={scale!r})", optimizer=config.optimizer,
                iterations=config.epochs * per_epoch, batch_size=config.batch_size,
                rng=child_rng(rng), regularizers=regs, eval_every=per_epoch,
                eval_splits=("train", "test"), prefix=f"scale={scale:.3g}/",
                raise_on_divergence=False, dtype=config.dtype)
            train_acc = history.last("train_acc") if history.diverged_at is None else np.nan
            test_acc = history.last("test_acc") if history.diverged_at is None else np.nan
            observer.log("train_acc", i, train_acc)
            observer.log("test_acc", i, test_acc)
            rows.append((scale, train_acc, test_acc))
        table = np.array(rows, dtype=np.float64)
        observer.artifact("accuracy_by_scale", table)
        return {"mean_train_acc": float(np.nanmean(table[:, 1])),
                "min_train_acc": float(np.nanmin(table[:, 1])),
                "mean_test_acc": float(np.nanmean(table[:, 2])),
                "scales_above_50": float(np.sum(table[:, 1] > 0.5))}
