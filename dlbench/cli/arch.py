"""``dlbench arch info NAME`` and ``dlbench arch list``: architectures layer by layer,
from shape inference alone (no weight is allocated)."""

from __future__ import annotations

import re

import click

from ..errors import UsageError
from .context import pass_app
from .output import echo_json, format_table


def parse_shape(text: str | None) -> tuple[int, int, int] | None:
    """``"3x224x224"`` (also ``×`` or commas) -> ``(3, 224, 224)``."""
    if text is None:
        return None
    parts = [p for p in re.split(r"[x×,\s]+", text.strip().lower()) if p]
    if len(parts) != 3 or not all(p.isdigit() and int(p) > 0 for p in parts):
        raise UsageError(f"--input must look like CxHxW with positive sizes (e.g. 3x224x224), "
                         f"got {text!r}")
    return tuple(int(p) for p in parts)


def human(n: int) -> str:
    """86700000 -> '86.7M'; 15470000000 -> '15.47G'."""
    for scale, suffix, digits in ((1e9, "G", 2), (1e6, "M", 1), (1e3, "K", 1)):
        if n >= scale:
            return f"{n / scale:.{digits}f}{suffix}"
    return str(n)


def _rf(rf) -> str:
    if rf is None:
        return "global"
    return str(rf[0]) if rf[0] == rf[1] else f"{rf[0]}×{rf[1]}"


def _architecture(app, name: str):
    from ..arch import Architecture

    arch = app.registry.get("architecture", name)
    if not isinstance(arch, Architecture):
        raise UsageError(f"architecture {name!r} is not a dlbench.arch.Architecture, so it has "
                         "no description to infer from (build it and count parameters instead)")
    return arch


@click.group("arch")
def arch():
    """Inspect CNN architectures without building them."""


@arch.command("info")
@click.argument("name")
@click.option("--input", "input_text", metavar="CxHxW", help="Input shape (default: the "
              "architecture's, e.g. 3x224x224).")
@click.option("--classes", type=int, default=None, help="Number of classes (default: its own).")
@click.option("--variant", default=None, help="A named variant (default: chosen by input size).")
@click.option("--width", type=float, default=1.0, show_default=True, help="Channel multiplier.")
@click.option("--depth", type=int, default=None, help="Show rows nested at most this deep.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def info(app, name, input_text, classes, variant, width, depth, as_json):
    """Every layer of NAME: output shape, parameters, multiply-accumulates (MACs) and
    receptive field, with totals and the variant built. Nested rows (blocks) are indented;
    totals count each layer once."""
    architecture = _architecture(app, name)
    shape, classes, variant, width = architecture.resolve(parse_shape(input_text), classes,
                                                          variant, width)
    chosen, result = architecture.infer(shape, classes, variant, width)
    doc = architecture.variants[chosen].doc
    if as_json:
        echo_json({"name": name, "variant": chosen, "variant_doc": doc,
                   "input_shape": list(shape), "num_classes": classes, "width": width,
                   "params": result.params, "macs": result.macs,
                   "layers": [r.as_dict() for r in result.rows]})
        return
    dims = lambda s: "×".join(map(str, s))  # noqa: E731
    rows = [("  " * r.depth + r.name, r.type, r.detail, dims(r.output_shape), f"{r.params:,}",
             human(r.macs), _rf(r.rf), r.note)
            for r in result.rows if depth is None or r.depth <= depth]
    click.echo(f"{name}, variant {chosen}: {doc}")
    click.echo(f"input {dims(shape)}, {classes} classes, width {width:g}")
    click.echo(format_table(rows, ("layer", "type", "kernel/stride", "output", "params", "MACs",
                                   "RF", "note")))
    click.echo(f"total: {result.params:,} parameters, {human(result.macs)} MACs "
               f"({result.macs:,})")


@arch.command("list")
@click.option("--input", "input_text", metavar="CxHxW", help="Input shape for every "
              "architecture (default: each one's own).")
@click.option("--classes", type=int, default=None, help="Number of classes.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def list_cmd(app, input_text, classes, as_json):
    """Every registered architecture with its variants, parameters and MACs."""
    from ..arch import Architecture

    out = []
    for entry in app.registry.entries("architecture"):
        if not isinstance(entry.obj, Architecture):
            continue
        chosen, result = entry.obj.infer(parse_shape(input_text), classes)
        out.append({"name": entry.name, "variant": chosen,
                    "input_shape": list(entry.obj.resolve(parse_shape(input_text))[0]),
                    "params": result.params, "macs": result.macs,
                    "variants": list(entry.obj.variants)})
    if as_json:
        echo_json(out)
        return
    rows = [(o["name"], "×".join(map(str, o["input_shape"])), o["variant"], f"{o['params']:,}",
             human(o["macs"]), ", ".join(o["variants"])) for o in out]
    click.echo(format_table(rows, ("name", "input", "variant", "params", "MACs", "variants")))
