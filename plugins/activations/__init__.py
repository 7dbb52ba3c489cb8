"""Activation functions (``register_activations``), and maxout as a layer (``register_layers``).

Hyperparameters use ``torch.nn``'s names and defaults. Each entry states its formula with
its derivative, the convention it follows, its source, and the example input
``dlbench check`` gradient-checks it on: input ranges keep kinks (0 for the rectifiers,
ties between maxout pieces) at least 1e−2 away from every sampled point, which
tests/plugins/test_activations.py verifies.

Modules: :mod:`.classic` (the book's), :mod:`.rectifiers`, :mod:`.smooth`, :mod:`.maxout`.
"""

from dlbench import hookimpl

from .classic import Identity, ReLU, Sigmoid, Softmax, Step, Tanh
from .maxout import Maxout
from .rectifiers import ELU, PReLU, RReLU, SELU, LeakyReLU
from .smooth import GELU, SiLU, Softplus

__all__ = ["ELU", "GELU", "Identity", "LeakyReLU", "Maxout", "PReLU", "ReLU", "RReLU", "SELU",
           "SiLU", "Sigmoid", "Softmax", "Softplus", "Step", "Tanh"]


def _example(kwargs=None, shape=(4, 5), low=-2.0, high=2.0) -> dict:
    return {"kwargs": dict(kwargs or {}), "input_shape": list(shape), "input_range": [low, high]}


MAXOUT_META = dict(
    summary={"en": "Maxout: the maximum of k learned affine pieces per unit (a layer with weights)",
             "ja": "Maxout: 各出力ユニットで k 個の学習される一次関数の最大値をとる(重みを持つ層)"},
    formula=("z_ij = x·W[:, i, j] + b[i·k + j];  y_i = max_j z_ij;  ∂y_i/∂z_ij = 1[j = argmax] "
             "(ties: first piece). weight (in_features, out_features, pool_size), "
             "bias (out_features·pool_size,)"),
    reference="Goodfellow, Warde-Farley, Mirza, Courville & Bengio 2013, arXiv:1302.4389",
    convention=("no torch.nn class: equals Linear(in, out·pool_size) grouped by unit then max; "
                "default init as torch.nn.Linear"),
)


