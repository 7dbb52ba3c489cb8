"""The test server fixture itself: it stops and cleans up, and it never skips silently in CI."""

from __future__ import annotations

import socket

import pytest

from tests.postgres_server import PostgresServer, find_bin_dir, unavailable


def test_without_a_server_tests_skip_locally_and_fail_in_ci(monkeypatch):
    monkeypatch.delenv("DLBENCH_REQUIRE_SERVICES", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no binaries"):
        unavailable("no binaries")
    monkeypatch.setenv("DLBENCH_REQUIRE_SERVICES", "1")
    with pytest.raises(pytest.fail.Exception, match="required here.*no binaries"):
        unavailable("no binaries")


@pytest.mark.slow
def test_a_server_starts_on_loopback_and_stop_removes_everything(postgres_server):
    server = PostgresServer(find_bin_dir())  # a second one, beside the session's
    try:
        server.start()
        with socket.create_connection(("127.0.0.1", server.port), timeout=5):
            pass
        assert server.create_database("probe").endswith(f":{server.port}/probe")
    finally:
        server.stop()
    assert not server.root.exists()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.port), timeout=2).close()
