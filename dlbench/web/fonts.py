"""The bundled Japanese font for the pages (the same IPAex Gothic the figures and the
report use), so Japanese text renders on a machine with no Japanese system font.

Served from the installed ``matplotlib-fontja`` package rather than copied into ours;
``app.css`` declares it with a CJK ``unicode-range``, so browsers fetch it only for
Japanese characters their own fonts lack.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

from ..report.fonts import bundled_font_path

router = APIRouter(include_in_schema=False)


@router.get("/fonts/ipaexg.ttf")
def japanese_font() -> FileResponse:
    path = bundled_font_path()
    if path is None:
        raise HTTPException(404, "the Japanese font package (matplotlib-fontja) is not installed")
    return FileResponse(path, media_type="font/ttf",
                        headers={"Cache-Control": "public, max-age=604800"})
