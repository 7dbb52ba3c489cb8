"""Architectures as data: descriptions that are shape-inferred (``dlbench arch info``)
or instantiated (``reg.create("architecture", ...)``) from the same source.

>>> from dlbench.arch import infer, seq, conv, act, maxpool
>>> result = infer(seq(conv(3, 8, 3, padding=1), act("relu"), maxpool(2)), (3, 32, 32))
>>> result.rows[-1].output_shape, result.params
((8, 16, 16), 224)
"""

from .architecture import Architecture, Variant, build, small_if_below
from .infer import Flow, Inference, Row, infer
from .spec import (AUTO, Layer, NamedSequential, Seq, act, adaptive_avgpool, avgpool, batchnorm,
                   block, conv, dense, dropout, flatten, lrn, maxpool, seq)

__all__ = ["AUTO", "Architecture", "Flow", "Inference", "Layer", "NamedSequential", "Row", "Seq",
           "Variant", "act", "adaptive_avgpool", "avgpool", "batchnorm", "block", "build", "conv",
           "dense", "dropout", "flatten", "infer", "lrn", "maxpool", "seq", "small_if_below"]
