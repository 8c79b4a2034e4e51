"""Shared pieces of the optimizers: the hyperparameter description, the base
class, validation helpers and torch's ``lerp`` and fused multiply-add formulas.

Every optimizer is a frozen dataclass of hyperparameters with two pure methods,
in the style of optax but with the arithmetic of torch's ``_single_tensor_*``
functions::

    state = opt.init(params)
    new_params, new_state = opt.update(grad, state, params, lr, trace=None)

Vectors (parameters, gradients, the state's averages) are never modified once
made; ``update`` accepts lists, tuples and numpy vectors.  Their form is
chosen by their length (``use_arrays``), so once per run:

* a short vector (a linear model's weight per feature plus the bias) is a
  list of Python floats and each update loops over it: at that size numpy's
  fixed cost of about a microsecond per call would be all of an update;
* from ``ARRAY_PARAMS`` parameters on (a network's hundred weights, a wide
  table) the state is numpy vectors and each formula is one numpy expression
  over the whole vector (a Python loop costs about half a microsecond per
  parameter and step).

Both forms evaluate the same elementary operations in the same order (IEEE
``+ − × ÷`` and square root are correctly rounded either way, and numpy
fuses nothing), so the form changes no number.  Values that only the trace
shows are collected only when a trace is asked for.

Numerics: each elementary operation is written in the order torch evaluates
it (``grad.add(param, alpha=wd)`` is ``grad + wd * param``,
``addcdiv_(t1, t2, value=v)`` is ``param + (v * t1) / t2``, ...).  torch's CPU
kernels fuse some multiply-adds (``add`` with ``alpha``, ``addcmul``, ``lerp``)
into one FMA instruction where the CPU has one, which rounds once instead of
twice.  ``lerp`` (every Adam, AdamW, NAdam and centered RMSprop step) always
reproduces the fused rounding, and ``fma`` does where a cancellation makes it
matter; elsewhere results agree to within an ulp or so per operation rather
than bit for bit.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any, ClassVar, Literal

import numpy as np

__all__ = ["ARRAY_PARAMS", "HyperParam", "Optimizer", "Vector", "array", "array_or_zeros", "filled", "floats", "fma", "lerp", "record",
           "sqrt_or_nan", "use_arrays", "weight_decayed"]

Vector = list[float] | np.ndarray

# From this many parameters on, updates compute on numpy vectors (see the module
# docstring); below it on Python floats.  The two forms break even at about 15 to 25
# parameters (Adam: 0.4 µs a parameter on floats, 8 µs a vector; SGD's FMA costs more).
ARRAY_PARAMS = 24


def use_arrays(values: Any) -> bool:
    """Whether a vector this long is updated as numpy vectors rather than a loop over floats."""
    return len(values) >= ARRAY_PARAMS


def filled(n: int, value: float = 0.0) -> Vector:
    """A state vector of ``n`` equal values in the form ``use_arrays`` picks for that length."""
    return np.full(n, float(value)) if n >= ARRAY_PARAMS else [float(value)] * n


@dataclass(frozen=True)
class HyperParam:
    """Description of one hyperparameter, enough for a GUI to build an editor.

    ``minimum``/``maximum`` are the suggested editing range (``None`` when
    unbounded); validation itself follows torch and lives in the optimizer.
    """

    name: str
    default: Any
    kind: Literal["float", "bool", "pair", "int"]
    minimum: float | None = None
    maximum: float | None = None
    log_scale: bool = False
    doc: str = ""


_SPLIT = 134217729.0  # 2**27 + 1, Veltkamp's splitting constant for float64


def _split(a: float) -> tuple[float, float]:
    t = _SPLIT * a
    hi = t - (t - a)
    return hi, a - hi


def lerp(start: float, end: float, weight: float) -> float:
    """torch.lerp with a scalar weight, rounded as torch's CPU kernel rounds it; on floats or
    numpy vectors (the same operations in the same order, so the two forms agree bit for bit).

    ATen's two branches, each one fused multiply-add (a single rounding; measured with torch
    2.13 on an FMA CPU: every vector length from 1 up, the vector loop and its scalar tail)::

        fma(weight, end − start, start)        when |weight| < 0.5
        fma(weight − 1, end − start, end)      otherwise

    The FMA is ``fma``'s emulation written out (weight is one number: it is split once),
    about 20 operations instead of 3: the plain ``start + weight·(end − start)`` differs from
    torch by an ulp in one case in four to six, which a long run carries into the parameters.
    Past |end − start| ≈ 1e300 the splitting overflows and the result is NaN (as in ``fma``).
    """
    diff = end - start
    if -0.5 < weight < 0.5:
        a, c = weight, start
    else:
        a, c = weight - 1.0, end
    t = _SPLIT * a
    ahi = t - (t - a)
    alo = a - ahi
    p = a * diff
    t = _SPLIT * diff
    dhi = t - (t - diff)
    dlo = diff - dhi
    e = ((ahi * dhi - p) + ahi * dlo + alo * dhi) + alo * dlo  # a*diff == p + e exactly
    s = c + p
    z = s - c
    return s + (((c - (s - z)) + (p - z)) + e)  # c + p == s + ((c − (s − z)) + (p − z)) exactly


def fma(a: float, b: float, c: float) -> float:
    """``a * b + c`` with (almost always) a single rounding, like a hardware FMA;
    on floats, or elementwise on numpy vectors (call it under ``np.errstate(all="ignore")``:
    the splitting overflows past about 1e300).

    ``math.fma`` arrives only in Python 3.13; this uses the error-free
    transformations of Dekker (product) and Knuth (sum).  The result is the
    correctly rounded value whenever ``c + a*b`` cancels (the case where it
    matters) and within an ulp of it otherwise.  About 20 operations: use only
    where torch's FMA changes results materially (a difference of nearly equal
    numbers).
    """
    p = a * b
    ahi, alo = _split(a)
    bhi, blo = _split(b)
    e = ((ahi * bhi - p) + ahi * blo + alo * bhi) + alo * blo  # a*b == p + e exactly
    s = c + p
    z = s - c
    t = (c - (s - z)) + (p - z)  # c + p == s + t exactly
    return s + (t + e)


def sqrt_or_nan(x: float) -> float:
    """√x, NaN for a negative x (as torch and numpy give; math.sqrt would raise)."""
    return math.sqrt(x) if x >= 0.0 else math.nan


def floats(values: Any) -> list[float] | tuple[float, ...]:
    """A vector as Python floats: lists and tuples as they are, numpy vectors as a new list."""
    if type(values) is list or type(values) is tuple:
        return values
    return np.asarray(values, dtype=np.float64).tolist()


def array(values: Any) -> np.ndarray:
    """A vector as a float64 numpy vector (numpy vectors as they are: never written to)."""
    return np.asarray(values, dtype=np.float64)


def record(trace: dict, **values: Any) -> None:
    """Put an update's intermediate values into ``trace``: vectors as float64 arrays, scalars as floats."""
    for key, value in values.items():
        trace[key] = np.array(value, dtype=np.float64) if isinstance(value, (list, tuple, np.ndarray)) \
            else float(value)


