"""A Japanese-capable font when one is installed, and the settings of every figure.

Figures are made with ``matplotlib.figure.Figure`` directly, never through pyplot, so
they need no display and do not touch the backend of a notebook that imports dlbench.

matplotlib's default font (DejaVu Sans) has no Japanese glyphs, so ``--lang ja`` draws
Japanese labels only when :func:`japanese_font` finds a CJK font among those matplotlib
knows; otherwise figures keep English labels and the caller says so.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import matplotlib
from matplotlib import font_manager

from .i18n import Message, check_lang

#: fonts looked for, in order of preference (family names as matplotlib reports them)
JAPANESE_FONTS = ("Noto Sans CJK JP", "Noto Sans JP", "IPAexGothic", "IPAGothic",
                  "TakaoGothic", "TakaoPGothic", "VL Gothic", "Source Han Sans JP",
                  "Hiragino Sans", "Yu Gothic", "Meiryo", "MS Gothic")


def installed_font_names() -> set[str]:
    return {f.name for f in font_manager.fontManager.ttflist}


#: file names of Japanese fonts (lower case), for fonts installed after matplotlib cached
#: its font list
JAPANESE_FILES = ("notosanscjk", "notosansjp", "ipaexg", "ipag", "takao", "vl-gothic",
                  "sourcehansans")


def _pick(names: set[str]) -> str | None:
    for name in JAPANESE_FONTS:
        if name in names:
            return name
    return next((n for n in sorted(names) if "CJK JP" in n or n.endswith(" JP")), None)


def _add_uncached_fonts() -> None:
    """Register Japanese font files on the system that matplotlib's cached font list
    does not know yet (a font installed after matplotlib first ran)."""
    known = {f.fname for f in font_manager.fontManager.ttflist}
    for path in font_manager.findSystemFonts():
        base = path.rsplit("/", 1)[-1].lower().replace("_", "-")
        if path not in known and any(k in base.replace("-", "") or k in base for k in JAPANESE_FILES):
            try:
                font_manager.fontManager.addfont(path)
            except Exception:  # an unreadable font file: skip it, the others may do
                continue


def japanese_font(installed: set[str] | None = None) -> str | None:
    """The first installed font of :data:`JAPANESE_FONTS`, or any family whose name says
    CJK JP; ``None`` when there is none. ``installed`` (family names) replaces the
    system's fonts, for tests."""
    if installed is not None:
        return _pick(installed)
    found = _pick(installed_font_names())
    if found is None:
        _add_uncached_fonts()
        found = _pick(installed_font_names())
    return found


@dataclass(frozen=True)
class FigureLanguage:
    """The language figure labels are drawn in, the font, and why if not as asked."""

    asked: str
    lang: str
    font: str | None = None
    note: str | None = None  # in the asked language, for the report and the command line

    @property
    def fallback_note(self) -> Message | None:
        """The note about the missing font in any language (figures list it in the report's
        and draw it in their own)."""
        return font_fallback_note() if self.note else None


def font_fallback_note() -> Message:
    return Message("font_fallback", fonts=", ".join(JAPANESE_FONTS[:5]))


def figure_language(lang: str = "en", *, installed: set[str] | None = None) -> FigureLanguage:
    """Resolve ``--lang`` for figures: Japanese needs a Japanese-capable font."""
    check_lang(lang)
    if lang == "en":
        return FigureLanguage("en", "en")
    font = japanese_font(installed)
    if font is None:
        note = font_fallback_note()
        return FigureLanguage(lang, "en", None, note.to(lang))
    return FigureLanguage(lang, lang, font)


@contextlib.contextmanager
def style(language: FigureLanguage):
    """matplotlib settings for one figure: the font, SVG text kept as paths (so the file
    needs no font to display), and a minus sign every font has."""
    rc = {"svg.fonttype": "path", "axes.unicode_minus": False, "figure.dpi": 100,
          "axes.grid": True, "grid.alpha": 0.3}
    if language.font:
        rc["font.family"] = [language.font, "DejaVu Sans"]
    with matplotlib.rc_context(rc):
        yield
