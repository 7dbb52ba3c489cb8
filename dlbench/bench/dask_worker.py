"""The worker side of :class:`~dlbench.bench.dask_executor.DaskExecutor`.

Everything here runs inside a Dask worker process. A worker rebuilds the plugin
registry once from the coordinator's :class:`~dlbench.bench.executors.PluginContext`
(cached in :data:`_STATES`, keyed by the :class:`Payload`, so a worker keeps it across
tasks and a restarted worker rebuilds it) and runs specs with the same
:func:`~dlbench.bench.executors.execute_spec` as the serial executor and the process
pool, BLAS pinned to one thread: stored results are identical bit for bit whichever
executor ran them.

``-p file.py`` plugins and ``--plugins-dir`` files travel inside the payload when the
scheduler is remote (``shipped``): the worker writes them, under their own names, into
a private temporary folder and loads them from there. A file plugin's version is the
digest of its name and bytes, so a shipped copy has the same version, and its runs the
same config hash, as the coordinator's file.

Each chunk also carries the coordinator's identity (dlbench sources, plugin versions):
a worker that differs (one that joined after the start-up check, say) fails the runs
with the reason instead of storing results of other code.
"""

from __future__ import annotations

import ctypes
import importlib.metadata
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from .executors import PluginContext, execute_spec
from .observer import RunResult

#: the packages whose versions must agree between the coordinator and every worker
#: (Dask's own wire protocol, and numpy + the BLAS pinning for identical numbers)
CHECKED_PACKAGES = ("dask", "distributed", "cloudpickle", "msgpack", "numpy", "threadpoolctl")


@dataclass(frozen=True)
class Payload:
    """What every task carries: how to rebuild the registry, and what it must be."""

    context: PluginContext
    #: ``(name, bytes)`` of each ``-p`` file (remote scheduler only), in ``-p`` order
    shipped: tuple[tuple[str, bytes], ...] = ()
    #: ``(name, bytes)`` of each ``--plugins-dir`` file (remote scheduler only)
    shipped_dir: tuple[tuple[str, bytes], ...] = ()
    #: the coordinator's identity, checked by the worker before its first run
    expected: tuple = ()


@dataclass
class _State:
    registry: object = None
    problem: str | None = None
    identity: dict = field(default_factory=dict)
    datasets: dict = field(default_factory=dict)


_STATES: dict[Payload, _State] = {}
_LOCK = threading.Lock()


def is_plugin_file(spec: str) -> bool:
    """Whether a ``-p`` value names a file (what ``PluginHost.load_spec`` treats as one)."""
    return not spec.startswith("no:") and (spec.endswith(".py") or Path(spec).expanduser().exists())


def _materialize(payload: Payload) -> PluginContext:
    """The context with shipped files written to a private folder (same file names)."""
    if not payload.shipped and not payload.shipped_dir:
        return payload.context
    root = Path(tempfile.mkdtemp(prefix="dlbench-shipped-"))
    files = iter(payload.shipped)
    plugins = []
    for index, spec in enumerate(payload.context.plugins):
        if is_plugin_file(spec) and payload.shipped:
            name, data = next(files)
            target = root / f"p{index}" / name
            target.parent.mkdir()
            target.write_bytes(data)
            plugins.append(str(target))
        else:
            plugins.append(spec)
    plugins_dir = payload.context.plugins_dir
    if payload.shipped_dir:
        folder = root / "plugins-dir"
        folder.mkdir()
        for name, data in payload.shipped_dir:
            (folder / name).write_bytes(data)
        plugins_dir = str(folder)
    return replace(payload.context, plugins=tuple(plugins), plugins_dir=plugins_dir)


