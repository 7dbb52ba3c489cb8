"""Words of figures and reports in English and Japanese.

``text(key, lang)`` returns the word in ``lang`` (``"en"`` or ``"ja"``), English when a
key has no Japanese form; :class:`Message` holds words whose language is chosen later. Figures ask for their language through
:func:`dlbench.report.fonts.figure_language`, which falls back to English only when no
Japanese-capable font can be found (not even the one dlbench depends on).
"""

from __future__ import annotations

from ..errors import UnknownNameError

LANGS = ("en", "ja")

TEXT: dict[str, dict[str, str]] = {
    # figure labels
    "iteration": {"en": "iteration", "ja": "反復回数"},
    "epoch": {"en": "epoch", "ja": "エポック"},
    "loss": {"en": "training loss", "ja": "訓練損失"},
    "accuracy": {"en": "accuracy", "ja": "認識精度"},
    "train": {"en": "train", "ja": "訓練"},
    "test": {"en": "test", "ja": "テスト"},
    "layer": {"en": "layer", "ja": "層"},
    "layer_n": {"en": "layer {n}", "ja": "{n} 層目"},
    "activation_value": {"en": "activation value", "ja": "活性化の値"},
    "count": {"en": "count", "ja": "度数"},
    "grad_norm": {"en": "‖∂L/∂W‖ (weight-gradient norm)", "ja": "‖∂L/∂W‖(重みの勾配ノルム)"},
    "weight_std": {"en": "standard deviation of the initial weights",
                   "ja": "重みの初期値の標準偏差"},
    "train_acc": {"en": "train accuracy", "ja": "訓練精度"},
    "test_acc": {"en": "test accuracy", "ja": "テスト精度"},
    "val_acc": {"en": "validation accuracy", "ja": "検証精度"},
    "params": {"en": "parameters", "ja": "パラメータ数"},
    "macs": {"en": "multiply-accumulates (MACs)", "ja": "積和演算数 (MACs)"},
    "learning_rate": {"en": "learning rate", "ja": "学習率"},
    "weight_decay": {"en": "weight decay", "ja": "荷重減衰"},
    "band_minmax": {"en": "band: min–max over seeds", "ja": "帯: シード間の最小〜最大"},
    "band_std": {"en": "band: mean ± std over seeds", "ja": "帯: シード間の平均 ± 標準偏差"},
    "smoothed": {"en": "smoothed (the book's smooth_curve)", "ja": "平滑化(本の smooth_curve)"},
    "no_runs": {"en": "No runs to show", "ja": "表示する実行がありません"},
    # figure titles
    "title_histograms": {"en": "Activation histograms per layer", "ja": "層ごとの活性化の分布"},
    "title_grad_norms": {"en": "Weight-gradient norm against depth", "ja": "層ごとの重みの勾配ノルム"},
    "title_loss_optimizer": {"en": "Training loss per optimizer", "ja": "最適化手法ごとの訓練損失"},
    "title_loss_init": {"en": "Training loss per weight initialization",
                        "ja": "重みの初期値ごとの訓練損失"},
    "title_paths": {"en": "Optimizer paths on 2-D test functions",
                    "ja": "2 次元の試験関数上の最適化の軌跡"},
    "title_accuracy": {"en": "Train and test accuracy per epoch",
                       "ja": "エポックごとの訓練・テスト精度"},
    "title_bn": {"en": "Accuracy against the initial weight scale, with and without batch norm",
                 "ja": "重みの初期スケールと精度(Batch Norm あり・なし)"},
    "title_trials": {"en": "Random search: validation accuracy of each trial",
                     "ja": "ランダムサーチ: 試行ごとの検証精度"},
    "title_cnn": {"en": "CNN test accuracy against parameters and MACs",
                  "ja": "CNN のテスト精度とパラメータ数・積和演算数"},
    "title_curves": {"en": "Learning curves ({task})", "ja": "学習曲線 ({task})"},
    # figure captions (report text: in the report's language, whatever the figure's font)
    "cap_lines": {"en": "Lines: mean over seeds ({seeds} per setting); {band}.",
                  "ja": "線: シードの平均(設定ごとに {seeds} シード)。{band}。"},
    "spread_minmax": {"en": "lowest to highest seed", "ja": "シード間の最小〜最大"},
    "spread_std": {"en": "± std over seeds", "ja": "シード間の ± 標準偏差"},
    "cap_histograms": {
        "en": "One row per activation × initializer, one panel per layer, as the book's "
              "weight_init_activation_histogram.py. Filled: mean count per bin over seeds "
              "({seeds} per row); red band: {band} per bin.",
        "ja": "行は活性化関数 × 初期値、列は層(本の weight_init_activation_histogram.py と同じ構成)。"
              "塗りつぶしはシード平均の度数(各行 {seeds} シード)、赤い帯は各ビンの{band}。"},
    "cap_grad_norms": {
        "en": "The norm of each dense layer's weight gradient after one backward pass (layer 1 "
              "next to the input); a collapse towards layer 1 is the vanishing gradient.",
        "ja": "1 回の逆伝播後の各全結合層の重み勾配のノルム(1 層目が入力側)。"
              "1 層目に向かって小さくなるのが勾配消失。"},
    "cap_loss": {"en": "Training loss per iteration.", "ja": "反復ごとの訓練損失。"},
    "cap_loss_convergence": {
        "en": "Convergence runs store the curve at their best learning rate on the shared grid.",
        "ja": "convergence の各実行は、共通の学習率グリッドで最良だった学習率での曲線を保存している。"},
    "cap_smoothed": {
        "en": "Each seed smoothed with the book's smooth_curve (Kaiser window, 11 points) first.",
        "ja": "各シードを本の smooth_curve(カイザー窓、11 点)で平滑化してから平均。"},
    "cap_accuracy": {
        "en": "One panel per regularizer: the gap between the solid (train) and dashed (test) "
              "curves is the overfitting. Epoch = iteration / ⌈train size / batch size⌉.",
        "ja": "正則化ごとに 1 枚: 実線(訓練)と破線(テスト)の差が過学習。"
              "エポック = 反復回数 / ⌈訓練データ数 / バッチサイズ⌉。"},
    "cap_curves": {"en": "Series: {keys}.", "ja": "系列: {keys}。"},
    "cap_paths": {
        "en": "Contours of log(1 + f − f_min); solid: paths from the function's standard start "
              "points (the same in every seed, drawn once); thin dashed: random start points of "
              "each seed; circle: start; star: minimum. A diverged path is drawn up to its last "
              "finite point.",
        "ja": "log(1 + f − f_min) の等高線。実線: 関数の標準の初期位置からの軌跡(どのシードでも同じなので"
              " 1 回だけ描画)、細い破線: 各シードのランダムな初期位置からの軌跡、丸: 初期位置、星: 最小点。"
              "発散した軌跡は最後の有限な点まで描画。"},
    "cap_bn": {
        "en": "As the book's batch_norm_test.py: accuracy after training from weights drawn "
              "with each standard deviation; solid train, dashed test.",
        "ja": "本の batch_norm_test.py と同じく、各標準偏差で重みを初期化して学習した後の精度。"
              "実線は訓練、破線はテスト。"},
    "cap_trials": {
        "en": "As the book's hyperparameter_optimization.py, judged on the validation split; "
              "one point per trial of every seed; diverged trials (no accuracy) are not drawn.",
        "ja": "本の hyperparameter_optimization.py と同じく検証データで評価。全シードの試行を 1 点ずつ表示し、"
              "発散した試行(精度なし)は描かない。"},
    "cap_cnn": {
        "en": "One point per architecture (and dataset): mean test accuracy over seeds, error "
              "bars {band}; log x axes (parameters; multiply-accumulates of one forward pass of "
              "one image).",
        "ja": "アーキテクチャ(とデータセット)ごとに 1 点: シード平均のテスト精度、誤差棒は{band}。"
              "横軸は対数(パラメータ数、1 画像の順伝播の積和演算数)。"},
    # report text
    "report_title": {"en": "dlbench report", "ja": "dlbench レポート"},
    "generated": {"en": "Generated {when} from {db} by dlbench {version}.",
                  "ja": "{when} に {db} から dlbench {version} で生成。"},
    "contents": {"en": "Contents", "ja": "目次"},
    "figures": {"en": "Figures", "ja": "図"},
    "tables": {"en": "Tables", "ja": "表"},
    "warnings": {"en": "Warnings", "ja": "注意"},
    "leaderboard": {"en": "Leaderboard", "ja": "ランキング"},
    "results": {"en": "Results of every run", "ja": "全実行の結果"},
    "runs": {"en": "Runs: configuration and environment",
             "ja": "実行: 設定と環境"},
    "runs_behind": {"en": "Runs behind this figure", "ja": "この図の元になった実行"},
    "figures_of_run": {"en": "Figures using this run", "ja": "この実行を使う図"},
    "ranked_by": {"en": "ranked by {metric} ({better} is better); band over seeds: "
                        "Student-t 95% interval",
                  "ja": "{metric} で順位付け({better}ほど良い)。95% 信頼区間は t 分布による"},
    "lower": {"en": "lower", "ja": "低い"},
    "higher": {"en": "higher", "ja": "高い"},
    "no_runs_report": {"en": "No stored runs match: {what}. Run `dlbench run` first.",
                       "ja": "条件に合う保存済みの実行がありません: {what}。先に `dlbench run` を実行してください。"},
    "no_figure": {"en": "No figure for this task yet; its numbers are in the tables below.",
                  "ja": "このタスクの図はまだありません。数値は下の表にあります。"},
    "config": {"en": "configuration", "ja": "設定"},
    "environment": {"en": "environment", "ja": "環境"},
    "summary": {"en": "summary", "ja": "要約"},
    "error": {"en": "error", "ja": "エラー"},
    "status": {"en": "status", "ja": "状態"},
    "seed": {"en": "seed", "ja": "シード"},
    "choices": {"en": "choices", "ja": "選択"},
    "task": {"en": "task", "ja": "タスク"},
    "preset": {"en": "preset", "ja": "プリセット"},
    "code_version": {"en": "code version", "ja": "コードのバージョン"},
    "duration": {"en": "duration (s)", "ja": "所要時間 (秒)"},
    "any_task": {"en": "any task", "ja": "すべてのタスク"},
    "note_prefix": {"en": "note: ", "ja": "注: "},
    "list_sep": {"en": ", ", "ja": "、"},
    # table headers and cells
    "n_runs": {"en": "n", "ja": "実行数"},
    "mean_std": {"en": "{metric}: mean ± std", "ja": "{metric}: 平均 ± 標準偏差"},
    "ci95": {"en": "95% CI", "ja": "95% 信頼区間"},
    "runs_col": {"en": "runs", "ja": "実行"},
    "run_col": {"en": "run", "ja": "実行"},
    "grid": {"en": "grid", "ja": "探索グリッド"},
    "defaults": {"en": "(defaults)", "ja": "(既定値)"},
    "status_tally": {"en": "{status} {n}", "ja": "{status} {n} 件"},
    "status_count": {"en": "{n} {status}", "ja": "{status} {n} 件"},
    "never_reached": {"en": "{n} never reached", "ja": "目標に届かず {n} 件"},
    "grid_edge": {"en": "on the grid's edge in {n} seed(s): widen the grid",
                  "ja": "{n} シードで最良値がグリッドの端: グリッドを広げてください"},
    "status_running": {"en": "running", "ja": "実行中"},
    "status_finished": {"en": "finished", "ja": "完了"},
    "status_diverged": {"en": "diverged", "ja": "発散"},
    "status_failed": {"en": "failed", "ja": "失敗"},
    "status_interrupted": {"en": "interrupted", "ja": "中断"},
    # each run's block
    "run_n": {"en": "run {id}", "ja": "実行 {id}"},
    "started": {"en": "started", "ja": "開始"},
    "step": {"en": "step", "ja": "ステップ"},
    # warnings at the top of the report
    "warn_unfinished": {
        "en": "{n} run(s) did not finish and are left out of the figures and rankings (their "
              "errors are in the run list): ",
        "ja": "{n} 件の実行が完了しなかったため、図とランキングから除外しました"
              "(エラーは実行の一覧にあります): "},
    "warn_diverged": {
        "en": "{n} run(s) diverged; figures show them up to their divergence and leaderboards "
              "rank them last: ",
        "ja": "{n} 件の実行が発散しました。図では発散するまでを描き、ランキングでは最下位にしています: "},
    "warn_versions": {
        "en": "runs from {n} code versions are mixed in this report ({versions}); numbers may "
              "not be comparable across them.",
        "ja": "このレポートには {n} 種類のコードのバージョンの実行が混在しています({versions})。"
              "バージョンが違うと数値を比べられないことがあります。"},
    # notes of a run selection (figures and report)
    "all_runs": {"en": "all runs", "ja": "すべての実行"},
    "filter_runs": {"en": "run {ids}", "ja": "実行 {ids}"},
    "filter_seeds": {"en": "seed {seeds}", "ja": "シード {seeds}"},
    "note_no_id": {"en": "no stored run with id {ids}", "ja": "ID {ids} の実行は保存されていません"},
    "note_no_match": {"en": "no stored run matches {what}",
                      "ja": "{what} に合う保存済みの実行がありません"},
    "note_none_finished": {
        "en": "none of the {n} matching runs finished ({counts}); nothing to plot",
        "ja": "条件に合う {n} 件の実行はどれも完了していません({counts})。描くものがありません"},
    "note_left_out": {"en": "left out {n} run(s) that did not finish ({counts}): run {ids}",
                      "ja": "完了しなかった {n} 件の実行を除外({counts}): 実行 {ids}"},
    "note_hidden": {
        "en": "{n} older run(s) of the same configuration and code version hidden (reruns "
              "with --force): run {ids}",
        "ja": "設定とコードのバージョンが同じ古い実行 {n} 件は非表示(--force で再実行されたもの): "
              "実行 {ids}"},
    "note_diverged": {"en": "{n} diverged run(s) shown up to their divergence: run {ids}",
                      "ja": "発散した {n} 件の実行は発散するまでを表示: 実行 {ids}"},
    "note_versions": {"en": "runs from {n} code versions are mixed: {versions}",
                      "ja": "{n} 種類のコードのバージョンの実行が混在: {versions}"},
    # why a figure has nothing to show, and notes of single figures
    "nothing_task_runs": {"en": "no {task} runs", "ja": "{task} の実行がありません"},
    "nothing_loss": {"en": "the selected {task} runs stored no loss series",
                     "ja": "選んだ {task} の実行には損失の系列 (loss) が保存されていません"},
    "nothing_series": {"en": "the {task} runs store none of the series {keys}",
                       "ja": "{task} の実行には系列 {keys} のどれも保存されていません"},
    "nothing_histograms": {"en": "no vanishing-gradients run with stored histograms",
                           "ja": "ヒストグラムを保存した vanishing-gradients の実行がありません"},
    "nothing_cnn_keys": {"en": "no architectures run has all of the summary keys {keys}",
                         "ja": "要約のキー {keys} をすべて持つ architectures の実行がありません"},
    "nothing_bn_table": {
        "en": "the selected batch-norm runs stored no accuracy_by_scale table",
        "ja": "選んだ batch-norm の実行には精度の表 (accuracy_by_scale) が保存されていません"},
    "nothing_trials": {
        "en": "the selected hyperparameter-search runs stored no trials table",
        "ja": "選んだ hyperparameter-search の実行には試行の表 (trials) が保存されていません"},
    "note_cnn_skipped": {"en": "{n} run(s) without {keys} left out",
                         "ja": "{keys} のない {n} 件の実行を除外"},
    "note_zero_grad": {
        "en": "zero gradient norms (dead layers) cannot be drawn on the log scale",
        "ja": "勾配ノルムが 0 の層(学習しない層)は対数軸に描けません"},
    "note_bn_diverged": {
        "en": "{label}: training diverged at weight std {stds} in some seed (no accuracy there)",
        "ja": "{label}: 重みの標準偏差 {stds} で学習が発散したシードがあります(そこでは精度なし)"},
    "note_no_surface": {"en": "cannot load the surface {name} to draw its contour: {error}",
                        "ja": "等高線を描くための曲面 {name} を読み込めません: {error}"},
    "not_run": {"en": "not run", "ja": "未実行"},
    "best_lr": {"en": " (best lr {lrs})", "ja": " (最良の学習率 {lrs})"},
    "lr_of": {"en": " (lr {lrs})", "ja": " (学習率 {lrs})"},
    "font_fallback": {
        "en": "No Japanese-capable font was found (looked for {fonts}); figure labels "
              "are in English. The font comes with dlbench's dependency matplotlib-fontja: "
              "reinstall dlbench or run `pip install matplotlib-fontja`.",
        "ja": "日本語フォントが見つからないため({fonts} を探しました)、図のラベルは英語です。"
              "フォントは dlbench が依存する matplotlib-fontja に含まれています。dlbench を"
              "入れ直すか `pip install matplotlib-fontja` を実行してください。"},
}


