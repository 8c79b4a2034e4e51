"""Learning-rate schedules equivalent to torch.optim.lr_scheduler, stepped once per epoch.

Each schedule is a frozen dataclass with one pure method::

    lr = sched.next_lr(epoch, current_lr, base_lr)

the learning rate after the scheduler's ``epoch``-th ``step()`` (epoch = 1, 2,
...), given the learning rate before it (``current_lr``) and the initial one
(``base_lr``).  The formulas are torch's *chainable* ``get_lr`` recursions, not
the closed forms, so a run reproduces torch's floating-point values::

    lr = base_lr
    for epoch in range(1, n_epochs + 1):
        ...train one epoch with lr...
        lr = sched.next_lr(epoch, lr, base_lr)

=============  =======================  ====================================
name           torch class              parameters
=============  =======================  ====================================
constant       (no scheduler)           -
step           StepLR                   step_size, gamma=0.1
exponential    ExponentialLR            gamma
cosine         CosineAnnealingLR        T_max, eta_min=0
=============  =======================  ====================================
"""

from __future__ import annotations

import math
import numbers
from dataclasses import MISSING, dataclass, fields
from typing import Any, ClassVar

import numpy as np

from .optim.base import HyperParam

__all__ = [
    "SCHEDULES",
    "Schedule",
    "ConstantSchedule",
    "StepSchedule",
    "ExponentialSchedule",
    "CosineSchedule",
    "make_schedule",
    "schedule_params",
]


