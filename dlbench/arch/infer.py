"""Shape inference: walk a description, compute every layer's output shape, parameters,
multiply-accumulates and receptive field, without allocating a single weight.

What flows through the walk is a :class:`Flow`: the per-sample shape ``(C, H, W)`` or
``(D,)``, and the receptive field of one output position on the input, kept as its size
``rf`` and the ``jump`` between neighbouring positions (Araujo et al., Distill 2019):
a window of size K and stride S gives ``rf += (K − 1)·jump``, ``jump *= S``. After a
layer that sees the whole map (global pooling, dense) the field is ``None``: global.

Counting conventions (torchvision's model table): ``params`` are trainable scalars (BN's
γ and β count, running statistics do not); ``macs`` are the multiply-accumulates of conv
and dense layers only (a conv: F·OH·OW·C/groups·KH·KW; a dense layer: in·out).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ..nn.im2col import ShapeError
from .spec import Layer, Node, Seq


@dataclass(frozen=True)
class Flow:
    """Per-sample shape and receptive field at one point of the network."""

    shape: tuple[int, ...]
    rf: tuple[int, int] | None = (1, 1)
    jump: tuple[int, int] = (1, 1)
    flattened_from: tuple[int, ...] | None = None  # for messages about dense inputs


@dataclass
class Row:
    """One module of the network as ``arch info`` lists it."""

    name: str
    type: str
    detail: str
    output_shape: tuple[int, ...]
    params: int
    macs: int
    rf: tuple[int, int] | None
    depth: int
    leaf: bool
    note: str = ""

    def as_dict(self) -> dict:
        return {"name": self.name, "type": self.type, "detail": self.detail,
                "output_shape": list(self.output_shape), "params": self.params,
                "macs": self.macs,
                "receptive_field": "global" if self.rf is None else list(self.rf),
                "depth": self.depth, "leaf": self.leaf, "note": self.note}


@dataclass
class LeafResult:
    """What a leaf rule returns: the new flow, counts, a note, and the kwargs with any
    ``AUTO`` filled in."""

    flow: Flow
    params: int = 0
    macs: int = 0
    note: str = ""
    kwargs: dict | None = None
    detail: str = ""


#: type -> rule(flow, kwargs, label) -> LeafResult   (see :mod:`.rules`)
LEAF_RULES: dict[str, Callable] = {}
#: type -> expand(kwargs) -> (composition, {child name: Node})   (see :mod:`.blockrules`)
BLOCK_RULES: dict[str, Callable] = {}


@dataclass
class Inference:
    """The result: rows in order, the final flow, and the description with AUTO resolved."""

    rows: list[Row] = field(default_factory=list)
    flow: Flow | None = None
    resolved: Node | None = None

    @property
    def params(self) -> int:
        return sum(r.params for r in self.rows if r.leaf)

    @property
    def macs(self) -> int:
        return sum(r.macs for r in self.rows if r.leaf)


def infer(node: Node, input_shape) -> Inference:
    """Infer every layer of ``node`` for one sample of ``input_shape`` (C, H, W) or (D,)."""
    result = Inference()
    flow = Flow(tuple(int(s) for s in input_shape))
    result.resolved, result.flow = _walk(node, flow, "", 0, result.rows)
    return result


def _label(name: str, layer: Layer) -> str:
    return f"{name or 'input'} ({layer.type})"


def _walk(node: Node, flow: Flow, name: str, depth: int, rows: list[Row]):
    """Returns ``(resolved node, output flow)`` and appends rows (parents before children)."""
    if isinstance(node, Seq):
        at = len(rows)
        resolved = []
        for child_name, child in node.items:
            full = f"{name}.{child_name}" if name else child_name
            child_resolved, flow = _walk(child, flow, full, depth + (1 if name else 0), rows)
            resolved.append((child_name, child_resolved))
        if name:  # the top level has no row of its own
            _insert_parent(rows, at, name, "sequential", "", flow, depth)
        return Seq(tuple(resolved)), flow
    if node.type in BLOCK_RULES:
        return _walk_block(node, flow, name, depth, rows)
    rule = LEAF_RULES.get(node.type)
    if rule is None:
        if node.kind != "activation":
            raise ShapeError(f"{_label(name, node)}: no shape rule for layer type {node.type!r}")
        rule = LEAF_RULES["*activation"]
    out = rule(flow, dict(node.kwargs), _label(name, node))
    rows.append(Row(name, node.type, out.detail, out.flow.shape, out.params, out.macs,
                    out.flow.rf, depth, True, out.note))
    resolved = node if out.kwargs is None else Layer(node.kind, node.type, out.kwargs)
    return resolved, out.flow


def _insert_parent(rows, at, name, type_, detail, flow, depth, note=""):
    children = [r for r in rows[at:] if r.leaf]
    rows.insert(at, Row(name, type_, detail, flow.shape, sum(r.params for r in children),
                        sum(r.macs for r in children), flow.rf, depth, False, note))


def _merge_rf(flows: list[Flow]) -> Flow:
    """Receptive field of a merge: the largest of its inputs (None if any is global)."""
    if any(f.rf is None for f in flows):
        return replace(flows[0], rf=None)
    rf = tuple(max(f.rf[i] for f in flows) for i in range(2))
    jump = tuple(max(f.jump[i] for f in flows) for i in range(2))
    return replace(flows[0], rf=rf, jump=jump)


def _walk_block(node: Layer, flow: Flow, name: str, depth: int, rows: list[Row]):
    """A block: its children are inferred like any node, then combined as the block
    combines them. Compositions: ``sequence`` (children in order), ``concat`` (parallel
    branches on the block's input, stacked on channels), ``residual`` (children in order,
    ``downsample`` on the block's input, then a sum) and ``gate`` (children on the
    channel means; the output keeps the input's shape, as squeeze-excitation)."""
    label = _label(name, node)
    composition, children, detail = BLOCK_RULES[node.type](dict(node.kwargs), flow, label)
    at = len(rows)
    outs: dict[str, Flow] = {}
    current = Flow((flow.shape[0],), rf=None) if composition == "gate" else flow
    for child_name, child in children.items():
        parallel = composition == "concat" or child_name == "downsample"
        _, out = _walk(child, flow if parallel else current,
                       f"{name}.{child_name}" if name else child_name, depth + 1, rows)
        outs[child_name] = out
        if not parallel:
            current = out
    if composition == "concat":
        sizes = {o.shape[1:] for o in outs.values()}
        if len(sizes) > 1:
            shapes = ", ".join(f"{k} {_dims(o.shape)}" for k, o in outs.items())
            raise ShapeError(f"{label}: branch outputs differ in size: {shapes}")
        out = _merge_rf(list(outs.values()))
        out = replace(out, shape=(sum(o.shape[0] for o in outs.values()), *out.shape[1:]))
    elif composition == "residual":
        shortcut = outs.get("downsample", flow)
        if shortcut.shape != current.shape:
            raise ShapeError(f"{label}: residual {_dims(current.shape)} and shortcut "
                             f"{_dims(shortcut.shape)} differ")
        out = _merge_rf([current, shortcut])
    elif composition == "gate":
        out = flow
    else:
        out = current
    _insert_parent(rows, at, name, node.type, detail, out, depth)
    return node, out


def _dims(shape) -> str:
    return "×".join(map(str, shape))
