"""The browser tests' own rules are enforced: a request to a host other than 127.0.0.1 or a
console error fails a test. Checked on a page served by a tiny local server (independent of
dlbench's pages), directly and by running a child pytest whose test must fail."""

from __future__ import annotations

import http.server
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

LEAKY_PAGE = b"""<!doctype html><html><head><meta charset="utf-8"><title>leaky</title></head>
<body><p>leaky page</p>
<img src="http://example.invalid/pixel.png" alt="">
<script src="/leak.js"></script></body></html>"""
LEAK_JS = b"fetch('http://127.0.0.2:9/beacon').catch(function () {});"
CLEAN_PAGE = b"""<!doctype html><html><head><meta charset="utf-8"><title>clean</title></head>
<body><p>clean page</p></body></html>"""


class _Handler(http.server.BaseHTTPRequestHandler):
    pages = {"/leaky": (LEAKY_PAGE, "text/html"), "/leak.js": (LEAK_JS, "text/javascript"),
             "/clean": (CLEAN_PAGE, "text/html")}

    def do_GET(self):  # noqa: N802 - the stdlib's name
        body, kind = self.pages.get(self.path, (b"", "text/plain"))
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_requests_to_other_hosts_are_caught_and_aborted(guarded_page, guard, local_site):
    guarded_page.goto(local_site + "/leaky")
    guarded_page.wait_for_function("() => document.readyState === 'complete'")
    guarded_page.wait_for_timeout(300)  # the script's fetch
    hosts = sorted({u.split("/")[2] for u in guard.foreign})
    assert hosts == ["127.0.0.2:9", "example.invalid"]
    with pytest.raises(pytest.fail.Exception, match="host other than 127.0.0.1"):
        guard.check()
    guard.reset()  # this test is about the guard; it must not fail itself
    guarded_page.goto(local_site + "/clean")
    assert guard.problems() == []


def test_a_test_whose_page_leaves_loopback_fails(tmp_path, local_site):
    """A child pytest with this conftest: the leaky test fails, the clean one passes."""
    (tmp_path / "conftest.py").write_text(Path(__file__).with_name("conftest.py").read_text())
    (tmp_path / "test_inner.py").write_text(textwrap.dedent(f"""
        def test_leaky(guarded_page):
            guarded_page.goto("{local_site}/leaky")
            guarded_page.wait_for_timeout(500)

        def test_console_error(guarded_page):
            guarded_page.goto("{local_site}/clean")
            guarded_page.evaluate("console.error('boom from the page')")

        def test_clean(guarded_page):
            guarded_page.goto("{local_site}/clean")
    """))
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "test_inner.py"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "2 failed, 1 passed" in out, out
    assert "request to a host other than 127.0.0.1: http://example.invalid/pixel.png" in out
    assert "console error: boom from the page" in out
