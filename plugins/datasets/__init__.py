"""Data sets (``register_datasets``): shipped, read from local files, or generated.

Every loader is deterministic: its splits use its own ``split_seed``, so one load serves
every run and the dataset's checksum enters each run's config hash.
"""

from dlbench import hookimpl

from .digits import Digits
from .idx import FashionMnist, Mnist
from .surfaces import Beale, BookBowl, Rastrigin, Rosenbrock
from .synthetic import Blobs, Moons, Spiral

_SPLIT = "stratified train/val/test with a fixed split_seed"


@hookimpl
def register_datasets(register):
    register(
        "digits", Digits,
        summary={"en": "Real 8×8 handwritten digits (1,797 images, 10 classes), shipped; the default",
                 "ja": "実物の 8×8 手書き数字(1,797 枚・10 クラス)。同梱、全タスクの既定"},
        formula="x = pixels / 16 ∈ [0, 1], shape (N, 1, 8, 8); 70/10/20 % train/val/test",
        reference="UCI Optical Recognition of Handwritten Digits (Alpaydin & Kaynak 1998), CC BY 4.0",
        convention=_SPLIT, example={"kwargs": {}},
    )
    for name, cls, ja in (("mnist", Mnist, "MNIST 手書き数字"),
                          ("fashion-mnist", FashionMnist, "Fashion-MNIST 衣類画像")):
        register(
            name, cls,
            summary={"en": f"{name} (60,000 + 10,000 28×28 images) read from local IDX files",
                     "ja": f"{ja}(28×28、60,000 + 10,000 枚)をローカルの IDX ファイルから読む"},
            formula="x = pixels / 255 ∈ [0, 1], shape (N, 1, 28, 28); validation carved from train",
            reference="LeCun et al. 1998 (MNIST); Xiao et al. 2017 arXiv:1708.07747 (Fashion-MNIST)",
            convention="official train/test; gz files verified against the official MD5 digests",
            example={"kwargs": {}, "needs_files": True},
        )
    for name, cls, en, ja, formula in (
        ("spiral", Spiral, "Interleaved spiral arms (not linearly separable)", "絡み合う渦巻き(線形分離不可)",
         "r = i/n, θ = 4(k + r) + noise; x = r(sin θ, cos θ)"),
        ("moons", Moons, "Two interleaving half moons", "かみ合う二つの半月",
         "upper (cos t, sin t), lower (1 − cos t, 1/2 − sin t), t ∈ [0, π], + N(0, noise²)"),
        ("blobs", Blobs, "Isotropic Gaussian clusters", "等方ガウスのクラスタ",
         "x = c_k + N(0, (10·noise)²), centres c_k ~ U(−5, 5)²"),
    ):
        register(name, cls, summary={"en": en, "ja": ja}, formula=formula,
                 reference="CS231n (spiral); scikit-learn make_moons / make_blobs (shapes)",
                 convention=_SPLIT, example={"kwargs": {}})
    for name, cls, formula, en, ja in (
        ("book-bowl", BookBowl, "f(x, y) = x²/20 + y²", "The book's elongated bowl (ch. 6)",
         "本の第 6 章の細長いお椀型関数"),
        ("rosenbrock", Rosenbrock, "f = (1 − x)² + 100(y − x²)²", "Rosenbrock's banana valley",
         "ローゼンブロック関数(バナナ型の谷)"),
        ("beale", Beale, "f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
         "Beale's function: plateaus and ridges", "ビール関数(平坦部と尾根)"),
        ("rastrigin", Rastrigin, "f = 20 + Σ(x_i² − 10 cos 2πx_i)", "Rastrigin: many local minima",
         "ラストリギン関数(多数の局所解)"),
    ):
        register(name, cls, summary={"en": en + " (2-D surface for trajectories)",
                                     "ja": ja + "(軌跡用の 2 次元関数)"},
                 formula=formula,
                 reference="ゼロから作る Deep Learning 6.1 (book-bowl); Surjanovic & Bingham, "
                           "Virtual Library of Simulation Experiments (test functions)",
                 convention="analytic gradient; standard start points", example={"kwargs": {}})
