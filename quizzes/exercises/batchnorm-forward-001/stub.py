"""Batch normalization forward pass for (N, D) inputs, NumPy only (PyTorch's conventions).

batchnorm_forward(x, gamma, beta, running_mean, running_var, train=True, momentum=0.1, eps=1e-5)
    -> (y, running_mean, running_var)
    x: (N, D); gamma, beta, running_mean, running_var: (D,)
    train: per feature, mu = mean over the batch, var = variance over the batch (divide by N)
           y = gamma * (x - mu) / sqrt(var + eps) + beta
           running_mean = (1 - momentum) * running_mean + momentum * mu
           running_var  = (1 - momentum) * running_var  + momentum * (unbiased variance, N - 1)
    inference: normalize with running_mean and running_var; return them unchanged
"""

import numpy as np


def batchnorm_forward(x, gamma, beta, running_mean, running_var, train=True, momentum=0.1,
                      eps=1e-5):
    raise NotImplementedError("write batchnorm_forward")
