"""Optimizers (``register_optimizers``): names, meanings and defaults of ``torch.optim``."""

from dlbench import hookimpl

from .sgd import SGD


@hookimpl
def register_optimizers(register):
    register(
        "sgd", SGD,
        summary={"en": "Stochastic gradient descent: step against the gradient",
                 "ja": "確率的勾配降下法: 勾配の逆方向に進む"},
        formula="g ← ∇L + λθ (weight_decay λ, coupled);  θ ← θ − η g",
        reference="Robbins & Monro 1951; torch.optim.SGD",
        convention="torch.optim.SGD (momentum=0), lr default 1e-3",
        example={"kwargs": {"lr": 0.1}},
    )
