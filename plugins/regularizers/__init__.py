"""Regularizers (``register_regularizers``), following the protocol of
``dlbench.nn.regularizer``: each implements only the methods it needs.

=============== ============ ===================================================
name            method       what it does
=============== ============ ===================================================
l2              penalty      λ/2·Σ‖W‖² on weights (ndim ≥ 2)
l1              penalty      α·Σ|W|
elastic-net     penalty      α·ρ·Σ|W| + α(1 − ρ)/2·Σ‖W‖²
sparse          penalty      β·Σ KL(ρ‖ρ̂) on activations in (0, 1), else L1 activity
dropout         wrap_model   Dropout before every Dense but the first
batch-norm      wrap_model   BatchNorm1d after every Dense but the last
augmentation    transform    random shifts + Gaussian noise, labels unchanged
label-smoothing transform    (1 − ε)·onehot + ε/C
early-stopping  should_stop  patience on val_loss / val_acc
=============== ============ ===================================================
"""

from dlbench import hookimpl

from .batch_transforms import Augmentation, LabelSmoothing
from .early_stopping import EarlyStopping
from .penalties import ElasticNetPenalty, L1Penalty, L2Penalty
from .sparse import SparsityPenalty
from .structural import BatchNormRegularizer, DropoutRegularizer

__all__ = ["Augmentation", "BatchNormRegularizer", "DropoutRegularizer", "EarlyStopping",
           "ElasticNetPenalty", "L1Penalty", "L2Penalty", "LabelSmoothing", "SparsityPenalty"]

_IMAGES = {"input_shape": [8, 1, 6, 6], "input_range": [0, 1]}


