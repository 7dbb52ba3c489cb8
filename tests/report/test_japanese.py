"""``--lang ja`` is Japanese throughout: the report's headers, run blocks, warnings and
figure notes, and the text drawn in figures (titles, labels, legends, notes); with no
Japanese font the figures fall back to English while the report and the notes it lists
stay Japanese. English output is pinned by the other test files."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import numpy as np
import pytest

import dlbench
from dlbench.report import FIGURE_KINDS, FigureOptions, RunFilter, build_report, make_figure
from dlbench.report import fonts as fonts_module
from dlbench.report.fonts import figure_language
from dlbench.report.i18n import TEXT, Message
from dlbench.storage import RUN_STATUSES, RunStore

from .conftest import add_run, note_text

JAPANESE = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]")
#: English words the report and figures used to write outside the i18n table
LITERAL_ENGLISH = re.compile(r"\b(started|step|runs?|grid|note|mean ± std|CI|never reached|"
                             r"defaults|best lr|not run|left out|" + "|".join(RUN_STATUSES) + r")\b")


def english_phrases() -> set[str]:
    """Every stretch of the English table between placeholders that has two words or more
    (single words may be identifiers, e.g. a preset named ``test``), unless the Japanese
    table uses the same words (file names, ``Batch Norm``)."""
    japanese = " ".join(forms["ja"] for forms in TEXT.values())
    out = set()
    for forms in TEXT.values():
        for piece in re.split(r"\{[^}]*\}", forms["en"]):
            piece = piece.strip(" ,.;:()—–-")
            if re.search(r"[A-Za-z]{2,} [A-Za-z]{2,}", piece) and piece not in japanese:
                out.add(piece)
    return out


def english_in(text: str) -> list[str]:
    return sorted(p for p in english_phrases() if p in text)


class Visible(HTMLParser):
    """The text a reader sees, without code blocks (JSON of configs) and paper references,
    plus the text of each ``th``, ``h3`` and ``.note`` element."""

    SKIPPED = ("pre", "code", "style", "title")

    def __init__(self, html_text: str):
        super().__init__(convert_charrefs=True)
        self.parts, self.headers, self.h3, self.notes = [], [], [], []
        self._skip, self._stack = 0, []
        self.feed(html_text)

    def handle_starttag(self, tag, attrs):
        if tag in ("img", "meta"):
            return
        cls = dict(attrs).get("class") or ""
        skip = tag in self.SKIPPED or "reference" in cls
        self._stack.append((tag, cls, skip, []))
        self._skip += skip

    def handle_endtag(self, tag):
        name, cls, skip, words = self._stack.pop()
        self._skip -= skip
        content = "".join(words)
        if name == "th":
            self.headers.append(content)
        elif name == "h3":
            self.h3.append(content)
        elif "note" in cls.split():
            self.notes.append(content)

    def handle_data(self, data):
        if self._skip:
            return
        self.parts.append(data)
        for *_, words in self._stack:
            words.append(data)

    @property
    def text(self) -> str:
        return " ".join(self.parts)


def without_font(monkeypatch):
    monkeypatch.setattr(fonts_module, "japanese_font", lambda installed=None: None)


#: the real resolution: the font of matplotlib-fontja, which dlbench depends on
JA_FONT = figure_language("ja")


@pytest.fixture(scope="module")
def ja_report(seeded_db):
    """The whole seeded database reported in Japanese with no Japanese font installed
    (the strictest case: figures are drawn in English, the report must not be)."""
    with pytest.MonkeyPatch.context() as mp, RunStore(seeded_db, create=True) as store:
        without_font(mp)
        text, info = build_report(store, dlbench.registry(), lang="ja")
        identifiers = {k for r in store.list_runs() for k in [*r.choices, *r.summary]}
    dlbench._default_registry = None
    return text, info, identifiers


def test_the_english_table_yields_phrases_to_look_for():
    phrases = english_phrases()
    assert "zero gradient norms (dead layers) cannot be drawn on the log scale" in phrases
    assert any(p.startswith("run(s) did not finish and are left out") for p in phrases)
    assert "Runs behind this figure" in phrases and "No stored runs match" in phrases
    assert len(phrases) > 60


def test_no_english_sentence_in_the_japanese_report(ja_report):
    text, info, _ = ja_report
    page = Visible(text)
    assert info.figure_lang == "en" and len(info.figures) == 11
    assert english_in(page.text) == []
    assert LITERAL_ENGLISH.findall(page.text) == []


def test_the_checks_find_english_in_the_english_report(seeded_db):
    with RunStore(seeded_db, create=True) as store:
        text, _ = build_report(store, dlbench.registry(), task="convergence", lang="en")
    dlbench._default_registry = None
    page = Visible(text)
    assert "Runs behind this figure" in english_in(page.text)
    assert {"started", "run", "grid", "finished"} <= set(LITERAL_ENGLISH.findall(page.text))


def test_japanese_table_headers_and_run_blocks(ja_report):
    text, _, identifiers = ja_report
    page = Visible(text)
    assert page.headers, "the report has tables"
    for header in page.headers:  # Japanese, a symbol, or a plugin kind / metric name
        assert JAPANESE.search(header) or header == "#" or header in identifiers or \
            header.split(": ")[0] in identifiers, header
    assert {"実行数", "95% 信頼区間", "実行", "探索グリッド", "状態", "シード"} <= set(page.headers)
    assert any(h.endswith(": 平均 ± 標準偏差") for h in page.headers)
    blocks = [h for h in page.h3 if h.startswith("実行 ")]
    assert len(blocks) == text.count('class="run"') > 0
    assert all(h.endswith(": 完了") or h.endswith(": 発散") for h in blocks)
    assert "開始 " in page.text and "所要時間 (秒)" in page.text


def test_the_missing_font_is_said_once_in_the_japanese_report(ja_report):
    text, info, _ = ja_report
    page = Visible(text)
    assert all(n.startswith("注: ") for n in page.notes)
    # the missing font is said once, in the report's warnings, not under every figure
    assert not [n for n in page.notes if "日本語フォントが見つからない" in n]
    assert [w for w in info.warnings if "日本語フォントが見つからない" in w] == [info.warnings[0]]
    assert page.text.count("日本語フォントが見つからない") == 1
    assert "No Japanese-capable font" not in text


@pytest.fixture
def messy_ja(tmp_path):
    """A failed run (with its step), a diverged one and a second code version, reported
    in Japanese."""
    with RunStore(f"sqlite:///{tmp_path / 'messy.db'}", create=True) as store:
        ids = {"ok": add_run(store, "weight-init", {"initializer": "he"},
                             series={"loss": ([1, 2], [2.0, 1.0])}, summary={"final_loss": 1.0}),
               "diverged": add_run(store, "weight-init", {"initializer": "normal(std=10)"},
                                   status="diverged", series={"loss": ([1, 2], [3.0, np.nan])},
                                   summary={"final_loss": np.nan}),
               "failed": add_run(store, "weight-init", {"initializer": "zeros"},
                                 status="failed", code_version="test-v2")}
        store.store_result(ids["failed"], status="failed", error="FloatingPointError: boom", error_step=7)
        text, info = build_report(store, dlbench.registry(), lang="ja")
    dlbench._default_registry = None
    return text, info, ids


def test_warnings_statuses_and_notes_of_bad_runs_in_japanese(messy_ja):
    text, info, ids = messy_ja
    page = Visible(text)
    assert english_in(page.text) == [] and LITERAL_ENGLISH.findall(page.text) == []
    warnings = " ".join(info.warnings)
    assert "1 件の実行が完了しなかったため、図とランキングから除外しました" in warnings
    assert "1 件の実行が発散しました" in warnings and "2 種類のコードのバージョン" in warnings
    assert f'<a href="#run-{ids["failed"]}">' in text  # a real link, not escaped markup
    assert "エラー (ステップ 7): FloatingPointError: boom" in page.text
    assert any(h.endswith(": 失敗") for h in page.h3) and any(h.endswith(": 発散") for h in page.h3)
    notes = " ".join(page.notes)
    assert f"注: 発散した 1 件の実行は発散するまでを表示: 実行 {ids['diverged']}" in notes
    assert "失敗 1 件" in page.text  # the leaderboard's status column


def figure_texts(fig) -> list[str]:
    """Every piece of text drawn in a figure except tick labels."""
    out = [t.get_text() for t in fig.texts]
    sup = getattr(fig, "_supxlabel", None)
    out += [sup.get_text()] if sup is not None else []
    for ax in fig.axes:
        out += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel(), *(t.get_text() for t in ax.texts)]
        legend = ax.get_legend()
        out += [t.get_text() for t in legend.get_texts()] if legend else []
    return [t for t in out if t]


@pytest.mark.parametrize("kind", sorted(FIGURE_KINDS))
def test_every_figure_is_drawn_in_japanese_with_a_japanese_font(store, kind):
    filt = RunFilter(task="architectures") if kind == "learning-curves" else None
    result = make_figure(kind, store, filt, FigureOptions(JA_FONT))
    texts = figure_texts(result.figure)
    drawn = " ".join(texts)
    assert JAPANESE.search(result.title) and JAPANESE.search(result.caption)
    assert english_in(drawn) == [] and LITERAL_ENGLISH.findall(drawn) == [], texts


def test_notes_drawn_in_a_japanese_figure(tmp_path):
    """Selection notes and one figure's own notes (zero gradient norms on a log scale)."""
    with RunStore(f"sqlite:///{tmp_path / 'g.db'}", create=True) as store:
        choices = {"activation": "relu", "initializer": "normal(std=1)"}
        ok = add_run(store, "vanishing-gradients", choices,
                     series={"grad_norm": ([1, 2, 3], [0.0, 1e-3, 1e-2])})
        failed = add_run(store, "vanishing-gradients", choices, seed=1, status="failed")
        result = make_figure("gradient-norms", store, options=FigureOptions(JA_FONT))
    drawn = note_text(result.figure)
    assert f"注: 完了しなかった 1 件の実行を除外(失敗 1 件): 実行 {failed}" in drawn
    assert "注: 勾配ノルムが 0 の層(学習しない層)は対数軸に描けません" in drawn
    assert result.notes == [f"完了しなかった 1 件の実行を除外(失敗 1 件): 実行 {failed}",
                            "勾配ノルムが 0 の層(学習しない層)は対数軸に描けません"]
    assert result.run_ids == [ok] and english_in(drawn) == []


