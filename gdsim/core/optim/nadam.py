"""NAdam: Adam with Nesterov momentum (torch.optim.NAdam)."""

from __future__ import annotations

from dataclasses import dataclass
from math import sqrt
from typing import NamedTuple

import numpy as np

from .base import HyperParam, Optimizer, Vector, array, as_params, filled, floats, lerp, record, use_arrays, weight_decayed


class NAdamState(NamedTuple):
    """``mu_product`` is the running product μ_1·…·μ_t (a float; torch keeps a
    0-d tensor of the default dtype, float64 when that is torch.float64)."""

    step: int
    mu_product: float
    exp_avg: Vector
    exp_avg_sq: Vector


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
        self._check_eps()
        self._check_betas()
        self._check("weight_decay", "Invalid weight_decay value: {}", lambda x: 0.0 <= x)
        self._check("momentum_decay", "Invalid momentum_decay value: {}", lambda x: 0.0 <= x)

    def init(self, params) -> NAdamState:
        n = len(as_params(params))
        return NAdamState(step=0, mu_product=1.0, exp_avg=filled(n), exp_avg_sq=filled(n))

    def update(self, grad, state: NAdamState, params, lr: float, trace: dict | None = None):
        # torch.optim.nadam._single_tensor_nadam (decoupled_weight_decay=False, capturable=False)
        beta1, beta2 = self.betas
        eps, momentum_decay = self.eps, self.momentum_decay
        step = state.step + 1
        bias_correction2 = 1 - beta2**step
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
        mu_product = state.mu_product * mu
        mu_product_next = mu_product * mu_next
        grad_coef = -lr * (1.0 - mu) / (1.0 - mu_product)
        exp_avg_coef = (-lr * mu_next) / (1.0 - mu_product_next)
        vectors = use_arrays(grad)
        params = array(params) if vectors else floats(params)
        grad = weight_decayed(array(grad) if vectors else floats(grad), params, self.weight_decay)
        if vectors:  # the loop's formulas below, on whole vectors
            exp_avg = lerp(array(state.exp_avg), grad, 1 - beta1)
            exp_avg_sq = array(state.exp_avg_sq) * beta2 + (1 - beta2) * grad * grad
            denom = np.sqrt(exp_avg_sq / bias_correction2)
            denom += eps
            new_params = params + grad_coef * grad / denom + exp_avg_coef * exp_avg / denom
            update = new_params - params if trace is not None else None
        else:
            new_params, exp_avg, exp_avg_sq, traced = [], [], [], []
            for p, g, m, v in zip(params, grad, state.exp_avg, state.exp_avg_sq):
                m = lerp(m, g, 1 - beta1)  # exp_avg.lerp_(grad, 1 - beta1)
                v = v * beta2 + (1 - beta2) * g * g  # exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                d = sqrt(v / bias_correction2) + eps  # exp_avg_sq.div(bias_correction2).sqrt().add_(eps)
                # param.addcdiv_(grad, denom, value=grad_coef).addcdiv_(exp_avg, denom, value=exp_avg_coef)
                new = p + grad_coef * g / d + exp_avg_coef * m / d
                new_params.append(new)
                exp_avg.append(m)
                exp_avg_sq.append(v)
                if trace is not None:
                    traced.append((d, new - p))
            if trace is not None:
                denom, update = zip(*traced)
        if trace is not None:
            record(trace, lr=lr, grad=grad, mu=mu, mu_next=mu_next, mu_product=mu_product,
                   exp_avg=exp_avg, exp_avg_sq=exp_avg_sq, bias_correction2=bias_correction2,
                   denom=denom, grad_coef=grad_coef, exp_avg_coef=exp_avg_coef,
                   update=update, params=new_params)
        return new_params, NAdamState(step, mu_product, exp_avg, exp_avg_sq)
