"""Backward pass of batch normalization in training mode for (N, D) inputs, NumPy only.

batchnorm_backward(dout, x, gamma, eps=1e-5) -> (dx, dgamma, dbeta)
    forward (training mode), per feature over the batch (axis 0):
        mu = mean(x);  var = mean((x - mu)**2)   (biased: divide by N)
        xhat = (x - mu) / sqrt(var + eps);  y = gamma * xhat + beta
    dout: (N, D) = dL/dy;  x: (N, D) the forward input;  gamma: (D,)
    dx: (N, D);  dgamma: (D,);  dbeta: (D,)
"""

import numpy as np


def batchnorm_backward(dout, x, gamma, eps=1e-5):
    raise NotImplementedError("write batchnorm_backward")
