"""The plugin contract: every hook dlbench calls, with what it passes and expects.

A plugin is any module or object with functions marked ``@dlbench.hookimpl`` whose names
are hooks below. It may implement any subset; a parameter may be left out of an
implementation's signature (pluggy passes only what is asked for), so hooks can gain
parameters without breaking old plugins.

**Registration hooks** (``register_<kinds>``) each receive one argument, ``register``,
a callable to call once per item::

    register(name, obj, *, summary=None, reference=None, formula=None,
             convention=None, example=None, replace=False, **extra)

- ``name``: lowercase kebab-case, unique within its kind (``"leaky-relu"``).
- ``obj``: what :meth:`Registry.create` calls to build an instance (a class or factory).
- ``summary``: ``{"en": ..., "ja": ...}`` one-line description (a plain string counts as
  English).
- ``reference``: the paper or reference code (``"arXiv:1412.6980"``, a URL).
- ``formula``: the rule it implements, in plain text or LaTeX.
- ``convention``: whose convention it follows (``"torch.optim.Adam"``, ``"book"``).
- ``example``: what ``dlbench check`` feeds it, a dict with ``kwargs`` (for creation) and,
  where it applies, ``input_shape`` (shape of the test input) and ``input_range``
  (``(low, high)`` for the uniform test input, to keep away from kinks such as 0 for ReLU).
- ``replace=True``: replace an earlier registration of the same name instead of failing.
- ``extra``: any further metadata (e.g. ``tags``), kept and shown by ``dlbench info``.

Metadata is optional for third-party plugins (``dlbench check`` warns when it is missing)
and required for built-ins (a test enforces it).

Registration hooks are called once per plugin when the registry is built, each inside
its own error boundary: a plugin whose hook raises is reported by ``dlbench plugins``
and the others keep working.

**Injected arguments.** A plugin object asks for what dlbench can give it by naming a
parameter (see :data:`INJECTABLE`); dlbench passes it only when the signature has that
name or ``**kwargs`` (:func:`dlbench.plugin_registry.accepts`), and never over a value
the user set in the choice string.

**Observer hooks** (``run_started``, ``epoch_finished``, ``run_finished``) are called by
the benchmark runner in the process that stores results; their return values are ignored
and an exception raised in one is reported as a warning, never fails the run.
"""

from __future__ import annotations

import pluggy

PROJECT = "dlbench"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_activations(register):
    """Register activation functions.

    :param register: callback, see the module docstring. ``obj(**kwargs)`` must return an
        :class:`dlbench.nn.Module` whose ``forward(x)`` keeps the shape and dtype of ``x``
        and whose ``backward(dy)`` returns ``dL/dx`` (and accumulates parameter gradients
        for learned activations such as PReLU).
    :return: ignored.
    """


@hookspec
def register_initializers(register):
    """Register weight initializers.

    :param register: callback, see the module docstring. ``obj(**kwargs)`` must return a
        callable ``init(shape, rng, *, fan_in, fan_out) -> ndarray`` drawing from the given
        :class:`numpy.random.Generator`. For a dense weight ``(in, out)`` fan_in = in and
        fan_out = out; for a conv weight ``(F, C, KH, KW)`` fan_in = C·KH·KW and
        fan_out = F·KH·KW.
    :return: ignored.
    """


@hookspec
def register_optimizers(register):
    """Register optimizers.

    :param register: callback, see the module docstring. ``obj(params, **hyperparameters)``
        must return a :class:`dlbench.nn.Optimizer`: ``step()`` updates each
        ``param.data`` in place from ``param.grad``; ``zero_grad()`` clears the gradients.
        Hyperparameter names, meanings and defaults follow ``torch.optim`` where it has the
        optimizer. A ``weight_decay`` it cannot honour must raise, never be ignored.
        :mod:`dlbench.nn.optim` has the pieces the built-ins are made of (coupled and
        decoupled weight decay, Adam's moments, bias correction, AMSGrad's maximum).
    :return: ignored.
    """


@hookspec
def register_schedulers(register):
    """Register learning-rate schedulers.

    :param register: callback, see the module docstring. ``obj(optimizer, **kwargs)`` must
        return an object with ``step()`` (called once per training step after
        ``optimizer.step()``) that sets ``optimizer.defaults["lr"]`` (and each param
        group's ``lr``), and ``get_lr() -> float``. A scheduler that creates another one
        by name takes a ``registry`` parameter (injected, see :data:`INJECTABLE`).
    :return: ignored.
    """


@hookspec
def register_regularizers(register):
    """Register regularizers.

    :param register: callback, see the module docstring. ``obj(**kwargs)`` must return an
        object implementing any of ``wrap_model(net) -> net``,
        ``penalty(named_params, activations) -> (value, grads)``,
        ``transform(x, y, rng) -> (x, y)`` and ``should_stop(history) -> bool``; see
        ``dlbench.nn.regularizer`` for the protocol.
    :return: ignored.
    """


