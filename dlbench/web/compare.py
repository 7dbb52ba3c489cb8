"""Compare stored runs: only the parameters that differ, seeds grouped as mean ± band.

Runs whose flattened configurations are equal except for the seed are one group (the
seeds of one setting); each group gets the mean and a band of every series over its
seeds (:func:`dlbench.report.series.aggregate`, the figures' own code) and the mean of
its summary values. The parameters shown are those whose values differ between runs,
seed aside, so two runs of 60 settings that differ in the optimizer show one row.
"""

from __future__ import annotations

import json
import math

from ..report.series import BANDS, aggregate
from .results import clean, run_detail
from .schemas import finite_or_none, json_number

#: the most runs one comparison reads
MAX_COMPARE = 40
#: what a group shows for a parameter its runs do not have at all
NOT_SET = "(not set)"


def is_seed_key(key: str) -> bool:
    return key == "seed" or key.endswith(".seed")


def _canon(value) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def differing_keys(param_sets: list[dict]) -> list[str]:
    """Keys (seed aside) whose values are not the same in every run (missing counts)."""
    keys = sorted({k for p in param_sets for k in p})
    out = []
    for key in keys:
        if is_seed_key(key):
            continue
        if len({_canon(p.get(key, "\0missing")) for p in param_sets}) > 1:
            out.append(key)
    return out


def _params_of(detail) -> dict:
    r = detail.run
    return {"task": r.task, "preset": r.preset, **detail.params}


def compare(store, run_ids: list[int], band: str = "std") -> dict:
    """The comparison of ``run_ids`` (order kept for groups: first appearance)."""
    if band not in BANDS:
        band = "std"
    asked = list(dict.fromkeys(run_ids))
    details = [run_detail(store, i) for i in asked[:MAX_COMPARE]]
    params = [_params_of(d) for d in details]
    differing = differing_keys(params)
    seed_keys = sorted({k for p in params for k in p if is_seed_key(k)})
    groups: dict[str, dict] = {}
    for detail, p in zip(details, params):
        key = _canon({k: p.get(k, NOT_SET) for k in differing})
        g = groups.setdefault(key, {"params": {k: p.get(k, NOT_SET) for k in differing},
                                    "details": []})
        g["details"].append(detail)
    return {"run_ids": [d.run.id for d in details], "left_out": asked[MAX_COMPARE:],
            "differing": differing,
            "seed_keys": seed_keys, "band": band,
            "groups": [_group_out(store, g, band) for g in groups.values()]}


def _label(params: dict) -> str:
    shown = [f"{k}={v}" for k, v in params.items()]
    return ", ".join(shown) if shown else "(identical settings)"


def _group_out(store, group: dict, band: str) -> dict:
    details = group["details"]
    keys = sorted({k for d in details for k in d.metrics})
    series = {}
    for key in keys:
        curves = [store.metric_series(d.run.id, key) for d in details if key in d.metrics]
        b = aggregate(curves, band)
        series[key] = {"x": [float(v) for v in b.x], "mean": finite_or_none(b.mean),
                       "lo": finite_or_none(b.lo), "hi": finite_or_none(b.hi),
                       "n": [int(v) for v in b.n]}
    summary = {}
    for key in sorted({k for d in details for k in d.run.summary}):
        values = [float(d.run.summary[key]) for d in details if key in d.run.summary]
        # a seed that never reached the target (inf) makes the mean inf: shown, not hidden
        summary[key] = json_number(math.fsum(values) / len(values)
                                   if all(map(math.isfinite, values)) else sum(values) / len(values))
    return {"label": _label(group["params"]), "run_ids": [d.run.id for d in details],
            "seeds": [d.run.seed for d in details], "params": clean(group["params"]),
            "summary": summary, "series": series}
