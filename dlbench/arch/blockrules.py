"""How each registered block is made of layers, for shape inference.

Each rule returns ``(composition, {child name: node}, detail)`` with the child names of
the block's module in :mod:`dlbench.nn.blocks` (``conv1``, ``bn1``, ``downsample``,
``branch2``...), so inferred rows carry the same dotted names as ``named_parameters()``;
tests/arch check the two agree parameter by parameter.
"""

from __future__ import annotations

from ..nn.im2col import ShapeError
from .infer import BLOCK_RULES
from .rules import dims
from .spec import Layer, batchnorm, conv, dense, maxpool, seq


def block_rule(name: str):
    def register(rule):
        BLOCK_RULES[name] = rule
        return rule
    return register


@block_rule("basic-conv2d")
def basic_conv2d(kw, flow, label):
    bn = kw.get("batch_norm", True)
    children = {"conv": conv(kw["in_channels"], kw["out_channels"], kw["kernel_size"],
                             kw.get("stride", 1), kw.get("padding", 0), bias=not bn)}
    if bn:
        children["bn"] = batchnorm(kw["out_channels"], kw.get("eps", 1e-3))
    return "sequence", children, "conv-BN-ReLU" if bn else "conv-ReLU"


def _basic_conv(cin, cout, k=1, padding=0, *, batch_norm=True, eps=1e-3) -> Layer:
    return Layer("layer", "basic-conv2d", {"in_channels": cin, "out_channels": cout,
                                           "kernel_size": k, "padding": padding,
                                           "batch_norm": batch_norm, "eps": eps})


@block_rule("inception")
def inception(kw, flow, label):
    cin = kw["in_channels"]
    k5 = kw.get("kernel_5x5", 3)
    opts = {"batch_norm": kw.get("batch_norm", True), "eps": kw.get("eps", 1e-3)}
    children = {
        "branch1": _basic_conv(cin, kw["ch1x1"], **opts),
        "branch2": seq(_basic_conv(cin, kw["ch3x3red"], **opts),
                       _basic_conv(kw["ch3x3red"], kw["ch3x3"], 3, 1, **opts)),
        "branch3": seq(_basic_conv(cin, kw["ch5x5red"], **opts),
                       _basic_conv(kw["ch5x5red"], kw["ch5x5"], k5, k5 // 2, **opts)),
        "branch4": seq(maxpool(3, 1, 1, ceil_mode=True), _basic_conv(cin, kw["pool_proj"], **opts)),
    }
    return "concat", children, f"1×1 | 3×3 | {k5}×{k5} | pool"


def _shortcut(kw, cin, cout, stride, label) -> dict:
    mode = kw.get("shortcut", "auto")
    needed = stride != 1 or cin != cout
    if mode == "identity" and needed:
        raise ShapeError(f"{label}: an identity shortcut needs stride 1 and equal channels, "
                         f"got stride {stride}, {cin} -> {cout} channels")
    if mode == "projection" or (mode == "auto" and needed):
        return {"downsample": seq(conv(cin, cout, 1, stride, bias=False), batchnorm(cout))}
    return {}


def _se(kw, channels) -> dict:
    r = kw.get("se_reduction")
    return {"se": Layer("layer", "squeeze-excitation", {"channels": channels, "reduction": r})} \
        if r else {}


@block_rule("basic-block")
def basic_block(kw, flow, label):
    cin, cout, stride = kw["in_channels"], kw["out_channels"], kw.get("stride", 1)
    children = {
        "conv1": conv(cin, cout, 3, stride, 1, bias=False), "bn1": batchnorm(cout),
        "conv2": conv(cout, cout, 3, 1, 1, bias=False), "bn2": batchnorm(cout),
        **_se(kw, cout), **_shortcut(kw, cin, cout, stride, label),
    }
    return "residual", children, f"3×3, 3×3 /{stride}" + (" +SE" if "se" in children else "")


@block_rule("bottleneck")
def bottleneck(kw, flow, label):
    cin, planes, stride = kw["in_channels"], kw["planes"], kw.get("stride", 1)
    cout = 4 * planes
    s1, s3 = (1, stride) if kw.get("stride_on", "3x3") == "3x3" else (stride, 1)
    children = {
        "conv1": conv(cin, planes, 1, s1, bias=False), "bn1": batchnorm(planes),
        "conv2": conv(planes, planes, 3, s3, 1, bias=False), "bn2": batchnorm(planes),
        "conv3": conv(planes, cout, 1, bias=False), "bn3": batchnorm(cout),
        **_se(kw, cout), **_shortcut(kw, cin, cout, stride, label),
    }
    return "residual", children, f"1×1, 3×3, 1×1 /{stride}" + (" +SE" if "se" in children else "")


@block_rule("squeeze-excitation")
def squeeze_excitation(kw, flow, label):
    c = kw["channels"]
    if flow.shape[0] != c:
        raise ShapeError(f"{label}: expects {c} channels, got {flow.shape[0]} "
                         f"(input {dims(flow.shape)})")
    hidden = max(1, c // kw.get("reduction", 16))
    return "gate", {"fc1": dense(c, hidden), "fc2": dense(hidden, c)}, f"r={kw.get('reduction', 16)}"
