"""AdamW: Adam with decoupled weight decay (torch.optim.AdamW)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .adam import _ADAM_EQUATIONS, Adam, AdamState, _adam_hyperparams

__all__ = ["AdamW", "AdamState"]


@dataclass(frozen=True)
class AdamW(Adam):
    r"""AdamW (torch.optim.AdamW): Adam whose weight decay shrinks the
    parameters directly instead of entering the moment averages.

    With learning rate γ, betas (β1, β2), ε, weight decay λ::

        θ'_{t-1} = θ_{t-1}·(1 − γλ)
        g_t = ∇f(θ_{t-1})
        m_t = β1·m_{t-1} + (1 − β1)·g_t
        v_t = β2·v_{t-1} + (1 − β2)·g_t²
        amsgrad: v_t ← max(v_{t-1}^max, v_t)
        θ_t = θ'_{t-1} − (γ / (1 − β1^t)) · m_t / (√v_t / √(1 − β2^t) + ε)
    """

    weight_decay: float = 0.01

    name = "adamw"
    torch_name = "AdamW"
    decoupled_weight_decay: ClassVar[bool] = True
    equations = (
        ("lr", "γ = learning rate of this step"),
        ("decay_factor", "k_t = 1 − γ·λ"),
        ("decayed_params", "θ'_{t-1} = k_t·θ_{t-1}"),
        ("grad", "g_t = ∇f(θ_{t-1})"),
        *_ADAM_EQUATIONS[2:-1],
        ("params", "θ_t = θ'_{t-1} + Δθ_t"),
    )
    HYPERPARAMS = _adam_hyperparams(0.01, True)
