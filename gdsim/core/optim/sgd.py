"""Stochastic gradient descent, optionally with momentum / Nesterov (torch.optim.SGD)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import repeat
from math import isfinite
from typing import NamedTuple

import numpy as np

from .base import HyperParam, Optimizer, Vector, array, as_params, floats, fma, record, use_arrays, weight_decayed


class SGDState(NamedTuple):
    """``step`` counts updates (torch's SGD keeps none; here for uniformity).
    ``momentum_buffer`` is None until the first step with momentum, as in torch."""

    step: int
    momentum_buffer: Vector | None


@dataclass(frozen=True)
class SGD(Optimizer):
    r"""Stochastic gradient descent (torch.optim.SGD).

    With learning rate γ, momentum μ, dampening τ, weight decay λ::

        g_t = ∇f(θ_{t-1}) + λ·θ_{t-1}
        if μ ≠ 0:
            b_t = g_t                          (t = 1)
            b_t = μ·b_{t-1} + (1 − τ)·g_t      (t > 1)
            g_t = g_t + μ·b_t   if nesterov   else   g_t = b_t
        θ_t = θ_{t-1} − γ·g_t
    """

    lr: float = 0.01
    momentum: float = 0.0
    dampening: float = 0.0
    weight_decay: float = 0.0
    nesterov: bool = False

    name = "sgd"
    torch_name = "SGD"
    equations = (
        ("lr", "γ = learning rate of this step"),
        ("grad", "g_t = ∇f(θ_{t-1}) + λ·θ_{t-1}"),
        ("momentum_buffer", "b_t = μ·b_{t-1} + (1 − τ)·g_t   (b_1 = g_1)"),
        ("direction", "d_t = g_t + μ·b_t (Nesterov)  or  d_t = b_t"),
        ("update", "Δθ_t = −γ·d_t"),
        ("params", "θ_t = θ_{t-1} + Δθ_t"),
    )
    HYPERPARAMS = (
        HyperParam("lr", 0.01, "float", 0.0, None, True, "learning rate γ"),
        HyperParam("momentum", 0.0, "float", 0.0, 1.0, False, "momentum factor μ (0 = plain SGD)"),
        HyperParam("dampening", 0.0, "float", 0.0, 1.0, False, "dampening τ of the gradient added to the momentum buffer"),
        HyperParam("weight_decay", 0.0, "float", 0.0, None, False, "L2 penalty λ added to the gradient"),
        HyperParam("nesterov", False, "bool", None, None, False, "use Nesterov momentum (needs momentum > 0, dampening 0)"),
    )

    def __post_init__(self) -> None:
        self._check("lr", "Invalid learning rate: {}", lambda x: not x < 0.0)
        self._check("momentum", "Invalid momentum value: {}", lambda x: not x < 0.0)
        self._check("weight_decay", "Invalid weight_decay value: {}", lambda x: not x < 0.0)
        self._check("dampening", "Invalid dampening value: {}")
        self._check_bool("nesterov")
        if self.nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")

    def init(self, params) -> SGDState:
        as_params(params)
        return SGDState(step=0, momentum_buffer=None)

    def update(self, grad, state: SGDState, params, lr: float, trace: dict | None = None):
        # torch.optim.sgd._single_tensor_sgd
        momentum, dampening, nesterov = self.momentum, self.dampening, self.nesterov
        vectors = use_arrays(grad)
        params = array(params) if vectors else floats(params)
        grad = weight_decayed(array(grad) if vectors else floats(grad), params, self.weight_decay)
        first = state.momentum_buffer is None
        if vectors:  # the loop's formulas below, on whole vectors
            buf = None
            direction = grad
            if momentum != 0:
                buf = np.array(grad) if first else array(state.momentum_buffer) * momentum + (1 - dampening) * grad
                direction = grad + momentum * buf if nesterov else buf
            update = (-lr) * direction
            with np.errstate(all="ignore"):
                new_params = fma(-lr, direction, params)
            if not np.isfinite(new_params).all():
                new_params = np.where(np.isfinite(new_params), new_params, params + update)
        else:
            new_params, buf, traced = [], [], []
            for p, g, b in zip(params, grad, state.momentum_buffer or repeat(0.0)):
                if momentum != 0:
                    # buf = grad.detach().clone() at first, then buf.mul_(momentum).add_(grad, alpha=1 - dampening)
                    b = g if first else b * momentum + (1 - dampening) * g
                    buf.append(b)
                    d = g + momentum * b if nesterov else b
                else:
                    d = g
                u = (-lr) * d
                # param.add_(d_p, alpha=-lr): torch's CPU kernel fuses it into one FMA; rounding
                # twice here left an ulp that flips an MAE gradient where a residual is exactly 0
                new = fma(-lr, d, p)
                if not isfinite(new):  # fma's splitting overflows past about 1e300: round twice then
                    new = p + u
                new_params.append(new)
                if trace is not None:
                    traced.append((d, u))
            if trace is not None:
                direction, update = zip(*traced)
        if trace is not None:
            record(trace, lr=lr, grad=grad)
            if momentum != 0:
                record(trace, momentum_buffer=buf)
            record(trace, direction=direction, update=update, params=new_params)
        return new_params, SGDState(state.step + 1, buf if momentum != 0 else None)
