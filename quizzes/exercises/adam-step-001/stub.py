"""One Adam step (PyTorch's form), NumPy only.

adam_step(w, g, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8) -> (w_new, m_new, v_new)
    t: the step number, starting at 1
    m_new = beta1*m + (1-beta1)*g;   v_new = beta2*v + (1-beta2)*g**2
    m_hat = m_new / (1 - beta1**t);  v_hat = v_new / (1 - beta2**t)
    w_new = w - lr * m_hat / (sqrt(v_hat) + eps)
"""

import numpy as np


def adam_step(w, g, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    raise NotImplementedError("write adam_step")
