"""Dropout: torch's inverted form and the book's, seeded masks, gradients, bad p."""

from __future__ import annotations

import numpy as np
import pytest

from dlbench.errors import HyperparameterError
from dlbench.nn import Dropout, gradcheck


def test_inverted_scales_kept_units_and_eval_is_identity():
    x = np.ones((200, 50), dtype=np.float32)
    layer = Dropout(0.2, rng=0)
    y = layer.forward(x)
    kept = y != 0
    np.testing.assert_allclose(y[kept], 1 / 0.8, rtol=1e-6)
    assert abs(kept.mean() - 0.8) < 0.01           # 10,000 units: drop rate ≈ p
    np.testing.assert_array_equal(layer.eval().forward(x), x)


def test_book_variant_multiplies_by_mask_then_by_keep_rate_in_eval():
    x = np.full((100, 100), 3.0)
    layer = Dropout(0.3, variant="book", rng=0)
    y = layer.forward(x)
    assert set(np.unique(y)) == {0.0, 3.0}
    assert abs((y == 0).mean() - 0.3) < 0.02
    np.testing.assert_allclose(layer.eval().forward(x), 3.0 * 0.7)


def test_mask_is_the_rng_draw_u_at_least_p():
    x = np.arange(1.0, 13.0).reshape(3, 4)
    u = np.random.default_rng(5).random((3, 4))
    y = Dropout(0.5, rng=np.random.default_rng(5)).forward(x)
    np.testing.assert_allclose(y, np.where(u >= 0.5, x * 2.0, 0.0))


def test_same_seed_same_mask_and_backward_uses_it():
    x = np.random.default_rng(0).normal(size=(6, 7))
    a, b = Dropout(0.5, rng=3), Dropout(0.5, rng=3)
    ya = a.forward(x)
    np.testing.assert_array_equal(ya, b.forward(x))
    dx = a.backward(np.ones_like(x))
    np.testing.assert_array_equal(dx == 0, ya == 0)
    np.testing.assert_allclose(dx[dx != 0], 2.0)


@pytest.mark.parametrize("variant", ["inverted", "book"])
@pytest.mark.parametrize("mode", ["train", "eval"])
def test_gradcheck_with_fixed_mask(variant, mode):
    layer = Dropout(0.4, variant=variant, rng=1).train(mode == "train")
    result = gradcheck(layer, np.random.default_rng(2).normal(size=(5, 6)))
    assert result.passed, result


def test_p_zero_keeps_everything_and_float32_is_preserved():
    x = np.random.default_rng(0).normal(size=(4, 5)).astype(np.float32)
    layer = Dropout(0.0, rng=0)
    y = layer.forward(x)
    np.testing.assert_array_equal(y, x)
    assert y.dtype == np.float32 and layer.backward(y).dtype == np.float32


@pytest.mark.parametrize("p", [1.0, 1.5, -0.1])
def test_p_outside_zero_one_is_refused_naming_the_range(p):
    with pytest.raises(HyperparameterError, match=r"p must be in \[0, 1\)"):
        Dropout(p)


def test_unknown_variant_is_refused():
    with pytest.raises(HyperparameterError, match="variant"):
        Dropout(0.5, variant="gaussian")
