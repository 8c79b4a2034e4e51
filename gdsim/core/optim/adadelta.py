"""Adadelta (torch.optim.Adadelta)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .base import HyperParam, Optimizer, as_params


class AdadeltaState(NamedTuple):
    step: int
    square_avg: np.ndarray
    acc_delta: np.ndarray


@dataclass(frozen=True)
class Adadelta(Optimizer):
    r"""Adadelta (torch.optim.Adadelta).

    With learning rate γ (a plain multiplier, default 1), decay ρ, ε and
    weight decay λ::

        g_t = ∇f(θ_{t-1}) + λ·θ_{t-1}
        v_t = ρ·v_{t-1} + (1 − ρ)·g_t²
        Δx_t = √(u_{t-1} + ε) / √(v_t + ε) · g_t
        u_t = ρ·u_{t-1} + (1 − ρ)·Δx_t²
        θ_t = θ_{t-1} − γ·Δx_t
    """

    lr: float = 1.0
    rho: float = 0.9
    eps: float = 1e-6
    weight_decay: float = 0.0

    name = "adadelta"
    torch_name = "Adadelta"
    equations = (
        ("lr", "γ = learning rate of this step"),
        ("grad", "g_t = ∇f(θ_{t-1}) + λ·θ_{t-1}"),
        ("square_avg", "v_t = ρ·v_{t-1} + (1 − ρ)·g_t²"),
        ("std", "σ_t = √(v_t + ε)"),
        ("delta", "Δx_t = √(u_{t-1} + ε) / σ_t · g_t"),
        ("acc_delta", "u_t = ρ·u_{t-1} + (1 − ρ)·Δx_t²"),
        ("update", "Δθ_t = −γ·Δx_t"),
        ("params", "θ_t = θ_{t-1} + Δθ_t"),
    )
    HYPERPARAMS = (
        HyperParam("lr", 1.0, "float", 0.0, None, True, "coefficient γ that scales the delta"),
        HyperParam("rho", 0.9, "float", 0.0, 1.0, False, "decay ρ of the running averages"),
        HyperParam("eps", 1e-6, "float", 0.0, None, True, "ε added inside the roots, for stability"),
        HyperParam("weight_decay", 0.0, "float", 0.0, None, False, "L2 penalty λ added to the gradient"),
    )

    def __post_init__(self) -> None:
        self._check("lr", "Invalid learning rate: {}", lambda x: 0.0 <= x)
        self._check("rho", "Invalid rho value: {}", lambda x: 0.0 <= x <= 1.0)
        self._check("eps", "Invalid epsilon value: {}", lambda x: 0.0 <= x)
        self._check("weight_decay", "Invalid weight_decay value: {}", lambda x: 0.0 <= x)

    def init(self, params) -> AdadeltaState:
        p = as_params(params)
        return AdadeltaState(step=0, square_avg=np.zeros_like(p), acc_delta=np.zeros_like(p))

    def update(self, grad, state: AdadeltaState, params, lr: float, trace: dict | None = None):
        # torch.optim.adadelta._single_tensor_adadelta
        rho = self.rho
        eps = self.eps
        if self.weight_decay != 0:
            grad = grad + self.weight_decay * params  # grad.add(param, alpha=weight_decay)
        square_avg = state.square_avg * rho  # square_avg.mul_(rho).addcmul_(grad, grad, value=1 - rho)
        square_avg += (1 - rho) * grad * grad
        std = square_avg + eps  # square_avg.add(eps).sqrt_()
        np.sqrt(std, out=std)
        delta = state.acc_delta + eps  # acc_delta.add(eps).sqrt_()
        np.sqrt(delta, out=delta)
        delta /= std  # delta.div_(std).mul_(grad)
        delta *= grad
        acc_delta = state.acc_delta * rho  # acc_delta.mul_(rho).addcmul_(delta, delta, value=1 - rho)
        acc_delta += (1 - rho) * delta * delta
        step_delta = (-lr) * delta  # param.add_(delta, alpha=-lr)
        new_params = params + step_delta
        if trace is not None:
            trace["lr"] = float(lr)
            trace["grad"] = np.array(grad, dtype=np.float64)
            trace["square_avg"] = square_avg
            trace["std"] = std
            trace["delta"] = delta
            trace["acc_delta"] = acc_delta
            trace["update"] = step_delta
            trace["params"] = new_params
        return new_params, AdadeltaState(state.step + 1, square_avg, acc_delta)
