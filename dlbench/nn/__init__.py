"""dlbench's numpy engine: parameters, modules, layers, losses, optimizers, gradcheck.

Imports numpy only (and dlbench's own error classes). Shapes follow the book and
PyTorch: dense weights ``(in, out)``, images NCHW, float32 in runs and float64 in checks.
"""

from .blocks import BasicBlock, BasicConv2d, Bottleneck, Concat, Inception, SqueezeExcitation
from .conv import Conv2d
from .dropout import Dropout
from .functional import log_softmax, one_hot, sigmoid, softmax
from .gradcheck import GradcheckResult, gradcheck, gradcheck_function, gradcheck_loss
from .init import Initializer, as_rng, default_init, fans, init_weight_and_bias
from .layers import Dense, Flatten
from .lrn import LocalResponseNorm
from .losses import BCEWithLogitsLoss, CrossEntropyLoss, Loss, MSELoss
from .module import Module, Sequential
from .normalization import BatchNorm1d, BatchNorm2d
from .optimizer import Optimizer, clip_grad_norm, clip_grad_value
from .parameter import Parameter
from .pooling import AdaptiveAvgPool2d, AvgPool2d, GlobalAvgPool2d, MaxPool2d
from .regularizer import Regularizer, penalised_weights
from .special import erf, erfc

__all__ = [
    "AdaptiveAvgPool2d", "AvgPool2d", "BasicBlock", "BasicConv2d", "Bottleneck", "Concat",
    "Conv2d", "GlobalAvgPool2d", "Inception", "LocalResponseNorm", "MaxPool2d", "SqueezeExcitation",
    "BatchNorm1d", "BatchNorm2d", "Dropout", "Regularizer", "penalised_weights",
    "BCEWithLogitsLoss", "CrossEntropyLoss", "Dense", "Flatten", "GradcheckResult", "Loss",
    "MSELoss", "Module", "Optimizer", "Parameter", "Sequential", "as_rng", "clip_grad_norm",
    "clip_grad_value", "default_init", "fans", "gradcheck", "gradcheck_function",
    "gradcheck_loss", "log_softmax", "one_hot", "sigmoid", "softmax",
    "Initializer", "init_weight_and_bias", "erf", "erfc",
]
