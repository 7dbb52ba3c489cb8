"""The checking side of implementation exercises: trusted code, run in the checker's process.

The learner's file never runs here: it is imported in a sandbox
(:class:`~dlbench.quiz.sandbox.Sandbox`) and ``t.call`` sends each call there and judges
what comes back here, where the learner's code cannot reach (it cannot patch
``expect_close``, read the checks or write a result). :func:`run_checks` loads the
exercise's ``checks.py`` and runs each check in file order.

Authors write checks like::

    from dlbench.quiz.harness import check

    @check("db is the sum of dout over the batch", task=3)
    def db_is_summed(t):
        dout, x, W = t.rng().standard_normal((4, 3)), ..., ...
        dx, dW, db = t.call("affine_backward", dout, x, W)
        t.expect_close(db, dout.sum(axis=0), "db")

``t`` is a :class:`Checker`: ``call`` (records what was called), ``solution.NAME(...)``
(the same call, not recorded: for gradient checks that call the learner's forward many
times), ``expect_close``, ``expect``, ``gradcheck`` (float64 central differences with the
exercise's ``eps`` and ``max_rel_err``), ``rng`` and ``seeds``. Arguments and results may
be arrays of numbers, numbers, strings, None, tuples, lists, dicts, numpy Generators and
(as arguments) functions, which the learner's code calls back here. Arrays a call changes
in place are changed in the checker too. A failed expectation reports what was called,
what was expected and what came back; prints are captured (500 characters at most).
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .sandbox import Sandbox, SubmissionRaised, SubmissionStopped, Uncheckable

OUTPUT_CAP = 500
_CHECKS: list = []


class CheckFailed(Exception):
    def __init__(self, message: str, expected: str | None = None, got: str | None = None):
        super().__init__(message)
        self.message, self.expected, self.got = message, expected, got


def check(title: str, *, task: int | None = None):
    """Mark a function ``f(t)`` of checks.py as a check (run in file order)."""
    def wrap(fn):
        _CHECKS.append((fn, title, task))
        return fn
    return wrap


def show(value) -> str:
    """A short, readable description of an argument or a result."""
    if isinstance(value, np.ndarray):
        if value.size <= 12:
            body = np.array2string(value, precision=6, separator=", ", suppress_small=True)
            return f"{body} ({value.dtype})".replace("\n", "")
        head = np.array2string(value.ravel()[:4], precision=4, separator=", ")
        return f"array shape {value.shape} {value.dtype}, first {head[:-1]}, ...]"
    if isinstance(value, tuple):
        return "(" + ", ".join(show(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


class _Remote:
    """``t.solution.NAME(...)``: a call of the learner's function that is not recorded."""

    def __init__(self, sandbox: Sandbox):
        self._sandbox = sandbox

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return lambda *args, **kwargs: _call(self._sandbox, name, args, kwargs)


def _call(sandbox: Sandbox, name: str, args: tuple, kwargs: dict):
    try:
        return sandbox.call(name, args, kwargs)
    except Uncheckable as exc:
        raise CheckFailed(str(exc)) from None


