"""RMSprop, optionally centered and with momentum (torch.optim.RMSprop)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .base import HyperParam, Optimizer, as_params, fma, lerp


class RMSpropState(NamedTuple):
    """``momentum_buffer`` is None unless momentum > 0, ``grad_avg`` None unless centered (as in torch)."""

    step: int
    square_avg: np.ndarray
    momentum_buffer: np.ndarray | None
    grad_avg: np.ndarray | None


@dataclass(frozen=True)
class RMSprop(Optimizer):
    r"""RMSprop (torch.optim.RMSprop).

    With learning rate γ, smoothing constant α, ε, weight decay λ, momentum μ::

        g_t = ∇f(θ_{t-1}) + λ·θ_{t-1}
        v_t = α·v_{t-1} + (1 − α)·g_t²
        centered:  ḡ_t = ḡ_{t-1} + (1 − α)·(g_t − ḡ_{t-1});   ṽ_t = v_t − ḡ_t²
        otherwise: ṽ_t = v_t
        if μ > 0:  b_t = μ·b_{t-1} + g_t / (√ṽ_t + ε);   θ_t = θ_{t-1} − γ·b_t
        else:      θ_t = θ_{t-1} − γ·g_t / (√ṽ_t + ε)
    """

    lr: float = 0.01
    alpha: float = 0.99
    eps: float = 1e-8
    weight_decay: float = 0.0
    momentum: float = 0.0
    centered: bool = False

    name = "rmsprop"
    torch_name = "RMSprop"
    equations = (
        ("lr", "γ = learning rate of this step"),
        ("grad", "g_t = ∇f(θ_{t-1}) + λ·θ_{t-1}"),
        ("square_avg", "v_t = α·v_{t-1} + (1 − α)·g_t²"),
        ("grad_avg", "ḡ_t = α·ḡ_{t-1} + (1 − α)·g_t   (centered)"),
        ("avg", "a_t = √(v_t − ḡ_t²) + ε  (centered)  or  √v_t + ε"),
        ("momentum_buffer", "b_t = μ·b_{t-1} + g_t / a_t"),
        ("update", "Δθ_t = −γ·b_t  (momentum)  or  −γ·g_t / a_t"),
        ("params", "θ_t = θ_{t-1} + Δθ_t"),
    )
    HYPERPARAMS = (
        HyperParam("lr", 0.01, "float", 0.0, None, True, "learning rate γ"),
        HyperParam("alpha", 0.99, "float", 0.0, 1.0, False, "smoothing constant α of the squared-gradient average"),
        HyperParam("eps", 1e-8, "float", 0.0, None, True, "ε added to the root, for stability"),
        HyperParam("weight_decay", 0.0, "float", 0.0, None, False, "L2 penalty λ added to the gradient"),
        HyperParam("momentum", 0.0, "float", 0.0, 1.0, False, "momentum factor μ"),
        HyperParam("centered", False, "bool", None, None, False, "normalise by the estimated variance of the gradient"),
    )

    def __post_init__(self) -> None:
        self._check("lr", "Invalid learning rate: {}", lambda x: 0.0 <= x)
        self._check("eps", "Invalid epsilon value: {}", lambda x: 0.0 <= x)
        self._check("momentum", "Invalid momentum value: {}", lambda x: 0.0 <= x)
        self._check("weight_decay", "Invalid weight_decay value: {}", lambda x: 0.0 <= x)
        self._check("alpha", "Invalid alpha value: {}", lambda x: 0.0 <= x)
        self._check_bool("centered")

    def init(self, params) -> RMSpropState:
        p = as_params(params)
        return RMSpropState(
            step=0,
            square_avg=np.zeros_like(p),
            momentum_buffer=np.zeros_like(p) if self.momentum > 0 else None,
            grad_avg=np.zeros_like(p) if self.centered else None,
        )

    def update(self, grad, state: RMSpropState, params, lr: float, trace: dict | None = None):
        # torch.optim.rmsprop._single_tensor_rmsprop
        alpha = self.alpha
        if self.weight_decay != 0:
            grad = grad + self.weight_decay * params  # grad.add(param, alpha=weight_decay)
        square_avg = state.square_avg * alpha  # square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
        square_avg += (1 - alpha) * grad * grad
        grad_avg = state.grad_avg
        if self.centered:
            grad_avg = lerp(grad_avg, grad, 1 - alpha)  # grad_avg.lerp_(grad, 1 - alpha)
            # square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_(): torch's CPU kernel
            # fuses this multiply-add (one rounding); v_t and ḡ_t² nearly cancel when the
            # gradient is steady, so the fused result is reproduced here (a negative
            # round-off gives NaN, exactly as in torch).
            avg = fma(-grad_avg, grad_avg, square_avg)
            with np.errstate(invalid="ignore"):
                np.sqrt(avg, out=avg)
        else:
            avg = np.sqrt(square_avg)
        avg += self.eps  # avg.add_(eps)
        buf = state.momentum_buffer
        if self.momentum > 0:
            buf = buf * self.momentum  # buf.mul_(momentum).addcdiv_(grad, avg)
            buf += grad / avg
            delta = (-lr) * buf  # param.add_(buf, alpha=-lr)
        else:
            delta = (-lr) * grad  # param.addcdiv_(grad, avg, value=-lr)
            delta /= avg
        new_params = params + delta
        if trace is not None:
            trace["lr"] = float(lr)
            trace["grad"] = np.array(grad, dtype=np.float64)
            trace["square_avg"] = square_avg
            if self.centered:
                trace["grad_avg"] = grad_avg
            trace["avg"] = avg
            if self.momentum > 0:
                trace["momentum_buffer"] = buf
            trace["update"] = delta
            trace["params"] = new_params
        return new_params, RMSpropState(state.step + 1, square_avg, buf, grad_avg)
