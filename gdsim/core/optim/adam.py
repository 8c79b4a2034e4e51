"""Adam, optionally AMSGrad (torch.optim.Adam)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import repeat
from math import sqrt
from typing import ClassVar, NamedTuple

import numpy as np

from .base import (HyperParam, Optimizer, Vector, array, array_or_zeros, as_params, filled, floats, lerp, record, use_arrays,
                   weight_decayed)


class AdamState(NamedTuple):
    """``max_exp_avg_sq`` is None unless amsgrad (as in torch)."""

    step: int
    exp_avg: Vector
    exp_avg_sq: Vector
    max_exp_avg_sq: Vector | None


_ADAM_EQUATIONS = (
    ("lr", "γ = learning rate of this step"),
    ("grad", "g_t = ∇f(θ_{t-1}) + λ·θ_{t-1}"),
    ("exp_avg", "m_t = β1·m_{t-1} + (1 − β1)·g_t"),
    ("exp_avg_sq", "v_t = β2·v_{t-1} + (1 − β2)·g_t²"),
    ("max_exp_avg_sq", "v̂max_t = max(v̂max_{t-1}, v_t)   (amsgrad)"),
    ("bias_correction1", "c1_t = 1 − β1^t"),
    ("bias_correction2", "c2_t = 1 − β2^t"),
    ("step_size", "α_t = γ / c1_t"),
    ("denom", "d_t = √v_t / √c2_t + ε"),
    ("update", "Δθ_t = −α_t·m_t / d_t"),
    ("params", "θ_t = θ_{t-1} + Δθ_t"),
)


def _adam_hyperparams(weight_decay: float, decoupled: bool) -> tuple[HyperParam, ...]:
    wd_doc = (
        "decoupled weight decay λ: θ ← θ·(1 − γλ) before the step"
        if decoupled
        else "L2 penalty λ added to the gradient"
    )
    return (
        HyperParam("lr", 0.01, "float", 0.0, None, True, "learning rate γ"),
        HyperParam("betas", (0.9, 0.999), "pair", 0.0, 1.0, False, "decay rates (β1, β2) of the two moment averages, each in [0, 1)"),
        HyperParam("eps", 1e-8, "float", 0.0, None, True, "ε added to the denominator, for stability"),
        HyperParam("weight_decay", weight_decay, "float", 0.0, None, False, wd_doc),
        HyperParam("amsgrad", False, "bool", None, None, False, "use the running maximum of v_t (AMSGrad)"),
    )


@dataclass(frozen=True)
class Adam(Optimizer):
    r"""Adam (torch.optim.Adam).

    With learning rate γ, betas (β1, β2), ε, weight decay λ::

        g_t = ∇f(θ_{t-1}) + λ·θ_{t-1}
        m_t = β1·m_{t-1} + (1 − β1)·g_t
        v_t = β2·v_{t-1} + (1 − β2)·g_t²
        amsgrad: v_t ← max(v_{t-1}^max, v_t)     (kept as max_exp_avg_sq)
        θ_t = θ_{t-1} − (γ / (1 − β1^t)) · m_t / (√v_t / √(1 − β2^t) + ε)
    """

    lr: float = 0.01
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0
    amsgrad: bool = False

    name = "adam"
    torch_name = "Adam"
    decoupled_weight_decay: ClassVar[bool] = False
    equations = _ADAM_EQUATIONS
    HYPERPARAMS = _adam_hyperparams(0.0, False)

    def __post_init__(self) -> None:
        self._check("lr", "Invalid learning rate: {}", lambda x: 0.0 <= x)
        self._check_eps()
        self._check_betas()
        self._check("weight_decay", "Invalid weight_decay value: {}", lambda x: 0.0 <= x)
        self._check_bool("amsgrad")

    def init(self, params) -> AdamState:
        n = len(as_params(params))
        return AdamState(step=0, exp_avg=filled(n), exp_avg_sq=filled(n),
                         max_exp_avg_sq=filled(n) if self.amsgrad else None)

    def update(self, grad, state: AdamState, params, lr: float, trace: dict | None = None):
        # torch.optim.adam._single_tensor_adam (capturable=False, differentiable=False)
        beta1, beta2 = self.betas
        weight_decay, eps, amsgrad = self.weight_decay, self.eps, self.amsgrad
        decoupled = weight_decay != 0 and self.decoupled_weight_decay
        vectors = use_arrays(grad)
        params, grad = (array(params), array(grad)) if vectors else (floats(params), floats(grad))
        if decoupled:
            decay_factor = 1 - lr * weight_decay
            # param.mul_(1 - lr * weight_decay)
            params = params * decay_factor if vectors else [p * decay_factor for p in params]
        elif weight_decay != 0:
            grad = weight_decayed(grad, params, weight_decay)
        step = state.step + 1
        bias_correction1 = 1 - beta1**step
        bias_correction2 = 1 - beta2**step
        step_size = lr / bias_correction1
        bias_correction2_sqrt = bias_correction2**0.5
        if vectors:  # the loop's formulas below, on whole vectors
            exp_avg = lerp(array(state.exp_avg), grad, 1 - beta1)
            exp_avg_sq = array(state.exp_avg_sq) * beta2 + (1 - beta2) * grad * grad
            max_exp_avg_sq = np.maximum(array_or_zeros(state.max_exp_avg_sq, len(grad)), exp_avg_sq) \
                if amsgrad else None
            denom = np.sqrt(max_exp_avg_sq if amsgrad else exp_avg_sq)
            denom /= bias_correction2_sqrt
            denom += eps
            update = (-step_size) * exp_avg
            update /= denom
            new_params = params + update
        else:
            new_params, exp_avg, exp_avg_sq, max_exp_avg_sq, traced = [], [], [], [], []
            for p, g, m, v, v_max in zip(params, grad, state.exp_avg, state.exp_avg_sq,
                                         state.max_exp_avg_sq or repeat(0.0)):
                m = lerp(m, g, 1 - beta1)  # exp_avg.lerp_(grad, 1 - beta1)
                v = v * beta2 + (1 - beta2) * g * g  # exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                v_hat = v
                if amsgrad:
                    v_hat = v_max = max(v_max, v)  # torch.maximum(max_exp_avg_sqs[i], exp_avg_sq, out=max_exp_avg_sqs[i])
                    max_exp_avg_sq.append(v_max)
                d = sqrt(v_hat) / bias_correction2_sqrt + eps  # (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
                u = (-step_size) * m / d  # param.addcdiv_(exp_avg, denom, value=-step_size)
                new_params.append(p + u)
                exp_avg.append(m)
                exp_avg_sq.append(v)
                if trace is not None:
                    traced.append((d, u))
            if trace is not None:
                denom, update = zip(*traced)
        if trace is not None:
            record(trace, lr=lr)
            if decoupled:
                record(trace, decay_factor=decay_factor, decayed_params=params)
            record(trace, grad=grad, exp_avg=exp_avg, exp_avg_sq=exp_avg_sq)
            if amsgrad:
                record(trace, max_exp_avg_sq=max_exp_avg_sq)
            record(trace, bias_correction1=bias_correction1, bias_correction2=bias_correction2,
                   step_size=step_size, denom=denom, update=update, params=new_params)
        return new_params, AdamState(step, exp_avg, exp_avg_sq, max_exp_avg_sq if amsgrad else None)
