"""The worker pool: chunks of short runs, a dead worker failing only the run it was on,
time limits inside a chunk. Real worker processes, real deaths (``os._exit``) and hangs."""

from __future__ import annotations

import collections

import pytest

from dlbench.bench.executors import WAIT, PluginContext, WorkerPool, chunk_specs
from dlbench.bench.spec import plan


class Spec:
    def __init__(self, name, estimate_s):
        self.name, self.estimate_s = name, estimate_s


def test_chunks_are_worth_a_tenth_of_a_second_and_stop_at_wait_or_end():
    from dlbench.bench.executors import _END

    pulls = iter([Spec("a", 0.03), Spec("b", 0.03), Spec("c", 0.05), Spec("d", 0.03), WAIT,
                  Spec("e", None), Spec("f", 0.01), Spec("g", 0.5)])

    def pull():
        return next(pulls, _END)

    chunk, why = chunk_specs(pull)
    assert [s.name for s in chunk] == ["a", "b", "c"] and why == "full"  # 0.11 s
    chunk, why = chunk_specs(pull)
    assert [s.name for s in chunk] == ["d"] and why == "wait"
    chunk, why = chunk_specs(pull)
    assert [s.name for s in chunk] == ["e"] and why == "full"  # unknown length: alone
    chunk, why = chunk_specs(pull)
    assert [s.name for s in chunk] == ["f", "g"] and why == "full"
    chunk, why = chunk_specs(pull)
    assert chunk == [] and why == "end"


def _specs(registry, *, seeds, **settings):
    specs = plan(registry, "toy", preset="quick", choices={}, seeds=list(seeds),
                 overrides=settings)
    return specs


def _run(pool, specs):
    try:
        return list(pool.execute(iter(specs)))
    finally:
        pool.close()


def test_short_runs_go_in_chunks_and_every_result_comes_back(toy_registry, toy_plugin, tmp_path):
    counts = tmp_path / "count.txt"
    specs = _specs(toy_registry, seeds=range(12), steps=2, count_file=str(counts))
    for spec in specs:
        spec.estimate_s = 0.03  # four to a chunk
    pool = WorkerPool(2, PluginContext((str(toy_plugin),)))
    out = _run(pool, specs)
    assert sorted(s.seed for s, _ in out) == list(range(12))
    assert {r.status for _, r in out} == {"finished"}
    pids = collections.Counter(line.split()[1] for line in counts.read_text().splitlines())
    assert sum(pids.values()) == 12 and len(pids) <= 2  # two workers, each reused


def test_a_worker_that_dies_mid_chunk_fails_that_run_only_and_the_rest_is_requeued(
        toy_registry, toy_plugin, tmp_path):
    counts = tmp_path / "count.txt"
    ok = _specs(toy_registry, seeds=range(6), steps=2, count_file=str(counts))
    [dying] = _specs(toy_registry, seeds=[99], steps=2, mode="exit", count_file=str(counts))
    specs = ok[:2] + [dying] + ok[2:]
    for spec in specs:
        spec.estimate_s = 0.01  # all seven in one chunk of one worker
    out = _run(WorkerPool(1, PluginContext((str(toy_plugin),))), specs)
    status = {s.seed: r.status for s, r in out}
    assert status.pop(99) == "worker-died"
    assert status == {i: "finished" for i in range(6)}
    assert "exit status 3" in next(r.error for s, r in out if s.seed == 99)
    assert len(counts.read_text().splitlines()) == 7  # nothing ran twice


def test_a_hung_run_inside_a_chunk_times_out_from_when_the_previous_run_ended(
        toy_registry, toy_plugin):
    specs = plan(toy_registry, "toy", preset="quick", choices={"optimizer": ["sgd", "hang", "adam"]},
                 seeds=[0], overrides={"steps": 2, "sleep": 0.6})  # sgd: 1.2 s
    for spec in specs:
        spec.estimate_s, spec.timeout_s = 0.01, 2.0
    out = _run(WorkerPool(1, PluginContext((str(toy_plugin),))), specs)
    status = {s.choices["optimizer"]: r.status for s, r in out}
    assert status == {"sgd": "finished", "hang": "timed-out", "adam": "finished"}, out
    hung = next(r for s, r in out if s.choices["optimizer"] == "hang")
    assert 2.0 <= hung.duration_s < 10  # its own clock, not the chunk's


@pytest.mark.parametrize("workers", [1, 2])
def test_wait_from_the_source_is_not_a_busy_loop(toy_registry, toy_plugin, workers):
    specs = _specs(toy_registry, seeds=range(3), steps=1)
    pulled = []

    def source():
        for spec in specs:
            pulled.append(spec)
            yield spec
            yield WAIT  # another process holds the next configuration for a moment

    out = _run(WorkerPool(workers, PluginContext((str(toy_plugin),))), source())
    assert len(out) == 3 and len(pulled) == 3
