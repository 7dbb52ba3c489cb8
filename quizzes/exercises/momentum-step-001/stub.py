"""One momentum step (the course's form), NumPy only.

momentum_step(w, grad, v, lr=0.01, momentum=0.9) -> (w_new, v_new)
    v_new = momentum * v - lr * grad;  w_new = w + v_new
    w, grad, v: arrays of one shape; return new arrays, leave the inputs unchanged
"""

import numpy as np


def momentum_step(w, grad, v, lr=0.01, momentum=0.9):
    raise NotImplementedError("write momentum_step")
