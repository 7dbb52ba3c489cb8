"""2-D test functions for optimizer trajectories (loaded as :class:`Surface` s).

``book-bowl`` is the book's f(x, y) = x²/20 + y² (ch. 6, optimizer_compare_naive.py):
start (−7, 2), 30 steps, and the learning rates it uses per optimizer.
"""

from __future__ import annotations

import hashlib

import numpy as np

from dlbench.bench import Surface


def _surface(name, f, grad, starts, minimum, bounds, description, lrs) -> Surface:
    checksum = hashlib.sha256(f"surface:{name}:v1".encode()).hexdigest()
    return Surface(name, f, grad, np.array(starts, dtype=np.float64),
                   np.array(minimum, dtype=np.float64), float(f(np.array(minimum, dtype=float))),
                   bounds, checksum, description, lrs)


def bowl_f(p):
    return p[0] ** 2 / 20.0 + p[1] ** 2


def bowl_grad(p):
    return np.array([p[0] / 10.0, 2.0 * p[1]])


def rosenbrock_f(p):
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


def rosenbrock_grad(p):
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


def beale_f(p):
    x, y = p
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2


def beale_grad(p):
    x, y = p
    a, b, c = 1.5 - x + x * y, 2.25 - x + x * y ** 2, 2.625 - x + x * y ** 3
    return np.array([2 * a * (y - 1) + 2 * b * (y ** 2 - 1) + 2 * c * (y ** 3 - 1),
                     2 * a * x + 2 * b * 2 * x * y + 2 * c * 3 * x * y ** 2])


def rastrigin_f(p):
    return 20.0 + float(np.sum(p ** 2 - 10 * np.cos(2 * np.pi * p)))


def rastrigin_grad(p):
    return 2 * p + 20 * np.pi * np.sin(2 * np.pi * p)


class _SurfaceLoader:
    def __init__(self):
        pass

    def load(self, rng=None) -> Surface:
        return self.build()


class BookBowl(_SurfaceLoader):
    """f(x, y) = x²/20 + y²: elongated along x, where SGD zig-zags (the book's Fig. 6-3)."""

    def build(self):
        return _surface("book-bowl", bowl_f, bowl_grad, [(-7.0, 2.0)], (0.0, 0.0),
                        ((-10.0, 10.0), (-5.0, 5.0)), self.__doc__,
                        {"sgd": 0.95, "momentum": 0.1, "nesterov": 0.1, "adagrad": 1.5,
                         "adam": 0.3, "rmsprop": 0.1})


class Rosenbrock(_SurfaceLoader):
    """Rosenbrock's banana valley (1 − x)² + 100(y − x²)², minimum f(1, 1) = 0."""

    def build(self):
        return _surface("rosenbrock", rosenbrock_f, rosenbrock_grad,
                        [(-1.5, 2.0), (-1.2, 1.0), (0.0, -0.5)], (1.0, 1.0),
                        ((-2.0, 2.0), (-1.0, 3.0)), self.__doc__,
                        {"sgd": 1e-3, "momentum": 2e-4, "nesterov": 2e-4, "adagrad": 0.3,
                         "adam": 0.05, "rmsprop": 0.01})


class Beale(_SurfaceLoader):
    """Beale's function, flat plateaus and sharp ridges; minimum f(3, 0.5) = 0."""

    def build(self):
        return _surface("beale", beale_f, beale_grad, [(1.0, 1.5), (-1.0, -1.0), (2.0, 2.0)],
                        (3.0, 0.5), ((-4.5, 4.5), (-4.5, 4.5)), self.__doc__,
                        {"sgd": 1e-3, "momentum": 5e-4, "nesterov": 5e-4, "adagrad": 0.3,
                         "adam": 0.05, "rmsprop": 0.01})


class Rastrigin(_SurfaceLoader):
    """Rastrigin's egg-crate 20 + Σ(x_i² − 10 cos 2πx_i): many local minima, f(0, 0) = 0."""

    def build(self):
        return _surface("rastrigin", rastrigin_f, rastrigin_grad,
                        [(2.2, -1.8), (-3.3, 3.1), (0.4, 0.6)], (0.0, 0.0),
                        ((-5.12, 5.12), (-5.12, 5.12)), self.__doc__,
                        {"sgd": 2e-3, "momentum": 1e-3, "nesterov": 1e-3, "adagrad": 0.3,
                         "adam": 0.05, "rmsprop": 0.01})
