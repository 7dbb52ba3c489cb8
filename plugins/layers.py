"""Layers (``register_layers``): arguments named as in ``torch.nn``."""

from dlbench import hookimpl
from dlbench.nn import BatchNorm1d, BatchNorm2d, Dense, Dropout, Flatten


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
    register(
        "batchnorm1d", BatchNorm1d,
        summary={"en": "Batch normalization of (N, C) or (N, C, L) per channel; running "
                       "statistics for eval",
                 "ja": "バッチ正規化 (N, C) / (N, C, L)。チャネルごとにミニバッチの平均・分散で正規化し、"
                       "推論時は移動平均を使う"},
        formula="x̂ = (x − μ_B)/√(σ²_B + eps), y = γx̂ + β (σ²_B biased);  running ← (1 − momentum)"
                "·running + momentum·batch, running_var from the unbiased σ²_B·n/(n−1);  "
                "dx = (γ/√(σ²_B+eps))·(dy − mean(dy) − x̂·mean(dy·x̂))",
        reference="Ioffe & Szegedy, ICML 2015 (arXiv:1502.03167); torch.nn.BatchNorm1d; "
                  "ゼロから作る Deep Learning 6.3 (BatchNormalization)",
        convention="torch.nn.BatchNorm1d: num_features, eps=1e-5, momentum=0.1 (weight of the "
                   "new batch), unbiased running variance; variant='book': eps=1e-6, biased "
                   "running variance (the book's momentum 0.9 on the old value is the same 0.1)",
        example={"kwargs": {"num_features": 5}, "input_shape": [6, 5], "input_range": [-2, 2]},
    )
    register(
        "batchnorm2d", BatchNorm2d,
        summary={"en": "Batch normalization of NCHW images: statistics per channel over N, H, W",
                 "ja": "画像 (N, C, H, W) のバッチ正規化。チャネルごとに N, H, W 方向の平均・分散で正規化する"},
        formula="x̂ = (x − μ_c)/√(σ²_c + eps), y = γ_c x̂ + β_c, μ_c, σ²_c over (N, H, W);  "
                "running stats as batchnorm1d",
        reference="Ioffe & Szegedy, ICML 2015 (arXiv:1502.03167); torch.nn.BatchNorm2d",
        convention="torch.nn.BatchNorm2d: num_features, eps=1e-5, momentum=0.1 (weight of the "
                   "new batch), unbiased running variance; variant='book': eps=1e-6, biased "
                   "running variance",
        example={"kwargs": {"num_features": 3}, "input_shape": [2, 3, 4, 4], "input_range": [-2, 2]},
    )
    register(
        "dropout", Dropout,
        summary={"en": "Dropout: zeroes each unit with probability p in training (inverted: "
                       "kept units scaled by 1/(1−p))",
                 "ja": "ドロップアウト: 学習時に各ユニットを確率 p で 0 にする (inverted 方式では残りを "
                       "1/(1−p) 倍する)"},
        formula="train: y = x·m/(1 − p), m_i = 1[u_i ≥ p], u ~ U[0,1); eval: y = x.  "
                "variant='book': train y = x·m, eval y = x·(1 − p)",
        reference="Srivastava et al., JMLR 15 (2014); torch.nn.Dropout; "
                  "ゼロから作る Deep Learning 6.4.3 (Dropout)",
        convention="torch.nn.Dropout: p = drop probability, default 0.5, inverted scaling; "
                   "the book's non-inverted form as variant='book'; mask from the layer's rng",
        example={"kwargs": {"p": 0.3, "rng": 0}, "input_shape": [4, 5], "input_range": [-2, 2]},
    )
