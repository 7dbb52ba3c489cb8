"""Registry lookups: kinds, names, metadata, did-you-mean, duplicates, keyword checks."""

from __future__ import annotations

import pytest

import dlbench
from dlbench.errors import DuplicateNameError, HyperparameterError, UnknownNameError, UsageError
from dlbench.plugin_registry import KINDS, Registry, normalize_kind


def make():
    reg = Registry()
    reg.add("optimizer", "adam", lambda params, lr=1e-3: ("adam", lr), plugin="a",
            summary={"en": "Adam", "ja": "アダム"}, reference="arXiv:1412.6980")
    reg.add("optimizer", "adagrad", lambda params: "adagrad", plugin="b")
    return reg


def test_kinds_are_the_contracts():
    assert Registry().kinds() == ["activation", "initializer", "optimizer", "scheduler",
                                  "regularizer", "loss", "layer", "architecture", "dataset",
                                  "task", "quiz-bank"]
    assert normalize_kind("quiz_bank") == "quiz-bank"
    assert normalize_kind("Optimizers") == "optimizer"


def test_unknown_kind_suggests():
    with pytest.raises(UnknownNameError, match="did you mean 'optimizer'"):
        normalize_kind("optimiser")


def test_unknown_name_suggests_the_closest():
    reg = make()
    with pytest.raises(UnknownNameError) as info:
        reg.get("optimizer", "adma")
    assert "did you mean 'adam'" in str(info.value)
    assert isinstance(info.value, UsageError)


def test_unknown_name_without_close_match_lists_known():
    with pytest.raises(UnknownNameError, match="known: adagrad, adam"):
        make().get("optimizer", "zzzzzz")


def test_names_sorted_and_info_records_the_plugin():
    reg = make()
    assert reg.names("optimizer") == ["adagrad", "adam"]
    info = reg.info("optimizer", "adam")
    assert info["plugin"] == "a" and info["summary"]["ja"] == "アダム"
    assert info["defaults"] == {"lr": 1e-3}
    assert reg.by_plugin == {"a": [("optimizer", "adam")], "b": [("optimizer", "adagrad")]}


def test_duplicate_names_both_plugins():
    reg = make()
    with pytest.raises(DuplicateNameError) as info:
        reg.add("optimizer", "adam", object, plugin="c")
    assert "'a'" in str(info.value) and "'c'" in str(info.value)


def test_create_refuses_unknown_keywords_naming_valid_ones():
    with pytest.raises(HyperparameterError, match="no parameter 'betaz'; valid: params, lr"):
        make().create("optimizer", "adam", [], betaz=0.9)
    assert make().create("optimizer", "adam", [], lr=0.5) == ("adam", 0.5)


@pytest.mark.parametrize("bad", ["Adam", "leaky_relu", "two words", "-x", ""])
def test_names_must_be_kebab_case(bad):
    with pytest.raises(UsageError, match="kebab-case"):
        Registry().add("activation", bad, object, plugin="p")


def test_every_builtin_name_resolves_and_creates():
    """The ``rmsprpo`` lesson (book issue #22): every registered name must work."""
    import dlbench

    reg = dlbench.registry(refresh=True)
    for kind in KINDS:
        for name in reg.names(kind):
            assert reg.get(kind, name) is not None
            assert reg.info(kind, name)["name"] == name


def test_every_builtin_has_complete_metadata():

    from dlbench.pluginmanager import load_plugins

    host = load_plugins()
    reg = host.registry
    builtin = {p.name for p in host.records if p.source == "builtin"}
    for kind in KINDS:
        for entry in reg.entries(kind):
            if entry.plugin in builtin:
                assert not entry.missing_metadata(), (kind, entry.name, entry.missing_metadata())


def test_accepts_reads_the_signature_and_counts_var_keyword():
    from dlbench.plugin_registry import accepts

    def named(x, rng=None): ...
    def anything(**kwargs): ...

    assert accepts(named, "rng") and not accepts(named, "num_classes")
    assert accepts(anything, "num_classes")
    assert not accepts(print, "rng")  # no inspectable signature: accepts nothing


def test_with_injected_never_overrides_the_user_and_keeps_registry_out_of_var_keyword():
    import numpy as np

    from dlbench.plugin_registry import with_injected

    def layer(p=0.5, rng=None): ...
    def optimizer(params, **defaults): ...
    def scheduler(opt, after="constant", registry=None): ...

    rng = np.random.default_rng(0)
    assert with_injected(layer, {"p": 0.1}, rng=rng, num_classes=None) == {"p": 0.1, "rng": rng}
    assert with_injected(layer, {"rng": 1}, rng=rng) == {"rng": 1}
    reg = object()
    assert with_injected(optimizer, {}, registry=reg) == {}
    assert with_injected(scheduler, {}, registry=reg) == {"registry": reg}
    with pytest.raises(ValueError, match="not an injectable argument: seed"):
        with_injected(layer, {}, seed=1)


def test_every_injectable_name_is_documented_in_hookspecs():
    from dlbench.hookspecs import INJECTABLE

    assert {"rng", "num_classes", "data_dir", "registry"} <= set(INJECTABLE)
    assert all(len(text) > 30 for text in INJECTABLE.values())


def test_a_scheduler_naming_another_is_created_from_the_registry_it_came_from():
    """``linear-warmup`` creates its ``after`` scheduler by name: from the registry that
    created it (Registry.create passes itself), never from a global one."""
    import numpy as np

    from dlbench.nn import Parameter

    reg = dlbench.registry()
    opt = reg.create("optimizer", "sgd", [Parameter(np.zeros(1))], lr=0.1)
    sched = reg.create("scheduler", "linear-warmup", opt, warmup_steps=0, after="step",
                       after_kwargs={"step_size": 1, "gamma": 0.5})
    sched.step()
    assert opt.lr == pytest.approx(0.05)
    with pytest.raises(HyperparameterError, match="no registry to create it from"):
        reg.get("scheduler", "linear-warmup")(opt, after="step")
    assert "registry" not in reg.info("scheduler", "linear-warmup")["defaults"]
