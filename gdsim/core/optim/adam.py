"""Adam, optionally AMSGrad (torch.optim.Adam)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, NamedTuple

import numpy as np

from .base import HyperParam, Optimizer, as_params, lerp


class AdamState(NamedTuple):
    """``max_exp_avg_sq`` is None unless amsgrad (as in torch)."""

    step: int
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray
    max_exp_avg_sq: np.ndarray | None


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
        self._check("eps", "Invalid epsilon value: {}", lambda x: 0.0 <= x)
        self._check_betas()
        self._check("weight_decay", "Invalid weight_decay value: {}", lambda x: 0.0 <= x)
        self._check_bool("amsgrad")

    def init(self, params) -> AdamState:
        p = as_params(params)
        return AdamState(
            step=0,
            exp_avg=np.zeros_like(p),
            exp_avg_sq=np.zeros_like(p),
            max_exp_avg_sq=np.zeros_like(p) if self.amsgrad else None,
        )

    def update(self, grad, state: AdamState, params, lr: float, trace: dict | None = None):
        # torch.optim.adam._single_tensor_adam (capturable=False, differentiable=False)
        beta1, beta2 = self.betas
        weight_decay = self.weight_decay
        step = state.step + 1
        if weight_decay != 0:
            if self.decoupled_weight_decay:
                params = params * (1 - lr * weight_decay)  # param.mul_(1 - lr * weight_decay)
            else:
                grad = grad + weight_decay * params  # grad.add(param, alpha=weight_decay)
        exp_avg = lerp(state.exp_avg, grad, 1 - beta1)  # exp_avg.lerp_(grad, 1 - beta1)
        exp_avg_sq = state.exp_avg_sq * beta2  # exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        exp_avg_sq += (1 - beta2) * grad * grad

        bias_correction1 = 1 - beta1**step
        bias_correction2 = 1 - beta2**step
        step_size = lr / bias_correction1
        bias_correction2_sqrt = bias_correction2**0.5

        max_exp_avg_sq = state.max_exp_avg_sq
        if self.amsgrad:
            max_exp_avg_sq = np.maximum(max_exp_avg_sq, exp_avg_sq)
            denom = np.sqrt(max_exp_avg_sq)  # (max_exp_avg_sqs[i].sqrt() / bias_correction2_sqrt).add_(eps)
        else:
            denom = np.sqrt(exp_avg_sq)  # (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
        denom /= bias_correction2_sqrt
        denom += self.eps
        delta = (-step_size) * exp_avg  # param.addcdiv_(exp_avg, denom, value=-step_size)
        delta /= denom
        new_params = params + delta
        if trace is not None:
            trace["lr"] = float(lr)
            if weight_decay != 0 and self.decoupled_weight_decay:
                trace["decay_factor"] = 1 - lr * weight_decay
                trace["decayed_params"] = params
            trace["grad"] = np.array(grad, dtype=np.float64)
            trace["exp_avg"] = exp_avg
            trace["exp_avg_sq"] = exp_avg_sq
            if self.amsgrad:
                trace["max_exp_avg_sq"] = max_exp_avg_sq
            trace["bias_correction1"] = bias_correction1
            trace["bias_correction2"] = bias_correction2
            trace["step_size"] = step_size
            trace["denom"] = denom
            trace["update"] = delta
            trace["params"] = new_params
        return new_params, AdamState(step, exp_avg, exp_avg_sq, max_exp_avg_sq)
