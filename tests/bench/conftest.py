"""Fixtures for runner tests: a registry with throw-away task plugins, a fixed code version."""

from __future__ import annotations

import textwrap

import pytest

from dlbench.pluginmanager import build_registry

TOY_TASKS = '''
import math, os, time
from dataclasses import dataclass
import numpy as np
from dlbench import hookimpl
from dlbench.bench import Diverged, Preset, Task, TaskConfig

@dataclass
class ToyConfig(TaskConfig):
    optimizer: str = "sgd"
    steps: int = 5
    explode_at: int = 0
    sleep: float = 0.0
    mode: str = ""  # "none" / "text" summary, "badartifact", "exit" (kills the process)
    count_file: str = ""  # each execution appends a line here (counts executions)

class Toy(Task):
    """Logs a decaying loss; explodes (NaN) at explode_at; plugin errors come from optimizer."""
    name = "toy"
    summary = {"en": "toy", "ja": "おもちゃ"}
    Config = ToyConfig
    grid = ("optimizer",)
    presets = {"quick": Preset(choices={"optimizer": ["sgd"]}, seeds=2),
               "test": Preset(seeds=1)}
    def run(self, config, rng, observer):
        from dlbench.nn import Parameter
        if config.count_file:
            with open(config.count_file, "a") as fh:
                fh.write(f"{config.optimizer} {os.getpid()}\\n")
        p = Parameter(rng.standard_normal(3))
        opt = observer.create("optimizer", config.optimizer, [p], lr=0.1)
        for step in range(1, config.steps + 1):
            p.grad[...] = p.data
            opt.step()
            loss = float(np.sum(p.data ** 2))
            if config.explode_at and step >= config.explode_at:
                loss = math.nan
            observer.log("loss", step, loss)
            if not math.isfinite(loss):
                raise Diverged(step, "loss", loss, summary={"steps": step})
            observer.epoch(step, acc=1.0 / step)
            time.sleep(config.sleep)
        observer.artifact("final", p.data)
        if config.mode == "exit":
            os._exit(3)
        if config.mode == "badartifact":
            observer.artifact("labels", np.array(["a", "b"]))
        if config.mode == "text":
            return {"final_loss": loss, "verdict": "good"}
        if config.mode == "none":
            return {"final_loss": loss, "steps_to_target": None}
        return {"final_loss": loss, "nan_metric": math.nan}

@hookimpl
def register_tasks(register):
    register("toy", Toy)

class Broken:
    def __init__(self, params, lr=0.1):
        self.params = params
    def zero_grad(self):
        pass
    def step(self):
        raise RuntimeError("optimizer exploded on purpose")

class Hang(Broken):
    def step(self):
        while True:  # a plugin bug: never returns
            time.sleep(0.01)

@hookimpl
def register_optimizers(register):
    register("broken", Broken)
    register("hang", Hang)
'''


@pytest.fixture
def toy_plugin(tmp_path):
    path = tmp_path / "toyplugin.py"
    path.write_text(textwrap.dedent(TOY_TASKS))
    return path


@pytest.fixture
def toy_registry(toy_plugin):
    return build_registry([str(toy_plugin)], autoload=False)


@pytest.fixture
def fixed_version(monkeypatch):
    """A stable code version, so reuse does not depend on the state of the git tree."""
    from dlbench.app import runs
    from dlbench.bench import environment

    monkeypatch.setattr(runs, "code_version", lambda: "dlbench test-version")
    monkeypatch.setattr(environment, "code_version", lambda: "dlbench test-version")
    return "dlbench test-version"
