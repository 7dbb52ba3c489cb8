"""Built-in regularizers (values and gradients by hand and by central differences, the
layers they insert, transforms, early stopping) and the regularizer conformance check."""

from __future__ import annotations

import numpy as np
import pytest

import dlbench
from dlbench.errors import HyperparameterError, UsageError
from dlbench.nn import (BatchNorm1d, Dense, Dropout, Parameter, Sequential,
                        gradcheck_function)
from dlbench.plugin_registry import Entry
from dlbench.testing import check_entry
from dlbench.testing.regularizers import check_regularizer


@pytest.fixture(scope="module")
def reg():
    return dlbench.registry(refresh=True)


def weights_and_bias():
    """Two weights and a bias, float64, with hand-picked values (one exact zero)."""
    w1 = Parameter(np.array([[1.0, -2.0], [0.0, 3.0]]))
    w2 = Parameter(np.array([[0.5], [-0.5]]))
    b = Parameter(np.array([4.0, -4.0]))
    return [("0.weight", w1), ("0.bias", b), ("2.weight", w2)]


# -- weight penalties -------------------------------------------------------------------------
def test_l2_value_is_half_lambda_squared_norm_and_grad_lambda_w(reg):
    named = weights_and_bias()
    value, grads = reg.create("regularizer", "l2", weight_decay=0.1).penalty(named, {})
    # ΣW² = 1 + 4 + 0 + 9 + 0.25 + 0.25 = 14.5 (the bias is not a weight); ½·0.1·14.5
    assert value == pytest.approx(0.725)
    assert set(grads) == {"0.weight", "2.weight"}
    np.testing.assert_allclose(grads["0.weight"], [[0.1, -0.2], [0.0, 0.3]])
    np.testing.assert_allclose(grads["2.weight"], [[0.05], [-0.05]])


def test_l1_value_and_subgradient_zero_at_zero(reg):
    value, grads = reg.create("regularizer", "l1", alpha=0.01).penalty(weights_and_bias(), {})
    # Σ|W| = 1 + 2 + 0 + 3 + 0.5 + 0.5 = 7
    assert value == pytest.approx(0.07)
    np.testing.assert_array_equal(grads["0.weight"], [[0.01, -0.01], [0.0, 0.01]])
    np.testing.assert_array_equal(grads["2.weight"], [[0.01], [-0.01]])


def test_elastic_net_mixes_l1_and_l2(reg):
    value, grads = reg.create("regularizer", "elastic-net", alpha=0.2, l1_ratio=0.25).penalty(
        weights_and_bias(), {})
    # 0.2·0.25·7 + ½·0.2·0.75·14.5 = 0.35 + 1.0875
    assert value == pytest.approx(1.4375)
    # 0.05·sign(w) + 0.15·w
    np.testing.assert_allclose(grads["0.weight"], [[0.2, -0.35], [0.0, 0.5]])
    l1 = reg.create("regularizer", "elastic-net", alpha=0.2, l1_ratio=1.0)
    assert l1.penalty(weights_and_bias(), {})[0] == pytest.approx(0.2 * 7)


@pytest.mark.parametrize("name, kwargs", [("l2", {"weight_decay": 0.3}),
                                          ("l1", {"alpha": 0.05}),
                                          ("elastic-net", {"alpha": 0.1, "l1_ratio": 0.4})])
def test_penalty_gradients_pass_central_differences(reg, name, kwargs):
    rng = np.random.default_rng(0)
    named = [("a.weight", Parameter(rng.normal(size=(4, 3)))), ("a.bias", Parameter(rng.normal(size=3))),
             ("c.weight", Parameter(rng.normal(size=(2, 3, 2, 2))))]
    penalty = reg.create("regularizer", name, **kwargs).penalty
    _, grads = penalty(named, {})
    arrays = {k: p.data for k, p in named}
    analytic = {k: grads.get(k, np.zeros_like(a)) for k, a in arrays.items()}
    result = gradcheck_function(lambda: penalty(named, {})[0], arrays, analytic)
    assert result.passed, result
    assert set(grads) == {"a.weight", "c.weight"}  # conv weights count, biases do not


def test_penalty_gradient_keeps_float32(reg):
    named = [("w", Parameter(np.ones((2, 2), dtype=np.float32)))]
    for name in ("l1", "l2", "elastic-net"):
        _, grads = reg.create("regularizer", name).penalty(named, {})
        assert grads["w"].dtype == np.float32


