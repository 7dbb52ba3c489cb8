"""Japanese renders on a fresh install: figures draw Japanese with the font of
``matplotlib-fontja`` (a dependency, no system font needed), the report embeds a subset
of it, and a missing font is said at most once, only when nothing can render it.

Each figure check asks the question a reader would: is every character drawn from a font
that has it (font lookup), does matplotlib warn about a missing glyph, and does a
Japanese character come out different from matplotlib's missing-glyph box (pixels)."""

from __future__ import annotations

import base64
import importlib.metadata
import io
import logging
import re
import subprocess
import sys
import tomllib
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from fontTools.ttLib import TTFont
from matplotlib import cbook, font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ft2font import FT2Font
from matplotlib.text import Text

import dlbench
from dlbench.report import FIGURE_KINDS, FigureOptions, RunFilter, build_report, make_figure
from dlbench.report import webfont
from dlbench.report.fonts import (BUNDLED_FONT, LATIN_FONT, bundled_font_path,
                                  figure_language, style)
from dlbench.report.html import STYLE
from dlbench.storage import RunStore

from .test_japanese import JAPANESE, Visible

ROOT = Path(__file__).resolve().parents[2]
BOOK = "ゼロから作る"
#: the font note in both languages, as the command line and the report say it
FONT_NOTE = re.compile(r"日本語フォントが見つからない|No Japanese-capable font")


# --- the dependency and how its font is registered -------------------------------------

def test_the_font_comes_from_a_declared_dependency_not_from_the_system():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "dependencies"]
    assert any(re.match(r"matplotlib-fontja\b", d) for d in deps), deps
    assert importlib.metadata.version("matplotlib-fontja")
    path = bundled_font_path()
    assert path is not None and path.name == "ipaexg.ttf"
    language = figure_language("ja")
    assert language.lang == "ja" and language.font == BUNDLED_FONT and language.note is None
    found = font_manager.findfont(FontProperties(family=language.font),
                                  fallback_to_default=False)
    assert Path(found) == path  # the package's file, whatever fonts the system has


def test_registering_the_font_does_not_import_the_package_or_change_global_settings():
    """Importing matplotlib_fontja would run its japanize(), which sets the global
    font.family of whoever imported dlbench."""
    before = {k: matplotlib.rcParams[k] for k in ("font.family", "font.sans-serif")}
    figure_language("ja")
    figure_language("en")
    with style(figure_language("ja")):
        assert matplotlib.rcParams["font.family"] == [BUNDLED_FONT, LATIN_FONT]
    assert {k: matplotlib.rcParams[k] for k in before} == before
    assert "matplotlib_fontja" not in sys.modules


def test_english_figures_fall_back_to_the_japanese_font_glyph_by_glyph():
    assert figure_language("en").families == [LATIN_FONT, BUNDLED_FONT]
    assert figure_language("ja").families == [BUNDLED_FONT, LATIN_FONT]


# --- figures: font lookup, matplotlib's own warnings, pixels ----------------------------

_CMAPS: dict[str, set[int]] = {}


def covered_by(families) -> set[int]:
    """Code points the fonts of ``families`` have (the fonts matplotlib would take glyphs
    from; its own last-resort font is not one of them)."""
    out: set[int] = set()
    for family in families:
        path = font_manager.findfont(FontProperties(family=family), fallback_to_default=False)
        if path not in _CMAPS:
            _CMAPS[path] = set(FT2Font(path).get_charmap())
        out |= _CMAPS[path]
    return out


def uncovered_text(fig) -> tuple[list[str], int]:
    """Characters drawn in ``fig`` that none of their text's fonts has (each with its
    text), and how many Japanese characters were checked."""
    missing, japanese = [], 0
    for artist in fig.findobj(Text):
        s = artist.get_text()
        if not s.strip() or not artist.get_visible() or cbook.is_math_text(s):
            continue
        cmap = covered_by(artist.get_fontfamily())
        missing += [f"{c!r} in {s!r}" for c in s if not c.isspace() and ord(c) not in cmap]
        japanese += len(JAPANESE.findall(s))
    return missing, japanese


