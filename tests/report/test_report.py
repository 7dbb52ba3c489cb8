"""The HTML report: valid (parsed with html.parser: balanced elements, unique ids, every
internal link lands), self-contained (no external resource), and holding every figure
and table its contents list, with figures linked to their runs and back."""

from __future__ import annotations

import base64
from html.parser import HTMLParser

import pytest

import dlbench
from dlbench.report import build_report, write_report
from dlbench.report import fonts as fonts_module
from dlbench.storage import RunStore

from .conftest import add_run

VOID = {"meta", "img", "br", "hr", "link", "input", "source", "wbr", "col", "area", "base"}


class Page(HTMLParser):
    """Parses a document and records what the checks need."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.ids, self.elements = [], [], {}, []
        self.open, self.ends = [], {}  # start index of open elements; start -> end index
        self.hrefs, self.srcs, self.data = [], [], []
        self.doctype = None
        self.feed(text)
        self.close()
        if self.stack:
            self.errors.append(f"unclosed: {self.stack}")

    def handle_decl(self, decl):
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        parent = self.stack[-1] if self.stack else None
        self.elements.append((tag, attrs, parent))
        if "id" in attrs:
            if attrs["id"] in self.ids:
                self.errors.append(f"duplicate id {attrs['id']}")
            self.ids[attrs["id"]] = (tag, len(self.elements) - 1)
        if tag in ("a", "link") and "href" in attrs:
            self.hrefs.append((tag, attrs["href"]))
        if "src" in attrs:
            self.srcs.append((tag, attrs["src"]))
        if tag not in VOID:
            self.stack.append(tag)
            self.open.append(len(self.elements) - 1)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
            return
        self.stack.pop()
        self.ends[self.open.pop()] = len(self.elements)

    def handle_data(self, data):
        self.data.append(data)

    @property
    def text(self) -> str:
        return " ".join(self.data)

    def inside(self, element_id: str, tag: str) -> list[dict]:
        """Attributes of every ``tag`` element inside the element with ``element_id``."""
        _, start = self.ids[element_id]
        return [attrs for t, attrs, _ in self.elements[start + 1:self.ends[start]] if t == tag]


@pytest.fixture(scope="module")
def report(seeded_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    with RunStore(seeded_db, create=True) as store:
        info = write_report(store, dlbench.registry(), out)
    dlbench._default_registry = None
    return info, info.path.read_text(encoding="utf-8")


def test_report_is_valid_html(report):
    info, text = report
    page = Page(text)
    assert page.doctype == "DOCTYPE html" and not page.errors, page.errors[:5]
    tags = [t for t, _, _ in page.elements]
    assert tags[:2] == ["html", "head"] and tags.count("body") == 1 and tags.count("title") == 1
    assert ("meta", {"charset": "utf-8"}, "head") in page.elements
    for tag, href in page.hrefs:
        if href.startswith("#"):
            assert href[1:] in page.ids, f"link to missing #{href[1:]}"


def test_report_is_self_contained(report):
    _, text = report
    page = Page(text)
    assert all(src.startswith("data:image/") for _, src in page.srcs)
    assert not [h for t, h in page.hrefs if t == "link"]
    assert "@import" not in text and "<script" not in text
    assert text.count("url(") == text.count("url(data:font/woff;base64,") == 1  # the font
    external = [h for t, h in page.hrefs if not h.startswith("#")]
    assert all(h.startswith("https://arxiv.org/abs/") for h in external)  # paper links only
    assert external, "the batch-norm task's reference links to its paper"


def test_report_contains_every_figure_and_table_it_lists(report, seeded_db):
    info, text = report
    page = Page(text)
    listed = [h[1:] for t, h in page.hrefs if t == "a" and h.startswith(("#fig-", "#leaderboard-",
                                                                       "#results-"))]
    contents = listed[: len(info.figures) + len(info.tables)]
    assert contents == [i for i, _ in info.figures] + [i for i, _ in info.tables]
    for fig_id, _ in info.figures:
        assert page.ids[fig_id][0] == "figure"
        (img,) = page.inside(fig_id, "img")
        data = base64.b64decode(img["src"].split(",", 1)[1])
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
        runs = [a["href"] for a in page.inside(fig_id, "a")]
        assert runs and all(h.startswith("#run-") for h in runs)
    for table_id, _ in info.tables:
        assert page.ids[table_id][0] == "table"
        assert len(page.inside(table_id, "tr")) >= 2  # header and at least one row
    with RunStore(seeded_db, create=True) as store:
        tasks = sorted({r.task for r in store.list_runs()})
        run_ids = [r.id for r in store.list_runs()]
    assert {f"leaderboard-{t}" for t in tasks} | {f"results-{t}" for t in tasks} == {
        i for i, _ in info.tables}
    expected_figures = {"fig-vanishing-gradients-histograms-1", "fig-vanishing-gradients-histograms-2",
                        "fig-vanishing-gradients-gradient-norms", "fig-weight-init-loss",
                        "fig-convergence-loss", "fig-trajectories-paths", "fig-overfitting-accuracy",
                        "fig-batch-norm-scales", "fig-hyperparameter-search-trials",
                        "fig-architectures-cost", "fig-architectures-curves"}
    assert {i for i, _ in info.figures} == expected_figures
    for run_id in run_ids:  # every run: an anchor with its configuration, linked to its figures
        assert page.ids[f"run-{run_id}"][0] == "div"
        back = [a["href"] for a in page.inside(f"run-{run_id}", "a")]
        assert any(h.startswith("#fig-") for h in back), run_id
    assert "environment" in page.text and '"numpy_version"' in page.text


def test_report_in_japanese_without_a_japanese_font(seeded_db, monkeypatch):
    monkeypatch.setattr(fonts_module, "japanese_font", lambda installed=None: None)
    with RunStore(seeded_db, create=True) as store:
        text, info = build_report(store, dlbench.registry(), task="weight-init", lang="ja")
    page = Page(text)
    assert not page.errors and ("html", {"lang": "ja"}, None) in page.elements
    assert "目次" in page.text and "ランキング" in page.text
    assert info.figure_lang == "en" and "日本語フォントが見つからない" in info.warnings[0]
    assert info.tables == [("leaderboard-weight-init", "weight-init: ランキング"),
                           ("results-weight-init", "weight-init: 全実行の結果")]


def test_report_of_an_empty_database_says_so(tmp_path):
    with RunStore(f"sqlite:///{tmp_path / 'empty.db'}", create=True) as store:
        text, info = build_report(store, dlbench.registry())
    page = Page(text)
    assert not page.errors and info.figures == [] and info.runs == 0
    assert "No stored runs match" in page.text


def test_report_warns_about_failed_diverged_and_mixed_runs(tmp_path):
    with RunStore(f"sqlite:///{tmp_path / 'bad.db'}", create=True) as store:
        ok = add_run(store, "weight-init", {"initializer": "he"}, series={"loss": ([1, 2], [2.0, 1.0])},
                     summary={"final_loss": 1.0})
        div = add_run(store, "weight-init", {"initializer": "normal(std=10)"}, status="diverged",
                      series={"loss": ([1, 2], [3.0, float("nan")])}, summary={"final_loss": float("nan")})
        bad = add_run(store, "weight-init", {"initializer": "zeros"}, status="failed",
                      error="FloatingPointError: boom", code_version="test-v2")
        text, info = build_report(store, dlbench.registry())
    page = Page(text)
    assert not page.errors
    warnings = " ".join(info.warnings)
    assert "1 run(s) did not finish" in warnings and f"#run-{bad}" in warnings
    assert "1 run(s) diverged" in warnings and f"#run-{div}" in warnings
    assert "2 code versions are mixed" in warnings
    assert "FloatingPointError: boom" in page.text  # the failed run's error, in its block
    figure_links = [a["href"] for a in page.inside("fig-weight-init-loss", "a")]
    assert f"#run-{ok}" in figure_links and f"#run-{bad}" not in figure_links


def test_every_word_of_figures_and_report_has_a_japanese_form():
    from dlbench.report.i18n import TEXT

    for key, forms in TEXT.items():
        assert set(forms) == {"en", "ja"}, key
        assert any(ord(c) > 0x3000 for c in forms["ja"]), key
        assert forms["en"].count("{") == forms["ja"].count("{"), key  # same placeholders
