"""The training loop the CNN tasks share (``architectures``, ``degradation``).

Shuffled epochs, as the book's ``Trainer``: each epoch walks a fresh permutation of the
training split in batches, one optimizer step per batch on the batch-mean cross-entropy.
Per epoch it logs the running training loss and error (means over the epoch's batches,
in train mode, as the ResNet paper's training curves are drawn) and the test accuracy in
eval mode; it times the training part of each epoch, and when a run will take long (the
``book`` presets) prints and stores an ETA after every epoch.
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass, field

import numpy as np

from dlbench.bench import Diverged
from dlbench.errors import DataError

#: samples per forward pass when evaluating: layers keep their backward caches (im2col
#: matrices) even in eval mode, so memory grows with it (500 took a depth-32 net to 0.9 GB)
EVAL_BATCH = 100
#: print an ETA when a run is expected to take longer than this
ETA_AFTER_S = 120.0


@dataclass
class EpochStats:
    """Per-epoch numbers of one training run (lists indexed by epoch − 1)."""

    train_loss: list = field(default_factory=list)
    train_error: list = field(default_factory=list)
    test_acc: list = field(default_factory=list)
    seconds: list = field(default_factory=list)

    @property
    def seconds_per_epoch(self) -> float:
        """Mean wall time of an epoch's training steps (evaluation excluded)."""
        return float(np.mean(self.seconds)) if self.seconds else math.nan


def load_images(observer, choice, task: str):
    """The data set ``choice`` names; a :class:`DataError` unless its samples are images
    ``(C, H, W)`` (a CNN task cannot run on flat vectors such as ``spiral``)."""
    data = observer.dataset(choice)
    if len(data.input_shape) != 3:
        raise DataError(f"{task} needs images (C, H, W); {data.name} has samples of shape "
                        f"{data.input_shape}")
    return data


def accuracy(net, x: np.ndarray, y: np.ndarray, batch: int | None = None) -> float:
    """Accuracy of ``net`` in eval mode on ``x`` (N, C, H, W), ``y`` (N,), ``batch``
    samples at a time (default :data:`EVAL_BATCH`); train mode after."""
    if len(y) == 0:
        return math.nan
    batch = batch or EVAL_BATCH
    net.eval()
    correct = 0
    for i in range(0, len(y), batch):
        correct += int(np.sum(np.argmax(net.forward(x[i:i + batch]), axis=1) == y[i:i + batch]))
    net.train()
    return correct / len(y)


def clock(seconds: float) -> str:
    """``75`` -> ``"1 min 15 s"``; ``4000`` -> ``"1 h 07 min"``."""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


def fit(net, data, optimizer, loss_fn, *, epochs: int, batch_size: int,
        rng: np.random.Generator, observer, label: str = "",
        diverged_summary: dict | None = None) -> EpochStats:
    """Train ``net`` on ``data`` (images NCHW) for ``epochs``; log and return the stats.

    Series: ``loss`` per iteration; ``train_loss``, ``train_error`` and ``test_acc`` per
    epoch (step = epoch). Raises :class:`~dlbench.bench.Diverged` on a NaN/inf loss,
    carrying ``diverged_summary`` (the run is stored as diverged with it).
    """
    n = len(data.y_train)
    stats = EpochStats()
    iteration = 0
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        order = rng.permutation(n)
        began = time.perf_counter()
        loss_sum, wrong = 0.0, 0
        for i in range(0, n, batch_size):
            idx = order[i:i + batch_size]
            x, y = data.x_train[idx], data.y_train[idx]
            iteration += 1
            optimizer.zero_grad()
            logits = net.forward(x)
            value = loss_fn.forward(logits, y)
            observer.log("loss", iteration, value)
            if not math.isfinite(value):
                raise Diverged(iteration, "loss", value, summary=diverged_summary)
            net.backward(loss_fn.backward())
            optimizer.step()
            loss_sum += value * len(idx)
            wrong += int(np.sum(np.argmax(logits, axis=1) != y))
        stats.seconds.append(time.perf_counter() - began)
        stats.train_loss.append(loss_sum / n)
        stats.train_error.append(wrong / n)
        stats.test_acc.append(accuracy(net, data.x_test, data.y_test))
        observer.epoch(epoch, train_loss=stats.train_loss[-1], train_error=stats.train_error[-1],
                       test_acc=stats.test_acc[-1])
        _eta(observer, label, epoch, epochs, time.perf_counter() - start, stats.seconds[-1])
    return stats


def _eta(observer, label: str, epoch: int, epochs: int, elapsed: float, last: float) -> None:
    """Print and store the time left when the whole run is expected to be long."""
    left = (elapsed / epoch) * (epochs - epoch)
    if elapsed + left < ETA_AFTER_S or epoch == epochs:
        return
    text = (f"{label}: epoch {epoch}/{epochs} took {clock(last)}; about {clock(left)} left "
            f"for this run")
    print(text, file=sys.stderr, flush=True)
    if epoch == 1:
        observer.note(f"ETA after epoch 1: {clock(elapsed + left)} for {epochs} epochs "
                      f"({clock(last)} of training per epoch)")
