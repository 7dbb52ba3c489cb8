"""``vanishing-gradients``: a deep MLP × activation × initializer, layer by layer.

Three views, as in the course. (1) The book's weight_init_activation_histogram.py: a
random input ``randn(1000, 100)`` through 5 layers of 100 units without bias; per layer a
30-bin histogram of the activations, their mean and std, the fraction saturated
(sigmoid outside (0.01, 0.99), tanh with |a| > 0.99) and of dead units (zero for every
sample). (2) One backward pass of a deep MLP on the dataset: the weight-gradient norm of
each layer and the ratio first / last layer, which collapses when gradients vanish.
(3) A short training run of that MLP (SGD, the course's lr 0.1): its accuracy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dlbench.bench import Dataset, Metric, Preset, Task, TaskConfig, setting
from dlbench.taskkit import dense_names, mlp

from .common import child_rng, fit_mlp

FIXED_RANGES = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}


@dataclass
class VanishingConfig(TaskConfig):
    activation: str = setting("sigmoid", "the activation compared (grid axis: --activation)")
    initializer: str = setting("normal(std=1.0)", "the weight initializer compared (grid "
                                                  "axis: --initializer)")
    hist_layers: int = setting(5, "layers of the histogram experiment", low=1)
    hist_units: int = setting(100, "units per layer of the histogram experiment", low=1)
    hist_samples: int = setting(1000, "random inputs of the histogram experiment", low=1)
    hist_bins: int = setting(30, "bins of each layer's activation histogram", low=1)
    hidden: list[int] = setting([100, 100, 100, 100, 100], "hidden layer sizes of the MLP",
                                low=1, min_len=1)
    grad_batch: int = setting(100, "training samples in the backward pass that gives the "
                                   "gradient norms (at most the training split)", low=1)
    optimizer: str = setting("sgd(lr=0.1)", "the optimizer of the short training run")
    iterations: int = setting(500, "iterations of the short training run", low=1)
    batch_size: int = setting(100, "samples per training batch", low=1)
    dataset_fallback: str = setting("", "dataset run instead when dataset is not available "
                                        "(empty: fail)")


def saturation(name: str, a: np.ndarray) -> float:
    """Fraction of activations in the flat tails where the derivative is ~0."""
    if name == "sigmoid":
        return float(np.mean((a < 0.01) | (a > 0.99)))
    if name == "tanh":
        return float(np.mean(np.abs(a) > 0.99))
    return math.nan


def dead_fraction(a: np.ndarray) -> float:
    """Fraction of units whose output is exactly zero for every sample (dead ReLUs)."""
    return float(np.mean(np.all(a == 0, axis=0)))


class VanishingGradients(Task):
    name = "vanishing-gradients"
    data_type = Dataset
    formula = 'per layer l: histogram, mean, std, saturated = P(a < 0.01 or a > 0.99) (tanh: |a| > 0.99), dead = P(unit is 0 on every sample); grad_ratio = ‖∂L/∂W_1‖ / ‖∂L/∂W_L‖'
    reference = 'ゼロから作る Deep Learning 6.2 (weight_init_activation_histogram.py); Glorot & Bengio 2010; He et al. 2015'
    suite_order = 1
    summary = {"en": "Activation histograms, saturation and gradient norms per layer, by "
                     "activation × initializer",
               "ja": "活性化関数 × 初期値ごとの、層別の活性化ヒストグラム・飽和率・勾配ノルム"}
    Config = VanishingConfig
    grid = ("activation", "initializer")
    primary_metric = ("grad_ratio", "target")
    metrics = {
        "grad_ratio": Metric("target", "first / last layer gradient norm: ≪ 1 vanishing, ≫ 1 "
                             "exploding", target=1.0, log=True),
        "grad_norm_first": Metric("target", "gradient norm of the first layer",
                                  target=1.0, log=True),
        "grad_norm_last": Metric("target", "gradient norm of the last layer",
                                 target=1.0, log=True),
        "act_std_first": Metric("target", "std of the first layer's activations (histograms)",
                                target=1.0, log=True),
        "act_std_last": Metric("target", "std of the last layer's activations (histograms)",
                               target=1.0, log=True),
        "saturated_mean": Metric("min", "fraction of saturated activations, mean over layers"),
        "dead_mean": Metric("min", "fraction of dead (zero) activations, mean over layers"),
        "train_acc": Metric("max", "training accuracy after the short training run"),
        "test_acc": Metric("max", "test accuracy after the short training run"),
        "train_diverged": Metric("min", "1 if the short training run diverged"),
    }
    estimate_s = {"quick": 0.5, "test": 0.1, "book": 5.0}
    presets = {
        "quick": Preset(choices={"activation": ["sigmoid", "tanh", "relu"],
                                 "initializer": ["normal(std=1.0)", "normal(std=0.01)", "xavier", "he"]},
                        seeds=3, budget_s=40,
                        note="histograms exactly as the book; gradients and 500 training "
                             "iterations on digits (64-[100]x5-10)"),
        "book": Preset(config={"dataset": "mnist", "dataset_fallback": "digits", "iterations": 2000},
                       choices={"activation": ["sigmoid", "relu", "tanh"],
                                "initializer": ["normal(std=1.0)", "normal(std=0.01)", "xavier", "he"]}),
        "test": Preset(config={"hist_samples": 100, "hidden": [20, 20, 20], "iterations": 20,
                               "grad_batch": 20},
                       choices={"activation": ["sigmoid", "relu"],
                                "initializer": ["normal(std=1.0)", "he"]}),
    }

    def run(self, config, rng, observer):
        act_name = config.activation.name
        summary = {}
        # (1) the book's histogram experiment
        init = observer.create("initializer", config.initializer)
        x = rng.standard_normal((config.hist_samples, config.hist_units))
        outputs = []
        for _ in range(config.hist_layers):
            w = init((config.hist_units, config.hist_units), rng, fan_in=config.hist_units,
                     fan_out=config.hist_units)
            act = observer.create("activation", config.activation, rng=child_rng(rng))
            x = act.forward(x @ w)
            outputs.append(x)
        lo, hi = FIXED_RANGES.get(act_name, (min(float(o.min()) for o in outputs),
                                             max(float(o.max()) for o in outputs)))
        hi = hi if hi > lo else lo + 1.0
        edges = np.linspace(lo, hi, config.hist_bins + 1)
        observer.artifact("hist_edges", edges)
        observer.artifact("hist", np.stack([np.histogram(o, bins=edges)[0] for o in outputs]))
        for layer, a in enumerate(outputs, start=1):
            observer.log("act_mean", layer, float(a.mean()))
            observer.log("act_std", layer, float(a.std()))
            observer.log("saturated", layer, saturation(act_name, a))
            observer.log("dead", layer, dead_fraction(a))
        summary.update(act_std_first=float(outputs[0].std()), act_std_last=float(outputs[-1].std()),
                       saturated_mean=float(np.mean([saturation(act_name, a) for a in outputs])),
                       dead_mean=float(np.mean([dead_fraction(a) for a in outputs])))
        # (2) one backward pass of a deep MLP on real data
        data = observer.dataset(config.dataset).flat()
        net = mlp(observer, data.x_train.shape[1], config.hidden, data.num_classes,
                  activation=config.activation, initializer=config.initializer, rng=rng)
        idx = rng.choice(len(data.y_train), min(config.grad_batch, len(data.y_train)), replace=False)
        loss = observer.create("loss", "cross-entropy")
        loss.forward(net.forward(data.x_train[idx]), data.y_train[idx])
        net.zero_grad()
        net.backward(loss.backward())
        norms = [float(np.linalg.norm(getattr(net, n).weight.grad)) for n in dense_names(net)]
        for layer, value in enumerate(norms, start=1):
            observer.log("grad_norm", layer, value)
        summary["grad_ratio"] = norms[0] / norms[-1] if norms[-1] > 0 else math.nan
        summary["grad_norm_first"], summary["grad_norm_last"] = norms[0], norms[-1]
        # (3) a short training run
        _, history = fit_mlp(observer, data, hidden=config.hidden, activation=config.activation,
                             initializer=config.initializer, optimizer=config.optimizer,
                             iterations=config.iterations, batch_size=config.batch_size,
                             rng=child_rng(rng), eval_every=config.iterations,
                             eval_splits=("train", "test"), raise_on_divergence=False,
                             dtype=config.dtype)
        diverged = history.diverged_at is not None
        summary.update(train_acc=math.nan if diverged else history.last("train_acc"),
                       test_acc=math.nan if diverged else history.last("test_acc"),
                       train_diverged=float(diverged))
        if diverged:
            observer.note(f"training diverged at iteration {history.diverged_at}")
        return summary
