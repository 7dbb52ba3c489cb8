"""Conformance of regularizers: each optional method of the protocol that exists.

A small float64 network ``Dense(6, 5) → sigmoid → Dense(5, 4) → sigmoid → Dense(4, 3)``
on 8 samples is the test bed (sigmoid, so activations lie in (0, 1)). Per method:

- ``penalty``: a finite float; gradients only for weights (``ndim >= 2``) and activation
  names, each of the right shape; every weight, bias and activation checked by central
  differences (a missing gradient counts as zero, so a forgotten one is caught).
- ``wrap_model``: returns a ``Module`` keeping the original layers; forward and backward
  keep the shapes in train and eval mode; gradient check in train mode.
- ``transform``: batch size, shape and dtype kept; targets are labels ``(N,)`` or
  probability rows ``(N, C)``; the inputs are not modified; same seed, same output.
- ``should_stop``: returns a bool on improving, flat and worsening histories, without
  changing them.

The registration's ``example`` may give ``kwargs``, ``input_shape`` / ``input_range``
(the batch ``transform`` sees; default ``(8, 6)`` in [0, 1]) and ``num_classes`` (default 3).
"""

from __future__ import annotations

import copy

import numpy as np

from ..nn import Dense, Module, Sequential, gradcheck, gradcheck_function, sigmoid
from ..plugin_registry import Entry
from .core import CheckResult, Checker, example_input, example_of, require

METHODS = ("penalty", "wrap_model", "transform", "should_stop")


class _Sigmoid(Module):
    """σ(x), a stand-in hidden activation (the activation plugins are not needed here)."""

    def forward(self, x):
        self._y = sigmoid(x)
        return self._y

    def backward(self, dy):
        return dy * self._y * (1 - self._y)


def small_net(seed: int = 0) -> Sequential:
    """The float64 test bed ``6 → 5 → 4 → 3`` with sigmoid hidden activations."""
    rng = np.random.default_rng(seed)
    return Sequential(Dense(6, 5, rng=rng, dtype=np.float64), _Sigmoid(),
                      Dense(5, 4, rng=rng, dtype=np.float64), _Sigmoid(),
                      Dense(4, 3, rng=rng, dtype=np.float64))


def forward_with_activations(net: Sequential, x: np.ndarray) -> tuple[np.ndarray, dict]:
    """Run ``net`` and collect ``{name: output}`` of its hidden activation modules, as the
    training loop passes them to ``penalty``."""
    acts = {}
    for index, module in enumerate(net):
        x = module.forward(x)
        if isinstance(module, _Sigmoid):
            acts[str(index)] = x.copy()
    return x, acts


def _check_penalty(reg, x: np.ndarray):
    net = small_net()
    _, acts = forward_with_activations(net, x)
    named = list(net.named_parameters())
    value, grads = reg.penalty(named, acts)
    require(isinstance(value, (float, np.floating)) and not isinstance(value, np.ndarray),
            f"value must be a float, got {type(value).__name__}")
    require(np.isfinite(value), f"value is {value}")
    params = dict(named)
    for key, g in grads.items():
        if key in params:
            require(params[key].data.ndim >= 2,
                    f"gradient for {key!r} {params[key].shape}: only weights (ndim >= 2) are penalised")
            want = params[key].shape
        else:
            require(key in acts, f"gradient for unknown name {key!r}; known: "
                                 f"{sorted(params) + sorted(acts)}")
            want = acts[key].shape
        require(np.shape(g) == want, f"gradient for {key!r} has shape {np.shape(g)}, expected {want}")
    arrays = {**{k: p.data for k, p in params.items()}, **acts}
    analytic = {k: np.asarray(grads.get(k, np.zeros_like(a)), dtype=np.float64)
                for k, a in arrays.items()}
    result = gradcheck_function(lambda: float(reg.penalty(named, acts)[0]), arrays, analytic)
    require(result.passed, f"penalty gradient check failed: {result}")
    return f"value {float(value):.4g}; worst relative error {result.worst[1]:.1e} ({result.worst[0]})"


def _check_wrap_model(reg, x: np.ndarray):
    net = small_net()
    originals = [m for m in net if isinstance(m, Dense)]
    wrapped = reg.wrap_model(net)
    require(isinstance(wrapped, Module), f"wrap_model returned {type(wrapped).__name__}, not a Module")
    inside = list(wrapped.modules())
    require(all(any(m is d for m in inside) for d in originals),
            "wrap_model dropped or copied the network's own Dense layers")
    for mode in (True, False):
        y = wrapped.train(mode).forward(x)
        require(y.shape == (x.shape[0], 3), f"output shape {y.shape}, expected {(x.shape[0], 3)}")
        require(np.all(np.isfinite(y)), "non-finite output")
        dx = wrapped.backward(np.ones_like(y))
        require(dx.shape == x.shape, f"backward returned {dx.shape}, input was {x.shape}")
    worst = _gradcheck_wrapped(wrapped, originals, x)
    return f"{len(inside) - 1} modules; worst relative error {worst:.1e}"


