"""The bounds of every number a user can set, in one place.

The window's spin boxes, the command line, the Python API and session files
all use these, so what the window can show is what a run, a sweep or a
session can hold.  ``check_*`` raise ValueError with one sentence naming the
option as the command line spells it.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

MAX_EPOCHS = 1_000_000  # the epochs spin box; also the cap of schedule steps (step_size, T_max)
MAX_SEED = 2**31 - 1  # seeds are 0 .. MAX_SEED
INIT_RANGE = 1e9  # a start value lies in [-INIT_RANGE, INIT_RANGE]
LR_RANGE = (1e-12, 1e3)  # the learning-rate spin box
HYPER_MAX = 1e6  # other float settings with no natural bound lie in [-HYPER_MAX, HYPER_MAX]
MAX_SWEEP_RUNS = 1000  # learning rates in one sweep (`--lrs a:b:n`)
HISTORY_BYTES = 256 * 2**20  # a headless run's history is thinned past this (gdsim.core.history)
# A CSV or session file larger than this is refused (a million rows of ten columns is ~200 MB).
MAX_READ_BYTES = 512 * 2**20


def _int(value: Any, option: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"Invalid {option}: {value!r} (a whole number).")
    return int(value)


def check_int(value: Any, option: str, low: int, high: int) -> int:
    """``value`` as an int in [low, high], or ValueError naming ``option``."""
    number = _int(value, option)
    if not low <= number <= high:
        raise ValueError(f"Invalid {option}: {shown(number)} (choose {low:,} to {high:,}).")
    return number


def check_real(value: Any, option: str, low: float, high: float) -> float:
    """``value`` as a finite float in [low, high], or ValueError naming ``option``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"Invalid {option}: {value!r} (a number).")
    try:
        number = float(value)
    except OverflowError:  # an int past 1e308
        number = math.inf if value > 0 else -math.inf
    if not (math.isfinite(number) and low <= number <= high):
        raise ValueError(f"Invalid {option}: {shown(value)} (choose {low:g} to {high:g}).")
    return number


def check_epochs(value: Any, option: str = "--epochs") -> int:
    return check_int(value, option, 1, MAX_EPOCHS)


def check_seed(value: Any, option: str = "--seed") -> int:
    return check_int(value, option, 0, MAX_SEED)


def check_init(values: Any, option: str = "--init") -> tuple[float, ...]:
    return tuple(check_real(v, option, -INIT_RANGE, INIT_RANGE) for v in values)


def shown(value: Any) -> str:
    """A number for a message: huge integers shortened (never Python's 4300-digit error)."""
    if isinstance(value, numbers.Integral) and abs(value) >= 10**15:
        try:
            return f"{float(value):.3g}"
        except OverflowError:
            return "a number past 1e308"
    return f"{value:g}" if isinstance(value, float) else str(value)
