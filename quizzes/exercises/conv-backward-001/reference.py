"""Reference solution: loop over the KH·KW kernel offsets (as the book's im2col does); each
offset sees a strided slice of the padded input, shaped like dout."""

import numpy as np


def conv_backward(dout, x, W, stride=1, pad=0):
    n, c, h, w = x.shape
    _, _, kh, kw = W.shape
    oh, ow = dout.shape[2:]
    xp = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)])
    dxp = np.zeros_like(xp)
    dW = np.zeros_like(W)
    for ky in range(kh):
        for kx in range(kw):
            rows = slice(ky, ky + stride * oh, stride)
            cols = slice(kx, kx + stride * ow, stride)
            dW[:, :, ky, kx] = np.einsum("nfij,ncij->fc", dout, xp[:, :, rows, cols])
            dxp[:, :, rows, cols] += np.einsum("nfij,fc->ncij", dout, W[:, :, ky, kx])
    return dxp[:, :, pad:pad + h, pad:pad + w], dW, dout.sum(axis=(0, 2, 3))
