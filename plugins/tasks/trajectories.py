"""``trajectories``: each optimizer on 2-D test functions from several start points.

The book's optimizer_compare_naive.py: f(x, y) = x²/20 + y² from (−7, 2), 30 steps, SGD
lr 0.95, Momentum 0.1, AdaGrad 1.5, Adam 0.3. Also Rosenbrock, Beale and Rastrigin, each
from its standard start points plus random ones drawn from the run's seed. Each path is
stored as an artifact ``path/<i>`` of shape ``(steps + 1, 2)`` for contour plots.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dlbench.bench import Diverged, Metric, Preset, Surface, Task, TaskConfig, setting
from dlbench.nn import Parameter

BOOK_STEPS = {"book-bowl": 30}


@dataclass
class TrajectoriesConfig(TaskConfig):
    dataset: str = setting("book-bowl", "the 2-D test function, a surface dataset (grid "
                                        "axis: --dataset)")
    optimizer: str = setting("sgd", "the optimizer compared (grid axis: --optimizer)")
    steps: int = setting(0, "optimizer steps per path (0: 30 on the book's bowl, 300 "
                            "elsewhere)", low=0)
    lr: float = setting(0.0, "learning rate unless the optimizer choice sets one (0: the "
                             "surface's rate for this optimizer, the book's on its bowl)", low=0)
    random_starts: int = setting(0, "random start points drawn from the run's seed, besides "
                                    "the function's standard ones", low=0)
    eps: float = setting(1e-3, "gap f(θ) − f_min that counts as reached (steps_to_eps)",
                         low=0, low_open=True)


class Trajectories(Task):
    name = "trajectories"
    data_type = Surface
    formula = 'θ_{t+1} = step(θ_t, ∇f(θ_t)); final_gap = f(θ_T) − f_min; steps_to_eps = min{t : f(θ_t) − f_min < ε}'
    reference = 'ゼロから作る Deep Learning 6.1.7 (optimizer_compare_naive.py); Surjanovic & Bingham test functions'
    suite_order = 6
    summary = {"en": "Optimizer paths on 2-D test functions (the book's x²/20 + y², Rosenbrock, "
                     "Beale, Rastrigin)",
               "ja": "2 次元の試験関数上の最適化の軌跡(本の x²/20 + y²、ローゼンブロックなど)"}
    Config = TrajectoriesConfig
    grid = ("optimizer", "dataset")
    primary_metric = ("final_gap_mean", "min")  # over the paths that stayed finite
    metrics = {
        "final_gap_mean": Metric("min", "f(end) − f(minimum), mean over the finite paths"),
        "final_gap_min": Metric("min", "f(end) − f(minimum), best path"),
        "diverged_starts": Metric("min", "starting points whose path diverged"),
        "reached_eps": Metric("max", "starting points whose path came within eps of the minimum"),
        "steps_to_eps": Metric("min", "median steps to come within eps of the minimum"),
        "starts": Metric("max", "starting points (a setting, not a score)"),
        "lr": Metric("min", "learning rate used (a setting, not a score)"),
        "steps": Metric("min", "steps per path (a setting, not a score)"),
    }
    estimate_s = {"quick": 0.05, "test": 0.02, "book": 0.05}
    presets = {
        "quick": Preset(config={"random_starts": 2},
                        choices={"optimizer": ["sgd", "momentum", "adagrad", "adam"],
                                 "dataset": ["book-bowl", "rosenbrock", "beale", "rastrigin"]},
                        seeds=3, budget_s=20,
                        note="the book's bowl exactly (30 steps, its rates); 300 steps elsewhere"),
        "book": Preset(choices={"optimizer": ["sgd", "momentum", "adagrad", "adam"],
                                "dataset": ["book-bowl"]}),
        "test": Preset(config={"steps": 10},
                       choices={"optimizer": ["sgd", "adam"], "dataset": ["book-bowl"]}),
    }

    def run(self, config, rng, observer):
        surface = observer.dataset(config.dataset)
        opt_name = config.optimizer.name
        steps = config.steps or BOOK_STEPS.get(surface.name, 300)
        # the choice's own lr (``sgd(lr=0.5)``) wins, then --set lr, then the book's rate
        lr = config.optimizer.kwargs.get("lr", config.lr or surface.lrs.get(opt_name))
        (x0, x1), (y0, y1) = surface.bounds
        randoms = np.column_stack([rng.uniform(x0, x1, config.random_starts),
                                   rng.uniform(y0, y1, config.random_starts)])
        starts = np.vstack([surface.starts, randoms]) if config.random_starts else surface.starts
        finals, reached = [], []
        for i, start in enumerate(starts):
            p = Parameter(start.astype(np.float64).copy())
            opt = observer.create("optimizer", config.optimizer, [p],
                                  **({"lr": lr} if lr is not None else {}))
            path, hit = [p.data.copy()], None
            for step in range(1, steps + 1):
                opt.zero_grad()
                p.grad[...] = surface.grad(p.data)
                opt.step()
                path.append(p.data.copy())
                value = surface.f(p.data)
                if not np.all(np.isfinite(p.data)) or not math.isfinite(value):
                    break
                if hit is None and value - surface.f_min < config.eps:
                    hit = step
            observer.artifact(f"path/{i}", np.array(path))
            final = surface.f(path[-1]) - surface.f_min
            finals.append(final if math.isfinite(final) else math.inf)
            reached.append(hit)
            observer.log("final_gap", i, finals[-1])
        hits = [h for h in reached if h is not None]
        finite = [f for f in finals if math.isfinite(f)]
        observer.artifact("starts", starts)
        summary = {"final_gap_mean": float(np.mean(finite)) if finite else math.inf,
                   "final_gap_min": float(np.min(finals)),
                   "diverged_starts": float(len(finals) - len(finite)),
                   "reached_eps": float(len(hits)), "starts": float(len(starts)),
                   "steps_to_eps": float(np.median(hits)) if hits else math.inf,
                   "lr": float(lr) if lr is not None else math.nan, "steps": float(steps)}
        if not finite:
            raise Diverged(steps, "f", math.inf, summary=summary)
        if len(finite) < len(finals):
            observer.note(f"{len(finals) - len(finite)} of {len(finals)} paths diverged at lr {lr:g}")
        return summary
