"""Reference solution (torch.nn.BatchNorm1d's forward for (N, D) inputs)."""

import numpy as np


def batchnorm_forward(x, gamma, beta, running_mean, running_var, train=True, momentum=0.1,
                      eps=1e-5):
    if not train:
        y = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
        return y, running_mean, running_var
    n = x.shape[0]
    mu = x.mean(axis=0)
    var = x.var(axis=0)
    y = gamma * (x - mu) / np.sqrt(var + eps) + beta
    running_mean = (1 - momentum) * running_mean + momentum * mu
    running_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)
    return y, running_mean, running_var
