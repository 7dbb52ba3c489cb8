"""``architectures``: each CNN architecture, scaled down, trained on an image data set.

Grid: architecture × dataset. Each run builds the architecture for the data set's input
shape (its ``small`` variant below 64×64) at a width multiplier, trains it with Adam at
the book's learning rate 0.001 (ch07/train_convnet.py, ch08/train_deepnet.py) for a few
shuffled epochs, and stores the test accuracy, the training accuracy, the loss curve,
the parameters and multiply-accumulates of the model it trained (from ``dlbench.arch``'s
shape inference at the data set's input shape, not from a forward pass) and the seconds
per epoch. ``dlbench plot cnn-accuracy`` draws accuracy against parameters and MACs.

The width comes from the architecture choice (``vgg11(width=0.125)``) or else from the
``width`` setting (0.125); the quick and book presets run the book's two nets and LeNet,
small already, at width 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from dlbench.bench import Dataset, Metric, Preset, Task, TaskConfig, setting

from .cnn_training import accuracy, fit, load_images


@dataclass
class ArchitecturesConfig(TaskConfig):
    dataset: str = setting("shapes", "an image dataset plugin (grid axis: --dataset)")
    architecture: str = setting("simple-cnn", "the architecture compared (grid axis: "
                                              "--architecture)")
    width: float = setting(0.125, "width multiplier for architecture choices that do not set "
                                  "their own", low=0, low_open=True)
    optimizer: str = setting("adam", "the optimizer that trains the net")
    epochs: int = setting(8, "epochs (shuffled passes over the training split)", low=1)
    batch_size: int = setting(32, "samples per training batch", low=1)
    dataset_fallback: str = setting("", "dataset run instead when dataset is not available "
                                        "(empty: fail)")


def model_cost(registry, choice, input_shape, num_classes: int, width: float, net):
    """``(params, macs)`` of the model the architecture ``choice`` builds for
    ``input_shape``, by shape inference (``Architecture.infer``); an architecture
    registered as a plain factory gets its parameters counted on the built model and
    MACs NaN."""
    arch = registry.get("architecture", choice.name)
    if hasattr(arch, "infer"):
        _, inference = arch.infer(input_shape, num_classes, choice.kwargs.get("variant"), width)
        return inference.params, inference.macs
    return net.num_parameters(), math.nan


QUICK = ["simple-cnn(width=1.0)", "lenet(width=1.0)", "alexnet(width=0.125)",
         "vgg11(width=0.125)", "googlenet(width=0.0625)", "resnet18(width=0.125)",
         "se-resnet50(width=0.0625)"]


class Architectures(Task):
    name = "architectures"
    data_type = Dataset
    formula = ("test_acc = accuracy on the test split after the last epoch (eval mode), "
               "train_acc = the same on the training split; params, macs by shape inference "
               "at the data set's input shape; seconds_per_epoch = mean wall time of an "
               "epoch's training steps; series loss (per iteration), train_loss, train_error, "
               "test_acc (per epoch)")
    reference = ("ゼロから作る Deep Learning 7.5, 8.1-8.2 (ch07/train_convnet.py, "
                 "ch08/train_deepnet.py); the papers of each architecture (dlbench info "
                 "architecture NAME)")
    summary = {"en": "CNN architectures (scaled down) trained on an image data set: test "
                     "accuracy against parameters, MACs and seconds per epoch",
               "ja": "縮小した CNN アーキテクチャを画像データで学習: テスト精度とパラメータ数・"
                     "積和演算数・1 エポックの秒数の比較"}
    Config = ArchitecturesConfig
    grid = ("architecture", "dataset")
    primary_metric = ("test_acc", "max")
    metrics = {
        "test_acc": Metric("max", "test accuracy after the last epoch"),
        "train_acc": Metric("max", "training accuracy after the last epoch"),
        "params": Metric("min", "number of trainable parameters"),
        "macs": Metric("min", "multiply-accumulates of one forward pass of one image"),
        "seconds_per_epoch": Metric("min", "wall-clock seconds per training epoch"),
    }
    standard = False
    suite_order = 20
    # per run; book: SimpleConvNet ~25 s/epoch and DeepConvNet ~110 s/epoch on MNIST with
    # one BLAS thread (2-core machine), 20 epochs each, plus evaluation
    estimate_s = {"quick": 22.0, "test": 0.3, "book": 1400.0}
    presets = {
        "quick": Preset(
            choices={"architecture": QUICK, "dataset": ["shapes"]}, seeds=1, budget_s=300,
            note="one architecture of each family on shapes (1×16×16, 6 classes, 2,100 "
                 "training images): Adam lr 0.001, batch 32, 8 epochs; the book's nets and "
                 "LeNet at width 1, the others scaled down (width in the choice). "
                 "--dataset digits runs them on the 8×8 digits"),
        "book": Preset(
            config={"dataset": "mnist(val_fraction=0.0)", "dataset_fallback": "digits",
                    "epochs": 20, "batch_size": 100},
            choices={"architecture": ["simple-cnn(width=1.0)", "deep-convnet(width=1.0)"]},
            seeds=1,
            note="the book's train_convnet.py (SimpleConvNet) and train_deepnet.py "
                 "(DeepConvNet): all 60,000 MNIST images, Adam lr 0.001, batch 100, 20 epochs; "
                 "outside every time budget (~10 and ~40 min on one core), each run prints "
                 "an ETA after every epoch"),
        "test": Preset(
            config={"dataset": "shapes(n_samples=120)", "epochs": 2},
            choices={"architecture": ["simple-cnn(width=0.25)", "resnet18(width=0.03125)"]}),
    }

    def run(self, config, rng, observer):
        data = load_images(observer, config.dataset, self.name)
        choice = config.architecture
        # the width setting reaches only architectures that take one and whose choice
        # does not set its own
        net = observer.create("architecture", choice, input_shape=data.input_shape,
                              num_classes=data.num_classes, rng=rng,
                              context={"width": config.width})
        width = choice.kwargs.get("width", config.width)
        params, macs = model_cost(observer.registry, choice, data.input_shape,
                                  data.num_classes, width, net)
        variant = getattr(net, "variant", None)
        observer.note(f"{choice.name}: variant {variant}, width {width:g}, "
                      f"input {'×'.join(map(str, data.input_shape))}, "
                      f"{data.num_classes} classes, {params:,} parameters")
        optimizer = observer.create("optimizer", config.optimizer, net.parameters())
        loss_fn = observer.create("loss", "cross-entropy")
        cost = {"params": float(params), "macs": float(macs)}
        stats = fit(net, data, optimizer, loss_fn, epochs=config.epochs,
                    batch_size=config.batch_size, rng=rng, observer=observer,
                    label=f"{choice} on {data.name}",
                    diverged_summary={**cost, "test_acc": math.nan, "train_acc": math.nan,
                                      "seconds_per_epoch": math.nan})
        return {"test_acc": stats.test_acc[-1],
                "train_acc": accuracy(net, data.x_train, data.y_train),
                **cost, "seconds_per_epoch": stats.seconds_per_epoch}