@pytest.mark.parametrize("kind", sorted(FIGURE_KINDS))
def test_every_character_of_every_japanese_figure_has_a_glyph(store, kind, caplog):
    filt = RunFilter(task="architectures") if kind == "learning-curves" else None
    result = make_figure(kind, store, filt, FigureOptions(figure_language("ja")))
    with warnings.catch_warnings(), caplog.at_level(logging.WARNING, "matplotlib"):
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
        png, svg = result.to_bytes("png"), result.to_bytes("svg")  # tick labels made here
    assert png.startswith(b"\x89PNG") and b"<svg" in svg
    assert not [r for r in caplog.records if "findfont" in r.getMessage()]
    missing, japanese = uncovered_text(result.figure)
    assert missing == [] and japanese > 0


def ink(ch: str, families) -> np.ndarray:
    """``ch`` rendered by Agg at 48 pt, cropped to its dark pixels."""
    fig = Figure(figsize=(1, 1), dpi=100)
    FigureCanvasAgg(fig)
    fig.text(0.5, 0.5, ch, family=families, size=48, ha="center", va="center")
    fig.canvas.draw()
    dark = np.asarray(fig.canvas.buffer_rgba())[..., 0] < 128
    rows, cols = np.nonzero(dark)
    return dark[rows.min():rows.max() + 1, cols.min():cols.max() + 1]


def same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool((a == b).all())


