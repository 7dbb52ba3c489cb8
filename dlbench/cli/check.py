"""``dlbench check [KIND] [NAME...]``: gradient checks and conformance tests, one line each."""

from __future__ import annotations

import time

import click

from .context import pass_app
from .output import echo_json


@click.command("check")
@click.argument("kind", required=False)
@click.argument("names", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("-v", "--verbose", is_flag=True, help="Show every property, not one line per item.")
@pass_app
def check_cmd(app, kind, names, as_json, verbose):
    """Check every registered item (or those of KIND, or NAMES of KIND).

    Activations, layers and losses get a float64 central-difference gradient check and a
    shape/dtype check; optimizers a conformance test on a convex quadratic. Exit 1 if
    anything fails.
    """
    from ..testing import CHECKS, check_entry

    host = app.host
    reg = host.registry
    kinds = [kind] if kind else reg.kinds()
    entries = []
    for k in kinds:
        if names:
            entries += [reg.entry(k, n) for n in names]
        else:
            entries += reg.entries(k)
    builtin = {p.name for p in host.records if p.source == "builtin"}
    report, failed = [], 0
    problems = [f"plugin {f.name!r} failed to load: {f.error}" for f in host.failures]
    problems += list(host.warnings)
    start = time.perf_counter()
    for entry in entries:
        if entry.kind not in CHECKS and not kind:
            continue
        results = check_entry(entry, builtin=entry.plugin in builtin, registry=reg)
        bad = [r for r in results if r.failed]
        warn = [r for r in results if r.status in ("warn", "skip")]
        failed += bool(bad)
        skipped = [r for r in results if r.status == "skip"]
        status = "FAIL" if bad else ("warn" if len(warn) > len(skipped) else ("skip" if skipped else "ok"))
        report.append({"kind": entry.kind, "name": entry.name, "plugin": entry.plugin,
                       "status": status.lower(), "results": [r.as_dict() for r in results]})
        if as_json:
            continue
        passed = [r for r in results if r.status == "pass"]
        if bad or warn:
            detail = "; ".join(f"{r.prop}: {r.detail}" for r in bad + warn)
        else:
            detail = ", ".join(r.prop for r in passed) or "no conformance check for this kind"
            grad = next((r for r in passed if r.prop == "gradient"), None)
            if grad is not None and grad.detail:
                detail += f" ({grad.detail})"
        click.echo(f"{status:<4}  {entry.kind:<12} {entry.name:<22} {detail}")
        if verbose:
            for r in results:
                click.echo(f"        {r.status:<4} {r.prop}: {r.detail}")
    elapsed = time.perf_counter() - start
    if as_json:
        echo_json({"items": report, "failed": failed, "problems": problems,
                   "seconds": round(elapsed, 2)})
    else:
        for line in problems:
            click.echo(f"FAIL  {line}")
        click.echo(f"{len(report)} checked, {failed} failed, {len(problems)} plugin problems "
                   f"in {elapsed:.1f} s")
    if failed or problems:
        raise SystemExit(1)
