"""``dlbench serve`` as a command: the missing extra, non-loopback warning."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_without_the_web_extra_the_command_says_what_to_install(tmp_path):
    code = textwrap.dedent("""
        import sys
        for name in ("fastapi", "uvicorn", "starlette", "jinja2"):
            sys.modules[name] = None  # as if the web extra were not installed
        from dlbench.cli import main
        main(["serve", "--port", "0"])
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, cwd=tmp_path)
    assert proc.returncode == 2
    assert "Error: dlbench serve needs the web extra" in proc.stderr
    assert "pip install 'dlbench[web]'" in proc.stderr
    assert "Traceback" not in proc.stderr
