"""The training loop shared by the standard tasks (the book's ``Trainer``, generalised).

One iteration: sample a batch (the book's ``np.random.choice`` with replacement, or
shuffled epochs), let regularizers ``transform`` it, forward through the network
recording hidden activations, add regularizer penalties to the batch-mean data loss,
backward (penalty gradients enter at the activations and parameters they concern),
clip, step the optimizer and the scheduler. The data loss and the penalty are logged as
separate series. Every ``eval_every`` iterations (one epoch by default) accuracy and
loss on the train / validation / test splits are logged and ``should_stop`` is asked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..nn import Sequential, clip_grad_norm, clip_grad_value
from .models import activation_names
from .observer import Diverged

EVAL_BATCH = 4096


@dataclass
class History:
    """What a training run produced, beside the series already logged."""

    loss: list = field(default_factory=list)  # data loss per iteration
    evals: dict = field(default_factory=lambda: {"epoch": [], "train_loss": [], "train_acc": [],
                                                  "val_loss": [], "val_acc": [],
                                                  "test_loss": [], "test_acc": []})
    iterations: int = 0
    diverged_at: int | None = None
    stopped_early_at: int | None = None

    def last(self, key: str) -> float:
        values = self.evals.get(key) or []
        return values[-1] if values else math.nan


def evaluate(net, loss_fn, x, y) -> tuple[float, float]:
    """(mean loss, accuracy) of ``net`` in eval mode on ``x``, ``y``, in batches."""
    if len(y) == 0:
        return math.nan, math.nan
    net.eval()
    total, correct = 0.0, 0
    for i in range(0, len(y), EVAL_BATCH):
        logits = net.forward(x[i:i + EVAL_BATCH])
        yb = y[i:i + EVAL_BATCH]
        total += loss_fn.forward(logits, yb) * len(yb)
        correct += int(np.sum(np.argmax(logits, axis=1) == yb))
    net.train()
    return total / len(y), correct / len(y)


def _forward(net: Sequential, x, record: set[str]):
    acts = {}
    for name, module in net.children():
        x = module.forward(x)
        if name in record:
            acts[name] = x
    return x, acts


def _backward(net: Sequential, d, act_grads: dict):
    for name, module in reversed(list(net.children())):
        if name in act_grads:
            d = d + act_grads[name].astype(d.dtype, copy=False)
        d = module.backward(d)
    return d


def train(net: Sequential, data, optimizer, *, loss_fn, rng: np.random.Generator, observer,
          iterations: int, batch_size: int, regularizers=(), sampling: str = "book",
          eval_every: int | None = None, eval_splits=("train", "val", "test"),
          log_every: int = 1, clip_norm: float | None = None, clip_value: float | None = None,
          scheduler=None, prefix: str = "", raise_on_divergence: bool = True) -> History:
    """Train ``net`` on ``data`` (a :class:`~dlbench.bench.Dataset` with flat or image
    inputs) and log to ``observer``; see the module docstring.

    :param sampling: ``"book"`` draws each batch with replacement (``np.random.choice``);
        ``"shuffle"`` walks a fresh permutation per epoch.
    :param eval_every: iterations between evaluations; default one epoch = N/batch.
    :param prefix: prepended to series keys (``"lr=0.01/"``) when a task trains several
        networks in one run.
    :param raise_on_divergence: raise :class:`Diverged` on a NaN/inf loss; otherwise stop
        and record ``History.diverged_at``.
    """
    n = len(data.y_train)
    if n == 0:
        raise ValueError("the training split is empty")
    per_epoch = max(1, math.ceil(n / batch_size))
    eval_every = eval_every or per_epoch
    record = set(activation_names(net, observer.registry)) if any(
        hasattr(r, "penalty") for r in regularizers) else set()
    named = dict(net.named_parameters())
    history = History()
    order, cursor = None, n
    for it in range(1, iterations + 1):
        if sampling == "book":
            idx = rng.choice(n, batch_size)
        else:
            if cursor >= n:
                order, cursor = rng.permutation(n), 0
            idx = order[cursor:cursor + batch_size]
            cursor += batch_size
        x, y = data.x_train[idx], data.y_train[idx]
        for reg in regularizers:
            if hasattr(reg, "transform"):
                x, y = reg.transform(x, y, rng)
        logits, acts = _forward(net, x, record)
        value = loss_fn.forward(logits, y)
        penalty, param_grads, act_grads = 0.0, {}, {}
        for reg in regularizers:
            if hasattr(reg, "penalty"):
                v, grads = reg.penalty(list(named.items()), acts)
                penalty += float(v)
                for key, g in grads.items():
                    target = param_grads if key in named else act_grads
                    target[key] = target[key] + g if key in target else g
        history.loss.append(value)
        if not (math.isfinite(value) and math.isfinite(penalty)):
            observer.log(prefix + "loss", it, value)
            history.diverged_at = it
            if raise_on_divergence:
                raise Diverged(it, prefix + "loss", value)
            break
        optimizer.zero_grad()
        _backward(net, loss_fn.backward(), act_grads)
        for key, g in param_grads.items():
            named[key].grad += g.astype(named[key].grad.dtype, copy=False)
        if clip_norm is not None:
            clip_grad_norm(named.values(), clip_norm)
        if clip_value is not None:
            clip_grad_value(named.values(), clip_value)
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        if it % log_every == 0 or it == 1:
            observer.log(prefix + "loss", it, value)
            if penalty:
                observer.log(prefix + "penalty", it, penalty)
        history.iterations = it
        if it % eval_every == 0 or it == iterations:
            epoch = it / per_epoch
            metrics = {}
            for split in eval_splits:
                xs, ys = getattr(data, f"x_{split}"), getattr(data, f"y_{split}")
                split_loss, split_acc = evaluate(net, loss_fn, xs, ys)
                metrics[f"{prefix}{split}_loss"] = split_loss
                metrics[f"{prefix}{split}_acc"] = split_acc
                history.evals[f"{split}_loss"].append(split_loss)
                history.evals[f"{split}_acc"].append(split_acc)
            history.evals["epoch"].append(epoch)
            observer.epoch(len(history.evals["epoch"]), step=it, **metrics)
            if any(hasattr(r, "should_stop") and r.should_stop(history.evals) for r in regularizers):
                history.stopped_early_at = it
                break
    return history
