"""Adagrad (torch.optim.Adagrad)."""

from __future__ import annotations

from dataclasses import dataclass
from math import sqrt
from typing import NamedTuple

import numpy as np

from .base import HyperParam, Optimizer, Vector, array, as_params, filled, floats, record, use_arrays, weight_decayed


class AdagradState(NamedTuple):
    step: int
    sum: Vector


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
        self._check_eps()

    def init(self, params) -> AdagradState:
        return AdagradState(step=0, sum=filled(len(as_params(params)), self.initial_accumulator_value))

    def update(self, grad, state: AdagradState, params, lr: float, trace: dict | None = None):
        # torch.optim.adagrad._single_tensor_adagrad
        eps = self.eps
        step = state.step + 1
        vectors = use_arrays(grad)
        params = array(params) if vectors else floats(params)
        grad = weight_decayed(array(grad) if vectors else floats(grad), params, self.weight_decay)
        clr = lr / (1 + (step - 1) * self.lr_decay)
        if vectors:  # the loop's formulas below, on whole vectors
            state_sum = array(state.sum) + grad * grad
            std = np.sqrt(state_sum)
            std += eps
            update = (-clr) * grad
            update /= std
            new_params = params + update
        else:
            new_params, state_sum, traced = [], [], []
            for p, g, s in zip(params, grad, state.sum):
                s = s + g * g  # state_sum.addcmul_(grad, grad, value=1)
                d = sqrt(s) + eps  # state_sum.sqrt().add_(eps)
                u = (-clr) * g / d  # param.addcdiv_(grad, std, value=-clr)
                new_params.append(p + u)
                state_sum.append(s)
                if trace is not None:
                    traced.append((d, u))
            if trace is not None:
                std, update = zip(*traced)
        if trace is not None:
            record(trace, lr=lr, grad=grad, clr=clr, sum=state_sum, std=std, update=update, params=new_params)
        return new_params, AdagradState(step, state_sum)
