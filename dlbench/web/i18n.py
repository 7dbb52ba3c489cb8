"""Message catalogs (``locales/<area>.<lang>.json``) and the language of a request.

Each area (``common``, ``runs``, ``quiz``) has one flat JSON object per language, keys
prefixed with the area (``runs.table.status``); all areas are merged per language. A test
checks that both languages of an area have the same keys, so a missing translation is a
failing test, not an English word on a Japanese page. At run time a key missing in one
language falls back to English, then to the key itself.

The language of a request: ``?lang=`` (the page then sets a cookie), the cookie, the
browser's ``Accept-Language``, the server's ``--lang``, English.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from .settings import LANGUAGES

LOCALES = Path(__file__).parent / "locales"
COOKIE = "dlbench_lang"
DEFAULT = "en"


def catalog_files() -> dict[str, dict[str, Path]]:
    """area -> language -> catalog file."""
    found: dict[str, dict[str, Path]] = {}
    for path in sorted(LOCALES.glob("*.json")):
        area, _, lang = path.stem.rpartition(".")
        if area and lang in LANGUAGES:
            found.setdefault(area, {})[lang] = path
    return found


@lru_cache(maxsize=1)
def catalogs() -> dict[str, dict[str, str]]:
    """language -> every key of every area."""
    merged: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
    for files in catalog_files().values():
        for lang, path in files.items():
            merged[lang].update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def translate(lang: str, key: str, **fmt) -> str:
    """The text of ``key`` in ``lang`` with ``{name}`` fields filled from ``fmt``."""
    table = catalogs()
    text = table.get(lang, {}).get(key) or table[DEFAULT].get(key) or key
    if not fmt:
        return text
    try:
        return text.format(**fmt)
    except (KeyError, IndexError, ValueError):  # a catalog typo must not break a page
        return text


def normalise(value: str | None) -> str | None:
    """``"ja"`` for ``ja``, ``ja-JP``, ``JA``; ``None`` for anything not served."""
    if not value:
        return None
    head = value.strip().lower().replace("_", "-").split("-", 1)[0]
    return head if head in LANGUAGES else None


def from_accept_language(header: str | None) -> str | None:
    """The served language the browser prefers most (``q`` weights honoured)."""
    best, best_q = None, 0.0
    for part in (header or "").split(","):
        piece = part.strip()
        if not piece:
            continue
        tag, _, params = piece.partition(";")
        q = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                q = float(params[2:])
            except ValueError:
                q = 0.0
        lang = normalise(tag)
        if lang and q > best_q:  # strictly: an earlier entry wins a tie
            best, best_q = lang, q
    return best


def request_language(request, default: str | None = None) -> str:
    """The language of ``request`` (see the module docstring for the order)."""
    return (normalise(request.query_params.get("lang"))
            or normalise(request.cookies.get(COOKIE))
            or from_accept_language(request.headers.get("accept-language"))
            or normalise(default)
            or DEFAULT)