def _positive_int(value: Any, name: str, minimum: int = 1) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if not math.isfinite(value) or value != int(value) or int(value) < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _real(value: Any, name: str, ok, condition: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number {condition}, got {value!r}")
    x = float(value)
    if not math.isfinite(x) or not ok(x):
        raise ValueError(f"{name} must be a number {condition}, got {value!r}")
    return x


class Schedule:
    """Base class of the schedules (frozen dataclasses)."""

    name: ClassVar[str]
    torch_name: ClassVar[str | None]
    PARAMS: ClassVar[tuple[HyperParam, ...]] = ()

    def next_lr(self, epoch: int, current_lr: float, base_lr: float) -> float:  # pragma: no cover
        raise NotImplementedError

    def lr_sequence(self, base_lr: float, n_epochs: int) -> np.ndarray:
        """Learning rates after 0, 1, ..., n_epochs scheduler steps (length n_epochs + 1)."""
        out = np.empty(n_epochs + 1)
        lr = out[0] = float(base_lr)
        for epoch in range(1, n_epochs + 1):
            lr = out[epoch] = self.next_lr(epoch, lr, base_lr)
        return out

    def params(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]


@dataclass(frozen=True)
class ConstantSchedule(Schedule):
    """The learning rate never changes: lr_t = lr_{t-1}."""

    name = "constant"
    torch_name = None
    PARAMS = ()

    def next_lr(self, epoch: int, current_lr: float, base_lr: float) -> float:
        return current_lr


@dataclass(frozen=True)
class StepSchedule(Schedule):
    """torch.optim.lr_scheduler.StepLR: multiply by ``gamma`` every ``step_size`` epochs.

    lr_t = lr_{t-1}·γ  if t is a multiple of step_size, else lr_{t-1}
    """

    step_size: int
    gamma: float = 0.1

    name = "step"
    torch_name = "StepLR"
    PARAMS = (
        HyperParam("step_size", 10, "int", 1, None, False, "decay the learning rate every this many epochs"),
        HyperParam("gamma", 0.1, "float", 0.0, 1.0, True, "multiplicative factor γ of each decay"),
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "step_size", _positive_int(self.step_size, "step_size"))
        object.__setattr__(self, "gamma", _real(self.gamma, "gamma", lambda x: x > 0, "> 0"))

    def next_lr(self, epoch: int, current_lr: float, base_lr: float) -> float:
        # StepLR.get_lr
        if epoch == 0 or epoch % self.step_size != 0:
            return current_lr
        return current_lr * self.gamma


@dataclass(frozen=True)
class ExponentialSchedule(Schedule):
    """torch.optim.lr_scheduler.ExponentialLR: lr_t = lr_{t-1}·γ every epoch."""

    gamma: float

    name = "exponential"
    torch_name = "ExponentialLR"
    PARAMS = (HyperParam("gamma", 0.95, "float", 0.0, 1.0, True, "multiplicative factor γ per epoch"),)

    def __post_init__(self) -> None:
        object.__setattr__(self, "gamma", _real(self.gamma, "gamma", lambda x: x > 0, "> 0"))

    def next_lr(self, epoch: int, current_lr: float, base_lr: float) -> float:
        # ExponentialLR.get_lr
        if epoch == 0:
            return current_lr
        return current_lr * self.gamma


@dataclass(frozen=True)
class CosineSchedule(Schedule):
    r"""torch.optim.lr_scheduler.CosineAnnealingLR (no restarts), torch's recursive form:

    lr_t = η_min + (lr_{t-1} − η_min)·(1 + cos(π t / T_max)) / (1 + cos(π (t−1) / T_max))

    except when (t − 1 − T_max) is a multiple of 2·T_max, where
    lr_t = lr_{t-1} + (lr_0 − η_min)·(1 − cos(π / T_max)) / 2.
    Past T_max the learning rate rises again along the cosine (period 2·T_max).
    """

    T_max: int
    eta_min: float = 0.0

    name = "cosine"
    torch_name = "CosineAnnealingLR"
    PARAMS = (
        HyperParam("T_max", 100, "int", 1, None, False, "epochs of a half cosine period (lr reaches eta_min at T_max)"),
        HyperParam("eta_min", 0.0, "float", 0.0, None, False, "minimum learning rate η_min"),
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "T_max", _positive_int(self.T_max, "T_max"))
        object.__setattr__(self, "eta_min", _real(self.eta_min, "eta_min", lambda x: x >= 0, ">= 0"))

    def next_lr(self, epoch: int, current_lr: float, base_lr: float) -> float:
        # CosineAnnealingLR.get_lr (chainable form)
        T_max, eta_min = self.T_max, self.eta_min
        if epoch == 0:
            return current_lr
        if (epoch - 1 - T_max) % (2 * T_max) == 0:
            return current_lr + (base_lr - eta_min) * (1 - math.cos(math.pi / T_max)) / 2
        return (1 + math.cos(math.pi * epoch / T_max)) / (
            1 + math.cos(math.pi * (epoch - 1) / T_max)
        ) * (current_lr - eta_min) + eta_min


SCHEDULES: dict[str, type[Schedule]] = {
    cls.name: cls for cls in (ConstantSchedule, StepSchedule, ExponentialSchedule, CosineSchedule)
}


def _lookup(name: str) -> type[Schedule]:
    try:
        return SCHEDULES[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"Unknown schedule {name!r}; choose one of: {', '.join(SCHEDULES)}"
        ) from None


def make_schedule(name: str, **params: Any) -> Schedule:
    """Build schedule ``name``; unknown name, unknown/missing parameter or bad value -> ValueError."""
    cls = _lookup(name)
    valid = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    for key in params:
        if key not in valid:
            listing = ", ".join(valid) if valid else "(none)"
            raise ValueError(
                f"Unknown parameter {key!r} for schedule {name!r}; valid ones are: {listing}"
            )
    for f in fields(cls):  # type: ignore[arg-type]
        if f.default is MISSING and f.name not in params:
            raise ValueError(f"Schedule {name!r} requires parameter {f.name!r}")
    return cls(**params)


def schedule_params(name: str) -> tuple[HyperParam, ...]:
    """Editing description of the parameters of schedule ``name``."""
    return _lookup(name).PARAMS
