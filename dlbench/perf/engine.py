"""How fast the numpy engine trains, next to PyTorch CPU in the same process.

Two standard cases, both float32:

- ``mlp``: one training step (forward, cross-entropy, backward, SGD update) of the
  book's ch. 6 network 784-100-100-100-100-10 with ReLU, batch 128.
- ``conv``: forward + backward (input and weight gradients) of one conv layer,
  16 → 32 channels, 3×3, padding 1, on a batch of 100 images of 28×28.

Each case runs ``warmup`` untimed calls and then ``repeats`` timed ones; the median is
reported (robust to the odd slow call). When ``torch`` imports, the same computation
runs on PyTorch CPU with as many threads as numpy's BLAS uses, timed in rounds that
alternate with dlbench's, and the ratio dlbench / torch is given (below 1 means dlbench
is faster). Speed is only ever measured, never asserted by a test.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np

MLP_SIZES = (784, 100, 100, 100, 100, 10)
MLP_BATCH = 128
CONV_SHAPE = (100, 16, 28, 28)  # N, C, H, W
CONV_OUT, CONV_KERNEL, CONV_PADDING = 32, 3, 1
PAUSE_SECONDS = 0.2  # before switching engines
ROUNDS = 5  # alternations between the engines


@dataclass
class CaseResult:
    """Median seconds per call of one case on each engine."""

    name: str
    description: str
    dlbench_ms: float
    torch_ms: float | None = None

    @property
    def ratio(self) -> float | None:
        """dlbench time / torch time (below 1: dlbench is faster)."""
        return None if self.torch_ms is None else self.dlbench_ms / self.torch_ms

    def as_dict(self) -> dict:
        return {**asdict(self), "ratio": self.ratio}


def call_seconds(fn: Callable[[], object], calls: int) -> list[float]:
    """Wall time of each of ``calls`` calls of ``fn()``."""
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def interleaved_medians(engines: dict[str, Callable[[], object]], repeats: int, warmup: int,
                        rounds: int = ROUNDS) -> dict[str, float]:
    """Median seconds per call of each engine's ``fn``, timed in alternating rounds.

    Alternating (A, B, A, B...) exposes both engines to the same background load, so the
    ratio stays meaningful on a busy machine; the pause before each switch lets the other
    engine's worker threads, which spin for a while after a call, go to sleep.
    """
    for fn in engines.values():
        for _ in range(warmup):
            fn()
    times: dict[str, list[float]] = {name: [] for name in engines}
    per_round = max(1, -(-repeats // rounds))
    while min(len(t) for t in times.values()) < repeats:
        for name, fn in engines.items():
            if len(engines) > 1:
                time.sleep(PAUSE_SECONDS)
            times[name] += call_seconds(fn, per_round)
    return {name: statistics.median(t[:repeats]) for name, t in times.items()}


def blas_threads() -> int | None:
    """Threads numpy's BLAS uses (threadpoolctl), or None if it cannot tell."""
    from threadpoolctl import threadpool_info

    counts = [p["num_threads"] for p in threadpool_info() if p.get("user_api") == "blas"]
    return max(counts) if counts else None


def _data(rng: np.random.Generator):
    x_mlp = rng.random((MLP_BATCH, MLP_SIZES[0]), dtype=np.float32)
    y_mlp = rng.integers(0, MLP_SIZES[-1], size=MLP_BATCH)
    x_conv = rng.standard_normal(CONV_SHAPE, dtype=np.float32)
    return x_mlp, y_mlp, x_conv


