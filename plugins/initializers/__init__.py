"""Weight initializers (``register_initializers``).

Each registered object is a class whose instances are callables
``init(shape, rng, *, fan_in, fan_out) -> ndarray`` (float64; layers cast to their dtype);
the schemes are in :mod:`.schemes`. Hyperparameters follow ``torch.nn.init`` (``gain``,
``a``, ``mode``, ``nonlinearity``) where torch has the scheme.
"""

from dlbench import hookimpl

from .schemes import (Constant, GlorotNormal, GlorotUniform, He, HeUniform, LeCunNormal, Normal,
                      Xavier, Zeros, calculate_gain)

__all__ = ["Constant", "GlorotNormal", "GlorotUniform", "He", "HeUniform", "LeCunNormal",
           "Normal", "Xavier", "Zeros", "calculate_gain"]

GLOROT_PAPER = "Glorot & Bengio 2010, Understanding the difficulty of training deep " \
               "feedforward neural networks (AISTATS)"
HE_PAPER = "He, Zhang, Ren & Sun 2015, arXiv:1502.01852"
LECUN_PAPER = "LeCun, Bottou, Orr & Müller 1998, Efficient BackProp"


@hookimpl
def register_initializers(register):
    register(
        "zeros", Zeros,
        summary={"en": "All zeros: every unit stays identical (the symmetry problem); a lesson",
                 "ja": "すべて 0: 同じ層のユニットがずっと同じ値のまま(対称性の問題)。教材用"},
        formula="W = 0",
        reference="ゼロから作る Deep Learning 6.2.1 (重みの初期値を 0 にする?); torch.nn.init.zeros_",
        convention="torch.nn.init.zeros_",
        example={"kwargs": {}},
    )
    register(
        "constant", Constant,
        summary={"en": "Every weight the same value: units stay identical (symmetry problem)",
                 "ja": "すべて同じ値: ユニットが区別されないまま学習が進まない(対称性の問題)"},
        formula="W = val",
        reference="ゼロから作る Deep Learning 6.2.1; torch.nn.init.constant_",
        convention="torch.nn.init.constant_ (torch has no default val; 0.01 here)",
        example={"kwargs": {"val": 0.5}},
    )
    register(
        "normal", Normal,
        summary={"en": "Gaussian with a fixed std (the book's 0.01), independent of layer size",
                 "ja": "層の大きさに依らない固定標準偏差のガウス分布(本の 0.01)"},
        formula="W ~ N(mean, std²)",
        reference="ゼロから作る Deep Learning 6.2; torch.nn.init.normal_",
        convention="torch.nn.init.normal_ (mean=0, std given; default std 0.01 as the book)",
        example={"kwargs": {"std": 0.01}},
    )
    register(
        "xavier", Xavier,
        summary={"en": "The course's Xavier: std √(1/fan_in) (Glorot's paper uses fan_in + fan_out)",
                 "ja": "講座の Xavier: 標準偏差 √(1/fan_in)(Glorot の論文は fan_in + fan_out を使う)"},
        formula="W ~ N(0, 1/fan_in)  (= lecun-normal; the paper's form is glorot-normal)",
        reference=f"ゼロから作る Deep Learning 6.2.2 (weight_init_std='xavier'); {GLOROT_PAPER}",
        convention="book / course (√(1/n), n = previous layer's size); not torch's xavier_normal_",
        example={"kwargs": {}},
    )
    register(
        "glorot-normal", GlorotNormal,
        summary={"en": "Glorot (Xavier) normal: variance 2/(fan_in + fan_out), as in the paper",
                 "ja": "Glorot(Xavier)正規分布: 分散 2/(fan_in + fan_out)(論文どおり)"},
        formula="W ~ N(0, std²), std = gain·√(2/(fan_in + fan_out))",
        reference=f"{GLOROT_PAPER}; torch.nn.init.xavier_normal_",
        convention="torch.nn.init.xavier_normal_ (gain=1)",
        example={"kwargs": {}},
    )
    register(
        "glorot-uniform", GlorotUniform,
        summary={"en": "Glorot (Xavier) uniform: bound √(6/(fan_in + fan_out)), the paper's form",
                 "ja": "Glorot(Xavier)一様分布: 範囲 ±√(6/(fan_in + fan_out))(論文の形)"},
        formula="W ~ U(−b, b), b = gain·√(6/(fan_in + fan_out))",
        reference=f"{GLOROT_PAPER}, eq. 16; torch.nn.init.xavier_uniform_",
        convention="torch.nn.init.xavier_uniform_ (gain=1)",
        example={"kwargs": {}},
    )
    register(
        "he", He,
        summary={"en": "He (Kaiming) normal for ReLU: std √(2/fan_in)",
                 "ja": "He(Kaiming)正規分布: ReLU 用、標準偏差 √(2/fan_in)"},
        formula="W ~ N(0, std²), std = gain/√fan_in, gain = √2 (relu) → √(2/fan_in)",
        reference=f"{HE_PAPER}; ゼロから作る Deep Learning 6.2.3; torch.nn.init.kaiming_normal_",
        convention="torch.nn.init.kaiming_normal_ (mode='fan_in', nonlinearity='relu')",
        example={"kwargs": {}},
    )
    register(
        "he-uniform", HeUniform,
        summary={"en": "He (Kaiming) uniform for ReLU: bound √(6/fan_in)",
                 "ja": "He(Kaiming)一様分布: ReLU 用、範囲 ±√(6/fan_in)"},
        formula="W ~ U(−b, b), b = gain·√(3/fan_in) = √(6/fan_in) for relu",
        reference=f"{HE_PAPER}; torch.nn.init.kaiming_uniform_",
        convention="torch.nn.init.kaiming_uniform_ (mode='fan_in', nonlinearity='relu')",
        example={"kwargs": {}},
    )
    register(
        "lecun-normal", LeCunNormal,
        summary={"en": "LeCun normal: std √(1/fan_in); keeps SELU networks self-normalizing",
                 "ja": "LeCun 正規分布: 標準偏差 √(1/fan_in)。SELU の自己正規化の前提"},
        formula="W ~ N(0, 1/fan_in)",
        reference=f"{LECUN_PAPER}; Klambauer et al. 2017, arXiv:1706.02515",
        convention="LeCun 1998 (untruncated normal; Keras' lecun_normal truncates)",
        example={"kwargs": {}},
    )
