"""Shape rules of single layers: output shape, parameters, MACs, receptive field.

Each rule mirrors the layer's constructor arguments (as registered) and applies the
same size formula as the layer itself (:func:`dlbench.nn.im2col.output_size`), so the
table and the model cannot disagree. Errors name the layer and the shapes.
"""

from __future__ import annotations

import math

from ..nn.im2col import ShapeError, dropped, pair, window_output
from ..nn.pooling import adaptive_bins
from .infer import LEAF_RULES, Flow, LeafResult
from .spec import AUTO


def leaf(*names: str):
    def register(rule):
        for name in names:
            LEAF_RULES[name] = rule
        return rule
    return register


def dims(shape) -> str:
    return "×".join(map(str, shape))


def image(flow: Flow, label: str) -> tuple[int, int, int]:
    if len(flow.shape) != 3:
        raise ShapeError(f"{label}: expects an image C×H×W, got {dims(flow.shape)}")
    return flow.shape


def matched(declared, actual: int, what: str, label: str, shape) -> int:
    """``declared`` (or AUTO) checked against what actually arrives."""
    if declared == AUTO:
        return actual
    if declared != actual:
        raise ShapeError(f"{label}: expects {declared} {what}, got {actual} (input {dims(shape)})")
    return declared


def window(flow: Flow, kernel, stride, padding, ceil_mode, label: str):
    """Output size, receptive field, and a note when rows/columns are never covered."""
    c, h, w = image(flow, label)
    k, s, p = pair(kernel), pair(stride), pair(padding)
    if min(p) < 0:
        raise ShapeError(f"{label}: padding must be >= 0, got {padding}")
    if min(k) < 1 or min(s) < 1:
        raise ShapeError(f"{label}: kernel_size and stride must be >= 1, got {kernel}, {stride}")
    detail = f"{dims(k)}/{dims(s) if s[0] != s[1] else s[0]}"
    if any(p):
        detail += f" p{dims(p) if p[0] != p[1] else p[0]}"
    oh, ow = window_output(f"{label} {detail}", (h, w), k, s, p, ceil_mode)
    note = ""
    if not ceil_mode:
        lost = (dropped(h, k[0], s[0], p[0], oh), dropped(w, k[1], s[1], p[1], ow))
        if any(lost):
            note = f"drops last {lost[0]} row(s), {lost[1]} col(s) of {h}×{w}"
    rf = None if flow.rf is None else tuple(flow.rf[i] + (k[i] - 1) * flow.jump[i] for i in range(2))
    jump = tuple(flow.jump[i] * s[i] for i in range(2))
    return (oh, ow), Flow((c, oh, ow), rf, jump), note, detail


@leaf("conv2d")
def conv2d(flow, kw, label):
    c, _, _ = image(flow, label)
    cin = matched(kw["in_channels"], c, "input channels", label, flow.shape)
    groups = kw.get("groups", 1)
    f = kw["out_channels"]
    (oh, ow), out, note, detail = window(flow, kw["kernel_size"], kw.get("stride", 1),
                                         kw.get("padding", 0), False, label)
    kh, kwd = pair(kw["kernel_size"])
    per_output = cin // groups * kh * kwd
    bias = kw.get("bias", True)
    detail += f" g{groups}" if groups != 1 else ""
    return LeafResult(Flow((f, oh, ow), out.rf, out.jump), f * per_output + (f if bias else 0),
                      f * oh * ow * per_output, note, {**kw, "in_channels": cin}, detail)


@leaf("maxpool2d", "avgpool2d")
def pool2d(flow, kw, label):
    kernel = kw["kernel_size"]
    stride = kw.get("stride") or kernel
    ceil_mode = kw.get("ceil_mode", False)
    if any(p > k // 2 for p, k in zip(pair(kw.get("padding", 0)), pair(kernel))):
        raise ShapeError(f"{label}: padding {kw.get('padding')} must be at most half the kernel "
                         f"size {kernel} (torch's rule)")
    _, out, note, detail = window(flow, kernel, stride, kw.get("padding", 0), ceil_mode, label)
    return LeafResult(out, note=note, detail=detail + (" ceil" if ceil_mode else ""))


@leaf("adaptive-avgpool")
def adaptive_avgpool(flow, kw, label):
    c, h, w = image(flow, label)
    size = kw["output_size"]
    oh, ow = (size, size) if isinstance(size, int) else tuple(size)
    rf = None if (oh, ow) == (1, 1) else flow.rf  # one bin: every output sees everything
    if rf is not None:  # widest bin as the kernel, ⌊H/OH⌋ (at least 1) as the stride
        widest = [int((adaptive_bins(n, o) > 0).sum(axis=1).max()) for n, o in ((h, oh), (w, ow))]
        rf = tuple(rf[i] + (widest[i] - 1) * flow.jump[i] for i in range(2))
    jump = (flow.jump[0] * max(1, h // oh), flow.jump[1] * max(1, w // ow))
    return LeafResult(Flow((c, oh, ow), rf, jump), detail=f"→ {oh}×{ow}")


@leaf("global-avgpool")
def global_avgpool(flow, kw, label):
    c, _, _ = image(flow, label)
    return LeafResult(Flow((c,), None, flow.jump), detail="mean over H×W")


@leaf("flatten")
def flatten(flow, kw, label):
    return LeafResult(Flow((math.prod(flow.shape),), flow.rf, flow.jump, flow.shape))


@leaf("dense")
def dense(flow, kw, label):
    if len(flow.shape) != 1:
        raise ShapeError(f"{label}: expects a flat input (D,), got {dims(flow.shape)} "
                         "(a flatten layer is missing)")
    n_in = matched(kw["in_features"], flow.shape[0], "input features", label,
                   flow.flattened_from or flow.shape)
    n_out = kw["out_features"]
    bias = kw.get("bias", True)
    return LeafResult(Flow((n_out,), None, flow.jump), n_in * n_out + (n_out if bias else 0),
                      n_in * n_out, kwargs={**kw, "in_features": n_in})


@leaf("batchnorm2d", "batchnorm1d")
def batchnorm(flow, kw, label):
    c = matched(kw["num_features"], flow.shape[0], "channels", label, flow.shape)
    affine = kw.get("affine", True)
    return LeafResult(flow, 2 * c if affine else 0, kwargs={**kw, "num_features": c},
                      detail=f"eps {kw.get('eps', 1e-5):g}")


@leaf("lrn")
def lrn(flow, kw, label):
    return LeafResult(flow, detail=f"n={kw['size']}")


@leaf("dropout", "*activation")
def elementwise(flow, kw, label):
    """Activations and dropout keep the shape and have no parameters."""
    return LeafResult(flow, detail=f"p={kw['p']}" if "p" in kw else "")