def _gradcheck_wrapped(wrapped: Module, originals: list, x: np.ndarray) -> float:
    """The whole network in eval mode, and each inserted layer of a Sequential on its own
    in train mode. (The whole network in train mode is not checked: batch norm makes the
    preceding bias's gradient exactly zero, which a relative error cannot judge.)"""
    worst = 0.0
    wrapped.train().forward(x)  # one training batch, so running statistics are not trivial
    result = gradcheck(wrapped.eval(), x)
    require(result.passed, f"gradient check of the wrapped network (eval mode) failed: {result}")
    worst = max(worst, result.worst[1])
    if isinstance(wrapped, Sequential):
        h = x
        for index, module in enumerate(wrapped.train()):
            if not any(module is d for d in originals):
                # on unit-scale input of the same shape: a layer's correctness does not
                # depend on the values, and batch norm on a low-variance input would need a
                # smaller step than the central difference's h = 1e-4
                probe = np.random.default_rng(index).normal(0.5, 1.0, size=h.shape)
                result = gradcheck(module, probe)
                require(result.passed, f"gradient check of inserted layer {index} "
                                       f"({type(module).__name__}, train mode) failed: {result}")
                worst = max(worst, result.worst[1])
            h = module.forward(h)
    return worst


def _check_transform(reg, x: np.ndarray, num_classes: int):
    y = np.random.default_rng(1).integers(0, num_classes, size=x.shape[0])
    y[:num_classes] = np.arange(num_classes)  # every class present
    x_before, y_before = x.copy(), y.copy()
    x2, y2 = reg.transform(x, y, np.random.default_rng(7))
    x2, y2 = np.asarray(x2), np.asarray(y2)
    require(np.array_equal(x, x_before) and np.array_equal(y, y_before),
            "transform modified its input arrays in place")
    require(x2.shape == x.shape, f"x shape {x.shape} became {x2.shape}")
    require(x2.dtype == x.dtype, f"x dtype {x.dtype} became {x2.dtype}")
    require(np.all(np.isfinite(x2)), "non-finite values in the transformed x")
    require(y2.shape[:1] == y.shape, f"{len(y)} labels became {y2.shape}")
    if y2.ndim == 2:
        require(np.all(y2 >= 0) and np.allclose(y2.sum(axis=1), 1, atol=1e-5),
                "probability targets must be non-negative rows summing to 1")
    else:
        require(y2.ndim == 1 and np.issubdtype(y2.dtype, np.integer),
                f"targets must be int labels (N,) or probabilities (N, C), got {y2.dtype} {y2.shape}")
    again = reg.transform(x, y, np.random.default_rng(7))
    require(np.array_equal(again[0], x2) and np.array_equal(again[1], y2),
            "the same rng seed gave a different batch")
    return f"x {x.shape} {x.dtype}, targets {y2.shape}"


def _histories() -> dict[str, dict[str, list]]:
    def history(loss):
        loss = [float(v) for v in loss]
        return {"epoch": list(range(1, len(loss) + 1)), "train_loss": loss,
                "val_loss": loss, "val_acc": [1.0 - v / 4 for v in loss]}
    return {"improving": history(np.linspace(2.0, 0.5, 6)), "flat": history(np.full(20, 1.0)),
            "worsening": history(np.linspace(0.5, 2.0, 20)), "one epoch": history([1.0])}


def _check_should_stop(reg):
    answers = {}
    for label, hist in _histories().items():
        before = copy.deepcopy(hist)
        stop = reg.should_stop(hist)
        require(isinstance(stop, (bool, np.bool_)), f"returned {type(stop).__name__} on the "
                                                    f"{label} history, expected bool")
        require(hist == before, f"should_stop modified the {label} history")
        answers[label] = bool(stop)
    return ", ".join(f"{k}: {'stop' if v else 'go on'}" for k, v in answers.items())


def check_regularizer(entry: Entry) -> list[CheckResult]:
    """Create the regularizer, then check each protocol method it implements."""
    c = Checker(entry)
    ex = example_of(entry)
    holder: dict = {}
    if not c.attempt("create", lambda: holder.update(reg=entry.obj(**ex.get("kwargs", {})))):
        return c.results
    reg = holder["reg"]
    present = [m for m in METHODS if callable(getattr(reg, m, None))]
    if not present:
        c.add("protocol", "fail", "implements none of " + ", ".join(METHODS))
        return c.results
    net_x = np.random.default_rng(0).uniform(-1.0, 1.0, size=(8, 6))
    batch = example_input(ex, (8, 6), (0.0, 1.0)).astype(np.float32)
    checks = {
        "penalty": lambda: _check_penalty(reg, net_x),
        "wrap_model": lambda: _check_wrap_model(reg, net_x),
        "transform": lambda: _check_transform(reg, batch, int(ex.get("num_classes", 3))),
        "should_stop": lambda: _check_should_stop(reg),
    }
    for method in METHODS:
        if method in present:
            c.attempt(method.replace("_", "-"), checks[method])
    return c.results
