"""Plugin discovery: built-ins, entry points, -p files, blocking, isolation of failures."""

from __future__ import annotations

import numpy as np
import pytest

import dlbench
from dlbench.errors import PluginError, UsageError
from dlbench.nn import Parameter
from dlbench.pluginmanager import BUILTIN_PLUGINS, PluginHost, build_registry, load_plugins


def test_builtins_are_registered_from_the_explicit_tuple():
    host = load_plugins(autoload=False)
    reg = host.registry
    names = [p.name for p in host.records]
    assert names == list(BUILTIN_PLUGINS)
    assert all(p.source == "builtin" for p in host.records)
    assert ("optimizer", "sgd") in reg
    assert reg.entry("optimizer", "sgd").plugin == "dlbench.plugins.optimizers"


def test_entry_point_plugin_adds_an_optimizer(fake_dist, halver_code):
    fake_dist("fakeopt", halver_code)
    host = load_plugins()
    reg = host.registry
    record = next(p for p in host.records if p.name == "fakeopt")
    assert record.source == "entry-point"
    assert record.version == "1.2.3" and record.distribution == "fakeopt"
    assert record.registered == {"optimizer": ["halver"]}
    p = Parameter(np.array([4.0, -2.0]))
    reg.create("optimizer", "halver", [p]).step()
    np.testing.assert_array_equal(p.data, [2.0, -1.0])


def test_a_plugin_whose_import_raises_is_reported_and_others_still_load(fake_dist, halver_code):
    fake_dist("fakeopt", halver_code)
    fake_dist("fakebroken", "raise RuntimeError('boom at import')\n")
    host = load_plugins()
    assert ("optimizer", "halver") in host.registry
    assert [f.name for f in host.failures] == ["fakebroken"]
    assert "RuntimeError: boom at import" in host.failures[0].error


def test_a_plugin_whose_register_hook_raises_is_rolled_back(fake_dist):
    fake_dist("fakehalf", """
        from dlbench import hookimpl
        from dlbench.nn import Optimizer
        @hookimpl
        def register_optimizers(register):
            register("half-ok", Optimizer)
            raise ValueError("second registration broke")
    """)
    host = load_plugins()
    assert ("optimizer", "half-ok") not in host.registry
    assert host.failures[0].name == "fakehalf"
    assert "second registration broke" in host.failures[0].error


def test_autoload_switch_skips_entry_points(fake_dist, halver_code, monkeypatch):
    fake_dist("fakeopt", halver_code)
    monkeypatch.setenv("DLBENCH_DISABLE_PLUGIN_AUTOLOAD", "1")
    reg = build_registry()
    assert ("optimizer", "halver") not in reg
    assert ("optimizer", "sgd") in reg


def test_block_a_plugin_by_name(fake_dist, halver_code):
    fake_dist("fakeopt", halver_code)
    reg = build_registry(["no:fakeopt"])
    assert ("optimizer", "halver") not in reg
    host = load_plugins(["no:dlbench.plugins.layers"])
    assert "dense" not in host.registry.names("layer")
    assert "flatten" not in host.registry.names("layer")
    assert "dlbench.plugins.layers" not in {p.name for p in host.records}


def test_p_file_plugin(tmp_path, halver_code):
    path = tmp_path / "myhalver.py"
    path.write_text(halver_code)
    host = load_plugins([str(path)])
    assert host.registry.entry("optimizer", "halver").plugin == "myhalver"
    record = next(p for p in host.records if p.name == "myhalver")
    assert record.source == "file"


def test_p_missing_file_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="plugin file not found"):
        build_registry([str(tmp_path / "nope.py")])


def test_p_file_that_does_not_import_fails_loudly(tmp_path):
    path = tmp_path / "bad.py"
    path.write_text("import not_a_module_anywhere\n")
    with pytest.raises(PluginError, match="does not import.*not_a_module_anywhere"):
        build_registry([str(path)])


def test_plugins_dir_loads_every_file_and_isolates_failures(tmp_path, halver_code):
    folder = tmp_path / "plugs"
    folder.mkdir()
    (folder / "halver.py").write_text(halver_code)
    (folder / "broken.py").write_text("1/0\n")
    (folder / "_private.py").write_text("raise SystemExit('must not be imported')\n")
    host = load_plugins(plugins_dir=folder)
    assert ("optimizer", "halver") in host.registry
    assert [f.name for f in host.failures] == ["broken"]


