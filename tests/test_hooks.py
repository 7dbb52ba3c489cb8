"""One test per hook: a throw-away plugin implements it and the effect is observed."""

from __future__ import annotations

import textwrap

import numpy as np

from dlbench.pluginmanager import load_plugins

HEADER = "from dlbench import hookimpl\nimport numpy as np\nfrom dlbench import nn\n"


def load(tmp_path, body: str, name: str = "tmpplugin"):
    path = tmp_path / f"{name}.py"
    path.write_text(HEADER + textwrap.dedent(body))
    return load_plugins([str(path)], autoload=False).registry, path


def test_hook_register_activations(tmp_path):
    reg, _ = load(tmp_path, """
        class Double(nn.Module):
            def forward(self, x): return 2 * x
            def backward(self, dy): return 2 * dy
        @hookimpl
        def register_activations(register):
            register("double", Double, summary="twice the input")
    """)
    act = reg.create("activation", "double")
    np.testing.assert_array_equal(act.forward(np.array([1.0, -3.0])), [2.0, -6.0])
    assert reg.info("activation", "double")["summary"] == {"en": "twice the input"}


def test_hook_register_initializers(tmp_path):
    reg, _ = load(tmp_path, """
        @hookimpl
        def register_initializers(register):
            register("ones", lambda: (lambda shape, rng, *, fan_in, fan_out: np.ones(shape)))
    """)
    init = reg.create("initializer", "ones")
    assert init((2, 3), np.random.default_rng(0), fan_in=2, fan_out=3).sum() == 6


def test_hook_register_optimizers(tmp_path, halver_code):
    path = tmp_path / "h.py"
    path.write_text(halver_code)
    reg = load_plugins([str(path)], autoload=False).registry
    from dlbench.nn import Parameter
    q = Parameter(np.array([8.0]))
    reg.create("optimizer", "halver", [q]).step()
    assert q.data[0] == 4.0


def test_hook_register_schedulers(tmp_path):
    reg, _ = load(tmp_path, """
        class Const:
            def __init__(self, optimizer): self.optimizer = optimizer
            def step(self): pass
            def get_lr(self): return self.optimizer.lr
        @hookimpl
        def register_schedulers(register):
            register("my-const", Const)
    """)
    assert "my-const" in reg.names("scheduler")
    assert reg.entry("scheduler", "my-const").plugin == "tmpplugin"


def test_hook_register_regularizers(tmp_path):
    reg, _ = load(tmp_path, """
        class Nothing:
            def penalty(self, named_params, activations): return 0.0, {}
        @hookimpl
        def register_regularizers(register):
            register("nothing", Nothing)
    """)
    assert reg.create("regularizer", "nothing").penalty([], {}) == (0.0, {})


def test_hook_register_losses(tmp_path):
    reg, _ = load(tmp_path, """
        class L1(nn.Loss):
            def forward(self, y, t):
                self._cache = np.sign(y - t) / y.size
                return float(np.abs(y - t).mean())
            def backward(self, dvalue=None): return self._cache
        @hookimpl
        def register_losses(register):
            register("l1-loss", L1)
    """)
    loss = reg.create("loss", "l1-loss")
    assert loss.forward(np.array([1.0, 3.0]), np.array([0.0, 0.0])) == 2.0


def test_hook_register_layers(tmp_path):
    reg, _ = load(tmp_path, """
        @hookimpl
        def register_layers(register):
            register("my-dense", nn.Dense)
    """)
    layer = reg.create("layer", "my-dense", in_features=3, out_features=2, rng=0)
    assert layer.forward(np.ones((5, 3), np.float32)).shape == (5, 2)


def test_hook_register_architectures(tmp_path):
    reg, _ = load(tmp_path, """
        def mlp(input_shape, num_classes, rng=None):
            return nn.Sequential(nn.Flatten(), nn.Dense(int(np.prod(input_shape)), num_classes, rng=rng))
        @hookimpl
        def register_architectures(register):
            register("tiny-mlp", mlp)
    """)
    net = reg.create("architecture", "tiny-mlp", input_shape=(1, 4, 4), num_classes=3, rng=0)
    assert net.forward(np.zeros((2, 1, 4, 4), np.float32)).shape == (2, 3)


def test_hook_register_datasets(tmp_path):
    reg, _ = load(tmp_path, """
        class Zeros:
            def load(self, rng): return {"train": (np.zeros((4, 2)), np.zeros(4, int))}
        @hookimpl
        def register_datasets(register):
            register("zeros", Zeros)
    """)
    assert reg.create("dataset", "zeros").load(None)["train"][0].shape == (4, 2)


def test_hook_register_tasks(tmp_path):
    reg, _ = load(tmp_path, """
        class Echo:
            name = "echo"
            def run(self, config, rng, observer): return config
        @hookimpl
        def register_tasks(register):
            register("echo", Echo)
    """)
    assert reg.create("task", "echo").run({"a": 1}, None, None) == {"a": 1}


def test_hook_register_quiz_banks(tmp_path):
    bank = tmp_path / "bank"
    bank.mkdir()
    reg, _ = load(tmp_path, f"""
        @hookimpl
        def register_quiz_banks(register):
            register("my-bank", {str(bank)!r})
    """)
    assert reg.get("quiz-bank", "my-bank") == str(bank)
    assert reg.names("quiz_bank") == reg.names("quiz-bank")


def test_hook_register_commands(tmp_path, invoke):
    path = tmp_path / "cmd.py"
    path.write_text(textwrap.dedent("""
        import click
        from dlbench import hookimpl
        @hookimpl
        def register_commands(cli):
            @cli.command()
            def hello():
                click.echo("hello from a plugin")
    """))
    result = invoke("-p", path, "hello")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "hello from a plugin"
    assert invoke("hello").exit_code == 2  # not loaded without -p


OBSERVER = """
    calls = []
    @hookimpl
    def {hook}({args}):
        calls.append(({args}))
"""


def _observer(tmp_path, hook, args):
    path = tmp_path / f"obs_{hook}.py"
    path.write_text(HEADER + textwrap.dedent(OBSERVER.format(hook=hook, args=args)))
    host = load_plugins([str(path)], autoload=False)
    import sys
    return host, sys.modules[f"dlbench_local.obs_{hook}"]


def test_hook_run_started(tmp_path):
    host, mod = _observer(tmp_path, "run_started", "run")
    assert host.notify("run_started", run="spec") == []
    assert mod.calls == ["spec"]


def test_hook_epoch_finished(tmp_path):
    host, mod = _observer(tmp_path, "epoch_finished", "run, epoch, metrics")
    host.notify("epoch_finished", run="spec", epoch=3, metrics={"loss": 0.5})
    assert mod.calls == [("spec", 3, {"loss": 0.5})]


def test_hook_run_finished(tmp_path):
    host, mod = _observer(tmp_path, "run_finished", "run, result")
    host.notify("run_finished", run="spec", result="done")
    assert mod.calls == [("spec", "done")]
