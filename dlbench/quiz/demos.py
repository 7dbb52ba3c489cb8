"""Which stored run illustrates a question: a table from course topic to benchmark task.

After a question the quiz offers a stored run "that illustrates this". A question's
``benchmarks`` field only says which tasks are *related*; offering any run of such a task
showed the padding question an architectures run and the sparsity question an
early-stopping run. So a run is offered only where the question's topic is in
:data:`DEMOS`, for a task the question names, and only a run whose plugin choice in the
task's grid ``slot`` is one of ``names`` (``names`` empty: every finished run of the task
shows the concept). ``tests/quiz/test_demos.py`` checks every entry against the
registered tasks and plugins.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Demo:
    """A task that demonstrates a topic, and the run choice to look for."""

    task: str
    slot: str | None = None  # a grid kind of the task ("optimizer") or None
    names: tuple[str, ...] = ()  # plugin names in that slot; () = any run of the task

    def matches(self, choices: dict) -> bool:
        """Whether a run with these ``choices`` (slot -> "name(kwargs)") shows the topic."""
        if not self.names:
            return True
        value = str((choices or {}).get(self.slot, ""))
        return value.split("(", 1)[0].strip() in self.names

    def command(self) -> str:
        """The command that makes such a run."""
        if self.slot in RUN_OPTIONS and self.names:
            return f"dlbench run {self.task} --{self.slot} {self.names[0]}"
        return f"dlbench run {self.task}"


#: Grid kinds ``dlbench run`` takes as options (``--optimizer adam``).
RUN_OPTIONS = ("activation", "initializer", "optimizer", "scheduler", "regularizer",
               "architecture", "dataset")


def _d(task, slot=None, *names):
    return Demo(task, slot, tuple(names))


#: topic id -> the tasks (and run choices) that demonstrate it. Topics absent here have no
#: experiment that shows them (padding, stride, pooling arithmetic, layer counting...).
DEMOS: dict[str, tuple[Demo, ...]] = {
    "act.sigmoid": (_d("vanishing-gradients", "activation", "sigmoid"),),
    "act.tanh": (_d("vanishing-gradients", "activation", "tanh"),),
    "act.relu": (_d("vanishing-gradients", "activation", "relu"),),
    "vg.vanishing": (_d("vanishing-gradients", "activation", "sigmoid"),),
    "vg.exploding": (_d("vanishing-gradients"),),
    "init.zero": (_d("weight-init", "initializer", "zeros", "constant"),),
    "init.xavier": (_d("weight-init", "initializer", "xavier", "glorot-normal", "glorot-uniform"),
                    _d("vanishing-gradients", "initializer", "xavier", "glorot-normal",
                       "glorot-uniform")),
    "init.he": (_d("weight-init", "initializer", "he", "he-uniform"),
                _d("vanishing-gradients", "initializer", "he", "he-uniform")),
    "train.batchnorm": (_d("batch-norm", "regularizer", "batch-norm"),),
    "gd.update-rule": (_d("convergence", "optimizer", "sgd"),),
    "gd.learning-rate": (_d("convergence", "optimizer", "sgd"),),
    "opt.momentum": (_d("trajectories", "optimizer", "momentum"),
                     _d("convergence", "optimizer", "momentum")),
    "opt.nesterov": (_d("trajectories", "optimizer", "nesterov"),),
    "opt.adagrad": (_d("trajectories", "optimizer", "adagrad"),
                    _d("convergence", "optimizer", "adagrad")),
    "opt.rmsprop": (_d("trajectories", "optimizer", "rmsprop"),),
    "opt.adadelta": (_d("convergence", "optimizer", "adadelta"),),
    "opt.adam": (_d("trajectories", "optimizer", "adam"), _d("convergence", "optimizer", "adam")),
    "opt.adamw": (_d("convergence", "optimizer", "adamw"),),
    "opt.adabound": (_d("convergence", "optimizer", "adabound"),),
    "opt.radam": (_d("convergence", "optimizer", "radam"),),
    "reg.overfitting": (_d("overfitting", "regularizer", "none"),),
    "reg.l2": (_d("overfitting", "regularizer", "l2"),),
    "reg.l1": (_d("overfitting", "regularizer", "l1"),),
    "reg.sparse": (_d("overfitting", "regularizer", "sparse"),),
    "reg.dropout": (_d("overfitting", "regularizer", "dropout"),),
    "reg.early-stopping": (_d("overfitting", "regularizer", "early-stopping"),),
    "reg.augmentation": (_d("overfitting", "regularizer", "augmentation"),),
    "cnn.fully-connected": (_d("architectures", "architecture", "vgg11", "vgg16", "alexnet"),),
    "cnn.global-avgpool": (_d("architectures", "architecture", "googlenet", "resnet18"),),
    "cnn.conv1x1": (_d("architectures", "architecture", "googlenet", "resnet50"),),
    "arch.alexnet": (_d("architectures", "architecture", "alexnet"),),
    "arch.zfnet": (_d("architectures", "architecture", "zfnet"),),
    "arch.googlenet": (_d("architectures", "architecture", "googlenet"),),
    "arch.vgg": (_d("architectures", "architecture", "vgg11", "vgg16", "vgg19"),),
    "arch.resnet": (_d("degradation"), _d("architectures", "architecture", "resnet18",
                                          "resnet34", "resnet50")),
    "arch.senet": (_d("architectures", "architecture", "se-resnet50"),),
}


def demos_for(question) -> list[Demo]:
    """The demos to offer after ``question``: for each task the question names (in its
    order), the first demo of its topics on that task; tasks no topic maps are dropped."""
    out = []
    for task in question.benchmarks:
        for topic in question.topics:
            demo = next((d for d in DEMOS.get(topic, ()) if d.task == task), None)
            if demo is not None:
                out.append(demo)
                break
    return out


def pick_run(runs: list, demo: Demo):
    """The newest finished run (``runs`` are newest first) that shows ``demo``, or None."""
    return next((r for r in runs if r.status == "finished" and demo.matches(r.choices)), None)