def identity(context: PluginContext) -> dict:
    """This process's dlbench sources, package versions and the versions of the plugins
    ``context`` loads (``problem``: why they did not load)."""
    from ..pluginmanager import load_plugins
    from .environment import _sources_digest, code_version

    out = {"python": ".".join(map(str, sys.version_info[:3])),
           "dlbench": code_version(), "dlbench_sources": _sources_digest(),
           "packages": {}, "plugins": {}, "problem": None, "registry": None}
    for name in CHECKED_PACKAGES:
        try:
            out["packages"][name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out["packages"][name] = None
    try:
        host = load_plugins(context.plugins, context.plugins_dir)
    except Exception as exc:
        out["problem"] = f"its plugins do not load: {type(exc).__name__}: {exc}"
        return out
    out["plugins"] = {r.name: r.version for r in host.records}
    out["registry"] = host.registry
    return out


def expected_of(ident: dict) -> tuple:
    """The hashable part of an identity that a chunk carries."""
    return (ident["dlbench_sources"], tuple(sorted(ident["plugins"].items(), key=str)))


def _state(payload: Payload) -> _State:
    with _LOCK:
        state = _STATES.get(payload)
        if state is None:
            state = _STATES[payload] = _State()
            try:
                ident = identity(_materialize(payload))
            except Exception as exc:
                ident = {"problem": f"{type(exc).__name__}: {exc}"}
            state.registry = ident.pop("registry", None)
            state.identity = ident
            state.problem = ident["problem"]
            if state.problem is None and payload.expected and expected_of(ident) != payload.expected:
                state.problem = "its dlbench sources or plugin versions differ from the coordinator's"
        return state


def worker_identity(payload: Payload, dask_worker=None) -> dict:
    """Run on every worker at start (``Client.run``): loads the plugins into the cache and
    says what this worker has."""
    state = _state(payload)
    return dict(state.identity)


# -- one chunk --------------------------------------------------------------------------------
class RunTimedOut(BaseException):
    """Raised inside a run's thread at its time limit (a ``BaseException``, so a plugin's
    ``except Exception`` does not swallow it)."""


class _Watchdog:
    """Raises :class:`RunTimedOut` in the running thread at the time limit.

    Dask cannot stop a task, and the run executes in a worker thread where no signal
    can reach it, so the limit is an asynchronous exception: it stops a run that is
    running Python code (a loop, ``time.sleep`` in steps), not one blocked inside one
    long C call (that run ends when the call returns)."""

    def __init__(self, limit: float):
        self.thread = threading.get_ident()
        self.lock = threading.Lock()
        self.armed, self.fired = True, False
        self.timer = threading.Timer(limit, self._fire)
        self.timer.daemon = True

    def _raise(self, exc) -> None:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self.thread), exc)

    def _fire(self) -> None:
        with self.lock:
            if self.armed:
                self.fired = True
                self._raise(ctypes.py_object(RunTimedOut))

    def disarm(self) -> None:
        self.timer.cancel()
        with self.lock:
            self.armed = False
            if self.fired:  # fired but not delivered yet: take it back
                self._raise(None)


def _run_one(spec, state: _State, data_dir) -> RunResult:
    limit = getattr(spec, "timeout_s", None)
    if limit is None:
        return execute_spec(spec, state.registry, datasets=state.datasets, data_dir=data_dir)
    start = time.perf_counter()
    result = None
    dog = _Watchdog(limit)
    try:
        dog.timer.start()
        try:
            result = execute_spec(spec, state.registry, datasets=state.datasets,
                                  data_dir=data_dir)
        finally:
            dog.disarm()
    except RunTimedOut:
        pass
    if result is not None:
        return result
    return RunResult(status="timed-out", duration_s=time.perf_counter() - start,
                     error=f"stopped after {limit:g} s, its time limit (--run-timeout)")


def run_chunk(payload: Payload, specs: list) -> list[RunResult]:
    """The Dask task: run consecutive specs on this worker, one result per spec."""
    state = _state(payload)
    if state.problem is not None:
        where = _worker_name()
        return [RunResult(status="failed", error=f"Dask worker {where}: {state.problem}")
                for _ in specs]
    return [_run_one(spec, state, payload.context.data_dir) for spec in specs]


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return "?"
