"""The vendored browser libraries are exactly the published files, with their licences."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

VENDOR = Path(__file__).resolve().parents[2] / "dlbench" / "web" / "static" / "vendor"

#: sha256 of the files from `npm pack htmx.org@2.0.11` and `npm pack uplot@1.6.32`
PINNED = {
    "htmx-2.0.11.min.js": "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717",
    "htmx-LICENSE": "d3d2456f76414f2456104660ebd65aff1c04cd7966b942bdabd63f3cdb316a38",
    "uPlot-1.6.32.iife.min.js": "19c8d4c6ad88929a79f4ae49d6f7161566dfd0ba3d15cc495e974f787eb78f1f",
    "uPlot-1.6.32.min.css": "df630c6a8d6f8eeaff264b50f73ce5b114f646ffd9a0bb74f049b0a00135fa04",
    "uPlot-LICENSE": "8f989229699b4fe2f1a0432d0e9edc338a8a911e250e2d1b01ecd770a5f5b1bd",
}


@pytest.mark.parametrize("name", sorted(PINNED))
def test_vendored_file_matches_its_pinned_hash(name):
    data = (VENDOR / name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == PINNED[name]


def test_every_vendored_file_is_pinned_and_licensed():
    assert {p.name for p in VENDOR.iterdir()} == set(PINNED)
    assert "Zero-Clause BSD" in (VENDOR / "htmx-LICENSE").read_text()
    assert "MIT" in (VENDOR / "uPlot-LICENSE").read_text()


def test_the_files_are_the_versions_their_names_say():
    assert b'version:"2.0.11"' in (VENDOR / "htmx-2.0.11.min.js").read_bytes()
    assert b"1.6.32" in (VENDOR / "uPlot-1.6.32.iife.min.js").read_bytes()[:400]