# -- sparse -----------------------------------------------------------------------------------
def test_sparse_kl_value_by_hand_and_mode_recorded(reg):
    sparse = reg.create("regularizer", "sparse", rho=0.1, beta=2.0)
    h = np.array([[0.2, 0.5], [0.4, 0.1]])            # ρ̂ = (0.3, 0.3)
    value, grads = sparse.penalty([], {"1": h})
    kl = 0.1 * np.log(0.1 / 0.3) + 0.9 * np.log(0.9 / 0.7)
    assert value == pytest.approx(2.0 * 2 * kl)
    # ∂/∂h_ij = (β/N)(−ρ/ρ̂ + (1−ρ)/(1−ρ̂)) = (2/2)(−1/3 + 9/7)
    np.testing.assert_allclose(grads["1"], np.full((2, 2), -1 / 3 + 9 / 7))
    assert sparse.mode_used == "kl" and "mode_used='kl'" in repr(sparse)
    assert sparse.describe()["mode_used"] == "kl"


def test_sparse_kl_gradient_wrt_activations_passes_gradcheck(reg):
    sparse = reg.create("regularizer", "sparse", rho=0.05, beta=3.0)
    rng = np.random.default_rng(0)
    acts = {"1": rng.uniform(0.05, 0.95, size=(6, 4)), "3": rng.uniform(0.1, 0.9, size=(6, 3))}
    _, grads = sparse.penalty([], acts)
    result = gradcheck_function(lambda: sparse.penalty([], acts)[0], acts, grads)
    assert result.passed, result
    assert sparse.mode_used == "kl"


def test_sparse_falls_back_to_l1_activity_outside_zero_one(reg):
    sparse = reg.create("regularizer", "sparse", l1=0.5)
    h = np.array([[1.0, -2.0, 0.0], [3.0, 0.5, 0.0]])
    value, grads = sparse.penalty([], {"1": h})
    assert sparse.mode_used == "l1"
    assert value == pytest.approx(0.5 * 6.5 / 2)        # λ · Σ|h| / N
    np.testing.assert_allclose(grads["1"], 0.25 * np.sign(h))
    acts = {"1": np.random.default_rng(1).normal(size=(5, 4))}
    _, grads = sparse.penalty([], acts)
    assert gradcheck_function(lambda: sparse.penalty([], acts)[0], acts, grads).passed


def test_sparse_keeps_its_first_choice(reg):
    sparse = reg.create("regularizer", "sparse")
    sparse.penalty([], {"1": np.full((2, 2), 0.5)})
    sparse.penalty([], {"1": np.array([[0.0, 1.0], [0.5, 0.5]])})  # saturated sigmoid later
    assert sparse.mode_used == "kl"


def test_sparse_kl_forced_on_relu_activations_is_refused(reg):
    with pytest.raises(UsageError, match="needs activations in \\(0, 1\\)"):
        reg.create("regularizer", "sparse", mode="kl").penalty([], {"1": np.full((2, 2), 2.0)})


# -- layers inserted by wrap_model ------------------------------------------------------------
def mlp(reg):
    relu = lambda: reg.create("activation", "relu")  # noqa: E731
    return Sequential(Dense(4, 6, rng=0), relu(), Dense(6, 5, rng=1), relu(), Dense(5, 3, rng=2))


def kinds(net):
    return [type(m).__name__ for m in net]


def test_dropout_goes_before_every_dense_but_the_first(reg):
    net = mlp(reg)
    wrapped = reg.create("regularizer", "dropout", p=0.2, rng=0).wrap_model(net)
    assert kinds(wrapped) == ["Dense", "ReLU", "Dropout", "Dense", "ReLU", "Dropout", "Dense"]
    assert [m.p for m in wrapped if isinstance(m, Dropout)] == [0.2, 0.2]
    assert wrapped[0] is net[0] and wrapped[6] is net[4]  # same layers, same parameters
    masks = [wrapped[i].rng.random(3) for i in (2, 5)]
    assert not np.array_equal(*masks)                     # independent streams per layer


def test_dropout_masks_are_seeded(reg):
    x = np.ones((4, 4), dtype=np.float32)
    outs = [reg.create("regularizer", "dropout", rng=seed).wrap_model(mlp(reg)).forward(x)
            for seed in (1, 1, 2)]
    np.testing.assert_array_equal(outs[0], outs[1])
    assert not np.array_equal(outs[0], outs[2])
    # without an rng, the masks follow the network's (seeded) initial weights
    a, b = (reg.create("regularizer", "dropout").wrap_model(mlp(reg)).forward(x) for _ in range(2))
    np.testing.assert_array_equal(a, b)


