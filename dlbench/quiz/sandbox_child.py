"""The trusted bootstrap a submission runs under; started by :mod:`dlbench.quiz.sandbox` as
``python -I -B sandbox_child.py CONFIG_JSON``, never imported by the submission.

The process started is the *supervisor*: it makes itself a child subreaper (so that
processes the submission starts, even ones that escape with ``setsid`` and a double fork,
are re-parented to it), forks the *submission* process and waits. The submission process
sets its resource limits (address space, CPU time, file size, no core dumps), gives up
root if it has it (to ``nobody``, so it cannot signal, trace or read the files of the
checker; where ``nobody`` cannot read Python's own files it stays uid 0 but drops every
capability, so at least the limits cannot be raised), imports the learner's file from the scratch folder that holds only a copy of it,
and then serves calls over two pipes of its own (never stdin/stdout, which the learner's
prints use). When the submission process ends, or the checker sends SIGTERM, the
supervisor kills every process below it, reports how the submission ended (exit status,
signal, CPU seconds) on its status pipe and exits.

This file never imports dlbench: the protocol module is loaded by path.
"""

from __future__ import annotations

import ctypes
import importlib.util
import json
import os
import resource
import signal
import sys
import time
import traceback

PR_SET_CHILD_SUBREAPER = 36
NOBODY = 65534
PR_SET_NO_NEW_PRIVS = 38
PR_CAPBSET_DROP = 24
LINUX_CAPABILITY_VERSION_3 = 0x20080522


# ----------------------------------------------------------------------------- supervisor

def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        kids.setdefault(int(fields[1]), []).append(int(name))
    return kids


def descendants(root: int) -> list[int]:
    """Every process below ``root`` (read from /proc), zombies included."""
    kids, out, todo = _children_map(), [], [root]
    while todo:
        for child in kids.get(todo.pop(), ()):
            out.append(child)
            todo.append(child)
    return out


class _Stop(Exception):
    pass


def supervise(config: dict, submission: int) -> None:
    me, status = os.getpid(), {}

    def remember(pid, wstatus, usage):
        if pid == submission and not status:
            status.update(cpu=usage.ru_utime + usage.ru_stime, maxrss_kb=usage.ru_maxrss)
            if os.WIFEXITED(wstatus):
                status["exit"] = os.WEXITSTATUS(wstatus)
            elif os.WIFSIGNALED(wstatus):
                status["signal"] = os.WTERMSIG(wstatus)

    def on_term(signum, frame):
        raise _Stop

    signal.signal(signal.SIGTERM, on_term)
    try:
        remember(*os.wait4(submission, 0))
    except _Stop:
        pass
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    for _ in range(200):  # processes may fork while being killed: repeat until none is left
        found = descendants(me)
        for pid in found:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        while True:
            try:
                pid, wstatus, usage = os.wait4(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            remember(pid, wstatus, usage)
        if not found:
            break
        time.sleep(0.005)
    try:
        os.write(config["status_fd"], (json.dumps(status) + "\n").encode())
    except OSError:
        pass


# ----------------------------------------------------------------------------- submission

def _limit(kind: int, soft: int, hard: int | None = None) -> None:
    try:
        resource.setrlimit(kind, (soft, soft if hard is None else hard))
    except (ValueError, OSError):
        pass


def _drop_root(paths: list[str]) -> None:
    """As root, become ``nobody`` if ``nobody`` can still read what Python needs;
    otherwise stay (the other limits still hold)."""
    if os.geteuid() != 0:
        return
    try:
        os.setegid(NOBODY)
        os.seteuid(NOBODY)
        readable = all(os.access(p, os.R_OK | os.X_OK, effective_ids=True) for p in paths)
    finally:
        os.seteuid(0)
        os.setegid(0)
    if readable:
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)


def _drop_capabilities() -> None:
    """Still root (``nobody`` could not read Python's files): keep the uid but give up every
    capability, now and after any exec, so the limits cannot be raised again and no
    privilege is left beyond owning root's files."""
    if os.geteuid() != 0:
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
        for cap in range(64):
            libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)
        header = (ctypes.c_uint32 * 2)(LINUX_CAPABILITY_VERSION_3, 0)
        data = (ctypes.c_uint32 * 6)()  # effective, permitted, inheritable (x2): all empty
        libc.capset(header, data)
    except (OSError, AttributeError):
        pass


def _where(exc: BaseException, solution: str) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == solution]
    return f" (your file, line {frames[-1].lineno}: {frames[-1].line})" if frames else ""


