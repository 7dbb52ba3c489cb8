"""CNN architectures (``register_architectures``), from LeNet to SENet.

Each is a :class:`dlbench.arch.Architecture`: ``reg.create("architecture", NAME,
input_shape=(C, H, W), num_classes=K, variant=None, width=1.0, rng=None)`` builds it, and
``dlbench arch info NAME`` infers its table without allocating weights. At 3×224×224 the
defaults are torchvision's layouts; below 64×64 a documented ``small`` variant is chosen
(``variant=`` overrides); ``width`` multiplies every channel and hidden-unit count.
"""

from dlbench import hookimpl

from .alexnet import ALEXNET, ZFNET
from .book import DEEP_CONVNET, LENET, SIMPLE_CNN
from .googlenet import GOOGLENET
from .resnet import RESNET18, RESNET34, RESNET50, SE_RESNET50
from .vgg import VGG11, VGG16, VGG19

CHOICE = "variant=None picks 'small' below 64×64 input, else the default; width multiplies channels"
TINY = {"input_shape": [1, 8, 8], "num_classes": 3, "width": 0.125, "rng": 0}

ARCHITECTURES = [
    (SIMPLE_CNN, "The book's SimpleConvNet: conv 30@5×5 - ReLU - max-pool - FC 100 - FC",
     "本書 7 章の SimpleConvNet: 畳み込み 30@5×5 - ReLU - プーリング - 全結合 100 - 全結合",
     "ゼロから作る Deep Learning 7.5 (ch07/simple_convnet.py)",
     "conv(30, 5×5) → ReLU → maxpool 2×2/2 → affine 100 → ReLU → affine K", "the book's"),
    (DEEP_CONVNET, "The book's deep CNN: six 3×3 convs, three pools, FC 50, dropout",
     "本書 8 章の深い CNN: 3×3 畳み込み 6 層、プーリング 3 回、全結合 50、ドロップアウト",
     "ゼロから作る Deep Learning 8.1 (ch08/deep_convnet.py)",
     "[conv3×3 → ReLU]×2 → pool, ×3 (16, 32, 64 channels) → affine 50 → ReLU → dropout → "
     "affine K → dropout", "the book's (He init)"),
    (LENET, "LeNet-5: conv-subsample-conv-subsample-FC, tanh",
     "LeNet-5: 畳み込みとサブサンプリングを 2 回、全結合 3 層、tanh",
     "LeCun et al., Proc. IEEE 86(11), 1998",
     "conv 6@5×5 → tanh → avgpool → conv 16@5×5 → tanh → avgpool → FC 120 → FC 84 → FC K",
     "the common simplification (no partial C3 connections, no RBF output)"),
    (ALEXNET, "AlexNet: ReLU, dropout, overlapping pooling, LRN (paper form), 5 convs + 3 FC",
     "AlexNet: ReLU・ドロップアウト・重なりのあるプーリング・LRN (論文版)、畳み込み 5 層と全結合 3 層",
     "Krizhevsky, Sutskever & Hinton, NeurIPS 2012; torchvision.models.alexnet",
     "conv11×11/4 → pool → conv5×5 → pool → conv3×3 ×3 → pool → FC 4096 ×2 → FC K",
     "torchvision layout by default; 'paper' = 96 channels, groups=2, LRN"),
    (ZFNET, "ZFNet: AlexNet with a 7×7/2 first layer, tuned by visualising the filters",
     "ZFNet: 可視化に基づき AlexNet の第 1 層を 7×7/2 に変えたネットワーク",
     "Zeiler & Fergus, ECCV 2014 (arXiv:1311.2901)",
     "conv7×7/2 → LRN → pool → conv5×5/2 → LRN → pool → conv3×3 ×3 → pool → FC 4096 ×2 → FC K",
     "the paper's layout (no torchvision model)"),
    (VGG11, "VGG-11: stacked 3×3 convs (configuration A)",
     "VGG-11: 3×3 畳み込みを積み重ねたネットワーク (構成 A)",
     "Simonyan & Zisserman, arXiv:1409.1556; torchvision.models.vgg11",
     "[64, M, 128, M, 256×2, M, 512×2, M, 512×2, M] → FC 4096 ×2 → FC K", "torchvision"),
    (VGG16, "VGG-16: stacked 3×3 convs (configuration D)",
     "VGG-16: 3×3 畳み込みを積み重ねたネットワーク (構成 D)",
     "Simonyan & Zisserman, arXiv:1409.1556; torchvision.models.vgg16",
     "[64×2, M, 128×2, M, 256×3, M, 512×3, M, 512×3, M] → FC 4096 ×2 → FC K", "torchvision"),
    (VGG19, "VGG-19: stacked 3×3 convs (configuration E)",
     "VGG-19: 3×3 畳み込みを積み重ねたネットワーク (構成 E)",
     "Simonyan & Zisserman, arXiv:1409.1556; torchvision.models.vgg19",
     "[64×2, M, 128×2, M, 256×4, M, 512×4, M, 512×4, M] → FC 4096 ×2 → FC K", "torchvision"),
    (GOOGLENET, "GoogLeNet: nine inception modules of parallel 1×1/3×3/5×5/pool branches",
     "GoogLeNet: 1×1・3×3・5×5・プーリングの並列ブランチを持つインセプションモジュール 9 個",
     "Szegedy et al., arXiv:1409.4842; torchvision.models.googlenet",
     "stem → 3a 3b → pool → 4a-4e → pool → 5a 5b → global avgpool → dropout → FC K",
     "torchvision (no aux heads); 'paper' = true 5×5, no BN, LRN"),
    (RESNET18, "ResNet-18: basic residual blocks with shortcuts, [2, 2, 2, 2]",
     "ResNet-18: ショートカット付きの基本残差ブロック [2, 2, 2, 2]",
     "He et al., arXiv:1512.03385; torchvision.models.resnet18",
     "conv7×7/2 → pool → basic blocks [2, 2, 2, 2] → global avgpool → FC K", "torchvision"),
    (RESNET34, "ResNet-34: basic residual blocks with shortcuts, [3, 4, 6, 3]",
     "ResNet-34: ショートカット付きの基本残差ブロック [3, 4, 6, 3]",
     "He et al., arXiv:1512.03385; torchvision.models.resnet34",
     "conv7×7/2 → pool → basic blocks [3, 4, 6, 3] → global avgpool → FC K", "torchvision"),
    (RESNET50, "ResNet-50: bottleneck residual blocks, [3, 4, 6, 3]",
     "ResNet-50: ボトルネック残差ブロック [3, 4, 6, 3]",
     "He et al., arXiv:1512.03385; torchvision.models.resnet50 (V1.5)",
     "conv7×7/2 → pool → bottlenecks [3, 4, 6, 3] → global avgpool → FC K",
     "torchvision V1.5 (stride on the 3×3); 'v1' = the paper"),
    (SE_RESNET50, "SE-ResNet-50: ResNet-50 with squeeze-and-excitation channel attention",
     "SE-ResNet-50: ResNet-50 の各ボトルネックに Squeeze-and-Excitation (チャネル注意) を加えたもの",
     "Hu, Shen & Sun, CVPR 2018 (arXiv:1709.01507); timm seresnet50",
     "ResNet-50 with x·σ(FC(ReLU(FC(mean x)))) (r = 16) before each addition",
     "torchvision ResNet-50 + SE as timm; 'paper' = stride on the 1×1"),
]


@hookimpl
def register_architectures(register):
    for arch, en, ja, reference, formula, convention in ARCHITECTURES:
        register(
            arch.name, arch, summary={"en": en, "ja": ja}, reference=reference,
            formula=formula, convention=f"{convention}; {CHOICE}",
            example={"kwargs": dict(TINY)},
            variants={name: v.doc for name, v in arch.variants.items()},
        )
