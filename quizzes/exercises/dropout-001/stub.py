"""Inverted dropout, NumPy only.

dropout_forward(x, p, rng, train=True) -> (y, mask)
    p: probability of DROPPING a unit (as torch.nn.Dropout's p); rng: numpy.random.Generator
    training: mask = units kept (bool, shape of x), y = x * mask / (1 - p)
    inference (train=False): y = x, mask all True
dropout_backward(dy, mask, p) -> dx
"""

import numpy as np


def dropout_forward(x, p, rng, train=True):
    raise NotImplementedError("write dropout_forward")


def dropout_backward(dy, mask, p):
    raise NotImplementedError("write dropout_backward")
