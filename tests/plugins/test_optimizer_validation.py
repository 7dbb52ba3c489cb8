"""Every built-in optimizer: invalid hyperparameters fail at creation naming the parameter
and its range, weight_decay is never silently ignored, hyperparameters are read on every
step, float32 stays float32, and the conformance check passes."""

from __future__ import annotations

import numpy as np
import pytest

import dlbench
from dlbench.errors import HyperparameterError
from dlbench.nn import Parameter
from dlbench.testing import check_entry

NAMES = ["adabound", "adadelta", "adagrad", "adam", "adamw", "lion", "momentum", "nadam",
         "nesterov", "radam", "rmsprop", "sgd"]


def create(name, **kwargs):
    p = Parameter(np.array([2.0, -2.0]))
    return p, dlbench.registry().create("optimizer", name, [p], **kwargs)


def test_the_course_catalogue_is_registered():
    assert dlbench.registry().names("optimizer") == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_negative_lr_is_refused_naming_the_range(name):
    with pytest.raises(HyperparameterError, match=r"^lr must be in [\[(]0, inf\), got -0.1$"):
        create(name, lr=-0.1)


@pytest.mark.parametrize("name", NAMES)
def test_negative_weight_decay_is_refused(name):
    with pytest.raises(HyperparameterError, match=r"weight_decay must be in \[0, inf\)"):
        create(name, weight_decay=-1e-4)


@pytest.mark.parametrize("name", NAMES)
def test_weight_decay_is_honoured(name):
    """With a zero gradient, only weight decay can move θ, and it must shrink it."""
    p, opt = create(name, lr=0.1, weight_decay=0.5)
    opt.step()
    assert np.all(np.abs(p.data) < 2.0 - 1e-6), p.data
    assert p.data[0] == pytest.approx(-p.data[1])


@pytest.mark.parametrize("name", NAMES)
def test_lr_is_read_on_every_step(name):
    p, opt = create(name, lr=0.1)
    opt.lr = 0.0
    p.grad[...] = [0.5, -0.5]
    opt.step()
    np.testing.assert_array_equal(p.data, [2.0, -2.0])


@pytest.mark.parametrize("name", NAMES)
def test_float32_stays_float32_in_place(name):
    p = Parameter(np.array([[1.0, -1.0], [0.5, 2.0]], dtype=np.float32))
    data = p.data
    opt = dlbench.registry().create("optimizer", name, [p], lr=0.1)
    p.grad[...] = 0.3
    opt.step()
    assert p.data is data and p.data.dtype == np.float32


@pytest.mark.parametrize("name", NAMES)
def test_builtin_passes_its_conformance_check(name):
    reg = dlbench.registry()
    results = check_entry(reg.entry("optimizer", name), builtin=True)
    assert [(r.prop, r.detail) for r in results if r.status != "pass"] == []
    assert {r.prop for r in results} >= {"descends-quadratic", "descends-rosenbrock",
                                         "weight-decay", "state-per-parameter"}


@pytest.mark.parametrize(("name", "kwargs", "message"), [
    ("sgd", {"momentum": -0.5}, r"momentum must be in \[0, inf\), got -0.5"),
    ("sgd", {"dampening": 1.5}, r"dampening must be in \[0, 1\], got 1.5"),
    ("sgd", {"nesterov": True}, r"momentum must be in \(0, inf\) when nesterov=True, got 0.0"),
    ("sgd", {"nesterov": True, "momentum": 0.9, "dampening": 0.1},
     r"dampening must be 0 when nesterov=True, got 0.1"),
    ("momentum", {"variant": "paper"}, r"variant must be one of 'torch', 'book', got 'paper'"),
    ("momentum", {"variant": "book", "dampening": 0.1}, r"dampening must be 0 with variant='book'"),
    ("nesterov", {"momentum": 0.0}, r"momentum must be in \(0, inf\) when nesterov=True"),
    ("adagrad", {"eps": -1e-10}, r"eps must be in \[0, inf\)"),
    ("adagrad", {"lr_decay": -1.0}, r"lr_decay must be in \[0, inf\)"),
    ("adagrad", {"initial_accumulator_value": -0.1}, r"initial_accumulator_value must be in \[0, inf\)"),
    ("rmsprop", {"alpha": 1.5}, r"alpha must be in \[0, 1\], got 1.5"),
    ("rmsprop", {"momentum": -0.1}, r"momentum must be in \[0, inf\)"),
    ("adadelta", {"rho": 1.1}, r"rho must be in \[0, 1\], got 1.1"),
    ("adam", {"betas": (0.9, 1.0)}, r"betas\[1\] must be in \[0, 1\), got 1.0"),
    ("adam", {"betas": (-0.1, 0.999)}, r"betas\[0\] must be in \[0, 1\), got -0.1"),
    ("adam", {"betas": 0.9}, r"betas must be a pair \(beta1, beta2\), got 0.9"),
    ("adam", {"eps": -1e-8}, r"eps must be in \[0, inf\)"),
    ("adam", {"variant": "keras"}, r"variant must be one of 'torch', 'book'"),
    ("adamw", {"betas": (1.0, 0.999)}, r"betas\[0\] must be in \[0, 1\)"),
    ("nadam", {"momentum_decay": -1.0}, r"momentum_decay must be in \[0, inf\)"),
    ("radam", {"betas": (0.9, 1.5)}, r"betas\[1\] must be in \[0, 1\)"),
    ("adabound", {"lr": 0.0}, r"lr must be in \(0, inf\), got 0.0"),
    ("adabound", {"gamma": 0.0}, r"gamma must be in \(0, 1\), got 0.0"),
    ("adabound", {"gamma": 1.0}, r"gamma must be in \(0, 1\), got 1.0"),
    ("adabound", {"final_lr": -0.1}, r"final_lr must be in \[0, inf\)"),
    ("lion", {"betas": (0.9, 1.0)}, r"betas\[1\] must be in \[0, 1\)"),
])
def test_invalid_hyperparameters_name_parameter_and_range(name, kwargs, message):
    with pytest.raises(HyperparameterError, match=message):
        create(name, **kwargs)


def test_check_reports_a_refused_example_by_property(invoke, tmp_path):
    """A third-party registration whose example is out of range: one line, no traceback."""
    script = tmp_path / "bad_example.py"
    script.write_text(
        "from dlbench import hookimpl\n"
        "from dlbench.plugins.optimizers.adam import Adam\n"
        "@hookimpl\n"
        "def register_optimizers(register):\n"
        "    register('bad-adam', Adam, example={'kwargs': {'betas': (0.9, 1.0)}})\n")
    result = invoke("-p", script, "check", "optimizer", "bad-adam")
    assert result.exit_code == 1
    assert "create: HyperparameterError: betas[1] must be in [0, 1), got 1.0" in result.stdout
    assert "Traceback" not in result.stdout
