"""Planning: grid expansion, validation before running, and the config hash."""

from __future__ import annotations

import dlbench
import pytest

from dlbench.bench.spec import canonical_json, config_hash, plan
from dlbench.errors import UnknownNameError, UsageError


@pytest.fixture(scope="module")
def reg():
    return dlbench.registry()


def test_grid_times_seeds(reg):
    specs = plan(reg, "convergence", preset="test", choices={"optimizer": ["sgd,adam", "momentum"]},
                 seeds=[0, 1])
    assert [(s.choices["optimizer"], s.seed) for s in specs] == [
        ("sgd", 0), ("sgd", 1), ("adam", 0), ("adam", 1), ("momentum", 0), ("momentum", 1)]
    assert len({s.config_hash for s in specs}) == 6


def test_hash_is_stable_and_covers_what_matters(reg):
    a = plan(reg, "convergence", preset="test", seeds=[0])[0]
    b = plan(reg, "convergence", preset="test", seeds=[0])[0]
    assert a.config_hash == b.config_hash
    resolved = a.resolved
    assert resolved["plugins"]["optimizer"]["kwargs"]["lr"] == 1e-3  # defaults filled in
    assert resolved["plugins"]["optimizer"]["plugin"] == "dlbench.plugins.optimizers"
    assert resolved["dataset"]["checksum"] and resolved["seed"] == 0
    assert "workers" not in canonical_json(resolved)
    c = plan(reg, "convergence", preset="test", seeds=[0], overrides={"iterations": 41})[0]
    assert c.config_hash != a.config_hash
    assert config_hash(resolved) == a.config_hash


def test_unknown_plugin_fails_before_anything_runs(reg):
    with pytest.raises(UnknownNameError, match="did you mean 'adam'"):
        plan(reg, "convergence", preset="test", choices={"optimizer": ["adma"]})


def test_a_kind_the_task_does_not_take_is_refused(reg):
    with pytest.raises(UsageError, match="does not take a initializer|does not take an initializer|does not take a"):
        plan(reg, "trajectories", preset="test", choices={"initializer": ["he"]})


def test_unknown_preset(reg):
    with pytest.raises(UsageError, match="no preset 'fast'"):
        plan(reg, "convergence", preset="fast")


def test_book_preset_falls_back_to_digits_and_says_so(reg, monkeypatch, tmp_path):
    monkeypatch.setenv("DLBENCH_DATA_DIR", str(tmp_path))
    spec = plan(reg, "weight-init", preset="book", seeds=[0])[0]
    assert spec.resolved["dataset"]["choice"] == "digits"
    assert any("mnist is not available" in n and "digits" in n for n in spec.notes)


def test_set_of_a_grid_setting_wins_over_the_preset_selection(reg):
    specs = plan(reg, "convergence", preset="quick", seeds=[0], overrides={"optimizer": "adam"})
    assert [s.choices["optimizer"] for s in specs] == ["adam"]
    with pytest.raises(UsageError, match="optimizer is given both as a grid"):
        plan(reg, "convergence", preset="quick", seeds=[0], overrides={"optimizer": "adam"},
             choices={"optimizer": ["sgd"]})


def test_grid_over_a_typed_setting_and_a_choice_like_string(reg):
    specs = plan(reg, "convergence", preset="test", seeds=[0],
                 choices={"optimizer": ["sgd"], "batch_size": ["32,128"]})
    assert [s.config["batch_size"] for s in specs] == [32, 128]  # ints, not strings
    assert len({s.config_hash for s in specs}) == 2
    specs = plan(reg, "degradation", preset="test", seeds=[0],
                 choices={"net": ["plain(depth=8),residual(depth=14)"]})
    assert [s.config["net"] for s in specs] == ["plain(depth=8)", "residual(depth=14)"]
    with pytest.raises(UsageError, match="setting batch_size: cannot read 'x' as int"):
        plan(reg, "convergence", preset="test", choices={"batch_size": ["x"]})


