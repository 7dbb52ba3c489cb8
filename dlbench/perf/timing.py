"""How fast the runner and the store are: measured, never asserted in tests.

Three numbers, each from a fresh process and a fresh database so nothing is reused: the wall time and peak memory of the standard suite (``dlbench run``),
the wall time of ``dlbench run convergence --optimizer sgd,adam --seeds 2``, and how many
metric points per second the store writes in batches. ``dlbench perf --runner`` prints
them; ``python -m dlbench.perf.timing`` does too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def time_command(args: list[str], workdir: Path) -> dict:
    """Run ``python -m dlbench ARGS`` in ``workdir`` (its default database, never
    ``$DLBENCH_DB``); wall seconds and the peak RSS of that child alone (``wait4``)."""
    env = {k: v for k, v in os.environ.items() if k != "DLBENCH_DB"}
    start = time.perf_counter()
    with open(workdir / "stderr.log", "w+") as err:
        proc = subprocess.Popen([sys.executable, "-m", "dlbench", *args], cwd=workdir,
                                stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read().strip().splitlines()[-3:] if proc.returncode else []
    return {"command": "dlbench " + " ".join(args), "seconds": round(seconds, 2),
            "peak_mib": round(usage.ru_maxrss / 1024, 1), "exit": proc.returncode,
            "stderr_tail": tail}


def store_throughput(points: int = 200_000, batch: int = 20_000) -> dict:
    """Metric points per second stored through ``RunStore.store_result`` (a run's whole
    result in one transaction), ``points // batch`` runs of ``batch`` points each."""
    from ..storage import RunStore

    with tempfile.TemporaryDirectory() as tmp:
        store = RunStore(f"sqlite:///{Path(tmp) / 'speed.db'}", create=True)
        values = np.random.default_rng(0).standard_normal(points)
        rows = [(i, float(v)) for i, v in enumerate(values)]
        start = time.perf_counter()
        for i in range(0, points, batch):
            store.add_run(task="timing", config={}, config_hash=f"{i:064d}", status="finished",
                          series={"loss": rows[i:i + batch]})
        seconds = time.perf_counter() - start
        store.close()
    return {"points": points, "batch": batch, "seconds": round(seconds, 3),
            "points_per_second": round(points / seconds)}


def measure(include_suite: bool = True) -> dict:
    """All runner measurements, each in a fresh temporary folder (default database)."""
    out = {"cpu_count": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        out["convergence_sgd_adam_2_seeds"] = time_command(
            ["run", "convergence", "--optimizer", "sgd,adam", "--seeds", "2", "-q"], work)
    if include_suite:
        with tempfile.TemporaryDirectory() as tmp:
            out["standard_suite"] = time_command(["run", "-q"], Path(tmp))
    out["store"] = store_throughput()
    return out


def report(result: dict) -> str:
    lines = []
    for key, label, limit in (("standard_suite", "standard suite (dlbench run)", "< 180 s, < 1024 MiB"),
                              ("convergence_sgd_adam_2_seeds",
                               "dlbench run convergence --optimizer sgd,adam --seeds 2", "< 30 s")):
        if key in result:
            r = result[key]
            status = "" if r["exit"] == 0 else f"  EXIT {r['exit']} {r['stderr_tail']}"
            lines.append(f"{label:58s} {r['seconds']:7.1f} s  peak {r['peak_mib']:6.1f} MiB  "
                         f"(target {limit}){status}")
    s = result["store"]
    lines.append(f"{'metric points stored per second (batches of ' + str(s['batch']) + ')':58s} "
                 f"{s['points_per_second']:>9,d}")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    res = measure(include_suite="--no-suite" not in sys.argv)
    print(json.dumps(res, indent=2) if "--json" in sys.argv else report(res))
