"""The checking side of implementation exercises: runs inside a child process.

``python -m dlbench.quiz.harness EXERCISE_TOML SOLUTION_PY OUT_JSONL`` loads the
exercise's ``checks.py``, imports the learner's file as module ``solution`` and runs each
check in file order. One JSON object per line goes to ``OUT_JSONL`` as it happens (a
``plan``, then ``start`` / ``result`` per check), so when the parent stops the process at
the time limit it still knows which checks passed and which one was running.

Authors write checks like::

    from dlbench.quiz.harness import check

    @check("db is the sum of dout over the batch", task=3)
    def db_is_summed(t):
        dout, x, W = t.rng().standard_normal((4, 3)), ..., ...
        dx, dW, db = t.call("affine_backward", dout, x, W)
        t.expect_close(db, dout.sum(axis=0), "db")

``t`` is a :class:`Checker`: ``call`` (records what was called), ``expect_close``,
``expect``, ``gradcheck`` (float64 central differences with the exercise's ``eps`` and
``max_rel_err``) and ``rng``. A failed expectation reports what was called, what was
expected and what came back; prints are captured (500 characters at most).
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import sys
import tomllib
import traceback
from pathlib import Path

import numpy as np

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


class Checker:
    """What a check function receives."""

    def __init__(self, solution, settings: dict):
        self.solution = solution
        self.settings = settings
        self.calls: list[str] = []

    def rng(self, seed: int = 0) -> np.random.Generator:
        return np.random.default_rng(seed)

    @property
    def seeds(self) -> list[int]:
        return list(self.settings.get("seeds", [0, 1, 2]))

    def call(self, name: str, *args, **kwargs):
        """Call the learner's function ``name``; records the call for the report."""
        shown = [show(a) for a in args] + [f"{k}={show(v)}" for k, v in kwargs.items()]
        self.calls.append(f"{name}({', '.join(shown)})")
        fn = getattr(self.solution, name, None)
        if not callable(fn):
            raise CheckFailed(f"your file defines no function {name!r}")
        return fn(*args, **kwargs)

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


def _learner_error(exc: BaseException, solution_file: str) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == solution_file]
    where = f" (your file, line {frames[-1].lineno}: {frames[-1].line})" if frames else ""
    return f"raised {type(exc).__name__}: {exc}{where}"


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def main(argv: list[str]) -> int:
    exercise_toml, solution_file, out_file = (Path(a) for a in argv)
    spec = tomllib.loads(exercise_toml.read_text(encoding="utf-8"))
    settings = dict(spec.get("gradcheck", {}))
    out = open(out_file, "a", encoding="utf-8")

    def emit(**event):
        out.write(json.dumps(event, ensure_ascii=False) + "\n")
        out.flush()

    _load(exercise_toml.parent / spec["exercise"]["checks"], "dlbench_exercise_checks")
    emit(event="plan", checks=[[fn.__name__, title, task] for fn, title, task in _CHECKS])
    solution_path = str(solution_file.resolve())
    emit(event="start", check="import")
    captured = io.StringIO()
    try:
        with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
            solution = _load(solution_file.resolve(), "solution")
    except BaseException as exc:  # the learner's file may raise anything, even SystemExit
        emit(event="result", check="import", status="error", title="import your file",
             message=_learner_error(exc, solution_path), output=captured.getvalue()[:OUTPUT_CAP])
        return 0
    emit(event="result", check="import", status="pass", title="import your file",
         output=captured.getvalue()[:OUTPUT_CAP])
    for fn, title, task in _CHECKS:
        emit(event="start", check=fn.__name__)
        t = Checker(solution, settings)
        captured = io.StringIO()
        result = dict(event="result", check=fn.__name__, title=title, task=task)
        try:
            with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
                fn(t)
            result["status"] = "pass"
        except CheckFailed as exc:
            result.update(status="fail", message=exc.message, expected=exc.expected, got=exc.got)
        except BaseException as exc:
            result.update(status="error", message=_learner_error(exc, solution_path))
        result["call"] = t.calls[-1] if t.calls else None
        result["output"] = captured.getvalue()[:OUTPUT_CAP]
        emit(**result)
    return 0


if __name__ == "__main__":  # pragma: no cover - run by dlbench.quiz.exercises
    # checks.py imports dlbench.quiz.harness, which is not this __main__ module: run the
    # imported one so the @check registry and CheckFailed are the ones checks.py uses.
    from dlbench.quiz.harness import main as _main

    sys.exit(_main(sys.argv[1:]))
