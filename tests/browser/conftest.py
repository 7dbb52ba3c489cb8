"""Browser tests: a real ``dlbench serve`` subprocess driven by the system Chromium.

- ``served``: one server per test session on a free 127.0.0.1 port, with its own results
  database (a few real ``dlbench run --preset test`` runs in it) and quiz-progress database,
  stopped at the end.
- ``browser_type_launch_args`` launches ``/usr/bin/chromium`` (Debian's package, installed
  by ``.ci/run``); ``playwright install`` is never run (it downloads browsers).
- ``guarded_page``: a page whose every request to a host other than 127.0.0.1 is recorded
  and aborted, and whose console errors (a CSP violation is one) and uncaught page errors
  are recorded; a test with any of them fails (checked by the ``pytest_runtest_call``
  wrapper below, so it is a failure of the test, not an error in a fixture).
- ``shot(page, name)`` writes a full-page screenshot to ``results/screenshots/NAME.png``.

Without ``/usr/bin/chromium`` the tests skip, unless ``DLBENCH_REQUIRE_SERVICES=1`` (CI),
where they fail: they must never silently skip in CI.
This file is self-contained (no relative imports): the guard's self-test copies it into a
scratch folder to run a failing test in a child pytest.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("DLBENCH_SCREENSHOTS", ROOT / "results" / "screenshots"))
ALLOWED_HOST = "127.0.0.1"
START_TIMEOUT_S = 60.0
#: the tag of the served database's first convergence runs (sgd and adam × seeds 0, 1)
COMPARE_TAG = "browser-compare"


def _require_services() -> bool:
    return os.environ.get("DLBENCH_REQUIRE_SERVICES", "").strip() not in ("", "0")


def _missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is not installed (apt-get install chromium)"
    try:
        import fastapi  # noqa: F401
        import playwright  # noqa: F401
    except ImportError as exc:
        return f"the web/test extra is not installed ({exc})"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _missing()
    here = Path(__file__).parent
    for item in items:
        if here not in Path(str(item.fspath)).parents:
            continue
        item.add_marker(pytest.mark.slow)
        if reason and not _require_services():
            item.add_marker(pytest.mark.skip(reason=reason))
        # with DLBENCH_REQUIRE_SERVICES=1 they run, and the fixtures fail with the reason


# -- the server -------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((ALLOWED_HOST, 0))
        return sock.getsockname()[1]


def dlbench_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "dlbench", *args]


def child_env(home: Path, quiz_db_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DLBENCH_")}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
               DLBENCH_QUIZ_DB=quiz_db_url, PYTHONUNBUFFERED="1", LANG="C.UTF-8")
    return env


@dataclass
class Served:
    url: str
    port: int
    db_url: str
    quiz_db_url: str
    folder: Path
    env: dict
    proc: subprocess.Popen | None = None
    log: Path | None = None
    run_ids: list[int] = field(default_factory=list)

    def get(self, path: str, timeout: float = 5.0) -> bytes:
        with urllib.request.urlopen(self.url + path, timeout=timeout) as resp:
            return resp.read()


def wait_until_up(url: str, proc: subprocess.Popen, log: Path, timeout: float = START_TIMEOUT_S):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"dlbench serve exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/", timeout=2) as resp:
                if resp.status < 500:
                    return
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"dlbench serve did not answer within {timeout:.0f} s:\n{log.read_text()}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def populate(served: Served) -> None:
    """A few real runs of the fast test preset: convergence with two optimizers × two
    seeds (what compare groups), and trajectories (another task for the filters)."""
    for args in (("convergence", "--seeds", "2", "--optimizer", "sgd,adam"),
                 ("trajectories", "--seeds", "1")):
        subprocess.run(dlbench_cmd("--db", served.db_url, "run", *args, "--preset", "test",
                                   "--workers", "1", "-q"),
                       cwd=served.folder, env=served.env, check=True, timeout=300,
                       capture_output=True)
    from dlbench.storage import RunStore

    with RunStore(served.db_url) as store:  # what the compare test picks, whatever runs later
        served.run_ids = sorted(store.run_ids(task="convergence"))
        store.set_tag(served.run_ids, COMPARE_TAG)


@pytest.fixture(scope="session")
def served(tmp_path_factory) -> Served:
    reason = _missing()
    if reason:
        if _require_services():
            pytest.fail(f"DLBENCH_REQUIRE_SERVICES=1 but {reason}")
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("served")
    (folder / "home").mkdir()
    port = free_port()
    quiz_db = f"sqlite:///{folder / 'quiz.db'}"
    s = Served(f"http://{ALLOWED_HOST}:{port}", port, f"sqlite:///{folder / 'results.db'}",
               quiz_db, folder, child_env(folder / "home", quiz_db))
    populate(s)
    s.log = folder / "serve.log"
    with open(s.log, "wb") as log:
        s.proc = subprocess.Popen(
            dlbench_cmd("serve", "--db", s.db_url, "--host", ALLOWED_HOST, "--port", str(port),
                        "--lang", "en"),
            cwd=folder, env=s.env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_up(s.url, s.proc, s.log)
        yield s
    finally:
        stop(s.proc)


# -- the browser ---------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a downloaded browser."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM}


@dataclass
class Guard:
    """What a page did that a test must not allow."""

    foreign: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    allowed_console: list[str] = field(default_factory=list)

    def allow_console(self, pattern: str) -> None:
        """Expect console errors matching ``pattern`` (a regex), e.g. the browser's
        "status of 404" line when a test opens an unknown id on purpose."""
        self.allowed_console.append(pattern)

    def console(self, text: str) -> None:
        if not any(re.search(p, text) for p in self.allowed_console):
            self.console_errors.append(text)

    def problems(self) -> list[str]:
        return ([f"request to a host other than {ALLOWED_HOST}: {u}" for u in self.foreign] +
                [f"console error: {m}" for m in self.console_errors] +
                [f"page error: {m}" for m in self.page_errors])

    def check(self) -> None:
        problems = self.problems()
        if problems:
            pytest.fail("the page broke the browser-test rules:\n  " + "\n  ".join(problems),
                        pytrace=False)

    def reset(self) -> None:
        self.foreign.clear()
        self.console_errors.clear()
        self.page_errors.clear()


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.hostname == ALLOWED_HOST


@pytest.fixture
def guard() -> Guard:
    reason = _missing()
    if reason:  # only reached with DLBENCH_REQUIRE_SERVICES=1 (else the test is skipped)
        pytest.fail(f"DLBENCH_REQUIRE_SERVICES=1 but {reason}")
    return Guard()


@pytest.fixture
def guarded_page(guard, context, request):
    """A page that records (and aborts) requests leaving 127.0.0.1 and records console
    errors; the test fails if any happened (see :func:`pytest_runtest_call`). ``guard`` comes
    first so a missing browser fails with its reason before Playwright tries to launch it."""

    def route(r):
        if _is_local(r.request.url):
            r.continue_()
        else:
            guard.foreign.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda msg: msg.type == "error" and guard.console(msg.text))
    page.on("pageerror", lambda exc: guard.page_errors.append(str(exc)))
    page.set_default_timeout(20_000)
    request.node._dlbench_guard = guard
    yield page
    page.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    guard = getattr(item, "_dlbench_guard", None)
    if guard is not None:
        guard.check()
    return result


def shot(page, name: str) -> Path:
    """A full-page screenshot in ``results/screenshots/NAME.png`` for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def screenshot():
    """``screenshot(page, name)``: :func:`shot` as a fixture (tests need not import it)."""
    return shot
