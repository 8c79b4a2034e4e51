"""Adagrad (torch.optim.Adagrad)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .base import HyperParam, Optimizer, as_params


class AdagradState(NamedTuple):
    step: int
    sum: np.ndarray


@dataclass(frozen=True)
class Adagrad(Optimizer):
    r"""Adagrad (torch.optim.Adagrad).

    With learning rate γ, learning-rate decay η, weight decay λ, ε and
    initial accumulator value τ (state_sum_0 = τ)::

        g_t = ∇f(θ_{t-1}) + λ·θ_{t-1}
        γ̃_t = γ / (1 + (t − 1)·η)
        state_sum_t = state_sum_{t-1} + g_t²
        θ_t = θ_{t-1} − γ̃_t · g_t / (√state_sum_t + ε)
    """

    lr: float = 0.01
    lr_decay: float = 0.0
    weight_decay: float = 0.0
    initial_accumulator_value: float = 0.0
    eps: float = 1e-10

    name = "adagrad"
    torch_name = "Adagrad"
    equations = (
        ("lr", "γ = learning rate of this step"),
        ("grad", "g_t = ∇f(θ_{t-1}) + λ·θ_{t-1}"),
        ("clr", "γ̃_t = γ / (1 + (t − 1)·η)"),
        ("sum", "s_t = s_{t-1} + g_t²"),
        ("std", "σ_t = √s_t + ε"),
        ("update", "Δθ_t = −γ̃_t·g_t / σ_t"),
        ("params", "θ_t = θ_{t-1} + Δθ_t"),
    )
    HYPERPARAMS = (
        HyperParam("lr", 0.01, "float", 0.0, None, True, "learning rate γ"),
        HyperParam("lr_decay", 0.0, "float", 0.0, None, False, "learning-rate decay η: γ / (1 + (t−1)·η)"),
        HyperParam("weight_decay", 0.0, "float", 0.0, None, False, "L2 penalty λ added to the gradient"),
        HyperParam("initial_accumulator_value", 0.0, "float", 0.0, None, False, "starting value of the squared-gradient sum"),
        HyperParam("eps", 1e-10, "float", 0.0, None, True, "ε added to the root of the sum, for stability"),
    )

    def __post_init__(self) -> None:
        self._check("lr", "Invalid learning rate: {}", lambda x: 0.0 <= x)
        self._check("lr_decay", "Invalid lr_decay value: {}", lambda x: 0.0 <= x)
        self._check("weight_decay", "Invalid weight_decay value: {}", lambda x: 0.0 <= x)
        self._check(
            "initial_accumulator_value",
            "Invalid initial_accumulator_value value: {}",
            lambda x: 0.0 <= x,
        )
        self._check("eps", "Invalid epsilon value: {}", lambda x: 0.0 <= x)

    def init(self, params) -> AdagradState:
        p = as_params(params)
        return AdagradState(step=0, sum=np.full_like(p, self.initial_accumulator_value))

    def update(self, grad, state: AdagradState, params, lr: float, trace: dict | None = None):
        # torch.optim.adagrad._single_tensor_adagrad
        step = state.step + 1
        if self.weight_decay != 0:
            grad = grad + self.weight_decay * params  # grad.add(param, alpha=weight_decay)
        clr = lr / (1 + (step - 1) * self.lr_decay)
        state_sum = state.sum + grad * grad  # state_sum.addcmul_(grad, grad, value=1)
        std = np.sqrt(state_sum)  # state_sum.sqrt().add_(eps)
        std += self.eps
        delta = (-clr) * grad  # param.addcdiv_(grad, std, value=-clr)
        delta /= std
        new_params = params + delta
        if trace is not None:
            trace["lr"] = float(lr)
            trace["grad"] = np.array(grad, dtype=np.float64)
            trace["clr"] = clr
            trace["sum"] = state_sum
            trace["std"] = std
            trace["update"] = delta
            trace["params"] = new_params
        return new_params, AdagradState(step, state_sum)