def missing_glyph(ch: str) -> np.ndarray:
    """What matplotlib draws for ``ch`` from a font without it (DejaVu Sans alone)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Glyph ... missing from font(s) DejaVu Sans"
        return ink(ch, [LATIN_FONT])


def test_the_pixel_check_sees_missing_glyph_boxes():
    """The comparison below can fail: characters without a glyph all look the same."""
    assert same(missing_glyph("訓"), missing_glyph("練"))
    assert not same(ink("a", [LATIN_FONT]), ink("b", [LATIN_FONT]))


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_japanese_renders_as_glyphs_not_boxes(lang):
    """In Japanese figures, and in English ones (a Japanese run name or the book title)."""
    families = figure_language(lang).families
    drawn = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for ch in "訓練損失" + BOOK:
            drawn[ch] = ink(ch, families)
    for ch, image in drawn.items():
        assert not same(image, missing_glyph(ch)), ch
    images = list(drawn.values())  # ten different characters, ten different glyphs
    assert len(images) == 10
    assert not [(i, j) for i in range(10) for j in range(i + 1, 10) if same(images[i], images[j])]


# --- the report's embedded font ---------------------------------------------------------

def embedded(html_text: str) -> TTFont:
    (uri,) = re.findall(r"url\((data:font/woff;base64,[^)]+)\)", html_text)
    assert '@font-face{font-family:"dlbench-ja"' in html_text
    return TTFont(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))


def assert_drawable(font: TTFont, chars: str) -> None:
    cmap = font.getBestCmap()
    glyf = font["glyf"]
    for ch in chars:
        assert ord(ch) in cmap, ch
        assert glyf[cmap[ord(ch)]].numberOfContours > 0, ch  # an outline, not an empty box


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_report_embeds_every_character_it_shows(seeded_db, lang):
    """...and draws its figures with no missing glyph, in the language asked for."""
    with RunStore(seeded_db) as store, warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        text, info = build_report(store, dlbench.registry(), lang=lang)
    dlbench._default_registry = None
    assert info.figure_lang == lang and len(info.figures) == 11
    assert not [w for w in said if "missing from font" in str(w.message)]
    assert not [w for w in info.warnings if FONT_NOTE.search(w)]
    font = embedded(text)
    shown = Visible(text).text + "".join(t for _, t in info.figures)
    full = set(FT2Font(str(bundled_font_path())).get_charmap())
    wanted = {c for c in shown if ord(c) > 0x7F and ord(c) in full}
    assert wanted and wanted <= set(map(chr, font.getBestCmap()))
    assert_drawable(font, BOOK)  # the book title of the tasks' references, in both languages
    if lang == "ja":
        assert_drawable(font, "実行数目次")
        assert info.font_bytes < 64_000, info.font_bytes
    else:
        assert info.font_bytes < 8_000, info.font_bytes


def test_the_css_falls_back_to_the_embedded_font_after_the_system_fonts():
    body = re.search(r"body\{font-family:([^;]+);", STYLE).group(1).replace("\n", "")
    families = [f.strip().strip('"') for f in body.split(",")]
    assert families.index(webfont.FAMILY) == len(families) - 2  # just before sans-serif
    assert families.index("Noto Sans CJK JP") < families.index(webfont.FAMILY)


def test_the_subset_holds_only_what_is_shown_and_is_the_same_each_time():
    assert webfont.embedded_font(["plain ASCII text"]) is None
    title = f"『{BOOK} Deep Learning』 😀"
    first, second = webfont.embedded_font([title]), webfont.embedded_font([title])
    assert first.data == second.data and first.css == second.css
    assert first.characters == "".join(sorted(set("『』" + BOOK)))  # no emoji in IPAex
    assert first.size == len(first.data) < 8_000
    assert_drawable(TTFont(io.BytesIO(first.data)), BOOK)


# --- real processes: a fresh install, and one where the font package is missing ---------

def dlbench_process(*args, hide_font_package=False) -> subprocess.CompletedProcess:
    """``dlbench ARGS`` in a new Python process; ``hide_font_package`` makes
    matplotlib-fontja not importable there, as if it were not installed."""
    hide = "sys.modules['matplotlib_fontja'] = None; " if hide_font_package else ""
    code = f"import sys; {hide}from dlbench.cli import main; main()"
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True,
                          text=True, timeout=300, cwd=ROOT)


def test_report_and_plot_in_japanese_in_a_new_process(seeded_db, tmp_path):
    report = dlbench_process("--db", seeded_db, "report", "--lang", "ja", "--task",
                             "convergence", "--out", tmp_path)
    assert report.returncode == 0, report.stderr
    assert "figure labels: ja" in report.stdout
    assert not FONT_NOTE.search(report.stderr) and "Glyph" not in report.stderr
    assert "findfont" not in report.stderr
    html_text = (tmp_path / "report-convergence.html").read_text(encoding="utf-8")
    assert_drawable(embedded(html_text), "目次" + BOOK)
    plot = dlbench_process("--db", seeded_db, "plot", "loss-curves", "--lang", "ja",
                           "-o", tmp_path / "loss.png")
    assert plot.returncode == 0, plot.stderr
    assert not FONT_NOTE.search(plot.stderr) and "Glyph" not in plot.stderr
    assert "最適化手法ごとの訓練損失" in plot.stdout


@pytest.mark.slow
def test_without_the_font_package_the_note_is_said_at_most_once(seeded_db, tmp_path):
    """Only a machine with neither matplotlib-fontja nor a Japanese system font cannot
    render; then each command says so once (this machine has no Japanese system font)."""
    probe = subprocess.run(
        [sys.executable, "-c", "import sys; sys.modules['matplotlib_fontja'] = None; "
         "from dlbench.report.fonts import japanese_font; print(japanese_font())"],
        capture_output=True, text=True, timeout=120)
    expected = 1 if probe.stdout.strip() == "None" else 0
    report = dlbench_process("--db", seeded_db, "report", "--lang", "ja", "--out", tmp_path,
                             hide_font_package=True)
    assert report.returncode == 0, report.stderr
    assert len(FONT_NOTE.findall(report.stderr)) == expected, report.stderr
    assert "Glyph" not in report.stderr and "findfont" not in report.stderr
    html_text = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert len(FONT_NOTE.findall(Visible(html_text).text)) == expected
    assert "@font-face" not in html_text  # nothing to embed without the package
    plot = dlbench_process("--db", seeded_db, "plot", "loss-curves", "--lang", "ja",
                           "-o", tmp_path / "loss.png", hide_font_package=True)
    assert plot.returncode == 0, plot.stderr
    assert len(FONT_NOTE.findall(plot.stderr)) == expected, plot.stderr
    assert "Glyph" not in plot.stderr
    if expected:
        assert "figure labels: en" in report.stdout
