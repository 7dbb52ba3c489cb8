"""Softmax with cross-entropy loss, NumPy only.

softmax_cross_entropy(x, t) -> (loss, dx)
    x: logits (N, C); t: integer labels (N,)
    loss: float, mean over the batch of -log softmax(x)[n, t[n]]
    dx: (N, C), d loss / d x
"""

import numpy as np


def softmax_cross_entropy(x, t):
    raise NotImplementedError("write softmax_cross_entropy")
