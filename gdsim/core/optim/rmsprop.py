"""RMSprop, optionally centered and with momentum (torch.optim.RMSprop)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import repeat
from math import sqrt
from typing import NamedTuple

import numpy as np

from .base import (HyperParam, Optimizer, Vector, array, array_or_zeros, as_params, filled, floats, fma, lerp, record,
                   sqrt_or_nan, use_arrays, weight_decayed)


class RMSpropState(NamedTuple):
    """``momentum_buffer`` is None unless momentum > 0, ``grad_avg`` None unless centered (as in torch)."""

    step: int
    square_avg: Vector
    momentum_buffer: Vector | None
    grad_avg: Vector | None


@dataclass(frozen=True)
class RMSprop(Optimizer):
    r"""RMSprop (torch.optim.RMSprop).

    With learning rate γ, smoothing constant α, ε, weight decay λ, momentum μ::

        g_t = ∇f(θ_{t-1}) + λ·θ_{t-1}
        v_t = α·v_{t-1} + (1 − α)·g_t²
        centered:  ḡ_t = ḡ_{t-1} + (1 − α)·(g_t − ḡ_{t-1});   ṽ_t = v_t − ḡ_t²
        otherwise: ṽ_t = v_t
        if μ > 0:  b_t = μ·b_{t-1} + g_t / (√ṽ_t + ε);   θ_t = θ_{t-1} − γ·b_t
        else:      θ_t = θ_{t-1} − γ·g_t / (√ṽ_t + ε)
    """

    lr: float = 0.01
    alpha: float = 0.99
    eps: float = 1e-8
    weight_decay: float = 0.0
    momentum: float = 0.0
    centered: bool = False

    name = "rmsprop"
    torch_name = "RMSprop"
    equations = (
        ("lr", "γ = learning rate of this step"),
        ("grad", "g_t = ∇f(θ_{t-1}) + λ·θ_{t-1}"),
        ("square_avg", "v_t = α·v_{t-1} + (1 − α)·g_t²"),
        ("grad_avg", "ḡ_t = α·ḡ_{t-1} + (1 − α)·g_t   (centered)"),
        ("avg", "a_t = √(v_t − ḡ_t²) + ε  (centered)  or  √v_t + ε"),
        ("momentum_buffer", "b_t = μ·b_{t-1} + g_t / a_t"),
        ("update", "Δθ_t = −γ·b_t  (momentum)  or  −γ·g_t / a_t"),
        ("params", "θ_t = θ_{t-1} + Δθ_t"),
    )
    HYPERPARAMS = (
        HyperParam("lr", 0.01, "float", 0.0, None, True, "learning rate γ"),
        HyperParam("alpha", 0.99, "float", 0.0, 1.0, False, "smoothing constant α of the squared-gradient average"),
        HyperParam("eps", 1e-8, "float", 0.0, None, True, "ε added to the root, for stability"),
        HyperParam("weight_decay", 0.0, "float", 0.0, None, False, "L2 penalty λ added to the gradient"),
        HyperParam("momentum", 0.0, "float", 0.0, 1.0, False, "momentum factor μ"),
        HyperParam("centered", False, "bool", None, None, False, "normalise by the estimated variance of the gradient"),
    )

    def __post_init__(self) -> None:
        self._check("lr", "Invalid learning rate: {}", lambda x: 0.0 <= x)
        self._check_eps()
        self._check("momentum", "Invalid momentum value: {}", lambda x: 0.0 <= x)
        self._check("weight_decay", "Invalid weight_decay value: {}", lambda x: 0.0 <= x)
        self._check("alpha", "Invalid alpha value: {}", lambda x: 0.0 <= x)
        self._check_bool("centered")

    def init(self, params) -> RMSpropState:
        n = len(as_params(params))
        return RMSpropState(
            step=0,
            square_avg=filled(n),
            momentum_buffer=filled(n) if self.momentum > 0 else None,
            grad_avg=filled(n) if self.centered else None,
        )

    def update(self, grad, state: RMSpropState, params, lr: float, trace: dict | None = None):
        # torch.optim.rmsprop._single_tensor_rmsprop
        alpha, eps, momentum, centered = self.alpha, self.eps, self.momentum, self.centered
        vectors = use_arrays(grad)
        params = array(params) if vectors else floats(params)
        grad = weight_decayed(array(grad) if vectors else floats(grad), params, self.weight_decay)
        if vectors:  # the loop's formulas below, on whole vectors
            n = len(grad)
            square_avg = array(state.square_avg) * alpha + (1 - alpha) * grad * grad
            grad_avg = buf = None
            if centered:
                grad_avg = lerp(array_or_zeros(state.grad_avg, n), grad, 1 - alpha)
                with np.errstate(all="ignore"):  # fma's splitting; √ of a negative round-off is NaN
                    avg = np.sqrt(fma(-grad_avg, grad_avg, square_avg))
            else:
                avg = np.sqrt(square_avg)
            avg += eps
            if momentum > 0:
                buf = array_or_zeros(state.momentum_buffer, n) * momentum + grad / avg
                update = (-lr) * buf
            else:
                update = (-lr) * grad / avg
            new_params = params + update
        else:
            new_params, square_avg, grad_avg, buf, traced = [], [], [], [], []
            for p, g, v, m, b in zip(params, grad, state.square_avg,
                                     state.grad_avg or repeat(0.0), state.momentum_buffer or repeat(0.0)):
                v = v * alpha + (1 - alpha) * g * g  # square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
                if centered:
                    m = lerp(m, g, 1 - alpha)  # grad_avg.lerp_(grad, 1 - alpha)
                    grad_avg.append(m)
                    # square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_(): torch's CPU kernel
                    # fuses this multiply-add (one rounding); v_t and ḡ_t² nearly cancel when the
                    # gradient is steady, so the fused result is reproduced here (a negative
                    # round-off gives NaN, exactly as in torch).
                    a = sqrt_or_nan(fma(-m, m, v))
                else:
                    a = sqrt(v)  # square_avg.sqrt()
                a = a + eps  # avg.add_(eps)
                if momentum > 0:
                    b = b * momentum + g / a  # buf.mul_(momentum).addcdiv_(grad, avg)
                    buf.append(b)
                    u = (-lr) * b  # param.add_(buf, alpha=-lr)
                else:
                    u = (-lr) * g / a  # param.addcdiv_(grad, avg, value=-lr)
                new_params.append(p + u)
                square_avg.append(v)
                if trace is not None:
                    traced.append((a, u))
            if trace is not None:
                avg, update = zip(*traced)
        if trace is not None:
            record(trace, lr=lr, grad=grad, square_avg=square_avg)
            if centered:
                record(trace, grad_avg=grad_avg)
            record(trace, avg=avg)
            if momentum > 0:
                record(trace, momentum_buffer=buf)
            record(trace, update=update, params=new_params)
        return new_params, RMSpropState(state.step + 1, square_avg, buf if momentum > 0 else None,
                                        grad_avg if centered else None)
