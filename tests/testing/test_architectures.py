"""``dlbench check architecture``: passes the built-ins, catches a model that is not its table."""

from __future__ import annotations

import numpy as np
import pytest

import dlbench
from dlbench.errors import UsageError
from dlbench.arch import AUTO, Architecture, Variant, conv, dense, flatten, seq
from dlbench.testing import check_architecture
from dlbench.plugin_registry import Entry


def _describe(with_bias):
    def describe(input_shape, num_classes, width):
        return seq(conv(input_shape[0], 2, 3, bias=with_bias), flatten(), dense(AUTO, num_classes))
    return describe


class Lying(Architecture):
    """Infers the biased conv but builds one without bias."""

    def _build(self, input_shape=None, num_classes=None, variant=None, width=1.0, rng=None,
               registry=None):
        from dlbench.arch import build, infer

        shape = tuple(input_shape)
        return build(infer(_describe(False)(shape, num_classes, width), shape).resolved,
                     registry, rng)


def entry_of(arch):
    return Entry("architecture", arch.name, arch, "test",
                 example={"kwargs": {"input_shape": [1, 5, 5], "num_classes": 3, "rng": 0}})


@pytest.fixture(scope="module")
def registry():
    return dlbench.registry()


def test_an_honest_architecture_passes(registry):
    honest = Architecture("honest", {"only": Variant(_describe(True), "a conv")}, lambda s: "only")
    results = check_architecture(entry_of(honest), registry)
    assert [r.status for r in results] == ["pass"] * 4, results


def test_without_a_registry_an_architecture_is_skipped_not_built_from_a_global_one():
    honest = Architecture("honest", {"only": Variant(_describe(True), "a conv")}, lambda s: "only")
    [result] = check_architecture(entry_of(honest))
    assert (result.prop, result.status) == ("create", "skip")


def test_an_architecture_called_without_a_registry_says_how_to_build_it():
    honest = Architecture("honest", {"only": Variant(_describe(True), "a conv")}, lambda s: "only")
    with pytest.raises(UsageError, match=r"registry.create\('architecture', 'honest'"):
        honest(input_shape=(1, 5, 5), num_classes=3)


def test_registry_create_builds_the_layers_from_that_registry(registry):
    """An architecture made by ``reg.create`` takes its layers from ``reg``, not from
    dlbench's default registry: here a registry whose ``dense`` is a spy."""
    from dlbench.nn import Dense
    from dlbench.plugin_registry import Registry

    made = []

    def spy_dense(*args, **kwargs):
        made.append(kwargs.get("out_features", args[1] if len(args) > 1 else None))
        return Dense(*args, **kwargs)

    own = Registry()
    for kind in ("layer", "activation"):
        for entry in registry.entries(kind):
            obj = spy_dense if (kind, entry.name) == ("layer", "dense") else entry.obj
            own.add(kind, entry.name, obj, plugin="test")
    honest = Architecture("honest", {"only": Variant(_describe(True), "a conv")}, lambda s: "only")
    own.add("architecture", "honest", honest, plugin="test")
    net = own.create("architecture", "honest", input_shape=(1, 5, 5), num_classes=3, rng=0)
    assert made == [3]
    assert net.forward(np.zeros((2, 1, 5, 5), np.float32)).shape == (2, 3)


def test_a_model_that_differs_from_its_table_fails_the_inference_property(registry):
    lying = Lying("lying", {"only": Variant(_describe(True), "a conv")}, lambda s: "only")
    results = {r.prop: r for r in check_architecture(entry_of(lying), registry)}
    assert results["forward-backward"].status == "pass"
    assert results["inference"].status == "fail"
    assert "inferred 77 parameters, the model has 75" in results["inference"].detail


def test_builtins_pass(invoke):
    result = invoke("check", "architecture")
    assert result.exit_code == 0, result.output
    assert "13 checked, 0 failed" in result.output
    assert dlbench.registry().names("architecture")
