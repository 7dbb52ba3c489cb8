"""Results on a read-only medium (a real read-only mount) can still be read."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from dlbench.storage import RunStore


@pytest.fixture
def mount(tmp_path):
    point = tmp_path / "medium"
    point.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(point)],
                          capture_output=True, text=True)
    if made.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip()}")
    try:
        yield point
    finally:
        subprocess.run(["umount", str(point)], capture_output=True)


def test_results_on_a_read_only_mount_can_be_listed_but_not_changed(mount):
    url = f"sqlite:///{mount / 'dlbench.db'}"
    with RunStore(url, create=True) as store:
        run = store.add_run(task="convergence", config={}, config_hash="h" * 64,
                            status="finished", summary={"final_loss": 0.5})
    subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
    assert not os.access(mount, os.W_OK)

    def dlbench(*args):
        return subprocess.run([sys.executable, "-m", "dlbench", "--db", url, *args],
                              capture_output=True, text=True, timeout=60)

    listed = dlbench("results", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert "final_loss" in listed.stdout and f'"id": {run}' in listed.stdout
    tagged = dlbench("results", "tag", str(run), "keep")
    assert tagged.returncode == 1 and "read-only" in tagged.stderr
    assert "Traceback" not in tagged.stderr
