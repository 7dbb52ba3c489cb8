"""``convergence``: each optimizer on the same net and data, compared fairly.

The book's optimizer_compare_mnist.py: MultiLayerNet 784-[100]×4-10, ReLU, He init,
batch 128, 2,000 iterations, each optimizer at its own default learning rate. Comparing
optimizers at hand-picked rates is unfair, so every optimizer here gets the same
log-spaced learning-rate grid; the best setting is reported with the grid, a best value
on the grid's edge is flagged (the grid should be widened), and the book's rate is run
too so its figure can be reproduced. Each learning rate starts from the same initial
weights and sees the same batches (the run's seed), so only the optimizer differs.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from dlbench.bench import Dataset, Metric, Preset, RunResult, Task, TaskConfig, setting
from dlbench.taskkit import area_under_curve, steps_to_target

from .common import BOOK_LRS, fit_mlp


@dataclass
class ConvergenceConfig(TaskConfig):
    optimizer: str = setting("sgd", "the optimizer compared (grid axis: --optimizer)")
    activation: str = setting("relu", "activation of every hidden layer")
    initializer: str = setting("he", "weight initializer of every layer")
    hidden: list[int] = setting([100, 100, 100, 100], "hidden layer sizes of the MLP",
                                low=1, min_len=1)
    batch_size: int = setting(128, "samples per training batch", low=1)
    iterations: int = setting(500, "training iterations at each learning rate", low=1)
    lr_grid: list[float] = setting([1e-4, 1e-3, 1e-2, 1e-1, 1.0],
                                   "learning rates every optimizer is run at; the best is "
                                   "reported", low=0, low_open=True, min_len=1)
    book_lr: bool = setting(True, "also run the book's rate for this optimizer (shown, "
                                  "not ranked)")
    target_loss: float = setting(0.3, "training loss that counts as reached (steps_to_target)",
                                 low=0, low_open=True)
    sampling: str = setting("book", "batches drawn with replacement (book) or from a fresh "
                                    "permutation per epoch (shuffle)",
                            choices=("book", "shuffle"))
    scheduler: str = setting("none", "learning-rate scheduler plugin, or none")
    clip_norm: float | None = setting(None, "clip the gradients' global L2 norm to this "
                                            "(None: no clipping)", low=0, low_open=True)
    dataset_fallback: str = setting("", "dataset run instead when dataset is not available "
                                        "(empty: fail)")


class Convergence(Task):
    name = "convergence"
    data_type = Dataset
    formula = 'steps_to_target = min{t : L_t ≤ target}; auc = mean_t L_t; the best lr on a shared log grid, ranked by (steps_to_target, auc)'
    reference = 'ゼロから作る Deep Learning 6.1.8 (optimizer_compare_mnist.py)'
    suite_order = 5
    summary = {"en": "Optimizers on the same network: loss curves, steps and seconds to a target "
                     "loss, on a shared learning-rate grid",
               "ja": "同じネットワークで最適化手法を比較: 損失曲線、目標損失までのステップ数と秒数(共通の学習率グリッド)"}
    Config = ConvergenceConfig
    grid = ("optimizer",)
    owns = {"optimizer": {"lr": "lr_grid"}}  # every optimizer runs at each rate of lr_grid
    primary_metric = ("steps_to_target", "min")
    metrics = {
        "steps_to_target": Metric("min", "steps until the loss ≤ target_loss, at the best lr"),
        "seconds_to_target": Metric("min", "seconds until the loss ≤ target_loss, at the best lr"),
        "final_loss": Metric("min", "mean training loss over the last steps, at the best lr"),
        "auc": Metric("min", "area under the loss curve (mean loss), at the best lr"),
        "test_acc": Metric("max", "test accuracy at the best lr"),
        "best_lr": Metric("min", "learning rate picked on lr_grid (a setting, not a score)"),
        "best_on_edge": Metric("min", "1 if the best lr is on the edge of lr_grid"),
        "diverged_lrs": Metric("min", "learning rates of the grid that diverged"),
        "target_loss": Metric("min", "the target loss used (a setting, not a score)"),
        "book_lr": Metric("min", "the book's learning rate (a setting, not a score)"),
        "book_steps_to_target": Metric("min", "steps to target_loss at the book's lr"),
        "book_final_loss": Metric("min", "final training loss at the book's lr"),
    }
    estimate_s = {"quick": 1.5, "test": 0.2, "book": 60.0}
    presets = {
        "quick": Preset(choices={"optimizer": ["sgd", "momentum", "adagrad", "adam"]}, seeds=3,
                        budget_s=60,
                        note="book's design on digits: 64-[100]x4-10 ReLU He, batch 128, 500 "
                             "iterations (digits converges in fewer), target loss 0.3"),
        "book": Preset(config={"dataset": "mnist", "dataset_fallback": "digits", "iterations": 2000},
                       choices={"optimizer": ["sgd", "momentum", "adagrad", "adam"]}, seeds=1),
        "test": Preset(config={"hidden": [16, 16], "iterations": 40, "lr_grid": [1e-2, 1e-1],
                               "target_loss": 1.5},
                       choices={"optimizer": ["sgd", "adam"]}, seeds=1),
    }

    def run(self, config, rng, observer):
        data = observer.dataset(config.dataset)
        opt_name = config.optimizer.name
        grid = sorted(float(lr) for lr in config.lr_grid)
        lrs = list(grid)
        book = BOOK_LRS.get(opt_name)
        if config.book_lr and book is not None and book not in lrs:
            lrs.append(book)
        seed = int(rng.integers(2 ** 63))  # the same init and batches for every lr
        rows, curves = [], {}
        for lr in lrs:
            prefix = f"lr={lr:g}/"
            start = time.perf_counter()
            _, history = fit_mlp(
                observer, data, hidden=config.hidden, activation=config.activation,
                initializer=config.initializer, optimizer=config.optimizer, lr=lr,
                iterations=config.iterations, batch_size=config.batch_size,
                rng=np.random.default_rng(seed), sampling=config.sampling,
                eval_every=config.iterations, eval_splits=("test",), prefix=prefix,
                raise_on_divergence=False, scheduler=config.scheduler, clip_norm=config.clip_norm,
                dtype=config.dtype)
            seconds = time.perf_counter() - start
            losses = history.loss
            hit = steps_to_target(losses, config.target_loss)
            steps = None if hit is None else hit + 1
            tail = [v for v in losses[-max(1, len(losses) // 20):] if math.isfinite(v)]
            rows.append({
                "lr": lr, "steps": steps, "diverged": history.diverged_at is not None,
                "seconds": seconds * steps / len(losses) if steps else math.nan,
                "final": float(np.mean(tail)) if tail and history.diverged_at is None else math.nan,
                "auc": area_under_curve(losses + [math.nan] * (config.iterations - len(losses))),
                "test_acc": history.last("test_acc"),
            })
            curves[lr] = losses
        on_grid = [r for r in rows if r["lr"] in grid]
        best = min(on_grid, key=_rank)
        summary = {
            "best_lr": best["lr"],
            "steps_to_target": best["steps"] if best["steps"] else math.inf,
            "seconds_to_target": best["seconds"] if best["steps"] else math.inf,
            "final_loss": best["final"], "auc": best["auc"], "test_acc": best["test_acc"],
            "best_on_edge": float(best["lr"] in (grid[0], grid[-1])),
            "diverged_lrs": float(sum(r["diverged"] for r in on_grid)),
            "target_loss": config.target_loss,
        }
        if book is not None and config.book_lr:
            b = next(r for r in rows if r["lr"] == book)
            summary.update(book_lr=book, book_steps_to_target=b["steps"] or math.inf,
                           book_final_loss=b["final"])
        observer.artifact("lr_grid", np.array(
            [[r["lr"], r["steps"] or np.nan, r["final"], r["auc"], float(r["diverged"])]
             for r in rows]))
        for step, value in enumerate(curves[best["lr"]], start=1):
            observer.log("loss", step, value)
        if best["lr"] in (grid[0], grid[-1]):
            observer.note(f"best learning rate {best['lr']:g} is on the edge of the grid "
                          f"{grid[0]:g}…{grid[-1]:g}: widen lr_grid")
        status = "diverged" if all(r["diverged"] for r in on_grid) else "finished"
        return RunResult(status=status, summary=summary)


def _rank(row):
    """Reached the target first wins; then the lower area under the loss curve."""
    steps = row["steps"] if row["steps"] is not None else math.inf
    auc = row["auc"] if math.isfinite(row["auc"]) else math.inf
    return (steps, auc)
