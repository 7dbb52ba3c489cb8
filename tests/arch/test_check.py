"""``dlbench check architecture``: passes the built-ins, catches a model that is not its table."""

from __future__ import annotations

import dlbench
from dlbench.arch import AUTO, Architecture, Variant, conv, dense, flatten, seq
from dlbench.arch.check import check_architecture
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


def test_an_honest_architecture_passes():
    honest = Architecture("honest", {"only": Variant(_describe(True), "a conv")}, lambda s: "only")
    results = check_architecture(entry_of(honest))
    assert [r.status for r in results] == ["pass"] * 4, results


def test_a_model_that_differs_from_its_table_fails_the_inference_property():
    lying = Lying("lying", {"only": Variant(_describe(True), "a conv")}, lambda s: "only")
    results = {r.prop: r for r in check_architecture(entry_of(lying))}
    assert results["forward-backward"].status == "pass"
    assert results["inference"].status == "fail"
    assert "inferred 77 parameters, the model has 75" in results["inference"].detail


def test_builtins_pass(invoke):
    result = invoke("check", "architecture")
    assert result.exit_code == 0, result.output
    assert "13 checked, 0 failed" in result.output
    assert dlbench.registry().names("architecture")
