"""Losses (``register_losses``): the engine's fused losses with their metadata."""

from dlbench import hookimpl
from dlbench.nn import BCEWithLogitsLoss, CrossEntropyLoss, MSELoss


@hookimpl
def register_losses(register):
    register(
        "mse", MSELoss,
        summary={"en": "Mean squared error; variant='book' gives the book's ½·Σ(y − t)²",
                 "ja": "平均二乗誤差。variant='book' で本の ½·Σ(y − t)²"},
        formula="torch: mean((y − t)²);  book: ½ Σ (y − t)²",
        reference="torch.nn.MSELoss; ゼロから作る Deep Learning 4.2.1",
        convention="torch.nn.MSELoss (reduction='mean'); variant='book' optional",
        example={"kwargs": {}, "input_shape": [4, 3], "target": "same-shape"},
    )
    register(
        "cross-entropy", CrossEntropyLoss,
        summary={"en": "Softmax + cross entropy, fused and stable (log-sum-exp); int labels or probabilities",
                 "ja": "ソフトマックスと交差エントロピーの融合(log-sum-exp で安定)。整数ラベルか確率"},
        formula="L = −Σ_k t_k log softmax(x)_k;  ∂L/∂x = softmax(x) − t (÷N for the mean)",
        reference="torch.nn.CrossEntropyLoss; ゼロから作る Deep Learning 5.6.3 (SoftmaxWithLoss)",
        convention="torch.nn.CrossEntropyLoss (reduction='mean', label_smoothing=0)",
        example={"kwargs": {}, "input_shape": [4, 3], "target": "class-indices"},
    )
    register(
        "binary-cross-entropy", BCEWithLogitsLoss,
        summary={"en": "Sigmoid + binary cross entropy, fused (takes logits); for multi-label outputs",
                 "ja": "シグモイドと二値交差エントロピーの融合(ロジットを入力)。多ラベル出力向け"},
        formula="L = max(x, 0) − x·t + log(1 + e^{−|x|});  ∂L/∂x = σ(x) − t",
        reference="torch.nn.BCEWithLogitsLoss",
        convention="torch.nn.BCEWithLogitsLoss (reduction='mean')",
        example={"kwargs": {}, "input_shape": [4, 3], "target": "binary"},
    )
