"""The bundled Japanese font embedded in the report, cut down to the characters it shows.

A report opened on a machine without Japanese fonts (or mailed to one) would show
Japanese text, even the book title of an English report, as boxes. The page therefore
carries an ``@font-face`` rule whose font is a WOFF subset of IPAex Gothic (from
``matplotlib-fontja``, see :mod:`dlbench.report.fonts`) holding only the non-ASCII
characters of the page, as a ``data:`` URI. The CSS lists it after the system's
Japanese fonts, so a browser uses it only for characters they lack.

The IPA Font License v1.0 lets a document embed the font for rendering itself
(Article 2.5); we give the subset our own family name, :data:`FAMILY`. fontTools'
subsetter comes with matplotlib; WOFF needs only zlib (WOFF2 would need brotli).
Without hinting, a Japanese report's subset is about 25 KB (180 characters); an
English report's, a few KB.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

from .fonts import bundled_font_path

#: the family name the report's CSS gives the embedded subset
FAMILY = "dlbench-ja"


@dataclass(frozen=True)
class EmbeddedFont:
    """An ``@font-face`` rule and what it holds: the characters and the font's bytes."""

    css: str
    characters: str
    size: int  # bytes of the WOFF file (the data URI is a third larger)

    @property
    def data(self) -> bytes:
        return base64.b64decode(self.css.split("base64,", 1)[1].split(")", 1)[0])


def characters_to_embed(texts) -> str:
    """The characters of ``texts`` a system font may lack: everything outside ASCII
    (``data:`` URIs of images are ASCII, so they add nothing), sorted."""
    return "".join(sorted({c for t in texts for c in t if ord(c) > 0x7F}))


def embedded_font(texts) -> EmbeddedFont | None:
    """An ``@font-face`` rule with the bundled font cut to the characters of ``texts``
    that it covers; ``None`` when the font package is missing or nothing needs it."""
    path = bundled_font_path()
    wanted = characters_to_embed(texts)
    if path is None or not wanted:
        return None
    from fontTools import subset  # noqa: PLC0415 (only reports need it)

    options = subset.Options()
    options.flavor = "woff"
    options.hinting = False  # browsers render CJK unhinted; hints would double the size
    options.desubroutinize = True
    options.layout_features = []  # no vertical forms or ligatures in the report
    options.notdef_outline = True
    try:
        font = subset.load_font(str(path), options, lazy=True)
        cmap = font.getBestCmap() or {}
        covered = "".join(c for c in wanted if ord(c) in cmap)
        if not covered:
            return None
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[ord(c) for c in covered])
        subsetter.subset(font)
        out = io.BytesIO()
        subset.save_font(font, out, options)
    except Exception:  # an unreadable font file: the CSS's system fonts must do
        return None
    data = out.getvalue()
    uri = "data:font/woff;base64," + base64.b64encode(data).decode("ascii")
    css = (f'@font-face{{font-family:"{FAMILY}";src:url({uri}) format("woff");'
           f"font-display:swap}}")
    return EmbeddedFont(css, covered, len(data))