def test_batch_norm_goes_after_every_dense_but_the_last(reg):
    net = mlp(reg)
    wrapped = reg.create("regularizer", "batch-norm", variant="book").wrap_model(net)
    assert kinds(wrapped) == ["Dense", "BatchNorm1d", "ReLU", "Dense", "BatchNorm1d", "ReLU", "Dense"]
    bns = [m for m in wrapped if isinstance(m, BatchNorm1d)]
    assert [b.num_features for b in bns] == [6, 5] and all(b.eps == 1e-6 for b in bns)
    assert bns[0].weight.dtype == np.float32
    y = wrapped.forward(np.random.default_rng(0).normal(size=(8, 4)).astype(np.float32))
    assert y.shape == (8, 3) and y.dtype == np.float32


def test_wrap_model_keeps_eval_mode_and_refuses_non_sequential(reg):
    net = mlp(reg).eval()
    assert not reg.create("regularizer", "dropout", rng=0).wrap_model(net).training
    with pytest.raises(UsageError, match="wraps a Sequential"):
        reg.create("regularizer", "batch-norm").wrap_model(Dense(2, 2))


# -- early stopping ---------------------------------------------------------------------------
def test_early_stopping_patience_on_val_loss(reg):
    stop = reg.create("regularizer", "early-stopping", patience=2)
    losses = [1.0, 0.8, 0.9, 0.85]
    answers = [stop.should_stop({"val_loss": losses[:n]}) for n in range(1, 5)]
    assert answers == [False, False, False, True]          # best at epoch 2, two epochs since
    assert stop.best_epoch == 2 and stop.best_value == 0.8


def test_early_stopping_min_delta_and_val_acc(reg):
    stop = reg.create("regularizer", "early-stopping", patience=2, min_delta=0.05)
    assert stop.should_stop({"val_loss": [1.0, 0.97, 0.96]})   # improvements under 0.05
    acc = reg.create("regularizer", "early-stopping", patience=2, monitor="val_acc")
    assert not acc.should_stop({"val_acc": [0.5, 0.6, 0.55]})
    assert acc.should_stop({"val_acc": [0.5, 0.6, 0.55, 0.6]})  # a tie is no improvement
    assert reg.create("regularizer", "early-stopping", patience=2).should_stop(
        {"val_loss": [float("nan")] * 2})


def test_early_stopping_refuses_test_metrics_and_missing_validation(reg):
    with pytest.raises(HyperparameterError, match="never the test set"):
        reg.create("regularizer", "early-stopping", monitor="test_loss")
    with pytest.raises(UsageError, match="validation split"):
        reg.create("regularizer", "early-stopping").should_stop({"train_loss": [1.0]})


# -- transforms -------------------------------------------------------------------------------
def test_augmentation_keeps_labels_shapes_dtype_and_is_seeded(reg):
    aug = reg.create("regularizer", "augmentation", noise_std=0.1, max_shift=2)
    x = np.random.default_rng(0).uniform(size=(5, 1, 8, 8)).astype(np.float32)
    y = np.array([0, 1, 2, 3, 4])
    x1, y1 = aug.transform(x, y, np.random.default_rng(3))
    x2, _ = aug.transform(x, y, np.random.default_rng(3))
    x3, _ = aug.transform(x, y, np.random.default_rng(4))
    assert x1.shape == x.shape and x1.dtype == np.float32
    np.testing.assert_array_equal(y1, y)
    np.testing.assert_array_equal(x1, x2)
    assert not np.array_equal(x1, x3)


def test_augmentation_shift_moves_pixels_with_zero_fill(reg):
    aug = reg.create("regularizer", "augmentation", noise_std=0.0, max_shift=1)
    x = np.zeros((40, 1, 3, 3))
    x[:, 0, 1, 1] = 1.0                                    # one lit pixel in the centre
    out, _ = aug.transform(x, np.zeros(40, int), np.random.default_rng(0))
    assert np.all(out.sum(axis=(1, 2, 3)) == 1.0)          # moved by ≤ 1: never leaves
    positions = {tuple(np.argwhere(o[0])[0]) for o in out}
    assert len(positions) > 4                               # shifts really vary
    edge = np.zeros((1, 1, 3, 3))
    edge[0, 0, 0, 0] = 1.0
    outs = [aug.transform(edge, np.zeros(1, int), np.random.default_rng(s))[0] for s in range(30)]
    assert any(o.sum() == 0 for o in outs)                 # shifted out: zeros come in


def test_augmentation_flat_input_square_or_given_shape(reg):
    aug = reg.create("regularizer", "augmentation", noise_std=0.0, max_shift=1)
    flat = np.arange(2 * 64, dtype=np.float32).reshape(2, 64)
    out, _ = aug.transform(flat, np.zeros(2, int), np.random.default_rng(0))
    assert out.shape == (2, 64)
    with pytest.raises(UsageError, match="square"):
        aug.transform(np.zeros((2, 63)), np.zeros(2, int), np.random.default_rng(0))
    given = reg.create("regularizer", "augmentation", image_shape=(3, 7))
    assert given.transform(np.zeros((2, 21)), np.zeros(2, int), np.random.default_rng(0))[0].shape == (2, 21)