class Checker:
    """What a check function receives."""

    def __init__(self, sandbox: Sandbox, settings: dict):
        self.solution = _Remote(sandbox)
        self.settings = settings
        self.calls: list[str] = []
        self._sandbox = sandbox

    def rng(self, seed: int = 0) -> np.random.Generator:
        return np.random.default_rng(seed)

    @property
    def seeds(self) -> list[int]:
        return list(self.settings.get("seeds", [0, 1, 2]))

    def call(self, name: str, *args, **kwargs):
        """Call the learner's function ``name`` in the sandbox; records the call."""
        shown = [show(a) for a in args] + [f"{k}={show(v)}" for k, v in kwargs.items()]
        self.calls.append(f"{name}({', '.join(shown)})")
        return _call(self._sandbox, name, args, kwargs)

    def expect(self, condition, message: str, *, expected=None, got=None) -> None:
        if not condition:
            raise CheckFailed(message, None if expected is None else str(expected),
                              None if got is None else str(got))

    def expect_close(self, got, expected, what: str, *, rtol: float = 1e-6,
                     atol: float = 1e-9) -> None:
        """``got`` must have ``expected``'s shape and match it within the tolerances."""
        if isinstance(got, (list, tuple)) and not isinstance(expected, (list, tuple)):
            raise CheckFailed(f"{what}: expected one array, got a {type(got).__name__}",
                              show(np.asarray(expected)), show(got))
        try:
            g = np.asarray(got, dtype=np.float64)
        except (TypeError, ValueError):
            raise CheckFailed(f"{what}: expected numbers, got {type(got).__name__}",
                              show(np.asarray(expected)), show(got)) from None
        e = np.asarray(expected, dtype=np.float64)
        if g.shape != e.shape:
            raise CheckFailed(f"{what}: wrong shape {g.shape}, expected {e.shape}", show(e), show(g))
        if not np.all(np.isfinite(g)):
            raise CheckFailed(f"{what}: contains NaN or inf", show(e), show(g))
        if not np.allclose(g, e, rtol=rtol, atol=atol):
            worst = float(np.max(np.abs(g - e)))
            raise CheckFailed(f"{what}: values differ (largest difference {worst:.3g})", show(e), show(g))

    def gradcheck(self, f, arrays: dict, analytic: dict, what: str = "gradient") -> None:
        """Compare ``analytic[name]`` with central differences of scalar ``f()`` w.r.t.
        each float64 array in ``arrays`` (mutated in place and restored)."""
        from dlbench.nn.gradcheck import numeric_gradient, relative_error

        h = float(self.settings.get("eps", 1e-6))
        limit = float(self.settings.get("max_rel_err", 1e-7))
        for name, array in arrays.items():
            coords = [np.unravel_index(i, array.shape) for i in range(array.size)]
            numeric = numeric_gradient(f, array, coords, h)
            claimed = analytic[name]
            if np.shape(claimed) != array.shape:
                raise CheckFailed(f"{what}: {name} has shape {np.shape(claimed)}, expected "
                                  f"{array.shape}", show(numeric), show(np.asarray(claimed)))
            err = relative_error(claimed, numeric)
            if not err <= limit:
                raise CheckFailed(f"{what}: {name} max relative error {err:.2e} (> {limit:.0e}) "
                                  "against central differences in float64",
                                  show(numeric), show(np.asarray(claimed, dtype=np.float64)))


@dataclass
class Outcome:
    """One check's result, before :mod:`~dlbench.quiz.exercises` turns it into a report."""

    name: str
    title: str
    status: str
    task: int | None = None
    call: str | None = None
    expected: str | None = None
    got: str | None = None
    message: str | None = None
    output: str = ""

    def as_dict(self) -> dict:
        return {k: v for k, v in vars(self).items() if v not in (None, "")}


def load_checks(path: Path) -> list[tuple]:
    """The ``@check`` functions of ``checks.py`` as ``(function, title, task)``, in file order."""
    _CHECKS.clear()
    name = f"dlbench_exercise_checks_{abs(hash(str(path)))}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
        return list(_CHECKS)
    finally:
        _CHECKS.clear()
        sys.modules.pop(name, None)


def _error(exc: BaseException) -> str:
    """A check's own code failed on what the learner's function returned (unpacking None…)."""
    return f"raised {type(exc).__name__}: {exc}"


def run_checks(sandbox: Sandbox, checks: list[tuple], settings: dict) -> list[Outcome]:
    """Import the learner's file in ``sandbox``, then run each check; once the submission's
    process is gone (exited, over a limit, out of time) the rest are not run."""
    mark = sandbox.output_mark()
    out, stopped = [], None
    try:
        sandbox.import_solution()
        out.append(Outcome("import", "import your file", "pass"))
    except SubmissionRaised as exc:
        out.append(Outcome("import", "import your file", "error", message=str(exc)))
        stopped = exc
    except SubmissionStopped as exc:
        out.append(Outcome("import", "import your file", "timeout" if exc.timed_out else "error",
                           message=exc.reason))
        stopped = exc
    out[0].output = sandbox.output_since(mark)[:OUTPUT_CAP]
    for fn, title, task in checks:
        if stopped is not None:
            because = ("your file could not be imported" if out[0].status != "pass"
                       else "your code stopped during an earlier check")
            out.append(Outcome(fn.__name__, title, "not-run", task, message=f"not run: {because}"))
            continue
        mark = sandbox.output_mark()
        t = Checker(sandbox, settings)
        result = Outcome(fn.__name__, title, "pass", task)
        try:
            fn(t)
        except CheckFailed as exc:
            result.status, result.message = "fail", exc.message
            result.expected, result.got = exc.expected, exc.got
        except SubmissionRaised as exc:
            result.status, result.message = "error", str(exc)
        except SubmissionStopped as exc:
            result.status = "timeout" if exc.timed_out else "error"
            result.message, stopped = exc.reason, exc
        except Exception as exc:  # noqa: BLE001 - the check choked on what came back
            result.status, result.message = "error", _error(exc)
        result.call = t.calls[-1] if t.calls else None
        result.output = sandbox.output_since(mark)[:OUTPUT_CAP]
        out.append(result)
    return out
