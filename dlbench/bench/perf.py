"""How fast the numpy engine trains, next to PyTorch CPU in the same process.

Two standard cases, both float32:

- ``mlp``: one training step (forward, cross-entropy, backward, SGD update) of the
  book's ch. 6 network 784-100-100-100-100-10 with ReLU, batch 128.
- ``conv``: forward + backward (input and weight gradients) of one conv layer,
  16 → 32 channels, 3×3, padding 1, on a batch of 100 images of 28×28.

Each case runs ``warmup`` untimed calls and then ``repeats`` timed ones; the median is
reported (robust to the odd slow call). When ``torch`` imports, the same computation
runs on PyTorch CPU with as many threads as numpy's BLAS uses, and the ratio
dlbench / torch is given (below 1 means dlbench is faster). Speed is only ever
measured, never asserted by a test.
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
PAUSE_SECONDS = 0.5


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


def median_seconds(fn: Callable[[], object], repeats: int, warmup: int) -> float:
    """Median wall time of ``fn()`` over ``repeats`` calls after ``warmup`` untimed ones."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def blas_threads() -> int | None:
    """Threads numpy's BLAS uses (threadpoolctl), or None if it cannot tell."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    counts = [p["num_threads"] for p in threadpool_info() if p.get("user_api") == "blas"]
    return max(counts) if counts else None


def _data(rng: np.random.Generator):
    x_mlp = rng.random((MLP_BATCH, MLP_SIZES[0]), dtype=np.float32)
    y_mlp = rng.integers(0, MLP_SIZES[-1], size=MLP_BATCH)
    x_conv = rng.standard_normal(CONV_SHAPE, dtype=np.float32)
    return x_mlp, y_mlp, x_conv


# -- the numpy engine -----------------------------------------------------------------------
def dlbench_cases(rng: np.random.Generator, registry=None) -> dict[str, Callable[[], object]]:
    """Zero-argument callables doing one step of each case with dlbench's engine."""
    import dlbench
    from dlbench.nn import Conv2d, Dense, Sequential

    reg = registry or dlbench.registry()
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


def measure(repeats: int = 20, warmup: int = 3, *, use_torch: bool = True, seed: int = 0,
            registry=None) -> dict:
    """Time every case; returns a JSON-friendly dict (``cases``, versions, threads)."""
    threads = blas_threads()
    version = torch_version() if use_torch else None
    ours = dlbench_cases(np.random.default_rng(seed), registry)
    times = {name: median_seconds(fn, repeats, warmup) for name, fn in ours.items()}
    theirs = {}
    if version:
        # One engine at a time, with a pause between: both keep their worker threads
        # spinning for a while after each call, and on few cores they would steal each
        # other's time.
        time.sleep(PAUSE_SECONDS)
        theirs = {name: median_seconds(fn, repeats, warmup)
                  for name, fn in torch_cases(np.random.default_rng(seed), threads).items()}
    cases = [CaseResult(name, DESCRIPTIONS[name], 1e3 * t,
                        1e3 * theirs[name] if name in theirs else None)
             for name, t in times.items()]
    return {"numpy": np.__version__, "torch": version, "threads": threads,
            "repeats": repeats, "warmup": warmup, "cases": [c.as_dict() for c in cases]}