@hookimpl
def register_activations(register):
    register(
        "step", Step,
        summary={"en": "Heaviside step 1[x > 0]: the perceptron's activation; zero gradient",
                 "ja": "ステップ関数 1[x > 0]: パーセプトロンの活性化関数。勾配は常に 0"},
        formula="step(x) = 1 if x > 0 else 0;  step'(x) = 0 (x ≠ 0)",
        reference="Rosenblatt 1958; ゼロから作る Deep Learning 3.2.2 (step_function)",
        convention="book (step_function: x > 0); torch.heaviside(x, 0)",
        example=_example(),
    )
    register(
        "identity", Identity,
        summary={"en": "Identity y = x: the output activation of regression",
                 "ja": "恒等関数 y = x: 回帰の出力層で使う"},
        formula="y = x;  y' = 1",
        reference="ゼロから作る Deep Learning 3.5.1 (恒等関数); torch.nn.Identity",
        convention="torch.nn.Identity",
        example=_example(),
    )
    register(
        "sigmoid", Sigmoid,
        summary={"en": "Logistic sigmoid: squashes to (0, 1); saturates, derivative at most 0.25",
                 "ja": "シグモイド関数: (0, 1) に押し込む。飽和しやすく、微分の最大値は 0.25"},
        formula="σ(x) = 1 / (1 + e^{−x});  σ'(x) = σ(x)(1 − σ(x)) ≤ σ'(0) = 0.25",
        reference="ゼロから作る Deep Learning 3.2.4; torch.nn.Sigmoid",
        convention="torch.nn.Sigmoid",
        example=_example(low=-4, high=4),
    )
    register(
        "tanh", Tanh,
        summary={"en": "Hyperbolic tangent: zero-centred sigmoid, range (−1, 1), derivative 1 at 0",
                 "ja": "双曲線正接: 原点対称のシグモイド。値域 (−1, 1)、0 での微分は 1"},
        formula="tanh(x) = 2σ(2x) − 1;  tanh'(x) = 1 − tanh²(x)",
        reference="LeCun, Bottou, Orr & Müller 1998, Efficient BackProp; torch.nn.Tanh",
        convention="torch.nn.Tanh",
        example=_example(low=-3, high=3),
    )
    register(
        "relu", ReLU,
        summary={"en": "Rectified linear unit: max(0, x); gradient 1 for x > 0, else 0",
                 "ja": "ReLU: max(0, x)。x > 0 で勾配 1、それ以外は 0"},
        formula="ReLU(x) = max(0, x);  ReLU'(x) = 1[x > 0] (0 at x = 0, as torch)",
        reference="Nair & Hinton, ICML 2010; torch.nn.ReLU",
        convention="torch.nn.ReLU",
        example=_example(),
    )
    register(
        "leaky-relu", LeakyReLU,
        summary={"en": "Leaky ReLU: a small fixed slope for x ≤ 0 so units never die",
                 "ja": "Leaky ReLU: x ≤ 0 に小さな固定の傾きを持たせ、ユニットが死なないようにする"},
        formula="y = x (x > 0), negative_slope·x (x ≤ 0);  y' = 1 or negative_slope",
        reference="Maas, Hannun & Ng 2013, Rectifier Nonlinearities Improve Neural Network "
                  "Acoustic Models (ICML workshop); torch.nn.LeakyReLU",
        convention="torch.nn.LeakyReLU (negative_slope=0.01)",
        example=_example(),
    )
    register(
        "prelu", PReLU,
        summary={"en": "Parametric ReLU: the negative slope is learned (one, or one per channel)",
                 "ja": "PReLU: 負側の傾きを学習する(全体で 1 つ、またはチャネルごと)"},
        formula="y = x (x > 0), a_c·x (x ≤ 0);  ∂y/∂x = 1 or a_c;  ∂L/∂a_c = Σ_{x≤0} x·dy",
        reference="He, Zhang, Ren & Sun 2015, arXiv:1502.01852; torch.nn.PReLU",
        convention="torch.nn.PReLU (num_parameters=1, init=0.25; per-channel slopes on axis 1)",
        example=_example({"num_parameters": 3}, shape=(4, 3, 2, 2)),
    )
    register(
        "rrelu", RReLU,
        summary={"en": "Randomized leaky ReLU: random slope U(lower, upper) in training, "
                       "their mean in eval",
                 "ja": "RReLU: 学習時は負側の傾きを U(lower, upper) から乱数で選び、推論時はその平均を使う"},
        formula="train: y = a·x (x ≤ 0), a ~ U(lower, upper) per element; "
                "eval: a = (lower + upper)/2;  y' = 1 or a",
        reference="Xu, Wang, Chen & Li 2015, arXiv:1505.00853; torch.nn.RReLU",
        convention="torch.nn.RReLU (lower=1/8, upper=1/3); slopes drawn from the injected rng",
        example=_example({"rng": 0}),
    )
    register(
        "elu", ELU,
        summary={"en": "Exponential linear unit: smooth negative part saturating at −α",
                 "ja": "ELU: 負側が −α に滑らかに飽和する指数線形ユニット"},
        formula="y = x (x > 0), α(e^x − 1) (x ≤ 0);  y' = 1 or α·e^x",
        reference="Clevert, Unterthiner & Hochreiter 2015, arXiv:1511.07289; torch.nn.ELU",
        convention="torch.nn.ELU (alpha=1.0)",
        example=_example(low=-3, high=2),
    )
    register(
        "selu", SELU,
        summary={"en": "Scaled ELU with fixed α, λ that make activations self-normalizing",
                 "ja": "SELU: 固定の α, λ で活性が自己正規化される(平均 0・分散 1 が不動点)スケール付き ELU"},
        formula="y = λx (x > 0), λα(e^x − 1) (x ≤ 0), α = 1.6732632423543772, "
                "λ = 1.0507009873554805;  y' = λ or λα·e^x",
        reference="Klambauer, Unterthiner, Mayr & Hochreiter 2017, arXiv:1706.02515; torch.nn.SELU",
        convention="torch.nn.SELU",
        example=_example(low=-3, high=2),
    )
    register(
        "gelu", GELU,
        summary={"en": "Gaussian error linear unit x·Φ(x) (exact erf; tanh approximation optional)",
                 "ja": "GELU: x·Φ(x)(誤差関数による厳密形。tanh 近似も選べる)"},
        formula="GELU(x) = x·Φ(x) = ½x(1 + erf(x/√2));  GELU'(x) = Φ(x) + x·φ(x). "
                "approximate='tanh': ½x(1 + tanh(√(2/π)(x + 0.044715x³)))",
        reference="Hendrycks & Gimpel 2016, arXiv:1606.08415; erf: Cody 1969, Math. Comp. 23; "
                  "torch.nn.GELU",
        convention="torch.nn.GELU (approximate='none')",
        example=_example(low=-4, high=4),
    )
    register(
        "softplus", Softplus,
        summary={"en": "Softplus: smooth ReLU (1/β)log(1 + e^{βx}); linear above the threshold",
                 "ja": "Softplus: 滑らかな ReLU (1/β)log(1 + e^{βx})。しきい値より上は線形"},
        formula="y = (1/β)·log(1 + e^{βx}) (βx ≤ threshold), x (βx > threshold);  "
                "y' = σ(βx) (1 above the threshold)",
        reference="Dugas, Bengio, Bélisle, Nadeau & Garcia 2001 (NIPS 13); torch.nn.Softplus",
        convention="torch.nn.Softplus (beta=1, threshold=20)",
        example=_example(low=-4, high=4),
    )
    register(
        "silu", SiLU,
        summary={"en": "Sigmoid linear unit (Swish-1): x·σ(x), smooth and non-monotonic",
                 "ja": "SiLU(Swish-1): x·σ(x)。滑らかで非単調"},
        formula="SiLU(x) = x·σ(x);  SiLU'(x) = σ(x)(1 + x(1 − σ(x)))",
        reference="Elfwing, Uchibe & Doya 2017, arXiv:1702.03118; Ramachandran, Zoph & Le 2017 "
                  "(Swish), arXiv:1710.05941; torch.nn.SiLU",
        convention="torch.nn.SiLU",
        example=_example(low=-4, high=4),
    )
    register(
        "softmax", Softmax,
        summary={"en": "Softmax along an axis: positive outputs summing to 1 (class probabilities)",
                 "ja": "ソフトマックス: 指定した軸で和が 1 になる正の値(クラス確率)を出力する"},
        formula="y_i = e^{x_i} / Σ_j e^{x_j} (max subtracted);  ∂L/∂x = y ⊙ (dy − Σ_j dy_j y_j)",
        reference="ゼロから作る Deep Learning 3.5.2; torch.nn.Softmax",
        convention="torch.nn.Softmax (its dim is called axis here; default −1)",
        example=_example(low=-3, high=3),
    )
    register(
        "maxout", Maxout,
        example=_example({"in_features": 5, "out_features": 5, "pool_size": 3, "rng": 0},
                         low=-1, high=1),
        **MAXOUT_META,
    )


@hookimpl
def register_layers(register):
    register(
        "maxout", Maxout,
        example=_example({"in_features": 5, "out_features": 3, "pool_size": 3, "rng": 0},
                         low=-1, high=1),
        **MAXOUT_META,
    )
