"""Losses against hand-computed values (torch's reductions) and gradient checks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dlbench.errors import HyperparameterError
from dlbench.nn import BCEWithLogitsLoss, CrossEntropyLoss, MSELoss, gradcheck_loss

LOGITS = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]])
LABELS = np.array([0, 2])


def hand_ce(logits, labels):
    total = 0.0
    for row, t in zip(logits, labels):
        total += -(row[t] - math.log(sum(math.exp(v) for v in row)))
    return total / len(labels)


def test_cross_entropy_matches_hand_computation():
    assert CrossEntropyLoss().forward(LOGITS, LABELS) == pytest.approx(hand_ce(LOGITS, LABELS), rel=1e-12)


def test_cross_entropy_probability_targets_equal_one_hot():
    onehot = np.eye(3)[LABELS]
    assert CrossEntropyLoss().forward(LOGITS, onehot) == pytest.approx(
        CrossEntropyLoss().forward(LOGITS, LABELS), rel=1e-12)


def test_cross_entropy_is_stable_for_huge_logits():
    value = CrossEntropyLoss().forward(np.array([[1000.0, 0.0]]), np.array([1]))
    assert value == pytest.approx(1000.0)
    grad = CrossEntropyLoss()
    grad.forward(np.array([[1000.0, -1000.0]]), np.array([0]))
    assert np.all(np.isfinite(grad.backward()))


def test_cross_entropy_gradient_is_softmax_minus_target_over_n():
    loss = CrossEntropyLoss()
    loss.forward(LOGITS, LABELS)
    p = np.exp(LOGITS) / np.exp(LOGITS).sum(1, keepdims=True)
    np.testing.assert_allclose(loss.backward(), (p - np.eye(3)[LABELS]) / 2, rtol=1e-12)


def test_cross_entropy_reductions():
    per = CrossEntropyLoss(reduction="none").forward(LOGITS, LABELS)
    assert per.shape == (2,)
    assert CrossEntropyLoss(reduction="sum").forward(LOGITS, LABELS) == pytest.approx(per.sum())


def test_label_smoothing_torch_meaning():
    eps = 0.1
    target = (1 - eps) * np.eye(3)[LABELS] + eps / 3
    assert CrossEntropyLoss(label_smoothing=eps).forward(LOGITS, LABELS) == pytest.approx(
        CrossEntropyLoss().forward(LOGITS, target), rel=1e-12)


def test_mse_torch_and_book_variants():
    y, t = np.array([[1.0, 2.0], [3.0, 5.0]]), np.array([[1.0, 1.0], [1.0, 1.0]])
    assert MSELoss().forward(y, t) == pytest.approx((0 + 1 + 4 + 16) / 4)
    assert MSELoss(variant="book").forward(y, t) == pytest.approx(0.5 * 21)


def test_bce_matches_formula_and_is_stable():
    x, t = np.array([0.3, -2.0, 40.0]), np.array([1.0, 0.0, 0.0])
    sig = 1 / (1 + np.exp(-x[:2]))
    expected = -(np.log(sig[0]) + np.log(1 - sig[1])) + 40.0  # log(1+e^40) ≈ 40
    assert BCEWithLogitsLoss().forward(x, t) == pytest.approx(expected / 3, rel=1e-9)


@pytest.mark.parametrize("loss,target", [
    (CrossEntropyLoss(), LABELS),
    (CrossEntropyLoss(label_smoothing=0.2), LABELS),
    (CrossEntropyLoss(reduction="none"), np.eye(3)[LABELS]),
    (MSELoss(), np.zeros((2, 3))),
    (MSELoss(variant="book"), np.ones((2, 3))),
    (BCEWithLogitsLoss(reduction="sum"), np.array([[1.0, 0, 1], [0, 0, 1]])),
])
def test_losses_pass_gradcheck(loss, target):
    assert gradcheck_loss(loss, LOGITS, target).passed


def test_bad_arguments_are_refused():
    with pytest.raises(HyperparameterError, match="reduction"):
        CrossEntropyLoss(reduction="avg")
    with pytest.raises(HyperparameterError, match=r"label_smoothing must be in \[0, 1\]"):
        CrossEntropyLoss(label_smoothing=1.5)
    with pytest.raises(ValueError, match="labels must be in"):
        CrossEntropyLoss().forward(LOGITS, np.array([0, 3]))


def test_integer_predictions_get_float_gradients():
    loss = MSELoss()
    assert loss.forward(np.array([1, 2]), np.array([0, 0])) == pytest.approx(2.5)
    np.testing.assert_allclose(loss.backward(), [1.0, 2.0])