class Server:
    """Reads requests, runs them in the learner's module, writes replies."""

    def __init__(self, codec, req_fd: int, rep_fd: int, solution: str):
        self.codec, self.solution, self.module = codec, solution, None
        self.req = open(req_fd, "rb", buffering=1 << 16)
        self.rep = open(rep_fd, "wb", buffering=0)

    def read(self):
        head = self.req.read(self.codec.FRAME_HEADER.size)
        if len(head) < self.codec.FRAME_HEADER.size:
            raise EOFError
        _, text_len, blob_len = self.codec.FRAME_HEADER.unpack(head)
        body = self.req.read(text_len + blob_len)
        if len(body) < text_len + blob_len:
            raise EOFError
        return json.loads(body[:text_len]), body[text_len:]

    def send(self, frame: bytes) -> None:
        for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
            try:  # prints before the reply, so the checker can tell which call printed them
                stream.flush()
            except Exception:
                pass
        self.rep.write(frame)

    def failure(self, exc: BaseException, doing: str) -> dict:
        if isinstance(exc, SystemExit):
            return {"exit": repr(exc.code)[:100], "doing": doing}
        if isinstance(exc, MemoryError):
            return {"memory": True}
        try:
            text = str(exc)
        except Exception:
            text = "(its message cannot be shown)"
        return {"raised": type(exc).__name__[:100], "message": text[:1000],
                "where": _where(exc, self.solution)[:400]}

    def run_import(self) -> dict:
        spec = importlib.util.spec_from_file_location("solution", self.solution)
        module = importlib.util.module_from_spec(spec)
        sys.modules["solution"] = module
        try:
            spec.loader.exec_module(module)
        except BaseException as exc:  # the learner's file may raise anything, even SystemExit
            return self.failure(exc, "import")
        self.module = module
        return {"ok": None}

    def callback(self, ident: int):
        """The function standing for a checker's callable: calls back over the pipes."""
        def remote(*args, **kwargs):
            enc = self.codec.Encoder()
            frame = enc.frame({"callback": ident, "args": enc.value(list(args)),
                               "kwargs": enc.value(kwargs)})
            self.send(frame)
            while True:
                message, blobs = self.read()
                op = message.get("op")
                if op == "return":
                    return self.codec.Decoder(blobs).value(message["value"])
                if op == "raise":
                    raise RuntimeError(message.get("message", "the checker's function failed"))
                self.handle(message, blobs)  # a nested call from the checker
        return remote

    def run_call(self, message: dict, blobs: bytes) -> bytes:
        import numpy as np

        codec = self.codec
        dec = codec.Decoder(blobs, callback=self.callback)
        args, kwargs = dec.value(message["args"]), dec.value(message["kwargs"])
        fn = getattr(self.module, message["name"], None)
        if not callable(fn):
            name = message["name"]
            return codec.encode({"missing": f"your file defines no function {name!r}"
                                 if fn is None else f"{name!r} in your file is "
                                 f"{codec.describe(fn)}, not a function"})
        before = codec.snapshot(dec.mutables)
        try:
            with np.errstate(**message.get("errstate", {})):
                value = fn(*args, **kwargs)
        except BaseException as exc:
            return codec.encode(self.failure(exc, "call"))
        enc = codec.Encoder()
        try:
            encoded = enc.value(value)
        except codec.Unsupported as exc:
            return codec.encode({"unsupported": exc.what})
        changes = []
        for i in codec.changed(before, dec.mutables):
            m = dec.mutables[i]
            changes.append([i, enc.array(m) if isinstance(m, np.ndarray)
                            else {"state": json.dumps(m.bit_generator.state)}])
        return enc.frame({"ok": encoded, "changed": changes})

    def handle(self, message: dict, blobs: bytes) -> None:
        op = message.get("op")
        if op == "import":
            self.send(self.codec.encode(self.run_import()))
        elif op == "call":
            self.send(self.run_call(message, blobs))
        else:
            raise EOFError

    def serve(self) -> None:
        while True:
            try:
                message, blobs = self.read()
                self.handle(message, blobs)
            except EOFError:
                return


def submission(config: dict) -> None:
    os.close(config["status_fd"])
    solution = config["solution"]
    spec = importlib.util.spec_from_file_location(
        "dlbench_sandbox_codec", os.path.join(os.path.dirname(__file__), "sandbox_codec.py"))
    codec = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(codec)
    import numpy

    _limit(resource.RLIMIT_CORE, 0)
    _limit(resource.RLIMIT_FSIZE, config["file_bytes"])
    _limit(resource.RLIMIT_CPU, config["cpu_s"], config["cpu_s"] + 1)
    _limit(resource.RLIMIT_AS, config["memory_bytes"])
    _drop_root([os.path.dirname(numpy.__file__), os.path.dirname(os.__file__),
                os.path.dirname(solution), solution])
    _drop_capabilities()
    sys.argv = [os.path.basename(solution)]
    server = Server(codec, config["req_fd"], config["rep_fd"], solution)
    try:
        server.serve()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
    os._exit(0)


def main() -> None:
    config = json.loads(sys.argv[1])
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux: the checker's process-group kill is all there is
    pid = os.fork()
    if pid == 0:
        try:
            submission(config)
        except BaseException:
            traceback.print_exc()
        os._exit(0)
    os.close(config["req_fd"])
    os.close(config["rep_fd"])
    supervise(config, pid)
    os._exit(0)


if __name__ == "__main__":
    main()
