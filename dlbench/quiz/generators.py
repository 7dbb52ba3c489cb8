"""Generators of ``generated`` questions: fresh numbers at each review, answers from dlbench.

A question names one as ``generator = "dlbench.quiz.generators:conv_output_size"``. Each
takes a :class:`numpy.random.Generator` (seeded from the question id, the learner and the
review count; see :mod:`dlbench.quiz.draw`) and returns ``{"params": {...}, "answer": x}``.
The params fill the prompt's ``{{ name }}`` placeholders; they are drawn on a coarse grid
so that what the learner reads is exactly what the answer was computed from.

Answers come from dlbench's own code wherever it exists: the registered activations'
``backward`` for derivatives, :func:`dlbench.nn.softmax`, the registered loss, optimizer
plugins (resolved through :func:`dlbench.registry` at call time, so ``momentum`` and
``adam`` are whatever plugins provide them), parameter counts by building layers. Each
generator rejects invalid draws itself (a kernel larger than the padded input...).
Pure: the same generator state gives the same params and answer.
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import DlbenchError

MAX_TRIES = 100


class GeneratorError(DlbenchError):
    """A generator could not produce a valid draw or needs a plugin that is missing."""


def _registry():
    import dlbench

    return dlbench.registry()


def _need(kind: str, name: str):
    reg = _registry()
    if (kind, name) not in reg:
        raise GeneratorError(f"this question needs the {kind} plugin {name!r}, which is not "
                             f"registered (known: {', '.join(reg.names(kind)) or 'none'})")
    return reg


def _pick(rng: np.random.Generator, values):
    return values[int(rng.integers(len(values)))]


def _grid(rng: np.random.Generator, low: float, high: float, step: float) -> float:
    """A value on the grid low, low+step, ..., high, rounded so it prints as typed."""
    n = int(round((high - low) / step))
    return round(low + step * int(rng.integers(n + 1)), 6)


def _draw(rng, make, valid):
    for _ in range(MAX_TRIES):
        params = make(rng)
        if valid(params):
            return params
    raise GeneratorError(f"no valid draw in {MAX_TRIES} tries")


# -- shapes and counts -----------------------------------------------------------------
def output_size(h: int, k: int, s: int, p: int) -> int:
    """⌊(H + 2P − K)/S⌋ + 1 (P per side), measured on the engine's ``conv2d`` layer when one
    is registered, so the quiz and the engine cannot disagree."""
    reg = _registry()
    if ("layer", "conv2d") in reg:
        conv = reg.create("layer", "conv2d", in_channels=1, out_channels=1, kernel_size=k,
                          stride=s, padding=p)
        return int(conv.forward(np.zeros((1, 1, h, h), dtype=np.float32)).shape[-1])
    return (h + 2 * p - k) // s + 1


def conv_output_size(rng):
    """Output height of a convolution: H, K (square), stride S, padding P per side."""
    params = _draw(rng, lambda r: {"h": int(r.integers(5, 65)), "k": _pick(r, [1, 2, 3, 5, 7, 11]),
                                   "s": _pick(r, [1, 1, 2, 2, 3, 4]), "p": int(r.integers(0, 4))},
                   lambda q: q["k"] <= q["h"] + 2 * q["p"] and q["p"] < q["k"])
    params["w"] = params["h"]
    return {"params": params, "answer": output_size(params["h"], params["k"], params["s"], params["p"])}


def pool_output_size(rng):
    """Output height of max pooling (no padding): H, window K, stride S."""
    params = _draw(rng, lambda r: {"h": int(r.integers(4, 57)), "k": _pick(r, [2, 3]),
                                   "s": _pick(r, [1, 2, 2, 3])},
                   lambda q: q["k"] <= q["h"] and q["s"] <= q["k"])
    reg = _registry()
    h, k, s = params["h"], params["k"], params["s"]
    if ("layer", "maxpool2d") in reg:
        pool = reg.create("layer", "maxpool2d", kernel_size=k, stride=s)
        answer = int(pool.forward(np.zeros((1, 1, h, h), dtype=np.float32)).shape[-1])
    else:
        answer = (h - k) // s + 1
    return {"params": params, "answer": answer}


def conv_params(rng):
    """Learnable parameters of a conv layer with biases: (K·K·C_in + 1)·C_out."""
    params = {"c_in": _pick(rng, [1, 3, 16, 32, 64]), "c_out": _pick(rng, [8, 16, 32, 64, 128]),
              "k": _pick(rng, [1, 3, 5, 7])}
    reg = _registry()
    if ("layer", "conv2d") in reg:
        conv = reg.create("layer", "conv2d", in_channels=params["c_in"],
                          out_channels=params["c_out"], kernel_size=params["k"])
        answer = conv.num_parameters()
    else:
        answer = (params["k"] ** 2 * params["c_in"] + 1) * params["c_out"]
    return {"params": params, "answer": int(answer)}


def dense_params(rng):
    """Learnable parameters (weights and biases) of an MLP, counted on dlbench's Dense."""
    from dlbench.nn import Sequential

    sizes = [_pick(rng, [64, 100, 784]), _pick(rng, [50, 100, 128]), _pick(rng, [32, 50, 100]), 10]
    if rng.random() < 0.5:
        sizes = sizes[:2] + sizes[3:]
    reg = _need("layer", "dense")
    net = Sequential(*[reg.create("layer", "dense", in_features=a, out_features=b)
                       for a, b in zip(sizes, sizes[1:])])
    return {"params": {"sizes": "-".join(map(str, sizes)), "layers": len(sizes) - 1},
            "answer": int(net.num_parameters())}


