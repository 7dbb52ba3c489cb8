"""CNN layers and blocks (``register_layers``): convolution, pooling, LRN, inception,
residual and squeeze-excitation blocks. Arguments and defaults are ``torch.nn``'s;
images are NCHW. ``flatten``, ``batchnorm2d`` and ``dropout`` live in ``layers``.
"""

from dlbench import hookimpl
from dlbench.nn import (AdaptiveAvgPool2d, AvgPool2d, BasicBlock, BasicConv2d, Bottleneck, Conv2d,
                        GlobalAvgPool2d, Inception, LocalResponseNorm, MaxPool2d,
                        SqueezeExcitation)

OUTPUT_SIZE = "OH = ⌊(H + 2P − K)/S⌋ + 1 (⌈·⌉ with ceil_mode; a last window starting in the right " \
              "padding is dropped)"


@hookimpl
def register_layers(register):
    register(
        "conv2d", Conv2d,
        summary={"en": "2-D convolution (cross-correlation) by im2col + GEMM; weight (F, C, KH, KW)",
                 "ja": "2 次元畳み込み (相互相関)。im2col と行列積で計算。重みの形は (F, C, KH, KW)"},
        formula=f"y[n,f,i,j] = b[f] + Σ_c,u,v W[f,c,u,v]·x_pad[n,c,S·i+u,S·j+v];  {OUTPUT_SIZE};  "
                "∂W = dy·colsᵀ, ∂x = col2im(Wᵀ·dy)",
        reference="torch.nn.Conv2d; ゼロから作る Deep Learning 7.4 (im2col); "
                  "Chellapilla et al. 2006 (convolution as matrix product)",
        convention="torch.nn.Conv2d: in_channels, out_channels, kernel_size, stride=1, padding=0, "
                   "bias=True, groups=1; default init U(±1/√fan_in), fan_in = C/groups·KH·KW",
        example={"kwargs": {"in_channels": 2, "out_channels": 3, "kernel_size": 3, "stride": 2,
                            "padding": 1, "rng": 0}, "input_shape": [2, 2, 5, 5]},
    )
    register(
        "maxpool2d", MaxPool2d,
        summary={"en": "Max pooling: the largest value of each window (padding counts as −∞)",
                 "ja": "最大値プーリング: 各窓の最大値 (パディングは −∞ 扱い)"},
        formula=f"y = max over the K×K window;  {OUTPUT_SIZE};  the gradient goes to the first "
                "maximum of each window",
        reference="torch.nn.MaxPool2d; ゼロから作る Deep Learning 7.3",
        convention="torch.nn.MaxPool2d: kernel_size, stride=None (= kernel_size), padding=0 "
                   "(at most K/2), ceil_mode=False",
        # distinct values (no ties in a window) keep max differentiable for the check
        example={"kwargs": {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True},
                 "input_shape": [2, 2, 6, 5], "input_range": [-2, 2]},
    )
    register(
        "avgpool2d", AvgPool2d,
        summary={"en": "Average pooling: the mean of each window",
                 "ja": "平均値プーリング: 各窓の平均"},
        formula=f"y = Σ window / divisor;  {OUTPUT_SIZE};  divisor = window clipped to the padded "
                "input (count_include_pad=True) or to the input",
        reference="torch.nn.AvgPool2d",
        convention="torch.nn.AvgPool2d: kernel_size, stride=None, padding=0, ceil_mode=False, "
                   "count_include_pad=True",
        example={"kwargs": {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True},
                 "input_shape": [2, 2, 6, 5]},
    )
    register(
        "global-avgpool", GlobalAvgPool2d,
        summary={"en": "Global average pooling: (N, C, H, W) → (N, C), the mean of each channel",
                 "ja": "グローバル平均プーリング: (N, C, H, W) → (N, C)。チャネルごとの平均"},
        formula="y[n,c] = (1/HW) Σ_ij x[n,c,i,j];  ∂x = dy/HW",
        reference="Lin et al., Network in Network, arXiv:1312.4400",
        convention="torch.nn.AdaptiveAvgPool2d(1) followed by torch.nn.Flatten",
        example={"kwargs": {}, "input_shape": [2, 3, 4, 5]},
    )
    register(
        "adaptive-avgpool", AdaptiveAvgPool2d,
        summary={"en": "Adaptive average pooling to a fixed output size (torch's bins)",
                 "ja": "適応的平均プーリング: 出力サイズを固定 (torch と同じ区間の取り方)"},
        formula="bin i covers [⌊i·H/OH⌋, ⌈(i+1)·H/OH⌉) (likewise columns); y = A_h x A_wᵀ",
        reference="torch.nn.AdaptiveAvgPool2d",
        convention="torch.nn.AdaptiveAvgPool2d: output_size (int or (OH, OW))",
        example={"kwargs": {"output_size": [2, 3]}, "input_shape": [2, 2, 5, 7]},
    )
    register(
        "lrn", LocalResponseNorm,
        summary={"en": "Local response normalization across neighbouring channels (AlexNet)",
                 "ja": "局所応答正規化: 近傍チャネルの二乗和で割る (AlexNet)"},
        formula="b_c = a_c / (k + (α/n) Σ_{c'=c−⌊n/2⌋}^{c+⌊(n−1)/2⌋} a_{c'}²)^β, n = size",
        reference="Krizhevsky et al., NeurIPS 2012, sec. 3.3; torch.nn.LocalResponseNorm",
        convention="torch.nn.LocalResponseNorm: size, alpha=1e-4, beta=0.75, k=1.0 (α is divided "
                   "by n; AlexNet's paper: n=5, α=1e-4 undivided (torch alpha=5e-4), β=0.75, k=2)",
        example={"kwargs": {"size": 3, "alpha": 0.5, "beta": 0.75, "k": 1.0},
                 "input_shape": [2, 5, 3, 3]},
    )
    register_blocks(register)


