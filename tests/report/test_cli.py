"""``dlbench plot``, ``dlbench report``, ``leaderboard --format`` and the report hint of
``dlbench run``, from the command line."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dlbench.report import fonts as fonts_module


def width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def test_plot_writes_png_and_svg(invoke, seeded_db, tmp_path):
    png = invoke("--db", seeded_db, "plot", "loss-curves", "--smooth", "--out", tmp_path / "l.png")
    assert png.exit_code == 0, png.output
    assert "wrote" in png.stdout and "Training loss per optimizer" in png.stdout
    assert (tmp_path / "l.png").read_bytes()[:4] == b"\x89PNG"
    svg = invoke("--db", seeded_db, "plot", "optimizer-paths", "--choice", "optimizer=adam",
                 "--seed", 0, "-o", tmp_path / "p.svg")
    assert svg.exit_code == 0, svg.output
    assert ET.parse(tmp_path / "p.svg").getroot().tag.endswith("svg")
    assert "1 runs" in svg.stdout


def test_plot_without_a_match_explains_and_still_writes(invoke, seeded_db, tmp_path):
    result = invoke("--db", seeded_db, "plot", "gradient-norms", "--choice", "activation=gelu",
                    "-o", tmp_path / "g.png")
    assert result.exit_code == 0
    assert "note: no stored run matches task=vanishing-gradients, activation=gelu" in result.stderr
    assert (tmp_path / "g.png").stat().st_size > 1000


@pytest.mark.parametrize("args, message", [
    (("plot", "loss-curvs"), "did you mean 'loss-curves'"),
    (("plot", "loss-curves", "--task", "overfitting"), "draws runs of convergence or weight-init"),
    (("plot", "loss-curves", "-o", "x.pdf"), "must end in .png or .svg"),
    (("plot", "learning-curves"), "give --task TASK"),
    (("plot", "loss-curves", "--choice", "adam"), "KIND=NAME"),
])
def test_plot_bad_usage_exits_2(invoke, seeded_db, args, message):
    result = invoke("--db", seeded_db, *args)
    assert result.exit_code == 2 and message in result.stderr


def test_plot_lists_its_kinds(invoke, seeded_db):
    text = invoke("--db", seeded_db, "plot", "--list").stdout
    assert "activation-histograms" in text and "cnn-accuracy" in text


def test_report_command(invoke, seeded_db, tmp_path):
    result = invoke("--db", seeded_db, "report", "--task", "convergence", "--out", tmp_path / "r")
    assert result.exit_code == 0, result.output
    path = tmp_path / "r" / "report-convergence.html"
    assert f"wrote {path} (1 figures, 2 tables" in result.stdout
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_report_in_japanese_falls_back_to_english_labels_and_says_so(invoke, seeded_db,
                                                                      monkeypatch):
    monkeypatch.setattr(fonts_module, "japanese_font", lambda installed=None: None)
    result = invoke("--db", seeded_db, "report", "--task", "weight-init", "--lang", "ja",
                    "--figures", "svg")
    assert result.exit_code == 0, result.output
    assert "日本語フォントが見つからない" in result.stderr
    assert "figure labels: en" in result.stdout
    html = Path("results/report-weight-init.html").read_text(encoding="utf-8")
    assert 'lang="ja"' in html and "data:image/svg+xml;base64," in html


def test_japanese_labels_with_a_japanese_font(seeded_db, monkeypatch):
    from dlbench.report import FigureOptions, make_figure
    from dlbench.report.fonts import figure_language
    from dlbench.storage import RunStore

    language = figure_language("ja", installed={"DejaVu Sans", "IPAexGothic"})
    assert language.lang == "ja" and language.font == "IPAexGothic" and language.note is None
    with RunStore(seeded_db, create=True) as store:
        fig = make_figure("accuracy-curves", store, options=FigureOptions(language)).figure
    assert fig.axes[0].get_xlabel() == "エポック" and fig.axes[0].get_ylabel() == "認識精度"
    assert fig.axes[0].xaxis.label.get_fontfamily()[0] == "IPAexGothic"
    assert figure_language("ja", installed={"DejaVu Sans"}).lang == "en"


@pytest.mark.parametrize("fmt", ["csv", "json", "markdown"])
def test_leaderboard_exports(invoke, seeded_db, tmp_path, fmt):
    out = tmp_path / f"board.{fmt}"
    result = invoke("--db", seeded_db, "leaderboard", "convergence", "--format", fmt, "--out", out)
    assert result.exit_code == 0 and "wrote 2 entries" in result.stderr
    text = out.read_text(encoding="utf-8")
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        assert [r["rank"] for r in rows] == ["1", "2"] and {r["optimizer"] for r in rows} == {"sgd", "adam"}
        assert all(r["metric"] == "steps_to_target" and r["statuses"] == "2 finished" for r in rows)
    elif fmt == "json":
        data = json.loads(text)
        assert data["metric"] == "steps_to_target" and len(data["entries"]) == 2
    else:
        lines = text.splitlines()
        assert lines[0].startswith("| rank | preset | optimizer |") and len(lines) == 4


def test_leaderboard_table_fits_the_terminal(invoke, seeded_db, monkeypatch):
    monkeypatch.setenv("COLUMNS", "70")
    text = invoke("--db", seeded_db, "leaderboard", "vanishing-gradients").stdout
    lines = text.splitlines()
    assert len(lines) == 2 + 1 + 4 and max(width(ln) for ln in lines[1:]) <= 70


def test_run_ends_with_the_report_command(invoke, db_url):
    result = invoke("--db", db_url, "run", "weight-init", "--preset", "test")
    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip().splitlines()[-1].endswith(f"dlbench --db {db_url} report")
    assert not Path("results/report.html").exists()


def test_run_with_report_builds_it(invoke, db_url):
    result = invoke("--db", db_url, "run", "weight-init", "--preset", "test", "--report")
    assert result.exit_code == 0, result.output
    assert "wrote results/report.html (1 figures, 2 tables, 2 runs" in result.stdout
    assert Path("results/report.html").exists()
    as_json = invoke("--db", db_url, "run", "weight-init", "--preset", "test", "--report", "--json")
    assert as_json.exit_code == 0 and len(as_json.json()) == 2  # stdout stays pure JSON
    assert "wrote results/report.html" in as_json.stderr
