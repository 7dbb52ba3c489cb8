"""Pieces the standard tasks share: the book's learning rates and a one-call MLP trainer."""

from __future__ import annotations

import numpy as np

from dlbench.taskkit import child_rng, mlp, train  # noqa: F401  (child_rng: for the tasks)

#: learning rates of the book's ch. 6 scripts (optimizer_compare_mnist.py and Trainer
#: defaults); rmsprop and nesterov use the Trainer's 0.01.
BOOK_LRS = {"sgd": 0.01, "momentum": 0.01, "nesterov": 0.01, "adagrad": 0.01,
            "rmsprop": 0.01, "adam": 0.001}


def fit_mlp(observer, data, *, hidden, activation, initializer, optimizer, lr=None,
            iterations, batch_size, rng, regularizers=(), sampling="book", eval_every=None,
            eval_splits=("train", "val", "test"), prefix="", raise_on_divergence=True,
            clip_norm=None, clip_value=None, scheduler="none", log_every=1, dtype="float32",
            net_hook=None):
    """Build the book's MultiLayerNet for ``data`` (flattened) and train it.

    :param optimizer: a choice string; ``lr`` (when given) overrides its learning rate.
    :param regularizers: regularizer *instances* (wrap_model is applied here).
    :param net_hook: ``net_hook(net)`` after wrapping, before training (e.g. to measure).
    :return: ``(net, history)``.
    """
    flat = data.flat()
    net = mlp(observer, flat.x_train.shape[1], list(hidden), data.num_classes,
              activation=activation, initializer=initializer, rng=rng, dtype=np.dtype(dtype))
    for reg in regularizers:
        if hasattr(reg, "wrap_model"):
            net = reg.wrap_model(net)
    if net_hook is not None:
        net_hook(net)
    kwargs = {} if lr is None else {"lr": lr}
    opt = observer.create("optimizer", optimizer, net.parameters(), **kwargs)
    sched = None if scheduler is None or str(scheduler) in ("", "none") else observer.create("scheduler", scheduler, opt)
    loss_fn = observer.create("loss", "cross-entropy")
    history = train(net, flat, opt, loss_fn=loss_fn, rng=rng, observer=observer,
                    iterations=iterations, batch_size=batch_size, regularizers=regularizers,
                    sampling=sampling, eval_every=eval_every, eval_splits=eval_splits,
                    prefix=prefix, raise_on_divergence=raise_on_divergence,
                    clip_norm=clip_norm, clip_value=clip_value, scheduler=sched,
                    log_every=log_every)
    return net, history
