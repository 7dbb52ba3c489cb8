"""Fixtures for the quiz tests: a per-user folder inside tmp, a small bank written on disk,
and helpers to load the shipped bank."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

SHIPPED = Path(__file__).resolve().parents[2] / "quizzes"

MINI = {
    "day1/t-sigmoid-numeric-001.toml": '''
        schema = 1
        id = "t-sigmoid-numeric-001"
        type = "numeric"
        topics = ["act.sigmoid"]
        difficulty = 1
        benchmarks = ["vanishing-gradients"]
        [answer]
        value = 0.25
        [[answer.near_miss]]
        value = 0.5
        misconception = "sigmoid-deriv-max-half"
        feedback.ja = "0.5 は σ(0) の値。微分の最大値は 0.25。"
        feedback.en = "0.5 is the value σ(0); the derivative peaks at 0.25."
        [[hints]]
        ja = "σ'(x) = σ(x)(1 − σ(x))"
        en = "σ'(x) = σ(x)(1 − σ(x))"
        [prompt]
        ja = "シグモイド関数の導関数の最大値は?"
        en = "What is the maximum of the sigmoid's derivative?"
        [explanation]
        ja = "σ'(0) = 0.5 × 0.5 = 0.25。"
        en = "σ'(0) = 0.5 × 0.5 = 0.25."
    ''',
    "day1/t-epoch-numeric-002.toml": '''
        schema = 1
        id = "t-epoch-numeric-002"
        type = "numeric"
        topics = ["gd.minibatch"]
        difficulty = 1
        benchmarks = ["convergence"]
        [answer]
        value = 600
        kind = "integer"
        [prompt]
        ja = "訓練データ 60000 件、バッチサイズ 100 のとき 1 エポックの更新回数は?"
        en = "With 60000 training samples and batch size 100, how many updates make an epoch?"
        [explanation]
        ja = "60000 / 100 = 600。"
        en = "60000 / 100 = 600."
    ''',
    "day1/t-chain-text-003.toml": '''
        schema = 1
        id = "t-chain-text-003"
        type = "short_text"
        topics = ["bp.chain-rule"]
        difficulty = 1
        normalize = ["nfkc", "casefold", "strip_spaces"]
        [answer.accepted]
        ja = ["連鎖律"]
        en = ["chain rule"]
        [[answer.near_miss]]
        text = "連鎖率"
        misconception = "chain-rule-kanji-ritsu"
        feedback.ja = "「率」ではなく「律」(rule)。"
        feedback.en = "It is 律 (rule), not 率 (rate)."
        [prompt]
        ja = "合成関数の微分を各関数の微分の積で求める法則の名前は?"
        en = "What is the rule that differentiates a composition as a product of derivatives?"
        [explanation]
        ja = "連鎖律: dz/dx = dz/dt · dt/dx。"
        en = "The chain rule: dz/dx = dz/dt · dt/dx."
    ''',
    "day1/t-backprop-text-004.toml": '''
        schema = 1
        id = "t-backprop-text-004"
        type = "short_text"
        topics = ["bp.backprop"]
        difficulty = 1
        [answer.accepted]
        ja = ["誤差逆伝播法", "誤差逆伝搬法"]
        en = ["backpropagation", "backprop"]
        [prompt]
        ja = "勾配を連鎖律で出力側から効率よく求める方法の名前は?"
        en = "What is the method that computes gradients efficiently from the output backwards?"
        [explanation]
        ja = "誤差逆伝播法(誤差逆伝搬法とも書く)。"
        en = "Backpropagation."
    ''',
    "day2/t-momentum-tf-005.toml": '''
        schema = 1
        id = "t-momentum-tf-005"
        type = "true_false"
        topics = ["opt.momentum"]
        difficulty = 1
        benchmarks = ["trajectories"]
        answer = false
        misconception = "momentum-global-minimum"
        [prompt]
        ja = "モメンタムを使うと、非凸な損失でも必ず大域的最適解に到達する。"
        en = "With momentum, training always reaches the global optimum, even on a non-convex loss."
        [explanation]
        ja = "どの最適化手法も非凸な損失で大域的最適解を保証しない。"
        en = "No optimizer guarantees the global optimum on a non-convex loss."
    ''',
    "day2/t-pool-choice-006.toml": '''
        schema = 1
        id = "t-pool-choice-006"
        type = "single_choice"
        topics = ["cnn.pooling"]
        difficulty = 1
        benchmarks = ["architectures"]
        shuffle = false
        [prompt]
        ja = "最大値プーリング層の学習するパラメータの数は?"
        en = "How many learnable parameters does a max-pooling layer have?"
        [[choices]]
        id = "a"
        correct = true
        text.ja = "0"
        text.en = "0"
        [[choices]]
        id = "b"
        correct = false
        misconception = "pooling-has-weights"
        text.ja = "窓の大きさ × チャンネル数"
        text.en = "window size × channels"
        feedback.ja = "プーリングに重みはない。"
        feedback.en = "Pooling has no weights."
        [explanation]
        ja = "プーリングは窓の最大値を取るだけで、パラメータはない。"
        en = "Pooling takes each window's maximum; it has no parameters."
    ''',
}


@pytest.fixture(autouse=True)
def private_home(tmp_path, monkeypatch):
    """click.get_app_dir and the locale point inside the test's tmp folder / English."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


def write_bank(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return root


@pytest.fixture
def mini_bank(tmp_path) -> Path:
    return write_bank(tmp_path / "mini", MINI)


@pytest.fixture
def loaded(mini_bank):
    """The mini bank loaded with the shipped registries."""
    from dlbench.quiz import load_bank

    return load_bank([("mini", mini_bank)], context=[("course", SHIPPED)])


@pytest.fixture
def progress(tmp_path):
    return f"sqlite:///{tmp_path / 'progress.db'}"
