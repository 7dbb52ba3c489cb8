"""``degradation``: a deep plain CNN against the same network with shortcuts.

He et al. 2016 (sec. 4.2, Fig. 6): on CIFAR-10 a 56-layer plain network has a *higher
training error* than a 20-layer one. It is not overfitting (the training error itself is
worse) and, with batch norm, not vanishing forward signals: the deep plain network is
hard to optimise. With identity shortcuts the same depth trains well.

The networks are the paper's CIFAR networks (sec. 4.2) at a chosen width: a 3×3 conv
with ``width`` filters, BN, ReLU; three stages of n blocks with width, 2·width and
4·width filters (the first block of stages 2 and 3 halves the map with stride 2); global
average pooling; a dense layer. depth = 6n + 2 weighted layers. A *plain* block is
conv3×3-BN-ReLU-conv3×3-BN-ReLU; a *residual* block (``basic-block``) is the same with
its input added before the last ReLU, through the identity, or a 1×1 conv + BN
projection where the shape changes (the paper's option B: two extra 1×1 convs, so the
residual net has ~1 % more parameters).

Grid: ``net`` = ``plain`` | ``residual``, each optionally with its own depth
(``plain(depth=32)``); otherwise the ``depth`` setting. Each run stores the training
error per epoch (running, over the epoch's batches in train mode, as the paper's
curves), the final train and test accuracy (eval mode) and, after one backward pass at
initialisation, the gradient norm of each block's parameters (series ``grad_norm``, step
= block index from the input): with batch norm the plain net's gradients grow toward
the input (Yang et al. 2019), the residual net's stay within a small factor.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np

from dlbench.arch import (act, adaptive_avgpool, batchnorm, block, build, conv, dense, flatten,
                          infer, seq)
from dlbench.bench import Dataset, Metric, Preset, Task, TaskConfig, setting
from dlbench.bench import parse_choice
from dlbench.errors import HyperparameterError

from .cnn_training import accuracy, fit, load_images

NETS = ("plain", "residual")


@dataclass
class DegradationConfig(TaskConfig):
    dataset: str = setting("shapes", "an image dataset plugin")
    net: str = setting("plain", "plain or residual, optionally with its own depth: "
                                "plain(depth=32) (grid axis: --grid net=...)")
    depth: int = setting(32, "weighted layers 6n + 2 (8, 14, 20, 26, 32, 44, 56...) unless the "
                             "net choice sets it", low=8)
    width: int = setting(8, "filters of the first stage (then 2× and 4×); the paper's CIFAR "
                            "nets use 16", low=1)
    initializer: str = setting("he", "weight initializer of the convolutions")
    optimizer: str = setting("adam", "the optimizer that trains the net")
    epochs: int = setting(4, "epochs (shuffled passes over the training split)", low=1)
    batch_size: int = setting(32, "samples per training batch", low=1)
    grad_batch: int = setting(100, "samples in the one backward pass that gives the per-block "
                                   "gradient norms (at most the training split)", low=1)
    dataset_fallback: str = setting("", "dataset run instead when dataset is not available "
                                        "(empty: fail)")

    def __post_init__(self):
        # the declared range first (depth=7 names "≥ 8"), then what a range cannot say:
        # depth = 6n + 2, and a net choice's own depth
        declared = {f.name: f.metadata["dlbench"] for f in fields(self)}
        declared["depth"].check("depth", self.depth)
        net_and_depth(self)


def net_and_depth(config) -> tuple[str, int]:
    """``("plain", 32)`` from ``net`` (and ``depth`` when the choice gives none), validated."""
    choice = parse_choice(config.net)
    if choice.name not in NETS or set(choice.kwargs) - {"depth"}:
        raise HyperparameterError(f"net must be plain or residual, optionally with (depth=D); "
                                  f"got {config.net!r}")
    depth = choice.kwargs.get("depth", config.depth)
    if not isinstance(depth, int) or depth < 8 or (depth - 2) % 6:
        raise HyperparameterError(f"depth must be 6n + 2 with n ≥ 1 (8, 14, 20, 26, 32, 44, "
                                  f"56...), got {depth!r}")
    return choice.name, depth


def describe(kind: str, depth: int, width: int, input_shape, num_classes: int, init):
    """The network as a ``dlbench.arch`` description; blocks are named ``block1..block3n``
    from the input. ``init(shape, rng, *, fan_in, fan_out)`` initialises the convs."""
    n = (depth - 2) // 6
    layers = {"conv1": conv(input_shape[0], width, 3, 1, 1, bias=False, weight_init=init),
              "bn1": batchnorm(width), "relu": act("relu")}
    c, index = width, 0
    for stage in range(3):
        out = width * 2 ** stage
        for j in range(n):
            stride = 2 if stage > 0 and j == 0 else 1
            index += 1
            if kind == "residual":
                layers[f"block{index}"] = block("basic-block", in_channels=c, out_channels=out,
                                                stride=stride, weight_init=init)
            else:
                layers[f"block{index}"] = seq(
                    conv1=conv(c, out, 3, stride, 1, bias=False, weight_init=init),
                    bn1=batchnorm(out), relu1=act("relu"),
                    conv2=conv(out, out, 3, 1, 1, bias=False, weight_init=init),
                    bn2=batchnorm(out), relu2=act("relu"))
            c = out
    return seq(**layers, avgpool=adaptive_avgpool(1), flatten=flatten(), fc=dense(c, num_classes))


def block_grad_norms(net, loss_fn, x, y) -> list[float]:
    """‖∂L/∂θ_b‖₂ over the parameters of each ``block<b>`` after one backward pass on
    ``(x, y)`` in train mode; the network's weights and statistics are left unchanged."""
    state = net.state_dict()
    net.zero_grad()
    loss_fn.forward(net.forward(x), y)
    net.backward(loss_fn.backward())
    squares: dict[int, float] = {}
    for name, p in net.named_parameters():
        top = name.split(".")[0]
        if top.startswith("block"):
            b = int(top.removeprefix("block"))
            squares[b] = squares.get(b, 0.0) + float(np.sum(p.grad.astype(np.float64) ** 2))
    net.zero_grad()
    net.load_state_dict(state)
    return [math.sqrt(squares[b]) for b in sorted(squares)]


