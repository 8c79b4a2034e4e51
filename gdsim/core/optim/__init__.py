"""Optimizers matching torch.optim step by step in float64.

Each optimizer is a frozen dataclass of hyperparameters (torch's names) with
pure ``init(params) -> state`` and ``update(grad, state, params, lr, trace=None)
-> (new_params, new_state)``, computing on lists of Python floats, or on numpy
vectors from ``ARRAY_PARAMS`` parameters on (``use_arrays``); see :mod:`gdsim.core.optim.base`.

    >>> opt = make_optimizer("adam", lr=0.1, betas=(0.9, 0.99))
    >>> state = opt.init(params)
    >>> params, state = opt.update(grad, state, params, lr=opt.lr)
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from .adadelta import Adadelta, AdadeltaState
from .adagrad import Adagrad, AdagradState
from .adam import Adam, AdamState
from .adamw import AdamW
from .base import ARRAY_PARAMS, HyperParam, Optimizer, lerp, use_arrays
from .nadam import NAdam, NAdamState
from .rmsprop import RMSprop, RMSpropState
from .sgd import SGD, SGDState

__all__ = [
    "OPTIMIZERS",
    "HyperParam",
    "Optimizer",
    "make_optimizer",
    "hyperparams",
    "torch_class_name",
    "lerp",
    "use_arrays",
    "ARRAY_PARAMS",
    "SGD",
    "Adagrad",
    "RMSprop",
    "Adadelta",
    "Adam",
    "AdamW",
    "NAdam",
    "SGDState",
    "AdagradState",
    "RMSpropState",
    "AdadeltaState",
    "AdamState",
    "NAdamState",
]

OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.name: cls for cls in (SGD, Adagrad, RMSprop, Adadelta, Adam, AdamW, NAdam)
}


def _lookup(name: str) -> type[Optimizer]:
    try:
        return OPTIMIZERS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"Unknown optimizer {name!r}; choose one of: {', '.join(OPTIMIZERS)}"
        ) from None


def make_optimizer(name: str, **hyper: Any) -> Optimizer:
    """Build optimizer ``name`` with the given hyperparameters (torch names; the rest default).

    Raises ValueError for an unknown optimizer, an unknown hyperparameter or an
    invalid value (with torch's message).
    """
    cls = _lookup(name)
    valid = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    unknown = [k for k in hyper if k not in valid]
    if unknown:
        raise ValueError(
            f"Unknown hyperparameter {unknown[0]!r} for optimizer {name!r}; "
            f"valid ones are: {', '.join(valid)}"
        )
    return cls(**hyper)


def hyperparams(name: str) -> tuple[HyperParam, ...]:
    """Editing description of every hyperparameter of optimizer ``name``."""
    return _lookup(name).HYPERPARAMS


def torch_class_name(name: str) -> str:
    """The torch.optim class implementing optimizer ``name`` ("adamw" -> "AdamW")."""
    return _lookup(name).torch_name
