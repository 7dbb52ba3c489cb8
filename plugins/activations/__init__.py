"""Activation functions (``register_activations``).

Hyperparameters use ``torch.nn``'s names and defaults. Each entry states its formula and
the example input ``dlbench check`` gradient-checks it on.
"""

from dlbench import hookimpl

from .classic import ReLU, Sigmoid


@hookimpl
def register_activations(register):
    register(
        "sigmoid", Sigmoid,
        summary={"en": "Logistic sigmoid: squashes to (0, 1); saturates, derivative at most 0.25",
                 "ja": "シグモイド関数: (0, 1) に押し込む。飽和しやすく、微分の最大値は 0.25"},
        formula="σ(x) = 1 / (1 + e^{−x});  σ'(x) = σ(x)(1 − σ(x))",
        reference="ゼロから作る Deep Learning 3.2.4; torch.nn.Sigmoid",
        convention="torch.nn.Sigmoid",
        example={"kwargs": {}, "input_shape": [4, 5], "input_range": [-4, 4]},
    )
    register(
        "relu", ReLU,
        summary={"en": "Rectified linear unit: max(0, x); gradient 1 for x > 0, else 0",
                 "ja": "ReLU: max(0, x)。x > 0 で勾配 1、それ以外は 0"},
        formula="ReLU(x) = max(0, x);  ReLU'(x) = 1[x > 0] (0 at x = 0, as torch)",
        reference="Nair & Hinton, ICML 2010; torch.nn.ReLU",
        convention="torch.nn.ReLU",
        example={"kwargs": {}, "input_shape": [4, 5], "input_range": [-2, 2]},
    )
