"""The Japanese font of figures and reports, and the settings of every figure.

Figures are made with ``matplotlib.figure.Figure`` directly, never through pyplot, so
they need no display and do not touch the backend of a notebook that imports dlbench.

matplotlib's default font (DejaVu Sans) has no Japanese glyphs. dlbench depends on
``matplotlib-fontja``, which ships IPAex Gothic, so Japanese renders on a fresh install
with no system font. We only read the font file out of that package and register it
with matplotlib's font manager (:func:`bundled_font`): importing ``matplotlib_fontja``
would call its ``japanize()``, which sets the global ``rcParams['font.family']`` of
whoever imported dlbench. Figures choose their font per figure through :func:`style`.

Only when that package is missing and no Japanese font is installed either does
``--lang ja`` draw English labels, and the caller says so once.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path

import matplotlib
from matplotlib import font_manager

from .i18n import Message, check_lang

#: the package that ships the font dlbench depends on, and the font file in it
BUNDLED_PACKAGE = "matplotlib_fontja"
BUNDLED_FILE = ("fonts", "ipaexg.ttf")
BUNDLED_FONT = "IPAexGothic"

#: fonts looked for, in order of preference (family names as matplotlib reports them);
#: the bundled font first, so figures look the same on every machine and match the font
#: embedded in the report's HTML
JAPANESE_FONTS = (BUNDLED_FONT, "Noto Sans CJK JP", "Noto Sans JP", "IPAGothic",
                  "TakaoGothic", "TakaoPGothic", "VL Gothic", "Source Han Sans JP",
                  "Hiragino Sans", "Yu Gothic", "Meiryo", "MS Gothic")

#: the font of Latin text (matplotlib's default, which every installation has)
LATIN_FONT = "DejaVu Sans"


def installed_font_names() -> set[str]:
    return {f.name for f in font_manager.fontManager.ttflist}


#: file names of Japanese fonts (lower case), for fonts installed after matplotlib cached
#: its font list
JAPANESE_FILES = ("notosanscjk", "notosansjp", "ipaexg", "ipag", "takao", "vl-gothic",
                  "sourcehansans")


def bundled_font_path() -> Path | None:
    """The IPAex Gothic file of ``matplotlib-fontja``, found without importing the package
    (its import changes global rcParams); ``None`` when the package is not installed."""
    try:
        spec = importlib.util.find_spec(BUNDLED_PACKAGE)
    except (ImportError, ValueError):  # a broken installation counts as none
        return None
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder).joinpath(*BUNDLED_FILE)
        if path.is_file():
            return path
    return None


def bundled_font() -> str | None:
    """Register the bundled font with matplotlib's font manager (once) and return its
    family name; ``None`` when the package is missing or its file cannot be read."""
    path = bundled_font_path()
    if path is None:
        return None
    for entry in font_manager.fontManager.ttflist:
        if Path(entry.fname) == path:
            return entry.name
    try:
        font_manager.fontManager.addfont(str(path))
    except Exception:  # an unreadable file: as if the package were missing
        return None
    return next((e.name for e in font_manager.fontManager.ttflist if Path(e.fname) == path),
                None)


def _pick(names: set[str]) -> str | None:
    for name in JAPANESE_FONTS:
        if name in names:
            return name
    return next((n for n in sorted(names) if "CJK JP" in n or n.endswith(" JP")), None)


@functools.cache
def _add_uncached_fonts() -> None:
    """Register Japanese font files on the system that matplotlib's cached font list
    does not know yet (a font installed after matplotlib first ran). Once per process:
    scanning the system's font folders is slow, and every English figure asks."""
    known = {f.fname for f in font_manager.fontManager.ttflist}
    for path in font_manager.findSystemFonts():
        base = path.rsplit("/", 1)[-1].lower().replace("_", "-")
        if path not in known and any(k in base.replace("-", "") or k in base for k in JAPANESE_FILES):
            try:
                font_manager.fontManager.addfont(path)
            except Exception:  # an unreadable font file: skip it, the others may do
                continue


def japanese_font(installed: set[str] | None = None) -> str | None:
    """The Japanese font figures use: the bundled IPAex Gothic, else the first installed
    font of :data:`JAPANESE_FONTS` or any family whose name says CJK JP; ``None`` when
    there is none. ``installed`` (family names) replaces the system's fonts, for tests."""
    if installed is not None:
        return _pick(installed)
    found = bundled_font() or _pick(installed_font_names())
    if found is None:
        _add_uncached_fonts()
        found = _pick(installed_font_names())
    return found


@dataclass(frozen=True)
class FigureLanguage:
    """The language figure labels are drawn in, the Japanese font (the first font of a
    Japanese figure, the fallback of an English one for Japanese names and titles), and
    why if not as asked."""

    asked: str
    lang: str
    font: str | None = None
    note: str | None = None  # in the asked language, for the report and the command line

    @property
    def fallback_note(self) -> Message | None:
        """The note about the missing font in any language (figures list it in the report's
        and draw it in their own)."""
        return font_fallback_note() if self.note else None

    @property
    def families(self) -> list[str]:
        """``font.family`` of the figure: matplotlib takes each glyph from the first font
        of the list that has it."""
        if not self.font:
            return [LATIN_FONT]
        return [self.font, LATIN_FONT] if self.lang == "ja" else [LATIN_FONT, self.font]


def font_fallback_note() -> Message:
    return Message("font_fallback", fonts=", ".join(JAPANESE_FONTS[:5]))


def figure_language(lang: str = "en", *, installed: set[str] | None = None) -> FigureLanguage:
    """Resolve ``--lang`` for figures: Japanese needs a Japanese-capable font (English
    uses one too, for Japanese in names, when there is one)."""
    check_lang(lang)
    font = japanese_font(installed)
    if lang == "en":
        return FigureLanguage("en", "en", font)
    if font is None:
        note = font_fallback_note()
        return FigureLanguage(lang, "en", None, note.to(lang))
    return FigureLanguage(lang, lang, font)


@contextlib.contextmanager
def style(language: FigureLanguage):
    """matplotlib settings for one figure: the fonts, SVG text kept as paths (so the file
    needs no font to display), and a minus sign every font has."""
    rc = {"svg.fonttype": "path", "axes.unicode_minus": False, "figure.dpi": 100,
          "axes.grid": True, "grid.alpha": 0.3, "font.family": language.families}
    with matplotlib.rc_context(rc):
        yield
