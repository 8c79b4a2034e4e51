"""Adadelta (torch.optim.Adadelta)."""

from __future__ import annotations

from dataclasses import dataclass
from math import sqrt
from typing import NamedTuple

import numpy as np

from .base import HyperParam, Optimizer, Vector, array, as_params, filled, floats, record, use_arrays, weight_decayed


class AdadeltaState(NamedTuple):
    step: int
    square_avg: Vector
    acc_delta: Vector


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
        self._check_eps()
        self._check("weight_decay", "Invalid weight_decay value: {}", lambda x: 0.0 <= x)

    def init(self, params) -> AdadeltaState:
        n = len(as_params(params))
        return AdadeltaState(step=0, square_avg=filled(n), acc_delta=filled(n))

    def update(self, grad, state: AdadeltaState, params, lr: float, trace: dict | None = None):
        # torch.optim.adadelta._single_tensor_adadelta
        rho, eps = self.rho, self.eps
        vectors = use_arrays(grad)
        params = array(params) if vectors else floats(params)
        grad = weight_decayed(array(grad) if vectors else floats(grad), params, self.weight_decay)
        if vectors:  # the loop's formulas below, on whole vectors
            square_avg = array(state.square_avg) * rho + (1 - rho) * grad * grad
            std = np.sqrt(square_avg + eps)
            delta = np.sqrt(array(state.acc_delta) + eps)
            delta /= std
            delta *= grad
            acc_delta = array(state.acc_delta) * rho + (1 - rho) * delta * delta
            update = (-lr) * delta
            new_params = params + update
        else:
            new_params, square_avg, acc_delta, traced = [], [], [], []
            for p, g, v, a in zip(params, grad, state.square_avg, state.acc_delta):
                v = v * rho + (1 - rho) * g * g  # square_avg.mul_(rho).addcmul_(grad, grad, value=1 - rho)
                std = sqrt(v + eps)  # square_avg.add(eps).sqrt_()
                delta = sqrt(a + eps) / std * g  # acc_delta.add(eps).sqrt_().div_(std).mul_(grad)
                a = a * rho + (1 - rho) * delta * delta  # acc_delta.mul_(rho).addcmul_(delta, delta, value=1 - rho)
                u = (-lr) * delta  # param.add_(delta, alpha=-lr)
                new_params.append(p + u)
                square_avg.append(v)
                acc_delta.append(a)
                if trace is not None:
                    traced.append((std, delta, u))
            if trace is not None:
                std, delta, update = zip(*traced)
        if trace is not None:
            record(trace, lr=lr, grad=grad, square_avg=square_avg, std=std, delta=delta,
                   acc_delta=acc_delta, update=update, params=new_params)
        return new_params, AdadeltaState(state.step + 1, square_avg, acc_delta)
