"""Optimizers (``register_optimizers``): names, meanings and defaults of ``torch.optim``.

Each class documents its update rule; the registration repeats it as ``formula`` with the
convention and the source it follows. The book's forms are ``variant="book"`` options.
``example`` is what ``dlbench check`` runs the optimizer with (a convex quadratic and
the Rosenbrock function from (−1.5, 2)).
"""

from dlbench import hookimpl

from .adam import Adam, AdamW, NAdam, RAdam
from .adaptive import Adadelta, Adagrad, RMSprop
from .bounded import AdaBound
from .lion import Lion
from .sgd import SGD, Momentum, Nesterov

COUPLED = "coupled weight_decay (g ← g + λθ, an L2 penalty)"
DECOUPLED = "decoupled weight_decay (θ ← θ·(1 − lr·λ) before the step)"


@hookimpl
def register_optimizers(register):
    register(
        "sgd", SGD,
        summary={"en": "Stochastic gradient descent: step against the gradient",
                 "ja": "確率的勾配降下法 (SGD): 勾配の逆方向に進む"},
        formula="g ← ∇ + λθ;  b ← μb + (1 − dampening)g (b₁ = g);  "
                "θ ← θ − η·(nesterov ? g + μb : b)  (momentum μ = 0: θ ← θ − ηg)",
        reference="Robbins & Monro 1951; torch.optim.SGD",
        convention=f"torch.optim.SGD: lr 1e-3, momentum 0, dampening 0, nesterov False; {COUPLED}",
        example={"kwargs": {"lr": 1e-3}},
    )
    register(
        "momentum", Momentum,
        summary={"en": "SGD with momentum: a velocity accumulates past gradients",
                 "ja": "モーメンタム SGD: 過去の勾配を速度として蓄積して進む"},
        formula="b ← μb + g (b₁ = g); θ ← θ − ηb.  Book (variant='book'): v ← αv − ηg; θ ← θ + v "
                "(same θ for a constant η, since v = −ηb)",
        reference="Polyak 1964; ゼロから作る Deep Learning 6.1.4; torch.optim.SGD(momentum=0.9)",
        convention=f"torch.optim.SGD with momentum 0.9, lr 1e-3; {COUPLED}",
        example={"kwargs": {"lr": 1e-3, "momentum": 0.9}},
    )
    register(
        "nesterov", Nesterov,
        summary={"en": "Nesterov momentum: the gradient step looks ahead along the velocity",
                 "ja": "ネステロフのモーメンタム: 速度方向に先回りした勾配で更新する"},
        formula="b ← μb + g (b₁ = g); θ ← θ − η(g + μb).  Book (variant='book', updated v): "
                "v ← αv − ηg; θ ← θ + α²v − (1 + α)ηg",
        reference="Nesterov 1983; Sutskever et al. ICML 2013; Bengio et al. arXiv:1212.0901; "
                  "torch.optim.SGD(nesterov=True)",
        convention=f"torch.optim.SGD(nesterov=True), momentum 0.9, lr 1e-3; {COUPLED}; "
                   "the book's code uses the updated velocity and differs (variant='book')",
        example={"kwargs": {"lr": 1e-3, "momentum": 0.9}},
    )
    register(
        "adagrad", Adagrad,
        summary={"en": "AdaGrad: per-coordinate steps shrink with the sum of squared gradients",
                 "ja": "AdaGrad: 勾配の二乗和に応じて座標ごとに学習率を小さくする"},
        formula="h ← h + g²;  θ ← θ − η/(1 + (t − 1)·lr_decay) · g/(√h + ε)",
        reference="Duchi et al., JMLR 2011; ゼロから作る Deep Learning 6.1.5; torch.optim.Adagrad",
        convention=f"torch.optim.Adagrad: lr 1e-2, eps 1e-10 outside √, h₀ = "
                   f"initial_accumulator_value 0 (book: eps 1e-7); {COUPLED}",
        example={"kwargs": {"lr": 0.5}},
    )
    register(
        "rmsprop", RMSprop,
        summary={"en": "RMSprop: divide by a moving average of squared gradients",
                 "ja": "RMSprop: 勾配の二乗の移動平均で割って更新する"},
        formula="s ← αs + (1 − α)g²;  θ ← θ − η·g/(√s + ε)  "
                "(centered: √(s − ḡ²); momentum: b ← μb + g/(√s + ε), θ ← θ − ηb)",
        reference="Hinton, Coursera Neural Networks lecture 6e (2012); torch.optim.RMSprop",
        convention=f"torch.optim.RMSprop: lr 1e-2, alpha 0.99, eps 1e-8 outside √ "
                   f"(book: eps 1e-7); {COUPLED}",
        example={"kwargs": {"lr": 0.01}},
    )
    register(
        "adadelta", Adadelta,
        summary={"en": "Adadelta: step size from the ratio of RMS updates to RMS gradients",
                 "ja": "Adadelta: 更新量の RMS と勾配の RMS の比で歩幅を決める"},
        formula="s ← ρs + (1 − ρ)g²;  Δ ← √(u + ε)/√(s + ε)·g;  u ← ρu + (1 − ρ)Δ²;  θ ← θ − ηΔ",
        reference="Zeiler, arXiv:1212.5701; torch.optim.Adadelta",
        convention=f"torch.optim.Adadelta: lr 1.0, rho 0.9, eps 1e-6 inside √; {COUPLED}",
        example={"kwargs": {"lr": 1.0, "eps": 1e-4}},
    )
    register(
        "adam", Adam,
        summary={"en": "Adam: momentum plus RMSprop scaling, with bias correction",
                 "ja": "Adam: モーメンタムと RMSprop を組み合わせ、バイアス補正する"},
        formula="m ← β1m + (1 − β1)g;  v ← β2v + (1 − β2)g²;  "
                "θ ← θ − η/(1 − β1ᵗ)·m/(√v/√(1 − β2ᵗ) + ε)  (amsgrad: v → max of raw v).  "
                "Book (variant='book'): θ ← θ − η√(1 − β2ᵗ)/(1 − β1ᵗ)·m/(√v + ε)",
        reference="Kingma & Ba, arXiv:1412.6980; Reddi et al. ICLR 2018 (AMSGrad); "
                  "torch.optim.Adam",
        convention=f"torch.optim.Adam: lr 1e-3, betas (0.9, 0.999), eps 1e-8 after bias "
                   f"correction; {COUPLED}, or decoupled with decoupled_weight_decay=True",
        example={"kwargs": {"lr": 0.05}},
    )
    register(
        "adamw", AdamW,
        summary={"en": "AdamW: Adam with decoupled weight decay",
                 "ja": "AdamW: 重み減衰を勾配から切り離した Adam"},
        formula="θ ← θ(1 − ηλ);  then the Adam step on the raw gradient",
        reference="Loshchilov & Hutter, arXiv:1711.05101; torch.optim.AdamW",
        convention=f"torch.optim.AdamW: lr 1e-3, betas (0.9, 0.999), eps 1e-8, "
                   f"weight_decay 1e-2; {DECOUPLED}",
        example={"kwargs": {"lr": 0.05, "weight_decay": 1e-3}},
    )
    register(
        "nadam", NAdam,
        summary={"en": "NAdam: Adam with Nesterov momentum and a momentum warm-up schedule",
                 "ja": "NAdam: ネステロフのモーメンタムを取り入れた Adam (モーメンタムを徐々に強める)"},
        formula="μ_t = β1(1 − ½·0.96^(tψ)), Π_t = ∏μ;  d = √(v/(1 − β2ᵗ)) + ε;  "
                "θ ← θ − η(1 − μ_t)/(1 − Π_t)·g/d − ημ_{t+1}/(1 − Π_tμ_{t+1})·m/d",
        reference="Dozat, ICLR 2016 workshop 'Incorporating Nesterov Momentum into Adam'; "
                  "torch.optim.NAdam",
        convention=f"torch.optim.NAdam: lr 2e-3, betas (0.9, 0.999), eps 1e-8, "
                   f"momentum_decay ψ 4e-3; {COUPLED}, or decoupled with decoupled_weight_decay=True",
        example={"kwargs": {"lr": 0.05}},
    )
    register(
        "radam", RAdam,
        summary={"en": "RAdam: Adam with a rectified adaptive step; no warm-up needed",
                 "ja": "RAdam: 適応学習率の分散を補正した Adam。ウォームアップが不要とされる"},
        formula="ρ∞ = 2/(1 − β2) − 1, ρ_t = ρ∞ − 2tβ2ᵗ/(1 − β2ᵗ), m̂ = m/(1 − β1ᵗ);  "
                "ρ_t > 5: θ ← θ − η·r_t·m̂·√(1 − β2ᵗ)/(√v + ε), "
                "r_t = √((ρ_t − 4)(ρ_t − 2)ρ∞/((ρ∞ − 4)(ρ∞ − 2)ρ_t));  else θ ← θ − η·m̂",
        reference="Liu et al., ICLR 2020, arXiv:1908.03265; torch.optim.RAdam",
        convention=f"torch.optim.RAdam: lr 1e-3, betas (0.9, 0.999), eps 1e-8; {COUPLED}, "
                   "or decoupled with decoupled_weight_decay=True",
        example={"kwargs": {"lr": 0.01}},
    )
    register(
        "adabound", AdaBound,
        summary={"en": "AdaBound: Adam whose step sizes are clipped into bounds that converge "
                       "to SGD",
                 "ja": "AdaBound: 学習率を動的な上下限で抑え、Adam から SGD へ滑らかに移行する"},
        formula="η* = final_lr·η/η₀;  η_l = η*(1 − 1/(γt + 1)), η_u = η*(1 + 1/(γt));  "
                "θ ← θ − clip(η√(1 − β2ᵗ)/(1 − β1ᵗ)/(√v + ε), η_l, η_u)·m  (amsbound: v → max v)",
        reference="Luo et al., ICLR 2019, arXiv:1902.09843; reference code Luolc/AdaBound",
        convention=f"Luolc/AdaBound: lr 1e-3, betas (0.9, 0.999), final_lr 0.1 (scaled by "
                   f"lr/initial lr), gamma 1e-3, eps 1e-8 outside √v; {COUPLED}",
        example={"kwargs": {"lr": 0.05, "final_lr": 0.01}},
    )
    register(
        "lion", Lion,
        summary={"en": "Lion: sign of an interpolated momentum; same step size in every "
                       "coordinate",
                 "ja": "Lion: モーメンタムの符号だけで更新し、全座標が同じ大きさだけ動く"},
        formula="θ ← θ(1 − ηλ);  θ ← θ − η·sign(β1m + (1 − β1)g);  m ← β2m + (1 − β2)g",
        reference="Chen et al., arXiv:2302.06675; reference code google/automl lion_pytorch.py",
        convention=f"google/automl (= lucidrains/lion-pytorch): lr 1e-4, betas (0.9, 0.99); "
                   f"{DECOUPLED}",
        example={"kwargs": {"lr": 0.01}},
    )