def test_label_smoothing_targets(reg):
    ls = reg.create("regularizer", "label-smoothing", label_smoothing=0.2, num_classes=4)
    x = np.zeros((3, 2))
    x2, t = ls.transform(x, np.array([0, 3, 1]), np.random.default_rng(0))
    assert x2 is x and t.shape == (3, 4) and t.dtype == np.float32
    np.testing.assert_allclose(t[0], [0.85, 0.05, 0.05, 0.05])   # 0.8 + 0.2/4, 0.2/4
    np.testing.assert_allclose(t.sum(axis=1), 1.0, rtol=1e-6)
    inferred = reg.create("regularizer", "label-smoothing", label_smoothing=0.1)
    assert inferred.transform(x, np.array([0, 2, 1]), None)[1].shape == (3, 3)
    with pytest.raises(UsageError, match=r"labels must lie in \[0, 4\)"):
        ls.transform(x, np.array([0, 4, 1]), None)


@pytest.mark.parametrize("name, kwargs, param", [
    ("l2", {"weight_decay": -0.1}, "weight_decay"),
    ("l1", {"alpha": -1}, "alpha"),
    ("elastic-net", {"l1_ratio": 1.5}, "l1_ratio"),
    ("sparse", {"rho": 1.0}, "rho"),
    ("dropout", {"p": 1.0}, "p"),
    ("batch-norm", {"momentum": 2.0}, "momentum"),
    ("early-stopping", {"patience": 0}, "patience"),
    ("augmentation", {"max_shift": -1}, "max_shift"),
    ("label-smoothing", {"label_smoothing": 1.5}, "label_smoothing"),
])
def test_bad_hyperparameters_fail_at_creation_naming_the_range(reg, name, kwargs, param):
    with pytest.raises(HyperparameterError, match=rf"{param} must be in [\[(]"):
        reg.create("regularizer", name, **kwargs)


# -- conformance check ------------------------------------------------------------------------
def test_every_builtin_regularizer_passes_its_conformance_check(reg):
    for entry in reg.entries("regularizer"):
        results = check_entry(entry, builtin=True)
        assert not [r for r in results if r.failed], [r.as_dict() for r in results if r.failed]
        assert any(r.prop in ("penalty", "wrap-model", "transform", "should-stop")
                   for r in results), entry.name


class WrongL2:
    """λ/2·ΣW² with the gradient missing its factor: returns λ·W/2."""

    def penalty(self, named_params, activations):
        value, grads = 0.0, {}
        for name, p in named_params:
            if p.data.ndim >= 2:
                value += 0.05 * float(np.sum(p.data ** 2))
                grads[name] = 0.05 * p.data
        return value, grads


class PenalisesBiases:
    def penalty(self, named_params, activations):
        return float(sum(np.sum(p.data ** 2) for _, p in named_params)), {
            n: 2 * p.data for n, p in named_params}


class ForgetsActivationGradient:
    def penalty(self, named_params, activations):
        return float(sum(np.sum(h) for h in activations.values())), {}


class BadTransform:
    def transform(self, x, y, rng):
        x *= 2                                            # in place, and ignores rng
        return x[:-1], y[:-1]


class NoisyStop:
    def should_stop(self, history):
        return len(history["val_loss"])                   # an int, not a bool


class BreaksNet:
    def wrap_model(self, net):
        return Sequential(*list(net)[:-1])                # drops the output layer


def fails(obj, prop) -> str:
    entry = Entry("regularizer", "x", lambda: obj, plugin="test")
    results = {r.prop: r for r in check_regularizer(entry)}
    assert results[prop].status == "fail", results[prop]
    return results[prop].detail


def test_check_catches_a_wrong_penalty_gradient():
    assert "penalty gradient check failed" in fails(WrongL2(), "penalty")


def test_check_catches_penalised_biases_and_missing_activation_gradients():
    assert "only weights" in fails(PenalisesBiases(), "penalty")
    assert "gradient check failed" in fails(ForgetsActivationGradient(), "penalty")


def test_check_catches_bad_transform_stop_and_wrap():
    assert "in place" in fails(BadTransform(), "transform")
    assert "expected bool" in fails(NoisyStop(), "should-stop")
    assert "dropped or copied" in fails(BreaksNet(), "wrap-model")


def test_check_reports_an_object_without_protocol_methods():
    entry = Entry("regularizer", "x", lambda: object(), plugin="test")
    assert [(r.prop, r.status) for r in check_regularizer(entry)] == [("create", "pass"),
                                                                      ("protocol", "fail")]
