"""Generators: deterministic per seed, valid draws only, answers equal to the course's
formulas worked out here by hand (the generators compute them with dlbench's own code)."""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest

import dlbench
from dlbench.quiz import generators
from dlbench.quiz.draw import seed_for

ALL = [name for name, fn in inspect.getmembers(generators, inspect.isfunction)
       if fn.__module__ == generators.__name__ and not name.startswith("_")
       and list(inspect.signature(fn).parameters) == ["rng"]]
NEEDS = {"tanh_derivative": ("activation", "tanh"), "momentum_two_steps": ("optimizer", "momentum"),
         "adam_first_step": ("optimizer", "adam")}


def _needs(name):
    need = NEEDS.get(name)
    if need and need not in dlbench.registry():
        pytest.skip(f"{need[0]} {need[1]!r} is not registered")


def _run(name, seed):
    return getattr(generators, name)(np.random.default_rng(seed))


def test_there_are_at_least_ten_generators():
    assert len(ALL) >= 10, ALL


@pytest.mark.parametrize("name", ALL)
def test_deterministic_per_seed_and_varied(name):
    _needs(name)
    first = [_run(name, s) for s in range(8)]
    assert first == [_run(name, s) for s in range(8)]
    assert len({repr(d) for d in first}) > 1
    for d in first:
        assert set(d) == {"params", "answer"} and math.isfinite(float(d["answer"]))


def test_seed_is_a_stable_digest():
    assert seed_for("q-001", "ann", 0) == seed_for("q-001", "ann", 0)
    assert len({seed_for("q-001", "ann", 0), seed_for("q-001", "ann", 1),
                seed_for("q-001", "bob", 0), seed_for("q-002", "ann", 0)}) == 4
    assert 0 <= seed_for("q", "x", 3) < 2 ** 63


def test_conv_output_size_matches_the_formula_and_rejects_invalid_draws():
    for seed in range(40):
        d = _run("conv_output_size", seed)
        h, k, s, p = (d["params"][key] for key in "hksp")
        assert k <= h + 2 * p
        assert d["answer"] == math.floor((h + 2 * p - k) / s) + 1


def test_parameter_counts_by_hand():
    for seed in range(10):
        d = _run("conv_params", seed)["params"], _run("conv_params", seed)["answer"]
        (p, answer) = d
        assert answer == (p["k"] * p["k"] * p["c_in"] + 1) * p["c_out"]
        mlp = _run("dense_params", seed)
        sizes = [int(v) for v in mlp["params"]["sizes"].split("-")]
        assert mlp["answer"] == sum(a * b + b for a, b in zip(sizes, sizes[1:]))


def test_receptive_field_and_iterations_by_hand():
    for seed in range(10):
        rf = _run("receptive_field", seed)
        assert rf["answer"] == 1 + rf["params"]["n"] * (rf["params"]["k"] - 1)
        it = _run("iterations_per_epoch", seed)
        assert it["answer"] == -(-it["params"]["n"] // it["params"]["b"])
        pool = _run("pool_output_size", seed)
        assert pool["answer"] == (pool["params"]["h"] - pool["params"]["k"]) // pool["params"]["s"] + 1


def test_derivatives_and_softmax_by_hand():
    for seed in range(10):
        d = _run("sigmoid_derivative", seed)
        s = 1 / (1 + math.exp(-d["params"]["x"]))
        assert d["answer"] == pytest.approx(s * (1 - s), rel=1e-12)
        sm = _run("softmax_entry", seed)
        e = [math.exp(v) for v in sm["params"]["logits"]]
        assert sm["answer"] == pytest.approx(e[sm["params"]["i"] - 1] / sum(e), rel=1e-12)
        ce = _run("cross_entropy_value", seed)["params"]
        logits = [ce["a"], ce["b"], ce["c"]]
        want = -math.log(math.exp(logits[ce["t"] - 1]) / sum(math.exp(v) for v in logits))
        assert _run("cross_entropy_value", seed)["answer"] == pytest.approx(want, rel=1e-9)


def test_tanh_derivative_by_hand():
    _needs("tanh_derivative")
    d = _run("tanh_derivative", 3)
    assert d["answer"] == pytest.approx(1 - math.tanh(d["params"]["x"]) ** 2, rel=1e-9)


def test_optimizer_steps_by_hand():
    d = _run("sgd_step", 1)["params"]
    assert _run("sgd_step", 1)["answer"] == pytest.approx(d["w"] - d["lr"] * d["g"])
    if ("optimizer", "momentum") in dlbench.registry():
        d = _run("momentum_two_steps", 2)
        p = d["params"]
        # torch form: v1 = g1, w1 = w − lr·g1; v2 = μ·g1 + g2, w2 = w1 − lr·v2
        w1 = p["w"] - p["lr"] * p["g1"]
        assert d["answer"] == pytest.approx(w1 - p["lr"] * (p["mu"] * p["g1"] + p["g2"]))
    if ("optimizer", "adam") in dlbench.registry():
        d = _run("adam_first_step", 4)
        p = d["params"]
        # m̂ = g, v̂ = g²: w − lr·g/(|g| + 1e-8)
        assert d["answer"] == pytest.approx(p["w"] - p["lr"] * p["g"] / (abs(p["g"]) + 1e-8))