def register_blocks(register):
    register(
        "basic-conv2d", BasicConv2d,
        summary={"en": "conv → batch norm → ReLU in one module (GoogLeNet's BasicConv2d)",
                 "ja": "畳み込み → バッチ正規化 → ReLU をまとめたモジュール (GoogLeNet の BasicConv2d)"},
        formula="y = ReLU(BN(conv(x))), conv without bias;  batch_norm=False: y = ReLU(conv(x) + b)",
        reference="torchvision.models.googlenet.BasicConv2d; Ioffe & Szegedy, arXiv:1502.03167",
        convention="torchvision: in_channels, out_channels, kernel_size, stride, padding; "
                   "BN eps=1e-3 as torchvision's GoogLeNet",
        example={"kwargs": {"in_channels": 2, "out_channels": 3, "kernel_size": 3, "padding": 1,
                            "rng": 0}, "input_shape": [3, 2, 4, 4]},
    )
    register(
        "inception", Inception,
        summary={"en": "GoogLeNet's inception module: 1×1 | 1×1→3×3 | 1×1→3×3 | pool→1×1, "
                       "concatenated on channels",
                 "ja": "GoogLeNet のインセプションモジュール: 4 つの並列ブランチをチャネル方向に連結"},
        formula="y = concat_c(b1(x), b2(x), b3(x), b4(x)); each conv = conv → BN(eps 1e-3) → ReLU;  "
                "∂x = Σ_b ∂x_b",
        reference="Szegedy et al., Going Deeper with Convolutions, arXiv:1409.4842; "
                  "torchvision.models.googlenet.Inception",
        convention="torchvision: in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj; "
                   "its '5×5' branch uses 3×3 kernels; kernel_5x5=5, batch_norm=False is the paper",
        example={"kwargs": {"in_channels": 3, "ch1x1": 2, "ch3x3red": 2, "ch3x3": 2, "ch5x5red": 1,
                            "ch5x5": 2, "pool_proj": 2, "rng": 0},
                 "input_shape": [2, 3, 4, 4], "max_coords": 30},
    )
    register(
        "basic-block", BasicBlock,
        summary={"en": "ResNet basic block: two 3×3 conv-BN with a shortcut, y = ReLU(F(x) + x)",
                 "ja": "ResNet の基本ブロック: 3×3 畳み込み 2 つとショートカット。y = ReLU(F(x) + x)"},
        formula="F = BN∘conv3×3∘ReLU∘BN∘conv3×3(stride);  y = ReLU(F(x) + s(x)), s = identity or "
                "1×1 conv(stride)+BN;  ∂x = ∂F/∂x·g + ∂s/∂x·g",
        reference="He et al., Deep Residual Learning, arXiv:1512.03385; "
                  "torchvision.models.resnet.BasicBlock",
        convention="torchvision layout; shortcut='auto' projects only when the shape changes "
                   "(option B); se_reduction adds an SE block before the addition",
        example={"kwargs": {"in_channels": 2, "out_channels": 3, "stride": 2, "rng": 0},
                 "input_shape": [3, 2, 4, 4], "max_coords": 30},
    )
    register(
        "bottleneck", Bottleneck,
        summary={"en": "ResNet bottleneck: 1×1 reduce, 3×3, 1×1 expand (×4) with a shortcut",
                 "ja": "ResNet のボトルネックブロック: 1×1 で削減、3×3、1×1 で 4 倍に拡張し、ショートカットを足す"},
        formula="F = BN∘conv1×1(4p)∘ReLU∘BN∘conv3×3(p, stride)∘ReLU∘BN∘conv1×1(p);  "
                "y = ReLU(F(x) + s(x))",
        reference="He et al., arXiv:1512.03385; torchvision.models.resnet.Bottleneck (V1.5)",
        convention="torchvision V1.5: stride on the 3×3 (stride_on='1x1' is the paper's V1); "
                   "in_channels, planes (output 4·planes); se_reduction=16 gives SE-ResNet's block",
        example={"kwargs": {"in_channels": 4, "planes": 2, "stride": 2, "rng": 0},
                 "input_shape": [2, 4, 5, 5], "max_coords": 30},
    )
    register(
        "squeeze-excitation", SqueezeExcitation,
        summary={"en": "Squeeze-and-excitation: rescale channels by σ(FC(ReLU(FC(global mean))))",
                 "ja": "Squeeze-and-Excitation: チャネルごとの大域平均から FC-ReLU-FC-シグモイドで重みを作り、"
                       "チャネルを再重み付けする"},
        formula="s = mean_hw(x); e = σ(W₂ ReLU(W₁ s + b₁) + b₂); y = x·e (per channel); "
                "W₁: C → C/r, W₂: C/r → C",
        reference="Hu et al., Squeeze-and-Excitation Networks, arXiv:1709.01507",
        convention="channels, reduction=16 (the paper's r), FCs with bias as the paper and timm; "
                   "hidden width max(1, C // r)",
        example={"kwargs": {"channels": 8, "reduction": 4, "rng": 0}, "input_shape": [3, 8, 3, 3]},
    )