@pytest.mark.parametrize("kind", sorted(set(FIGURE_KINDS) - {"learning-curves"}))
def test_every_kind_explains_an_empty_selection_in_japanese(store, kind):
    result = make_figure(kind, store, RunFilter.parse(seeds=[42]), FigureOptions(JA_FONT))
    drawn = note_text(result.figure)
    assert "表示する実行がありません" in drawn and "シード 42 に合う保存済みの実行がありません" in drawn
    assert english_in(drawn) == [] and result.caption.startswith("表示する実行がありません")


def test_why_a_figure_is_empty_in_japanese(tmp_path):
    with RunStore(f"sqlite:///{tmp_path / 'x.db'}", create=True) as store:
        add_run(store, "architectures", {"architecture": "lenet"}, summary={"test_acc": 0.9})
        add_run(store, "vanishing-gradients", {"activation": "relu", "initializer": "he"})
        add_run(store, "trajectories", {"optimizer": "sgd", "dataset": "gone-surface"},
                artifacts={"path/0": np.array([[1.0, 1.0], [0.5, 0.4]])})
        for seed, first in ((0, np.nan), (1, 0.4)):
            add_run(store, "batch-norm", {"regularizer": "none"}, seed=seed,
                    artifacts={"accuracy_by_scale": np.array([[1.0, first, first],
                                                              [0.01, 0.9, 0.8]])})
        ja = FigureOptions(JA_FONT)
        said = {kind: note_text(make_figure(kind, store, options=ja).figure)
                for kind in ("cnn-accuracy", "activation-histograms", "optimizer-paths",
                             "batch-norm-scales")}
        said["curves"] = note_text(make_figure("learning-curves", store,
                                               RunFilter(task="trajectories"), ja).figure)
    assert "要約のキー test_acc, params, macs をすべて持つ architectures の実行がありません" \
        in said["cnn-accuracy"]
    assert "ヒストグラムを保存した vanishing-gradients の実行がありません" in said["activation-histograms"]
    assert "等高線を描くための曲面 'gone-surface' を読み込めません" in said["optimizer-paths"]
    assert "none: 重みの標準偏差 1 で学習が発散したシードがあります" in said["batch-norm-scales"]
    assert "trajectories の実行には系列" in said["curves"]
    assert all(english_in(t) == [] for t in said.values()), said


