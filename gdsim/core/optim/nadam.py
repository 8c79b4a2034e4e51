"""NAdam: Adam with Nesterov momentum (torch.optim.NAdam)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .base import HyperParam, Optimizer, as_params, lerp


class NAdamState(NamedTuple):
    """``mu_product`` is the running product μ_1·…·μ_t (a float; torch keeps a
    0-d tensor of the default dtype, float64 when that is torch.float64)."""

    step: int
    mu_product: float
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray


@dataclass(frozen=True)
class NAdam(Optimizer):
    r"""NAdam (torch.optim.NAdam).

    With learning rate γ, betas (β1, β2), ε, weight decay λ, momentum decay ψ::

        g_t = ∇f(θ_{t-1}) + λ·θ_{t-1}
        μ_t = β1·(1 − ½·0.96^{tψ}),   μ_{t+1} = β1·(1 − ½·0.96^{(t+1)ψ})
        m_t = β1·m_{t-1} + (1 − β1)·g_t
        v_t = β2·v_{t-1} + (1 − β2)·g_t²
        d_t = √(v_t / (1 − β2^t)) + ε
        θ_t = θ_{t-1} − γ(1 − μ_t)/(1 − Π_{i≤t} μ_i) · g_t / d_t
                      − γ μ_{t+1}/(1 − Π_{i≤t+1} μ_i) · m_t / d_t
    """

    lr: float = 0.01
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0
    momentum_decay: float = 4e-3

    name = "nadam"
    torch_name = "NAdam"
    equations = (
        ("lr", "γ = learning rate of this step"),
        ("grad", "g_t = ∇f(θ_{t-1}) + λ·θ_{t-1}"),
        ("mu", "μ_t = β1·(1 − ½·0.96^(t·ψ))"),
        ("mu_next", "μ_{t+1} = β1·(1 − ½·0.96^((t+1)·ψ))"),
        ("mu_product", "Π_t = Π_{t-1}·μ_t"),
        ("exp_avg", "m_t = β1·m_{t-1} + (1 − β1)·g_t"),
        ("exp_avg_sq", "v_t = β2·v_{t-1} + (1 − β2)·g_t²"),
        ("bias_correction2", "c2_t = 1 − β2^t"),
        ("denom", "d_t = √(v_t / c2_t) + ε"),
        ("grad_coef", "a_t = −γ·(1 − μ_t) / (1 − Π_t)"),
        ("exp_avg_coef", "b_t = −γ·μ_{t+1} / (1 − Π_t·μ_{t+1})"),
        ("update", "Δθ_t = a_t·g_t / d_t + b_t·m_t / d_t"),
        ("params", "θ_t = θ_{t-1} + Δθ_t"),
    )
    HYPERPARAMS = (
        HyperParam("lr", 0.01, "float", 0.0, None, True, "learning rate γ"),
        HyperParam("betas", (0.9, 0.999), "pair", 0.0, 1.0, False, "decay rates (β1, β2) of the two moment averages, each in [0, 1)"),
        HyperParam("eps", 1e-8, "float", 0.0, None, True, "ε added to the denominator, for stability"),
        HyperParam("weight_decay", 0.0, "float", 0.0, None, False, "L2 penalty λ added to the gradient"),
        HyperParam("momentum_decay", 4e-3, "float", 0.0, None, False, "momentum decay ψ of the μ_t schedule"),
    )

    def __post_init__(self) -> None:
        self._check("lr", "Invalid learning rate: {}", lambda x: 0.0 <= x)
        self._check("eps", "Invalid epsilon value: {}", lambda x: 0.0 <= x)
        self._check_betas()
        self._check("weight_decay", "Invalid weight_decay value: {}", lambda x: 0.0 <= x)
        self._check("momentum_decay", "Invalid momentum_decay value: {}", lambda x: 0.0 <= x)

    def init(self, params) -> NAdamState:
        p = as_params(params)
        return NAdamState(step=0, mu_product=1.0, exp_avg=np.zeros_like(p), exp_avg_sq=np.zeros_like(p))

    def update(self, grad, state: NAdamState, params, lr: float, trace: dict | None = None):
        # torch.optim.nadam._single_tensor_nadam (decoupled_weight_decay=False, capturable=False)
        beta1, beta2 = self.betas
        momentum_decay = self.momentum_decay
        step = state.step + 1
        bias_correction2 = 1 - beta2**step
        if self.weight_decay != 0:
            grad = grad + self.weight_decay * params  # grad.add(param, alpha=weight_decay)
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
        mu_product = state.mu_product * mu
        exp_avg = lerp(state.exp_avg, grad, 1 - beta1)  # exp_avg.lerp_(grad, 1 - beta1)
        exp_avg_sq = state.exp_avg_sq * beta2  # exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        exp_avg_sq += (1 - beta2) * grad * grad
        denom = exp_avg_sq / bias_correction2  # exp_avg_sq.div(bias_correction2).sqrt()
        np.sqrt(denom, out=denom)
        mu_product_next = mu_product * mu_next
        denom += self.eps  # denom.add_(eps)
        grad_coef = -lr * (1.0 - mu) / (1.0 - mu_product)
        exp_avg_coef = (-lr * mu_next) / (1.0 - mu_product_next)
        delta1 = grad_coef * grad  # param.addcdiv_(grad, denom, value=grad_coef)
        delta1 /= denom
        delta2 = exp_avg_coef * exp_avg  # param.addcdiv_(exp_avg, denom, value=exp_avg_coef)
        delta2 /= denom
        new_params = params + delta1
        new_params += delta2
        if trace is not None:
            trace["lr"] = float(lr)
            trace["grad"] = np.array(grad, dtype=np.float64)
            trace["mu"] = mu
            trace["mu_next"] = mu_next
            trace["mu_product"] = mu_product
            trace["exp_avg"] = exp_avg
            trace["exp_avg_sq"] = exp_avg_sq
            trace["bias_correction2"] = bias_correction2
            trace["denom"] = denom
            trace["grad_coef"] = grad_coef
            trace["exp_avg_coef"] = exp_avg_coef
            trace["update"] = new_params - params
            trace["params"] = new_params
        return new_params, NAdamState(step, mu_product, exp_avg, exp_avg_sq)
