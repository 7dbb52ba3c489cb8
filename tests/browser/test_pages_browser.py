"""The results pages in a real browser against ``dlbench serve``: the home page, the
bundled Japanese font, and screenshots of the pages in both languages."""

from __future__ import annotations

import pytest

pytest.importorskip("playwright")

from playwright.sync_api import expect  # noqa: E402


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_home_page(served, guarded_page, screenshot, lang):
    page = guarded_page
    page.goto(f"{served.url}/?lang={lang}")
    expect(page.locator("header.site")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", lang)
    screenshot(page, f"home-{lang}")


def test_japanese_text_renders_with_the_bundled_font(served, guarded_page, screenshot):
    """The page's Japanese font comes from the server (no system font needed, nothing from
    the network): the browser loads it for Japanese text under the page's CSP."""
    page = guarded_page
    page.goto(f"{served.url}/quiz?lang=ja")
    loaded = page.evaluate("""async () => {
        const faces = await document.fonts.load('16px "dlbench-ja"', '日本語の問題');
        await document.fonts.ready;
        return {faces: faces.length, ok: document.fonts.check('16px "dlbench-ja"', '日本語')};
    }""")
    assert loaded == {"faces": 1, "ok": True}
    # the glyphs are drawn: "日本語" is as wide as three full-width characters, not tofu boxes
    width = page.evaluate("""() => {
        const c = document.createElement('canvas').getContext('2d');
        c.font = '20px "dlbench-ja"';
        return [c.measureText('日本語').width, c.measureText('\\u{10FFFD}').width];
    }""")
    assert 55 <= width[0] <= 65 and width[0] != 3 * width[1]
    screenshot(page, "quiz-home-ja-font")