def test_without_a_japanese_font_figures_fall_back_to_english_and_notes_stay_japanese(
        store, monkeypatch):
    without_font(monkeypatch)
    language = figure_language("ja")
    assert language.lang == "en" and "日本語フォントが見つからない" in language.note
    result = make_figure("gradient-norms", store, RunFilter.parse(choices=["activation=gelu"]),
                         FigureOptions(language))
    drawn = note_text(result.figure)  # drawn in English: no glyphs for Japanese
    assert "No runs to show" in drawn and "No Japanese-capable font was found" in drawn
    assert not JAPANESE.search(drawn)
    assert result.notes[0] == "task=vanishing-gradients, activation=gelu に合う保存済みの実行がありません"
    assert "日本語フォントが見つからない" in result.notes[1] and len(result.notes) == 2
    assert result.caption.startswith("表示する実行がありません")
    full = make_figure("loss-curves", store, options=FigureOptions(language))
    assert full.title == "最適化手法ごとの訓練損失" and full.figure.axes[0].get_title() == \
        "Training loss per optimizer"


def test_a_message_is_english_text_until_asked_for_another_language():
    note = Message("note_left_out", n=2, counts="x", ids="3, 4")
    assert note == "left out 2 run(s) that did not finish (x): run 3, 4"
    assert note.to("ja") == "完了しなかった 2 件の実行を除外(x): 実行 3, 4"
    nested = Message("note_no_match", what=Message("all_runs"))
    assert nested == "no stored run matches all runs"
    assert nested.to("ja") == "すべての実行 に合う保存済みの実行がありません"


def test_leaderboard_cells_in_japanese(tmp_path):
    from dlbench.report.tables import leaderboard_table

    with RunStore(f"sqlite:///{tmp_path / 'x.db'}", create=True) as store:
        for seed in (0, 1):
            add_run(store, "convergence", {}, seed=seed,
                    summary={"steps_to_target": float("inf") if seed else 40.0, "best_lr": 0.1,
                             "best_on_edge": 1},
                    config={"settings": {"lr_grid": [0.01, 0.1]}, "seed": seed})
        runs = store.list_runs()
    _, ja = leaderboard_table("convergence", runs, dlbench.registry(), "ja")
    _, en = leaderboard_table("convergence", runs, dlbench.registry(), "en")
    dlbench._default_registry = None
    assert "(既定値)" in ja and "完了 2 件、目標に届かず 1 件" in ja
    assert "lr_grid 0.01…0.1 (2); best_lr 0.1×2; 2 シードで最良値がグリッドの端" in ja
    assert "(defaults)" in en and "finished 2, 1 never reached" in en
    assert "on the grid&#x27;s edge in 2 seed(s): widen the grid" in en
    assert english_in(Visible(ja).text) == [] and LITERAL_ENGLISH.findall(Visible(ja).text) == []