def test_editing_a_file_plugin_changes_the_hash(tmp_path):
    from dlbench.pluginmanager import build_registry

    path = tmp_path / "myopt.py"
    body = ("from dlbench import hookimpl\nfrom dlbench.nn import Optimizer\n"
            "class My(Optimizer):\n    def __init__(self, params, lr=0.1):\n"
            "        super().__init__(params, lr=lr)\n    def step(self):\n"
            "        for p in self.params: p.data -= {} * p.grad\n"
            "@hookimpl\ndef register_optimizers(register):\n    register('my-opt', My)\n")
    hashes = []
    for factor in ("self.lr", "0.5 * self.lr"):
        path.write_text(body.format(factor))
        reg = build_registry([str(path)], autoload=False)
        version = reg.plugins[-1].version
        assert version.startswith("src.")
        hashes.append(plan(reg, "convergence", preset="test", seeds=[0],
                           choices={"optimizer": ["my-opt"]})[0].config_hash)
    assert hashes[0] != hashes[1]


def test_task_plugin_and_version_are_in_the_resolved_config(reg):
    spec = plan(reg, "convergence", preset="test", seeds=[0])[0]
    assert spec.resolved["task_plugin"]["plugin"] == "dlbench.plugins.tasks"


def test_grid_over_list_settings_and_optional_settings(reg):
    specs = plan(reg, "convergence", preset="test", seeds=[0], choices={
        "optimizer": ["sgd"], "hidden": ["[16],[32, 32],[16]"]})
    assert [s.config["hidden"] for s in specs] == [[16], [32, 32]]
    a = plan(reg, "convergence", preset="test", seeds=[0], overrides=reg.get("task", "convergence").parse_set(["clip_norm=1"]))
    b = plan(reg, "convergence", preset="test", seeds=[0], overrides=reg.get("task", "convergence").parse_set(["clip_norm=1.0"]))
    assert a[0].config["clip_norm"] == 1.0 and a[0].config_hash == b[0].config_hash
    with pytest.raises(UsageError, match="cannot read 'oops' as float"):
        reg.get("task", "convergence").parse_set(["clip_norm=oops"])


def test_choice_arguments_are_checked_and_normalised_before_running(reg):
    with pytest.raises(UsageError, match="has no parameter 'betaz'"):
        plan(reg, "convergence", preset="test", choices={"optimizer": ["adam(betaz=0.9)"]})
    one = plan(reg, "convergence", preset="test", seeds=[0],
               choices={"optimizer": ["momentum(momentum=1)"]})
    onef = plan(reg, "convergence", preset="test", seeds=[0],
                choices={"optimizer": ["momentum(momentum=1.0)"]})
    assert one[0].config_hash == onef[0].config_hash


def test_a_choice_setting_a_keyword_the_task_owns_is_refused(reg):
    with pytest.raises(UsageError, match=r"convergence sets the optimizer's lr from lr_grid; "
                                         r"use --set lr_grid=\[...\]"):
        plan(reg, "convergence", preset="test", choices={"optimizer": ["sgd(lr=-1)"]})


def test_a_resolved_choice_knows_its_plugin_and_the_task_receives_it(reg):
    from dlbench.bench import Choice

    [spec] = plan(reg, "convergence", preset="test", seeds=[0], choices={"optimizer": ["adam"]})
    choice = spec.config["optimizer"]
    assert isinstance(choice, Choice) and choice.kind == "optimizer"
    assert choice.plugin == "dlbench.plugins.optimizers" and choice.version
    assert spec.resolved["plugins"]["optimizer"]["kwargs"]["lr"] == 0.001  # defaults filled


def test_a_dataset_of_the_wrong_kind_is_refused_when_planning(reg):
    with pytest.raises(UsageError, match="gives a Dataset; this task needs a Surface"):
        plan(reg, "trajectories", preset="test", choices={"dataset": ["digits"]})