def test_misspelled_hook_implementation_is_reported(tmp_path):
    path = tmp_path / "typo.py"
    path.write_text(
        "from dlbench import hookimpl\n"
        "@hookimpl\n"
        "def register_optimiser(register):\n"
        "    pass\n")
    host = load_plugins([str(path)])
    assert any("register_optimiser" in w and "register_optimizers" in w for w in host.warnings)
    record = next(p for p in host.records if p.name == "typo")
    assert record.problems


def test_duplicate_name_across_plugins_names_both(tmp_path):
    path = tmp_path / "dup.py"
    path.write_text(
        "from dlbench import hookimpl\n"
        "from dlbench.nn import Optimizer\n"
        "@hookimpl\n"
        "def register_optimizers(register):\n"
        "    register('sgd', Optimizer)\n")
    with pytest.raises(PluginError) as info:
        build_registry([str(path)])
    assert "dlbench.plugins.optimizers" in str(info.value) and "'dup'" in str(info.value)


def test_replace_true_overrides_a_builtin(tmp_path):
    path = tmp_path / "mysgd.py"
    path.write_text(
        "from dlbench import hookimpl\n"
        "from dlbench.nn import Optimizer\n"
        "class Mine(Optimizer):\n"
        "    def step(self): pass\n"
        "@hookimpl\n"
        "def register_optimizers(register):\n"
        "    register('sgd', Mine, replace=True)\n")
    host = load_plugins([str(path)])
    assert host.registry.entry("optimizer", "sgd").plugin == "mysgd"
    builtin = next(p for p in host.records if p.name == "dlbench.plugins.optimizers")
    assert "sgd" not in builtin.registered.get("optimizer", [])


def test_default_registry_is_cached_and_refreshable():
    a = dlbench.registry()
    assert dlbench.registry() is a
    assert dlbench.registry(refresh=True) is not a


def test_the_registry_is_pure_lookups_and_the_host_holds_the_rest(tmp_path, halver_code):
    """Which plugins failed, loading warnings, the observer hooks and plugin commands
    belong to the host; the registry that ``dlbench.registry()`` and ``load_plugins``
    give carries none of them, only the records of the plugins that loaded (lookups)."""
    (tmp_path / "halver.py").write_text(halver_code)
    host = load_plugins([str(tmp_path / "halver.py")], autoload=False)
    assert isinstance(host, PluginHost)
    for reg in (host.registry, dlbench.registry()):
        for attr in ("notify", "host", "failures", "warnings", "add_commands"):
            assert not hasattr(reg, attr), attr
    assert [r.name for r in host.records][-1] == "halver"
    assert host.registry.plugins == host.records
    assert host.failures == [] and host.notify("run_started", run="R") == []


def test_observer_hooks_are_isolated(tmp_path):
    path = tmp_path / "obs.py"
    path.write_text(
        "from dlbench import hookimpl\n"
        "seen = []\n"
        "@hookimpl\n"
        "def run_started(run):\n"
        "    seen.append(run)\n"
        "    raise RuntimeError('observer bug')\n")
    host = load_plugins([str(path)])
    problems = host.notify("run_started", run="R")
    import sys
    assert sys.modules["dlbench_local.obs"].seen == ["R"]
    assert problems and "observer bug" in problems[0]


def test_a_plugin_that_replaces_a_name_then_raises_gives_the_original_back(tmp_path):
    folder = tmp_path / "plugs"
    folder.mkdir()
    (folder / "badreplace.py").write_text(
        "from dlbench import hookimpl\n"
        "from dlbench.nn import Optimizer\n"
        "@hookimpl\n"
        "def register_optimizers(register):\n"
        "    register('sgd', Optimizer, replace=True)\n"
        "    raise RuntimeError('broke after replacing sgd')\n")
    host = load_plugins(plugins_dir=folder)
    reg = host.registry
    assert reg.entry("optimizer", "sgd").plugin == "dlbench.plugins.optimizers"
    assert ("optimizer", "sgd") in reg.by_plugin["dlbench.plugins.optimizers"]
    assert host.failures[0].name == "badreplace"