@hookimpl
def register_regularizers(register):
    register(
        "l2", L2Penalty,
        summary={"en": "L2 weight decay as a loss term: λ/2·Σ‖W‖² over weights, not biases",
                 "ja": "L2 正則化 (荷重減衰): 重みの二乗和 λ/2·Σ‖W‖² を損失に加える (バイアスは除く)"},
        formula="R = λ/2 · Σ_W ‖W‖²  (squared norm);  ∂R/∂W = λW",
        reference="ゼロから作る Deep Learning 6.4.2 (MultiLayerNet weight_decay_lambda); "
                  "Krogh & Hertz, NIPS 1991",
        convention="book's coupled weight decay (= torch SGD weight_decay under plain SGD); "
                   "weight_decay default 0.1 (the book's overfit_weight_decay.py); "
                   "weights = parameters with ndim ≥ 2",
        example={"kwargs": {"weight_decay": 0.1}},
    )
    register(
        "l1", L1Penalty,
        summary={"en": "L1 (lasso) penalty α·Σ|W| with subgradient α·sign(W): sparse weights",
                 "ja": "L1 正則化: α·Σ|W|。劣勾配 α·sign(W) で重みを 0 に近づけ疎にする"},
        formula="R = α · Σ_W Σ|w|;  ∂R/∂w = α·sign(w) (0 at w = 0)",
        reference="Tibshirani, JRSS-B 1996 (lasso); sklearn.linear_model.Lasso (alpha)",
        convention="alpha as scikit-learn; default 1e-3 (chosen, no framework default); "
                   "subgradient 0 at 0 as torch autograd's sign",
        example={"kwargs": {"alpha": 0.01}},
    )
    register(
        "elastic-net", ElasticNetPenalty,
        summary={"en": "Elastic net: mix of L1 and L2 penalties, α·ρ·Σ|W| + α(1−ρ)/2·Σ‖W‖²",
                 "ja": "Elastic Net: L1 と L2 の混合 α·ρ·Σ|W| + α(1−ρ)/2·Σ‖W‖²"},
        formula="R = α·ρ·Σ|w| + ½·α·(1 − ρ)·Σ w²  (ρ = l1_ratio);  ∂R/∂w = α·ρ·sign(w) + α(1 − ρ)·w",
        reference="Zou & Hastie, JRSS-B 2005; sklearn.linear_model.ElasticNet (alpha, l1_ratio)",
        convention="scikit-learn's parametrisation; alpha default 1e-3 (chosen), l1_ratio 0.5",
        example={"kwargs": {"alpha": 0.01, "l1_ratio": 0.3}},
    )
    register(
        "sparse", SparsityPenalty,
        summary={"en": "Sparse activations: KL(ρ‖ρ̂) on sigmoid-like units, an L1 activity "
                       "penalty otherwise; records which (mode_used)",
                 "ja": "スパース正則化: (0,1) の活性には KL(ρ‖ρ̂)、それ以外は活性の L1 罰則。"
                       "どちらを使ったか mode_used に記録する"},
        formula="KL: β·Σ_j [ρ log(ρ/ρ̂_j) + (1−ρ) log((1−ρ)/(1−ρ̂_j))], ρ̂_j = mean_batch h_j, "
                "∂/∂h_ij = (β/N)(−ρ/ρ̂_j + (1−ρ)/(1−ρ̂_j));  L1: λ·(1/N)·Σ|h|, ∂/∂h = (λ/N)·sign(h)",
        reference="Ng, CS294A Lecture notes 'Sparse autoencoder' (2011); "
                  "Keras ActivityRegularization (L1 activity)",
        convention="rho 0.05 and beta 3 from Ng's notes; l1 1e-3 (chosen); mode 'auto' picks KL "
                   "when every hidden activation of the first batch lies in (0, 1)",
        example={"kwargs": {"rho": 0.1, "beta": 1.0}},
    )
    register(
        "dropout", DropoutRegularizer,
        summary={"en": "Inserts dropout before every dense layer but the first (after hidden "
                       "activations); inverted by default",
                 "ja": "最初以外の全結合層の前 (隠れ層の活性化の後) にドロップアウトを挿入する。"
                       "既定は inverted dropout"},
        formula="train: h ← h·m/(1 − p), m ~ Bernoulli(1 − p); eval: h;  "
                "variant='book': train h·m, eval h·(1 − p)",
        reference="Srivastava et al., JMLR 15 (2014); ゼロから作る Deep Learning 6.4.3; torch.nn.Dropout",
        convention="torch.nn.Dropout: p = drop probability, default 0.5 (also MultiLayerNetExtend's; "
                   "the book's overfit_dropout.py uses 0.2); masks seeded from rng or the initial weights",
        example={"kwargs": {"p": 0.3, "rng": 0}},
    )
    register(
        "batch-norm", BatchNormRegularizer,
        summary={"en": "Inserts batch normalization after every dense layer but the last "
                       "(before the activation)",
                 "ja": "最後以外の全結合層の直後 (活性化関数の前) にバッチ正規化を挿入する"},
        formula="h ← γ·(h − μ_B)/√(σ²_B + eps) + β per unit; running stats for eval "
                "(see layer batchnorm1d)",
        reference="Ioffe & Szegedy, ICML 2015 (arXiv:1502.03167); ゼロから作る Deep Learning 6.3 "
                  "(MultiLayerNetExtend)",
        convention="torch.nn.BatchNorm1d (eps 1e-5, momentum 0.1 on the new batch, unbiased "
                   "running variance); variant='book' eps 1e-6, biased running variance",
        example={"kwargs": {"momentum": 0.1}},
    )
    register(
        "early-stopping", EarlyStopping,
        summary={"en": "Stops training when the validation metric has not improved for "
                       "`patience` epochs",
                 "ja": "早期終了: 検証データの指標が patience エポック改善しなければ学習を止める"},
        formula="stop ⇔ epochs − argbest ≥ patience, improvement: v < best − min_delta "
                "(val_loss) or v > best + min_delta (val_acc)",
        reference="Prechelt, 'Early Stopping – But When?' (1998); "
                  "lightning.pytorch.callbacks.EarlyStopping",
        convention="PyTorch Lightning's EarlyStopping: patience 3, min_delta 0, monitor "
                   "val_loss; validation split from the data set, never the test set",
        example={"kwargs": {"patience": 2, "monitor": "val_loss"}},
    )
    register(
        "augmentation", Augmentation,
        summary={"en": "Label-preserving image augmentation: random shifts of up to max_shift "
                       "pixels and Gaussian noise",
                 "ja": "データ拡張: 最大 max_shift 画素の平行移動とガウスノイズ (ラベルは不変)"},
        formula="x'[i, :, r, q] = x[i, :, r − dy_i, q − dx_i] (0 outside), dy, dx ~ U{−s..s};  "
                "x'' = x' + N(0, noise_std²)",
        reference="Simard, Steinkraus & Platt, ICDAR 2003; Bishop, Neural Computation 7 (1995)",
        convention="NCHW or flat (N, D) read as image_shape (or a square single channel); "
                   "noise_std 0.05 and max_shift 1 chosen for [0, 1] pixels of 8×8 digits",
        example={"kwargs": {"noise_std": 0.05, "max_shift": 1}, **_IMAGES},
    )
    register(
        "label-smoothing", LabelSmoothing,
        summary={"en": "Label smoothing: targets (1 − ε)·onehot + ε/C (torch's meaning)",
                 "ja": "ラベル平滑化: 目標を (1 − ε)·onehot + ε/C にする (torch と同じ定義)"},
        formula="t = (1 − ε)·onehot(y) + ε/C",
        reference="Szegedy et al., CVPR 2016 (arXiv:1512.00567); "
                  "torch.nn.CrossEntropyLoss(label_smoothing)",
        convention="torch's label_smoothing ε (default here 0.1); num_classes explicit, "
                   "else max(y) + 1 of the batch",
        example={"kwargs": {"label_smoothing": 0.1, "num_classes": 3}, "num_classes": 3},
    )
