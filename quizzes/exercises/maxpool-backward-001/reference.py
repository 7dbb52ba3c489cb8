"""Reference solution: reshape into windows, one-hot of the argmax, times dout."""

import numpy as np


def maxpool_backward(dout, x, pool=2):
    n, c, h, w = x.shape
    win = x.reshape(n, c, h // pool, pool, w // pool, pool).transpose(0, 1, 2, 4, 3, 5)
    win = win.reshape(n, c, h // pool, w // pool, pool * pool)
    onehot = np.zeros_like(win)
    np.put_along_axis(onehot, win.argmax(axis=-1)[..., None], 1.0, axis=-1)
    dx = onehot * dout[..., None]
    dx = dx.reshape(n, c, h // pool, w // pool, pool, pool).transpose(0, 1, 2, 4, 3, 5)
    return dx.reshape(n, c, h, w)