@hookspec
def register_losses(register):
    """Register loss functions.

    :param register: callback, see the module docstring. ``obj(**kwargs)`` must return an
        object with ``forward(prediction, target) -> float`` and
        ``backward() -> dL/dprediction`` (torch's reductions, ``"mean"`` by default).
    :return: ignored.
    """


@hookspec
def register_layers(register):
    """Register layers and blocks.

    :param register: callback, see the module docstring. ``obj(**kwargs)`` must return a
        :class:`dlbench.nn.Module` (arguments named as in ``torch.nn``).
    :return: ignored.
    """


@hookspec
def register_architectures(register):
    """Register network architectures.

    :param register: callback, see the module docstring.
        ``obj(input_shape=..., num_classes=..., **kwargs)`` must return a
        :class:`dlbench.nn.Module` mapping a batch ``(N, *input_shape)`` to logits
        ``(N, num_classes)`` A ``registry`` parameter receives the registry the
        architecture is created from, to build its layers with (an
        :class:`dlbench.arch.Architecture` does this).
    :return: ignored.
    """


@hookspec
def register_datasets(register):
    """Register data sets.

    :param register: callback, see the module docstring. ``obj(**kwargs)`` must return a
        loader with ``load(rng=None)`` returning a :class:`dlbench.bench.Dataset` (train /
        validation / test splits) or, for optimizer test functions, a
        :class:`dlbench.bench.Surface`. With no generator the result must be
        deterministic (splits drawn with the loader's own ``split_seed``), so that one
        load serves every run and its checksum identifies the data.
    :return: ignored.
    """


@hookspec
def register_tasks(register):
    """Register benchmark tasks.

    :param register: callback, see the module docstring. ``obj`` is a
        :class:`dlbench.bench.Task` subclass or instance: a name, a config with defaults,
        presets, the plugin kinds it expands into a grid and ``run(config, rng, observer)``.
    :return: ignored.
    """


@hookspec
def register_quiz_banks(register):
    """Register question banks for ``dlbench quiz``.

    :param register: callback, see the module docstring. ``obj`` is a path (``str`` or
        :class:`os.PathLike`) to a folder of TOML question files in the bank format.
    :return: ignored.
    """


@hookspec
def register_commands(cli):
    """Add commands to the ``dlbench`` command line.

    Called only when a command that is not built in is looked up or listed (``--help``),
    so plugins cost nothing to commands that do not need them.

    :param cli: the top-level :class:`click.Group`; call ``cli.add_command(cmd)``.
    :return: ignored.
    """


@hookspec
def run_started(run):
    """Called just before a benchmark run starts.

    :param run: the :class:`dlbench.bench.RunSpec` about to run (``task``, ``config``,
        ``seed``, ``config_hash``, ``choices``).
    :return: ignored.
    """


@hookspec
def epoch_finished(run, epoch, metrics):
    """Called after each epoch (or evaluation point) of a run.

    :param run: the :class:`dlbench.bench.RunSpec` being run.
    :param epoch: the 1-based epoch (or evaluation) number.
    :param metrics: ``{key: float}`` the task logged for this epoch.
    :return: ignored.
    """


@hookspec
def run_finished(run, result):
    """Called after a run ends, whatever its status.

    :param run: the :class:`dlbench.bench.RunSpec` that ran.
    :param result: the :class:`dlbench.bench.RunResult` (``status`` is ``finished``,
        ``diverged``, ``failed`` or ``interrupted``; ``summary`` holds the final metrics).
    :return: ignored.
    """


#: Registration hook name -> the plugin kind it registers (the order kinds are listed in).
REGISTRATION_HOOKS: dict[str, str] = {
    "register_activations": "activation",
    "register_initializers": "initializer",
    "register_optimizers": "optimizer",
    "register_schedulers": "scheduler",
    "register_regularizers": "regularizer",
    "register_losses": "loss",
    "register_layers": "layer",
    "register_architectures": "architecture",
    "register_datasets": "dataset",
    "register_tasks": "task",
    "register_quiz_banks": "quiz-bank",
}

OBSERVER_HOOKS = ("run_started", "epoch_finished", "run_finished")

#: Arguments dlbench passes to a plugin's constructor when its signature asks for them
#: (:func:`dlbench.plugin_registry.with_injected`), and never over a value the user set.
INJECTABLE: dict[str, str] = {
    "rng": "numpy.random.Generator drawn from the run's seed: a plugin that draws random "
           "numbers (dropout masks, RReLU slopes, initial weights) must use it, so the same "
           "seed gives the same run",
    "num_classes": "the number of classes of the task's data set (label smoothing, mixup)",
    "data_dir": "the folder where data sets are cached (dataset loaders; --data-dir / "
                "DLBENCH_DATA_DIR)",
    "registry": "the Registry the object was created from (architectures build their "
                "layers from it); passed by Registry.create when the signature names it",
}
