"""SGD and its momentum forms, as ``torch.optim.SGD``; the book's forms as ``variant="book"``.

All three classes are ``torch.optim.SGD`` with other defaults: ``sgd`` (no momentum),
``momentum`` (``momentum=0.9``) and ``nesterov`` (``nesterov=True``, ``momentum=0.9``).
"""

from __future__ import annotations

from dlbench.errors import HyperparameterError, check_range
from dlbench.nn import Optimizer
from dlbench.nn.optim import check_choice, check_nonnegative, gradient_with_decay, state_zeros

VARIANTS = ("torch", "book")


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum, exactly ``torch.optim.SGD``.

    Per parameter θ with gradient ∇ (any shape; state has θ's shape and dtype)::

        g ← ±∇ + weight_decay·θ                       (coupled L2 decay; − if maximize)
        b ← g at the first step, else momentum·b + (1 − dampening)·g
        g ← g + momentum·b  if nesterov  else  b      (only when momentum > 0)
        θ ← θ − lr·g

    :param lr: learning rate in [0, inf); torch's default 1e-3 (the book uses 0.01).
    :param momentum: momentum factor in [0, inf); 0 is plain SGD.
    :param dampening: in [0, 1]; scales new gradients in the buffer (not the first one).
    :param weight_decay: coupled L2 coefficient λ in [0, inf), added to the gradient.
    :param nesterov: Nesterov momentum (Sutskever et al. 2013's form, as torch);
        needs momentum > 0 and dampening = 0.
    :param maximize: ascend instead of descend.
    """

    def __init__(self, params, lr: float = 1e-3, momentum: float = 0.0, dampening: float = 0.0,
                 weight_decay: float = 0.0, nesterov: bool = False, *, maximize: bool = False):
        check_nonnegative(lr=lr, momentum=momentum, weight_decay=weight_decay)
        check_range("dampening", dampening, low=0.0, high=1.0)
        if nesterov and momentum <= 0:
            raise HyperparameterError(
                f"momentum must be in (0, inf) when nesterov=True, got {momentum!r}")
        if nesterov and dampening != 0:
            raise HyperparameterError(
                f"dampening must be 0 when nesterov=True, got {dampening!r}")
        super().__init__(params, lr=lr, momentum=momentum, dampening=dampening,
                         weight_decay=weight_decay, nesterov=nesterov, maximize=maximize)

    def step(self) -> None:
        hp = self.defaults
        lr, mu = float(hp["lr"]), float(hp["momentum"])
        damp, wd = float(hp["dampening"]), float(hp["weight_decay"])
        for p in self.params:
            g = gradient_with_decay(p, maximize=hp["maximize"], weight_decay=wd)
            if mu:
                state = self.state[p]
                buf = state.get("momentum_buffer")
                if buf is None:  # torch starts the buffer at g itself, undampened
                    buf = state["momentum_buffer"] = g.copy()
                else:
                    buf *= mu
                    buf += (1.0 - damp) * g
                g = g + mu * buf if hp["nesterov"] else buf
            p.data -= lr * g


class Momentum(SGD):
    """Momentum SGD: ``torch.optim.SGD`` with ``momentum=0.9`` by default.

    torch form (default)::  b ← momentum·b + (1 − dampening)·g  (b₁ = g);  θ ← θ − lr·b

    The book's form (``variant="book"``, ゼロから作る Deep Learning 6.1.4)::

        v ← α·v − η·g;  θ ← θ + v                     (α = momentum, η = lr, v₀ = 0)

    With a constant η and dampening 0 the two give the same θ at every step, since
    v = −η·b. Under a learning-rate schedule they differ: torch scales the whole buffer
    by the current lr, the book only the newest gradient.

    :param variant: ``"torch"`` or ``"book"`` (the book form takes no dampening).
    Other parameters as :class:`SGD`.
    """

    def __init__(self, params, lr: float = 1e-3, momentum: float = 0.9, dampening: float = 0.0,
                 weight_decay: float = 0.0, *, maximize: bool = False, variant: str = "torch"):
        check_choice("variant", variant, VARIANTS)
        if variant == "book" and dampening != 0:
            raise HyperparameterError(
                f"dampening must be 0 with variant='book', got {dampening!r}")
        super().__init__(params, lr=lr, momentum=momentum, dampening=dampening,
                         weight_decay=weight_decay, maximize=maximize)
        self.defaults["variant"] = variant

    def step(self) -> None:
        if self.defaults["variant"] == "torch":
            return super().step()
        for p, _, v, _, _ in _book_velocity_updates(self):
            p.data += v


class Nesterov(SGD):
    """Nesterov momentum: ``torch.optim.SGD(nesterov=True)``, ``momentum=0.9`` by default.

    torch form (default; Sutskever et al. 2013, Bengio et al. arXiv:1212.0901)::

        b ← momentum·b + g  (b₁ = g);   θ ← θ − lr·(g + momentum·b)

    which, with v = −lr·b, is ``θ ← θ + α²·v_old − (1 + α)·η·g`` on the *old* velocity.

    The book's code (``variant="book"``, common/optimizer.py ``Nesterov``) applies the
    same expression to the *updated* velocity, which is a different method::

        v ← α·v − η·g;   θ ← θ + α²·v − (1 + α)·η·g

    :param variant: ``"torch"`` or ``"book"``. Other parameters as :class:`SGD`
    (no dampening: Nesterov momentum requires none).
    """

    def __init__(self, params, lr: float = 1e-3, momentum: float = 0.9,
                 weight_decay: float = 0.0, *, maximize: bool = False, variant: str = "torch"):
        check_choice("variant", variant, VARIANTS)
        super().__init__(params, lr=lr, momentum=momentum, weight_decay=weight_decay,
                         nesterov=True, maximize=maximize)
        self.defaults["variant"] = variant

    def step(self) -> None:
        if self.defaults["variant"] == "torch":
            return super().step()
        for p, g, v, lr, alpha in _book_velocity_updates(self):
            p.data += alpha * alpha * v - (1.0 + alpha) * lr * g


def _book_velocity_updates(opt: SGD):
    """The book's velocity update ``v ← α·v − η·g`` for each parameter, in place.

    Yields ``(p, g, v, η, α)`` with ``v`` already updated, for the caller's θ update.
    """
    hp = opt.defaults
    lr, alpha, wd = float(hp["lr"]), float(hp["momentum"]), float(hp["weight_decay"])
    for p in opt.params:
        g = gradient_with_decay(p, maximize=hp["maximize"], weight_decay=wd)
        v = opt.state[p].setdefault("velocity", state_zeros(p))
        v *= alpha
        v -= lr * g
        yield p, g, v, lr, alpha
