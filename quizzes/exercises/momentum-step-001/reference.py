"""Reference solution of the momentum step."""

import numpy as np


def momentum_step(w, grad, v, lr=0.01, momentum=0.9):
    v_new = momentum * v - lr * grad
    return w + v_new, v_new
