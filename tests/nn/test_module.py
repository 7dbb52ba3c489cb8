"""Module bookkeeping: parameters, dotted names, modes, repr, state."""

from __future__ import annotations

import numpy as np
import pytest

from dlbench.nn import Dense, Flatten, Module, Parameter, Sequential


class Scale(Module):
    def __init__(self):
        super().__init__()
        self.alpha = Parameter(np.array([2.0]))

    def forward(self, x):
        self._x = x
        return self.alpha.data * x

    def backward(self, dy):
        self.alpha.grad += np.sum(dy * self._x)
        return dy * self.alpha.data


def test_named_parameters_are_dotted_and_in_order():
    net = Sequential(Dense(3, 4, rng=0), Scale(), Dense(4, 2, bias=False, rng=0))
    names = [n for n, _ in net.named_parameters()]
    assert names == ["0.weight", "0.bias", "1.alpha", "2.weight"]
    assert net.num_parameters() == 3 * 4 + 4 + 1 + 4 * 2


def test_shared_parameters_count_once():
    a = Dense(2, 2, rng=0)
    net = Sequential(a, a)
    assert len(net.parameters()) == 2


def test_train_eval_propagates():
    net = Sequential(Dense(2, 2, rng=0), Sequential(Scale()))
    net.eval()
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())


def test_zero_grad_and_accumulation():
    layer = Dense(3, 2, rng=0)
    x, dy = np.ones((4, 3), np.float32), np.ones((4, 2), np.float32)
    layer.forward(x)
    layer.backward(dy)
    layer.backward(dy)
    np.testing.assert_allclose(layer.bias.grad, [8.0, 8.0])  # accumulates, as documented
    layer.zero_grad()
    assert not layer.weight.grad.any() and not layer.bias.grad.any()


def test_repr_is_readable():
    net = Sequential(Dense(3, 4, rng=0), Flatten())
    assert repr(net) == ("Sequential(\n  (0): Dense(in_features=3, out_features=4)\n"
                         "  (1): Flatten()\n)")


def test_state_dict_round_trip():
    a, b = Dense(3, 2, rng=0), Dense(3, 2, rng=1)
    assert not np.array_equal(a.weight.data, b.weight.data)
    b.load_state_dict(a.state_dict())
    np.testing.assert_array_equal(a.weight.data, b.weight.data)


def test_module_without_super_init_still_tracks_parameters():
    class Lazy(Module):
        def __init__(self):
            self.w = Parameter(np.zeros(2))

    assert [n for n, _ in Lazy().named_parameters()] == ["w"]


def test_sequential_rejects_non_modules():
    with pytest.raises(TypeError):
        Sequential(lambda x: x)
