"""Layers (``register_layers``): arguments named as in ``torch.nn``."""

from dlbench import hookimpl
from dlbench.nn import Dense, Flatten


@hookimpl
def register_layers(register):
    register(
        "dense", Dense,
        summary={"en": "Fully connected layer y = x @ W + b, weight (in_features, out_features)",
                 "ja": "全結合層 y = x @ W + b。重みの形は (in_features, out_features)"},
        formula="y = xW + b;  ∂L/∂x = dy Wᵀ, ∂L/∂W = xᵀ dy, ∂L/∂b = Σ_batch dy",
        reference="ゼロから作る Deep Learning 5.6.2 (Affine); torch.nn.Linear (transposed weight)",
        convention="book layout (in, out); torch.nn.Linear's argument names and default init",
        example={"kwargs": {"in_features": 5, "out_features": 3}, "input_shape": [4, 5]},
    )
    register(
        "flatten", Flatten,
        summary={"en": "Flattens all axes after the batch axis", "ja": "バッチ軸以外を 1 次元に平らにする"},
        formula="(N, d1, d2, ...) → (N, d1·d2·...)",
        reference="torch.nn.Flatten",
        convention="torch.nn.Flatten (start_dim=1)",
        example={"kwargs": {}, "input_shape": [2, 3, 4, 4]},
    )