class Message(str):
    """Words that can be said in every language, for text made before its language is known
    (a selection's notes are drawn in the figure's language and listed in the report's).

    The string itself is the English form, so English output, ``==`` and ``in`` are as
    for plain text; :meth:`to` gives any language. Format values that are messages are
    said in the same language.
    """

    def __new__(cls, key: str, **fmt):
        self = super().__new__(cls, _render(key, "en", fmt))
        self.key, self.fmt = key, fmt
        return self

    def to(self, lang: str) -> str:
        return _render(self.key, lang, self.fmt)


class Phrase(Message):
    """A :class:`Message` composed by ``compose(lang) -> str`` (lists, labels)."""

    def __new__(cls, compose):
        self = str.__new__(cls, compose("en"))
        self.compose = compose
        return self

    def to(self, lang: str) -> str:
        return self.compose(lang)


def say(value, lang: str) -> str:
    """``value`` in ``lang``: a :class:`Message` translated, anything else as text."""
    return value.to(lang) if isinstance(value, Message) else str(value)


def _render(key: str, lang: str, fmt: dict) -> str:
    return text(key, lang, **{k: say(v, lang) for k, v in fmt.items()})


def status_word(status: str, lang: str = "en") -> str:
    """A run status (``finished``, ``failed``...) in ``lang``; unknown ones as stored."""
    key = f"status_{status}"
    return text(key, lang) if key in TEXT else str(status)


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise UnknownNameError("language", lang, LANGS)
    return lang


def text(key: str, lang: str = "en", **fmt) -> str:
    """The word ``key`` in ``lang`` (English if it has no such form), formatted."""
    forms = TEXT[key]
    out = forms.get(lang) or forms["en"]
    return out.format(**fmt) if fmt else out