def array_or_zeros(values: Any, n: int) -> np.ndarray:
    """``array(values)``, or n zeros for a state vector torch has not made yet (None)."""
    return np.zeros(n) if values is None else np.asarray(values, dtype=np.float64)


def weight_decayed(grad: Vector, params: Vector, weight_decay: float) -> Vector:
    """``grad.add(param, alpha=weight_decay)``: the gradient of the loss plus the L2 penalty λ·θ
    (floats, or numpy vectors)."""
    if weight_decay == 0:
        return grad
    if type(grad) is np.ndarray:
        return grad + weight_decay * params
    return [g + weight_decay * p for g, p in zip(grad, params)]


def _float(value: Any, message: str, ok: Callable[[float], bool]) -> float:
    """``float(value)`` if it is a finite real number satisfying ``ok``, else ValueError(message)."""
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(message)
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(message) from None
    if not math.isfinite(x) or not ok(x):
        raise ValueError(message)
    return x


class Optimizer:
    """Base class: shared validation and introspection.  Subclasses are frozen dataclasses."""

    #: registry name ("sgd", ...) and torch.optim class name ("SGD", ...)
    name: ClassVar[str]
    torch_name: ClassVar[str]
    #: (trace key, human equation) in the order the update computes them
    equations: ClassVar[tuple[tuple[str, str], ...]] = ()
    #: editing description of every hyperparameter, in dataclass-field order
    HYPERPARAMS: ClassVar[tuple[HyperParam, ...]] = ()

    # -- validation helpers used by __post_init__ --------------------------------
    def _check(self, field: str, message: str, ok: Callable[[float], bool] = lambda x: True) -> None:
        raw = getattr(self, field)
        object.__setattr__(self, field, _float(raw, message.format(raw), ok))

    def _check_eps(self) -> None:
        """torch's check (eps >= 0), and eps = 0 refused: torch accepts it and then divides
        0 by 0 wherever a gradient component is zero, which gdsim would not survive as nan."""
        self._check("eps", "Invalid epsilon value: {}", lambda x: 0.0 <= x)
        if self.eps == 0.0:  # type: ignore[attr-defined]
            raise ValueError("Invalid epsilon value: 0 (eps must be positive; with 0 a zero "
                             "gradient component divides 0 by 0).")

    def _check_bool(self, field: str) -> None:
        raw = getattr(self, field)
        if not isinstance(raw, (bool, np.bool_)):
            raise ValueError(f"{field} must be True or False, got {raw!r}")
        object.__setattr__(self, field, bool(raw))

    def _check_betas(self) -> None:
        betas = self.betas  # type: ignore[attr-defined]
        try:
            pair = tuple(betas)
        except TypeError:
            raise ValueError(f"betas must be a pair of floats, got {betas!r}") from None
        if len(pair) != 2:
            raise ValueError(f"betas must be a pair of floats, got {betas!r}")
        checked = tuple(
            _float(b, f"Invalid beta parameter at index {i}: {b}", lambda x: 0.0 <= x < 1.0)
            for i, b in enumerate(pair)
        )
        object.__setattr__(self, "betas", checked)

    # -- API ---------------------------------------------------------------------
    def hyper(self) -> dict[str, Any]:
        """The hyperparameters as a dict (torch names)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]

    def init(self, params):  # pragma: no cover - abstract
        raise NotImplementedError

    def update(self, grad, state, params, lr, trace=None):  # pragma: no cover - abstract
        raise NotImplementedError


def as_params(params: Any) -> Vector:
    """Validate a parameter vector for ``init``; its floats."""
    p = np.array(params, dtype=np.float64)
    if p.ndim != 1:
        raise ValueError(f"params must be a 1-D vector, got shape {p.shape}")
    return p.tolist()
