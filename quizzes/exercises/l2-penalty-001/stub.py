"""L2 penalty (weight decay) and its gradient, NumPy only.

l2_penalty(weights, lam) -> (value, grads)
    weights: list of arrays (weights only, no biases)
    value = lam / 2 * sum over W of sum(W**2);  grads: list, d value / d W for each W
"""

import numpy as np


def l2_penalty(weights, lam):
    raise NotImplementedError("write l2_penalty")
