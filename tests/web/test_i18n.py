"""Message catalogs: identical keys in both languages of every area; language choice."""

from __future__ import annotations

import json
import re

import pytest

from dlbench.web import i18n

AREAS = i18n.catalog_files()


def test_the_areas_of_this_side_exist():
    assert {"common", "runs"} <= set(AREAS)


@pytest.mark.parametrize("area", sorted(AREAS))
def test_both_languages_of_an_area_have_the_same_keys(area):
    files = AREAS[area]
    assert set(files) == {"en", "ja"}, f"{area}: a language is missing"
    en = json.loads(files["en"].read_text(encoding="utf-8"))
    ja = json.loads(files["ja"].read_text(encoding="utf-8"))
    assert sorted(set(en) ^ set(ja)) == []
    assert all(k.startswith(area + ".") for k in en), f"{area}: keys carry the area prefix"


@pytest.mark.parametrize("area", sorted(AREAS))
def test_both_languages_use_the_same_placeholders(area):
    en = json.loads(AREAS[area]["en"].read_text(encoding="utf-8"))
    ja = json.loads(AREAS[area]["ja"].read_text(encoding="utf-8"))
    fields = re.compile(r"\{(\w+)\}")
    for key in en:
        assert set(fields.findall(en[key])) == set(fields.findall(ja[key])), key


def test_japanese_text_is_japanese():
    ja = i18n.catalogs()["ja"]
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", ja["common.nav.runs"])


@pytest.mark.parametrize("header, expected", [
    ("ja,en;q=0.8", "ja"), ("en-US,en;q=0.9,ja;q=0.8", "en"), ("fr, ja;q=0.5", "ja"),
    ("de", None), ("", None), ("ja;q=abc, en;q=0.1", "en"), ("JA-jp", "ja")])
def test_accept_language(header, expected):
    assert i18n.from_accept_language(header) == expected


def test_missing_key_falls_back_to_the_key_and_bad_format_does_not_raise():
    assert i18n.translate("ja", "no.such.key") == "no.such.key"
    assert i18n.translate("en", "common.error.title", wrong=1) == "Error {status}"


def test_query_then_cookie_then_header_then_default(client):
    assert 'lang="ja"' in client.get("/?lang=ja").text
    assert 'lang="ja"' in client.get("/").text  # the cookie remembers it
    client.cookies.clear()
    assert 'lang="en"' in client.get("/").text
    assert 'lang="ja"' in client.get("/", headers={"accept-language": "ja"}).text
    assert 'lang="en"' in client.get("/?lang=en", headers={"accept-language": "ja"}).text


def test_server_default_language(filled):
    from .conftest import client_for

    with client_for(filled[0], lang="ja") as c:
        assert 'lang="ja"' in c.get("/").text
        assert 'lang="en"' in c.get("/", headers={"accept-language": "en"}).text


def test_every_figure_kind_has_a_caption_in_both_languages():
    from dlbench.report import FIGURE_KINDS

    for lang in ("en", "ja"):
        catalog = i18n.catalogs()[lang]
        missing = [k for k in FIGURE_KINDS if f"runs.figure.{k}" not in catalog]
        assert missing == [], f"{lang}: figure kinds without a caption: {missing}"
    ja = i18n.catalogs()["ja"]
    assert all(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", ja[f"runs.figure.{k}"])
               for k in FIGURE_KINDS)
