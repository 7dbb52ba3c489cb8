"""Learning-rate schedulers (``register_schedulers``), as ``torch.optim.lr_scheduler``.

``obj(optimizer, **kwargs)``; ``step()`` once per training step after ``optimizer.step()``
sets ``optimizer.lr``; ``get_lr()`` is the rate the next optimizer step uses.
"""

from dlbench import hookimpl

from .base import LRScheduler
from .schedules import Constant, CosineAnnealing, StepLR
from .warmup import LinearWarmup

__all__ = ["Constant", "CosineAnnealing", "LRScheduler", "LinearWarmup", "StepLR"]


@hookimpl
def register_schedulers(register):
    register(
        "constant", Constant,
        summary={"en": "Constant learning rate (optionally scaled for the first total_iters "
                       "steps)",
                 "ja": "学習率を一定に保つ (最初の total_iters ステップだけ factor 倍も可)"},
        formula="η_t = η₀·factor if t < total_iters else η₀",
        reference="torch.optim.lr_scheduler.ConstantLR",
        convention="ConstantLR's arguments with defaults factor 1, total_iters 0 (no change); "
                   "t counts optimizer steps",
        example={"kwargs": {}},
    )
    register(
        "step", StepLR,
        summary={"en": "Step decay: multiply the learning rate by gamma every step_size steps",
                 "ja": "ステップ減衰: step_size ステップごとに学習率を gamma 倍する"},
        formula="η_t = η₀·γ^⌊t/step_size⌋",
        reference="torch.optim.lr_scheduler.StepLR",
        convention="torch StepLR: gamma 0.1; t counts optimizer steps, not epochs",
        example={"kwargs": {"step_size": 10}},
    )
    register(
        "cosine", CosineAnnealing,
        summary={"en": "Cosine annealing from the initial learning rate down to eta_min",
                 "ja": "コサインアニーリング: 学習率を余弦曲線で eta_min まで下げる"},
        formula="η_t = η_min + (η₀ − η_min)(1 + cos(πt/T_max))/2",
        reference="Loshchilov & Hutter, SGDR, arXiv:1608.03983; "
                  "torch.optim.lr_scheduler.CosineAnnealingLR",
        convention="torch CosineAnnealingLR: eta_min 0, no restart (rises again after T_max); "
                   "t counts optimizer steps",
        example={"kwargs": {"T_max": 50}},
    )
    register(
        "linear-warmup", LinearWarmup,
        summary={"en": "Linear warm-up for warmup_steps, then another scheduler takes over",
                 "ja": "線形ウォームアップ: 学習率を徐々に上げてから別のスケジューラに引き継ぐ"},
        formula="η_t = η₀(f + (1 − f)t/W) for t < W;  then the wrapped schedule from its step 0",
        reference="Goyal et al., arXiv:1706.02677 (gradual warm-up); "
                  "torch SequentialLR(LinearLR, after); compare RAdam, arXiv:1908.03265",
        convention="torch LinearLR's start_factor 1/3 and total_iters 5 (as warmup_steps); "
                   "after: a scheduler name with after_kwargs, or an instance",
        example={"kwargs": {"warmup_steps": 5, "after": "cosine",
                            "after_kwargs": {"T_max": 20}}},
    )
