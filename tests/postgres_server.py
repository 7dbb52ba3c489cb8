"""A private PostgreSQL server for the test session, and a fresh database per test.

Registered from ``tests/conftest.py`` (``pytest_plugins``). The server is started on first
use only (tests that never ask for ``pg_url`` cost nothing): ``initdb`` into a temporary
folder, ``pg_ctl start`` on a free loopback port with its socket in that folder, and
``pg_ctl stop -m fast`` when the session ends, whether tests passed or not. Debian's server
binaries live in ``/usr/lib/postgresql/<version>/bin``; ``initdb`` refuses to run as root,
so it and ``pg_ctl`` run as the ``postgres`` user then.

Without the binaries (or psycopg) the tests that need the server skip with the reason,
unless ``DLBENCH_REQUIRE_SERVICES=1`` (CI), where they fail: they never silently skip there.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

USER = "dlbench"
PASSWORD_USER, PASSWORD = "dlbench_pw", "right-horse-battery"  # the one role with a password


def find_bin_dir() -> Path | None:
    """The newest ``/usr/lib/postgresql/*/bin`` holding initdb and pg_ctl (or PATH's)."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                        key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit()
                        else 0, reverse=True)
    for folder in candidates:
        if all(os.access(Path(folder) / name, os.X_OK) for name in ("initdb", "pg_ctl")):
            return Path(folder)
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).parent
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unavailable(reason: str):
    """Fail under ``DLBENCH_REQUIRE_SERVICES=1`` (CI), else skip with ``reason``."""
    if os.environ.get("DLBENCH_REQUIRE_SERVICES") == "1":
        pytest.fail(f"PostgreSQL is required here (DLBENCH_REQUIRE_SERVICES=1): {reason}")
    pytest.skip(reason)


class PostgresServer:
    """One ``initdb`` + ``pg_ctl`` server; :meth:`stop` removes its data folder."""

    def __init__(self, bin_dir: Path):
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="dlbench-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        self.log = self.root / "server.log"

    def _cmd(self, *args: str) -> list[str]:
        cmd = [str(self.bin_dir / args[0]), *args[1:]]
        return ["runuser", "-u", "postgres", "--", *cmd] if self.as_root else cmd

    def _run(self, *args: str, timeout: float = 60) -> None:
        done = subprocess.run(self._cmd(*args), capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed ({done.returncode}): "
                               f"{(done.stderr or done.stdout).strip()[-500:]}")

    def start(self) -> None:
        if self.as_root:  # the postgres user must own the folder it initialises and writes
            shutil.chown(self.root, "postgres", "postgres")
        self.root.chmod(0o700)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", USER, "--no-sync")
        hba = self.data / "pg_hba.conf"  # one role that must give its password (bad-login tests)
        hba.write_text(f"host all {PASSWORD_USER} 127.0.0.1/32 scram-sha-256\n" + hba.read_text())
        options = (f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c max_connections=100")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log),
                  "-w", "start")
        self.admin(f"CREATE ROLE {PASSWORD_USER} LOGIN PASSWORD '{PASSWORD}'")

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        """Run one statement as the superuser in the ``postgres`` database."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=USER, dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self, name: str) -> str:
        self.admin(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_server():
    """The session's PostgreSQL server (started on first use, stopped at the end)."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        unavailable("PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin); "
                    "install them with 'apt-get install -y postgresql'")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        unavailable("psycopg is not installed (pip install 'dlbench[postgres]')")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        unavailable("running as root without 'runuser' to start PostgreSQL as 'postgres'")
    server = PostgresServer(bin_dir)
    try:
        server.start()
    except (RuntimeError, OSError, subprocess.TimeoutExpired, LookupError) as exc:
        server.stop()
        unavailable(f"could not start a PostgreSQL server: {exc}")
    try:
        yield server
    finally:
        server.stop()


_numbers = itertools.count(1)


@pytest.fixture
def pg_url(postgres_server) -> str:
    """A fresh, empty database on the session's server, as a SQLAlchemy URL; dropped
    afterwards with the engines this process still holds on it (stores a test left open)."""
    name = f"t{os.getpid()}_{next(_numbers)}"
    url = postgres_server.create_database(name)
    yield url
    from dlbench.storage import engine as engines

    for key in [k for k in engines._server_engines if k[1] == url]:
        engines._server_engines.pop(key)[0].dispose()
    postgres_server.drop_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_url(request, tmp_path) -> str:
    """A fresh results-database URL on each back end (SQLite file, PostgreSQL database)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'any.db'}"
    return request.getfixturevalue("pg_url")