QUICK = ["plain(depth=8)", "residual(depth=8)", "plain(depth=32)", "residual(depth=32)"]


class Degradation(Task):
    name = "degradation"
    data_type = Dataset
    formula = ("train_error_e = running error over epoch e's batches (train mode); "
               "train_error = 1 − train_acc, train_acc and test_acc in eval mode after the "
               "last epoch; grad_norm_b = ‖∂L/∂θ_b‖₂ of block b after one backward pass at "
               "initialisation; grad_norm_ratio = grad_norm_1 / grad_norm_B; depth = 6n + 2")
    reference = ("He, Zhang, Ren & Sun, Deep Residual Learning for Image Recognition, CVPR 2016 "
                 "(arXiv:1512.03385), sec. 4.2 and Fig. 6; Yang et al., A Mean Field Theory "
                 "of Batch Normalization, ICLR 2019 (gradient explosion in deep BN nets)")
    summary = {"en": "Degradation: a deep plain CNN has a higher training error than the same "
                     "depth with shortcuts (and than a shallower plain net); gradient norm "
                     "per block",
               "ja": "劣化問題: 深いプレーン CNN は同じ深さのショートカット付き (ResNet) より訓練誤差が"
                     "高い(浅いプレーンよりも)。ブロックごとの勾配ノルムも比較"}
    Config = DegradationConfig
    grid = ("net",)
    primary_metric = ("train_error", "min")
    metrics = {
        "train_error": Metric("min", "training error (1 − accuracy) of the trained net"),
        "train_acc": Metric("max", "training accuracy of the trained net"),
        "test_acc": Metric("max", "test accuracy after the last epoch"),
        "final_running_train_error": Metric("min", "running training error of the last epoch"),
        "grad_norm_ratio": Metric("target", "first / last layer gradient norm at init; 1 is "
                                  "healthy", target=1.0, log=True),
        "params": Metric("min", "number of trainable parameters"),
        "macs": Metric("min", "multiply-accumulates of one forward pass of one image"),
        "depth": Metric("min", "layers with weights (a setting, not a score)"),
        "seconds_per_epoch": Metric("min", "wall-clock seconds per training epoch"),
    }
    standard = False
    suite_order = 21
    # per run, one core: quick depth 8 ~1 s/epoch, depth 32 ~5 s/epoch on shapes; book
    # (width 16, 28×28, batch 128) depth 20 ~18 s/epoch, depth 56 ~50 s/epoch, 20 epochs
    estimate_s = {"quick": 16.0, "test": 0.3, "book": 720.0}
    presets = {
        "quick": Preset(
            choices={"net": QUICK}, seeds=2, budget_s=300,
            note="shapes (1×16×16), width 8 (8-16-32 filters), Adam lr 0.001, batch 32, 4 "
                 "epochs: at depth 8 plain and residual train alike; at depth 32 the plain "
                 "net's training error stays far above the residual one's (and above the "
                 "shallow plain net's)"),
        "book": Preset(
            config={"width": 16, "epochs": 20, "batch_size": 128, "dataset": "shapes(size=28)"},
            choices={"net": ["plain(depth=20)", "residual(depth=20)", "plain(depth=56)",
                             "residual(depth=56)"]},
            seeds=1,
            note="the paper's CIFAR widths (16-32-64) and depths 20 and 56, on shapes 28×28 "
                 "(CIFAR-10 is not shipped), 20 epochs of Adam, batch 128: about 6 min per "
                 "depth-20 run and 17 min per depth-56 run on one core; each run prints an "
                 "ETA after every epoch"),
        "test": Preset(
            config={"dataset": "shapes(n_samples=120)", "width": 2, "epochs": 1,
                    "grad_batch": 16},
            choices={"net": ["plain(depth=8)", "residual(depth=8)"]}),
    }

    def run(self, config, rng, observer):
        data = load_images(observer, config.dataset, self.name)
        kind, depth = net_and_depth(config)
        init = observer.create("initializer", config.initializer)
        inference = infer(describe(kind, depth, config.width, data.input_shape,
                                   data.num_classes, init), data.input_shape)
        net = build(inference.resolved, observer.registry, rng)
        loss_fn = observer.create("loss", "cross-entropy")
        first = rng.permutation(len(data.y_train))[:config.grad_batch]
        norms = block_grad_norms(net, loss_fn, data.x_train[first], data.y_train[first])
        for b, value in enumerate(norms, start=1):
            observer.log("grad_norm", b, value)
        base = {"params": float(inference.params), "macs": float(inference.macs),
                "depth": float(depth), "grad_norm_ratio": norms[0] / norms[-1]}
        optimizer = observer.create("optimizer", config.optimizer, net.parameters())
        stats = fit(net, data, optimizer, loss_fn, epochs=config.epochs,
                    batch_size=config.batch_size, rng=rng, observer=observer,
                    label=f"{kind}-{depth} on {data.name}",
                    diverged_summary={**base, "train_error": math.nan, "train_acc": math.nan,
                                      "test_acc": math.nan})
        train_acc = accuracy(net, data.x_train, data.y_train)
        return {"train_error": 1.0 - train_acc, "train_acc": train_acc,
                "test_acc": stats.test_acc[-1],
                "final_running_train_error": stats.train_error[-1], **base,
                "seconds_per_epoch": stats.seconds_per_epoch}