def receptive_field(rng):
    """Receptive field of N stacked K×K convolutions with stride 1: 1 + N(K − 1)."""
    params = {"n": int(rng.integers(2, 6)), "k": _pick(rng, [3, 3, 5])}
    field, jump = 1, 1
    for _ in range(params["n"]):  # r ← r + (K − 1)·j, j ← j·S with S = 1
        field += (params["k"] - 1) * jump
    return {"params": params, "answer": field}


def iterations_per_epoch(rng):
    """Parameter updates per epoch with mini-batches, the last partial batch included."""
    params = {"n": int(rng.integers(10, 601)) * 100, "b": _pick(rng, [16, 32, 50, 64, 100, 128, 256])}
    return {"params": params, "answer": math.ceil(params["n"] / params["b"])}


# -- activations and outputs -------------------------------------------------------------
def _derivative(name: str, x: float) -> float:
    act = _need("activation", name).create("activation", name)
    xs = np.array([[x]], dtype=np.float64)
    act.forward(xs)
    return float(act.backward(np.ones_like(xs))[0, 0])


def sigmoid_derivative(rng):
    """σ'(x) = σ(x)(1 − σ(x)), from the registered sigmoid's backward."""
    x = _grid(rng, -4.0, 4.0, 0.5)
    return {"params": {"x": x}, "answer": _derivative("sigmoid", x)}


def tanh_derivative(rng):
    """tanh'(x) = 1 − tanh²(x), from the registered tanh's backward."""
    x = _grid(rng, -2.0, 2.0, 0.25)
    return {"params": {"x": x}, "answer": _derivative("tanh", x)}


def softmax_entry(rng):
    """One entry of softmax over three integer logits (dlbench.nn.softmax)."""
    from dlbench.nn import softmax

    logits = [int(v) for v in rng.integers(-2, 4, size=3)]
    i = int(rng.integers(3))
    value = float(softmax(np.array(logits, dtype=np.float64))[i])
    return {"params": {"a": logits[0], "b": logits[1], "c": logits[2], "i": i + 1,
                       "logits": logits}, "answer": value}


def cross_entropy_value(rng):
    """Cross-entropy of one sample from its logits and true class (registered loss)."""
    logits = [int(v) for v in rng.integers(-2, 4, size=3)]
    label = int(rng.integers(3))
    loss = _need("loss", "cross-entropy").create("loss", "cross-entropy")
    value = loss.forward(np.array([logits], dtype=np.float64), np.array([label]))
    return {"params": {"a": logits[0], "b": logits[1], "c": logits[2], "t": label + 1},
            "answer": float(value)}


# -- one optimizer step -------------------------------------------------------------------
def _steps(name: str, w0: float, grads, **hyper) -> float:
    from dlbench.nn import Parameter

    reg = _need("optimizer", name)
    p = Parameter(np.array([w0], dtype=np.float64))
    opt = reg.create("optimizer", name, [p], **hyper)
    for g in grads:
        p.grad[...] = g
        opt.step()
    return float(p.data[0])


def sgd_step(rng):
    """w after one SGD step w ← w − η·g (the registered ``sgd``)."""
    params = {"w": _grid(rng, -2.0, 2.0, 0.5), "g": _grid(rng, -3.0, 3.0, 0.5),
              "lr": _pick(rng, [0.1, 0.01, 0.5])}
    return {"params": params, "answer": _steps("sgd", params["w"], [params["g"]], lr=params["lr"])}


def momentum_two_steps(rng):
    """w after two momentum steps (the registered ``momentum``; v starts at 0)."""
    params = _draw(rng, lambda r: {"w": _grid(r, -1.0, 1.0, 0.5), "g1": _grid(r, -2.0, 2.0, 0.5),
                                   "g2": _grid(r, -2.0, 2.0, 0.5), "lr": _pick(r, [0.1, 0.5]),
                                   "mu": 0.9},
                   lambda q: q["g1"] != 0 and q["g2"] != 0)
    answer = _steps("momentum", params["w"], [params["g1"], params["g2"]], lr=params["lr"],
                    momentum=params["mu"])
    return {"params": params, "answer": answer}


def adam_first_step(rng):
    """w after Adam's first step from m = v = 0 (≈ w − lr·sign(g) whatever |g|)."""
    params = _draw(rng, lambda r: {"w": _grid(r, -1.0, 1.0, 0.25), "g": _grid(r, -4.0, 4.0, 0.5),
                                   "lr": _pick(r, [0.1, 0.01, 0.001])},
                   lambda q: q["g"] != 0)
    return {"params": params, "answer": _steps("adam", params["w"], [params["g"]], lr=params["lr"])}
