"""``dlbench perf``: the engine's speed on two standard cases, next to PyTorch CPU;
``--runner``: the runner's and the store's speed."""

from __future__ import annotations

import click

from ..errors import UsageError, check_range
from .context import pass_app
from .output import echo_json, format_table


@click.command("perf")
@click.option("--repeats", default=20, show_default=True, help="Timed calls per case (median).")
@click.option("--warmup", default=3, show_default=True, help="Untimed calls first.")
@click.option("--threads", type=int, default=None,
              help="BLAS and torch threads (default: numpy's BLAS setting).")
@click.option("--no-torch", is_flag=True, help="Skip PyTorch even if it is installed.")
@click.option("--runner", is_flag=True,
              help="Time the runner instead: the standard suite, `run convergence --optimizer "
                   "sgd,adam --seeds 2` and metric points stored per second, each in a fresh "
                   "temporary folder.")
@click.option("--no-suite", is_flag=True,
              help="With --runner: skip the standard suite (about 2 minutes).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def perf_cmd(app, repeats, warmup, threads, no_torch, runner, no_suite, as_json):
    """Time a training step of the MLP 784-100×4-10 (batch 128) and forward + backward of a
    conv layer (16→32, 3×3, 100×16×28×28), on dlbench and, when it imports, PyTorch CPU
    with the same number of threads. Medians in milliseconds; ratio = dlbench / torch.

    With --runner, time the runner and the store instead (exit 1 if a timed command failed)."""
    from ..perf.engine import measure

    if no_suite and not runner:
        raise UsageError("--no-suite only applies with --runner")
    if runner:
        _runner_timings(not no_suite, as_json)
        return
    check_range("repeats", repeats, low=1)
    check_range("warmup", warmup, low=0)
    if threads is not None:
        check_range("threads", threads, low=1)
    result = measure(app.registry, repeats, warmup, use_torch=not no_torch, threads=threads)
    if as_json:
        echo_json(result)
        return
    rows = [(c["name"], f"{c['dlbench_ms']:.2f}",
             "" if c["torch_ms"] is None else f"{c['torch_ms']:.2f}",
             "" if c["ratio"] is None else f"{c['ratio']:.2f}×", c["description"])
            for c in result["cases"]]
    click.echo(format_table(rows, ("case", "dlbench ms", "torch ms", "ratio", "what")))
    torch_note = f"torch {result['torch']}" if result["torch"] else "torch not installed"
    click.echo(f"numpy {result['numpy']}, {torch_note}, {result['threads'] or '?'} BLAS "
               f"thread(s); median of {repeats} after {warmup} warm-up calls")


def _runner_timings(include_suite: bool, as_json: bool) -> None:
    from ..perf import timing

    result = timing.measure(include_suite=include_suite)
    if as_json:
        echo_json(result)
    else:
        click.echo(timing.report(result))
    failed = [r for r in result.values() if isinstance(r, dict) and r.get("exit", 0) != 0]
    if failed:
        raise SystemExit(1)