# -- the numpy engine -----------------------------------------------------------------------
def dlbench_cases(rng: np.random.Generator, registry) -> dict[str, Callable[[], object]]:
    """Zero-argument callables doing one step of each case with dlbench's engine (ReLU,
    cross-entropy and SGD from ``registry``)."""
    from ..nn import Conv2d, Dense, Sequential

    reg = registry
    layers = []
    for i, (a, b) in enumerate(zip(MLP_SIZES[:-1], MLP_SIZES[1:])):
        layers.append(Dense(a, b, rng=rng))
        if i < len(MLP_SIZES) - 2:
            layers.append(reg.create("activation", "relu"))
    net = Sequential(*layers)
    loss = reg.create("loss", "cross-entropy")
    opt = reg.create("optimizer", "sgd", net.parameters(), lr=0.01)
    x_mlp, y_mlp, x_conv = _data(rng)

    def mlp_step():
        opt.zero_grad()
        loss.forward(net.forward(x_mlp), y_mlp)
        net.backward(loss.backward())
        opt.step()

    conv = Conv2d(CONV_SHAPE[1], CONV_OUT, CONV_KERNEL, padding=CONV_PADDING, rng=rng)
    dy = np.ones((CONV_SHAPE[0], CONV_OUT, *CONV_SHAPE[2:]), dtype=np.float32)

    def conv_step():
        conv.zero_grad()
        conv.forward(x_conv)
        conv.backward(dy)

    return {"mlp": mlp_step, "conv": conv_step}


# -- the same on PyTorch --------------------------------------------------------------------
def torch_cases(rng: np.random.Generator, threads: int | None) -> dict[str, Callable[[], object]]:
    """The same computations on PyTorch CPU (the caller checked that torch imports)."""
    import torch

    if threads:
        torch.set_num_threads(threads)
    torch.manual_seed(0)
    layers = []
    for i, (a, b) in enumerate(zip(MLP_SIZES[:-1], MLP_SIZES[1:])):
        layers.append(torch.nn.Linear(a, b))
        if i < len(MLP_SIZES) - 2:
            layers.append(torch.nn.ReLU())
    net = torch.nn.Sequential(*layers)
    loss = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    x_mlp, y_mlp, x_conv = (torch.from_numpy(a) for a in _data(rng))

    def mlp_step():
        opt.zero_grad()
        loss(net(x_mlp), y_mlp).backward()
        opt.step()

    conv = torch.nn.Conv2d(CONV_SHAPE[1], CONV_OUT, CONV_KERNEL, padding=CONV_PADDING)
    x_conv.requires_grad_(True)
    dy = torch.ones((CONV_SHAPE[0], CONV_OUT, *CONV_SHAPE[2:]))

    def conv_step():
        conv.zero_grad()
        x_conv.grad = None
        conv(x_conv).backward(dy)

    return {"mlp": mlp_step, "conv": conv_step}


DESCRIPTIONS = {
    "mlp": "MLP 784-100×4-10 ReLU, batch 128: forward + CE + backward + SGD step",
    "conv": "conv 16→32, 3×3, padding 1, 100×16×28×28: forward + backward",
}


def torch_version() -> str | None:
    """The installed torch's version, or None when it does not import."""
    try:
        import torch
    except ImportError:
        return None
    return torch.__version__


def measure(registry, repeats: int = 20, warmup: int = 3, *, use_torch: bool = True,
            seed: int = 0, threads: int | None = None) -> dict:
    """Time every case; returns a JSON-friendly dict (``cases``, versions, threads).

    :param registry: where the ReLU, the loss and the optimizer of the MLP case come from.
    :param threads: BLAS (and torch) threads; default: what numpy's BLAS already uses.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=threads, user_api="blas"):
        threads = blas_threads()
        version = torch_version() if use_torch else None
        ours = dlbench_cases(np.random.default_rng(seed), registry)
        theirs = torch_cases(np.random.default_rng(seed), threads) if version else {}
        cases = []
        for name, fn in ours.items():
            engines = {"dlbench": fn, **({"torch": theirs[name]} if name in theirs else {})}
            medians = interleaved_medians(engines, repeats, warmup)
            cases.append(CaseResult(name, DESCRIPTIONS[name], 1e3 * medians["dlbench"],
                                    1e3 * medians["torch"] if "torch" in medians else None))
    return {"numpy": np.__version__, "torch": version, "threads": threads,
            "repeats": repeats, "warmup": warmup, "cases": [c.as_dict() for c in cases]}
