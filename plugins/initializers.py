"""Weight initializers (``register_initializers``).

Each registered object is a class whose instances are callables
``init(shape, rng, *, fan_in, fan_out) -> ndarray`` (float64; layers cast to their dtype).
"""

from __future__ import annotations

import numpy as np

from dlbench import hookimpl
from dlbench.errors import check_range


class Normal:
    """N(mean, std²) regardless of fan: the book's ``weight_init_std=0.01``."""

    def __init__(self, std: float = 0.01, mean: float = 0.0):
        self.std = check_range("std", float(std), low=0.0)
        self.mean = float(mean)

    def __call__(self, shape, rng: np.random.Generator, *, fan_in: int, fan_out: int):
        return rng.normal(self.mean, self.std, size=shape)

    def __repr__(self) -> str:
        return f"Normal(std={self.std}, mean={self.mean})"


@hookimpl
def register_initializers(register):
    register(
        "normal", Normal,
        summary={"en": "Gaussian with a fixed std (the book's 0.01), independent of layer size",
                 "ja": "層の大きさに依らない固定標準偏差のガウス分布(本の 0.01)"},
        formula="W ~ N(mean, std²)",
        reference="ゼロから作る Deep Learning 6.2; torch.nn.init.normal_",
        convention="torch.nn.init.normal_ (mean=0, std given; default std 0.01 as the book)",
        example={"kwargs": {"std": 0.01}},
    )
