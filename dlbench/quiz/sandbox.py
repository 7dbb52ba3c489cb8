"""Running a learner's file in a sandbox and calling its functions from the checker.

The checker (this process) never imports the learner's file. :class:`Sandbox` copies it
alone into a scratch folder and starts ``sandbox_child.py`` (a trusted bootstrap, see its
docstring) in a new session, with limits on CPU time, address space and file size. Calls
go over a pipe pair of their own; what the submission returns comes back as JSON plus raw
array bytes (:mod:`~dlbench.quiz.sandbox_codec`, no pickle) and is judged here, where the
submission cannot reach: it never receives the exercise folder, the checks or the place
where results are kept. Its stdout and stderr go through one more pipe that this side
reads with a cap; a wall-clock deadline covers everything. At the end the bootstrap kills
every process the submission started (it is their child subreaper), and the process group
is killed in case the bootstrap itself was stopped.

Every way a submission can fail to give an answer becomes a sentence a learner
understands: :class:`SubmissionRaised` (the call raised; the sandbox lives on),
:class:`Uncheckable` (it returned something that cannot be checked, or the function does
not exist) and :class:`SubmissionStopped` (the process is gone: exited, over a limit).
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from .sandbox_codec import Decoder, Encoder, Unreadable, Unsupported, encode, split_frame
from .sandbox_limits import (Limits, SubmissionRaised, SubmissionStopped,  # noqa: F401
                             Uncheckable, size_text as _size)

CHILD = Path(__file__).with_name("sandbox_child.py")
SOLUTION_NAME = "solution.py"
MAX_REPLY = 16 << 20
_CHUNK = 1 << 16


class Sandbox:
    """One submission process: ``with Sandbox(path, limits) as box: box.import_solution();
    box.call("f", (x,), {})``."""

    def __init__(self, solution: str | os.PathLike, limits: Limits = Limits()):
        self.source = Path(solution)
        self.limits = limits
        self.output = bytearray()
        self.output_total = 0
        self.stopped: SubmissionStopped | None = None
        self._proc = None
        self._scratch = None
        self._reply = bytearray()
        self._status_text = b""
        self._status: dict | None = None
        self._fds: dict[str, int] = {}

    # ------------------------------------------------------------------ lifetime

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> None:
        self._scratch = tempfile.mkdtemp(prefix="dlbench-sandbox-")
        os.chmod(self._scratch, 0o755)  # readable by "nobody", whom a root checker runs it as
        copy = Path(self._scratch) / SOLUTION_NAME
        shutil.copyfile(self.source, copy)
        os.chmod(copy, 0o644)
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        st_r, st_w = os.pipe()
        out_r, out_w = os.pipe()
        config = {"req_fd": req_r, "rep_fd": rep_w, "status_fd": st_w, "solution": str(copy),
                  "cpu_s": self.limits.cpu, "memory_bytes": self.limits.memory_bytes,
                  "file_bytes": self.limits.file_bytes}
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self._scratch,
               "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1",
               "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        self.deadline = time.monotonic() + self.limits.wall_s
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-I", "-B", str(CHILD), json.dumps(config)],
                stdin=subprocess.DEVNULL, stdout=out_w, stderr=out_w, cwd=self._scratch,
                env=env, pass_fds=(req_r, rep_w, st_w), start_new_session=True)
        finally:
            for fd in (req_r, rep_w, st_w, out_w):
                os.close(fd)
        self._fds = {"req": req_w, "rep": rep_r, "status": st_r, "out": out_r}
        for fd in self._fds.values():
            os.set_blocking(fd, False)

    def close(self) -> None:
        """Stop the bootstrap (it kills every process below it), then the process group."""
        proc, self._proc = self._proc, None
        if proc is not None:
            try:
                proc.send_signal(signal.SIGTERM)
            except OSError:
                pass
            give_up = time.monotonic() + 5.0
            while time.monotonic() < give_up:  # wait for it to exit, but do not reap it
                try:  # yet: while it is a zombie its process-group id cannot be reused
                    if os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT):
                        break
                except ChildProcessError:
                    break
                time.sleep(0.01)
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
            proc.wait()
        for fd in self._fds.values():
            try:
                os.close(fd)
            except OSError:
                pass
        self._fds = {}
        if self._scratch:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    # ------------------------------------------------------------------ output

    def output_mark(self) -> int:
        self._drain_output()
        return self.output_total

    def output_since(self, mark: int) -> str:
        """What was printed since ``mark`` (up to the cap that is kept)."""
        self._drain_output()
        return bytes(self.output[mark:]).decode("utf-8", "replace")

    def _take_output(self, data: bytes) -> None:
        room = self.limits.output_bytes - len(self.output)
        if room > 0:
            self.output += data[:room]
        self.output_total += len(data)
        if self.output_total > self.limits.output_bytes:
            self._stop(f"printed more than {_size(self.limits.output_bytes)}")

    def _drain_output(self) -> None:
        fd = self._fds.get("out")
        while fd is not None and self.stopped is None:
            try:
                data = os.read(fd, _CHUNK)
            except (BlockingIOError, OSError):
                return
            if not data:
                return
            try:
                self._take_output(data)
            except SubmissionStopped:
                return

    # ------------------------------------------------------------------ stopping

    def _stop(self, reason: str, *, timed_out: bool = False):
        """Kill the submission and raise (and remember) why."""
        if self.stopped is None:
            self.stopped = SubmissionStopped(reason, timed_out=timed_out)
            self.close()
        raise self.stopped

    def _ended(self, phase: str):
        """The submission process ended by itself: say how, from the bootstrap's report."""
        wait_until = min(time.monotonic() + 5.0, max(self.deadline, time.monotonic() + 0.5))
        while self._status is None and time.monotonic() < wait_until:
            self._pump([], max(0.0, wait_until - time.monotonic()))
        st = self._status or {}
        during = "while being imported" if phase == "import" else "before returning"
        cpu = float(st.get("cpu") or 0)
        if isinstance(st.get("exit"), int):
            code = st["exit"]
            reason = (f"your code exited (status {code}) while being imported" if phase == "import"
                      else f"your code exited with status {code} before returning")
        elif isinstance(st.get("signal"), int):
            sig = st["signal"]
            if sig == signal.SIGXCPU or (sig == signal.SIGKILL and cpu >= self.limits.cpu - 0.5):
                reason = f"used more than {self.limits.cpu:g} s of CPU"
            elif sig == signal.SIGXFSZ:
                reason = f"wrote a file larger than {_size(self.limits.file_bytes)}"
            else:
                try:
                    name = signal.Signals(sig).name
                except ValueError:
                    name = str(sig)
                reason = f"your code was killed by signal {name} {during}"
        else:
            reason = f"the sandbox your code runs in ended unexpectedly {during}"
        self._stop(reason)

    # ------------------------------------------------------------------ the pipes

    def _pump(self, writing: list[int], timeout: float) -> list[int]:
        """Wait for any pipe, read what came (output, reply bytes, the final status) and
        return the writable ones of ``writing``."""
        reading = [fd for key, fd in self._fds.items() if key != "req"]
        readable, writable, _ = select.select(reading, writing, [], timeout)
        for fd in readable:
            try:
                data = os.read(fd, _CHUNK)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if fd == self._fds.get("out"):
                if data:
                    self._take_output(data)
                else:
                    self._fds.pop("out")
            elif fd == self._fds.get("status"):
                self._status_text += data
                if not data or b"\n" in self._status_text:
                    try:
                        self._status = json.loads(self._status_text.split(b"\n")[0])
                    except ValueError:
                        self._status = {}
                    if not isinstance(self._status, dict):
                        self._status = {}
                    self._fds.pop("status")
            elif fd == self._fds.get("rep"):
                if data:
                    self._reply += data
                    if len(self._reply) > MAX_REPLY + _CHUNK:
                        self._check_frame()
                else:
                    self._fds.pop("rep")
        return writable

    def _remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            self._stop(f"stopped at the time limit of {self.limits.wall_s:g} s (an infinite loop, "
                       "or far too slow)", timed_out=True)
        return left

    def _check_frame(self):
        try:
            return split_frame(self._reply, MAX_REPLY)
        except Unreadable as exc:
            self._stop(f"your function returned more than {_size(MAX_REPLY)} of data"
                       if "limit" in str(exc) else
                       f"your code wrote {exc} to the checker's pipe")

    def _send(self, frame: bytes, phase: str) -> None:
        if self.stopped is not None:
            raise self.stopped
        view = memoryview(frame)
        while view:
            if self._status is not None or "rep" not in self._fds:
                self._ended(phase)
            if self._fds["req"] in self._pump([self._fds["req"]], self._remaining()):
                try:
                    view = view[os.write(self._fds["req"], view[:_CHUNK]):]
                except BlockingIOError:
                    continue
                except BrokenPipeError:
                    self._ended(phase)

    def _receive(self, phase: str) -> tuple[dict, bytes]:
        while True:
            got = self._check_frame()
            if got is not None:
                message, blobs, rest = got
                self._reply = bytearray(rest)
                return message, blobs
            if self._status is not None or "rep" not in self._fds:
                self._pump([], 0)  # a reply written just before the process ended
                got = self._check_frame()
                if got is None:
                    self._ended(phase)
                continue
            self._pump([], self._remaining())

    # ------------------------------------------------------------------ requests

    def import_solution(self) -> None:
        """Import the learner's file in the sandbox; raises if that fails."""
        self._send(encode({"op": "import"}), "import")
        reply, _ = self._receive("import")
        if "ok" in reply:
            return
        self._failure(reply, "while being imported")

    def call(self, name: str, args: tuple = (), kwargs: dict | None = None):
        """Call the learner's function ``name``; arrays the call changed in place are
        changed here too, so "the input is not modified" can be checked."""
        enc = Encoder(allow_callables=True)
        message = {"op": "call", "name": name, "args": enc.value(list(args)),
                   "kwargs": enc.value(dict(kwargs or {})), "errstate": np.geterr()}
        self._send(enc.frame(message), "call")
        while True:
            reply, blobs = self._receive("call")
            if "callback" in reply:
                self._callback(reply, blobs, enc.callables)
                continue
            return self._result(reply, blobs, enc.mutables)

    def _callback(self, reply: dict, blobs: bytes, callables: list) -> None:
        """The learner's code called a function the checker passed (numerical_gradient(f, x))."""
        ident = reply.get("callback")
        try:
            if not (type(ident) is int and 0 <= ident < len(callables)):
                raise Unreadable("a call of an unknown function")
            dec = Decoder(blobs)
            args, kwargs = dec.value(reply.get("args")), dec.value(reply.get("kwargs"))
            if not (isinstance(args, list) and isinstance(kwargs, dict)):
                raise Unreadable("a malformed call")
        except (Unreadable, Unsupported, KeyError, TypeError) as exc:
            self._stop(f"your code wrote {exc} to the checker's pipe")
        try:
            value = callables[ident](*args, **kwargs)
            enc = Encoder()
            frame = enc.frame({"op": "return", "value": enc.value(value)})
        except Exception as exc:  # e.g. the learner called f with the wrong arguments
            frame = encode({"op": "raise", "message": f"{type(exc).__name__}: {exc}"[:1000]})
        self._send(frame, "call")

    def _result(self, reply: dict, blobs: bytes, mutables: list):
        if "ok" in reply:
            dec = Decoder(blobs)
            try:
                value = dec.value(reply["ok"])
                changes = reply.get("changed") or []
                for i, new in changes if isinstance(changes, list) else ():
                    if type(i) is not int or not 0 <= i < len(mutables):
                        raise Unreadable("a malformed reply")
                    self._apply_change(mutables[i], new, dec)
            except Unsupported as exc:
                raise Uncheckable(f"your function returned {exc.what}, which cannot be "
                                  "checked") from None
            except (Unreadable, KeyError, TypeError, ValueError) as exc:
                self._stop(f"your code wrote {exc} to the checker's pipe")
            return value
        if isinstance(reply.get("missing"), str):
            raise Uncheckable(reply["missing"][:300])
        if isinstance(reply.get("unsupported"), str):
            raise Uncheckable(f"your function returned {reply['unsupported'][:200]}, which "
                              "cannot be checked")
        self._failure(reply, "before returning")

    @staticmethod
    def _apply_change(original, new, dec: Decoder) -> None:
        if isinstance(original, np.ndarray):
            changed = dec.array(new)
            if changed.shape == original.shape and original.flags.writeable:
                np.copyto(original, changed, casting="unsafe")
        elif isinstance(new, dict) and isinstance(new.get("state"), str):
            try:
                original.bit_generator.state = json.loads(new["state"])
            except (ValueError, TypeError, KeyError):
                pass

    def _failure(self, reply: dict, during: str):
        if reply.get("memory") is True:
            raise SubmissionRaised(f"used more than {_size(self.limits.memory_bytes)} of memory")
        if isinstance(reply.get("exit"), str):
            raise SubmissionRaised(f"your code called sys.exit({reply['exit'][:100]}) {during}")
        if isinstance(reply.get("raised"), str):
            where = reply.get("where") if isinstance(reply.get("where"), str) else ""
            message = reply.get("message") if isinstance(reply.get("message"), str) else ""
            raise SubmissionRaised(f"raised {reply['raised'][:100]}: {message[:1000]}"
                                   f"{where[:400]}")
        self._stop("your code wrote something other than a reply to the checker's pipe")
