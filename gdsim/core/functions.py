"""Classic test functions: optimisation problems with no dataset.

Each is a function of two parameters (x, y) with an analytic gradient and
known minima. A ``FunctionRun`` descends it with any optimizer and schedule;
an epoch is one step here.

* bowl:        f = (x² + κ·y²)/2, κ the condition number; minimum (0, 0)
* rosenbrock:  f = (1 − x)² + 100·(y − x²)²; minimum (1, 1)
* beale:       f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²; minimum (3, 0.5)
* himmelblau:  f = (x² + y − 11)² + (x + y² − 7)²; four minima
* saddle:      f = x² − y²; a saddle point at (0, 0), no minimum

Each has defaults for plain SGD that converge from its start point (``defaults``:
lr and epochs); the bowl's follow κ (lr = 1/κ, since lr > 2/κ diverges).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np

from .optim import make_optimizer
from .schedules import make_schedule
from .source import FUNCTION_APPLIES, ProblemSource
from .training import TrainingConfig, TrainingRun


@dataclass(frozen=True)
class ClassicFunction:
    name: str
    title: str
    formula: str
    value: Callable[[np.ndarray, np.ndarray], np.ndarray]  # vectorised f(x, y)
    gradient: Callable[[float, float], tuple[float, float]]
    minima: tuple[tuple[float, float], ...]
    init: tuple[float, float]
    window: tuple[float, float, float, float]  # x0, x1, y0, y1 to show
    defaults: Mapping[str, Any] = field(default_factory=lambda: {"lr": 0.01, "epochs": 100})

    def loss_and_grad(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        """(f, ∇f) at ``theta``; a Python float that overflows (``y ** 3`` raises
        OverflowError) gives inf, which the run reads as divergence like any non-finite number."""
        x, y = float(theta[0]), float(theta[1])
        try:
            gx, gy = self.gradient(x, y)
        except OverflowError:
            gx = gy = math.inf
        with np.errstate(over="ignore", invalid="ignore"):
            value = float(self.value(np.float64(x), np.float64(y)))
        return value, np.array([gx, gy])

    def grid(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """f over the grid: shape (len(ys), len(xs))."""
        with np.errstate(over="ignore", invalid="ignore"):
            return self.value(xs[np.newaxis, :], ys[:, np.newaxis])


def _bowl(condition: float) -> ClassicFunction:
    k = float(condition)
    # x shrinks by (1 − lr) a step and y by (1 − lr·κ): lr = 1/κ, and 10κ steps for x
    epochs = int(min(100_000, max(100, round(10 * k))))
    return ClassicFunction(
        "bowl", f"Bowl (condition number {k:g})", "f = (x² + κ·y²)/2",
        lambda x, y: 0.5 * (x * x + k * y * y),
        lambda x, y: (x, k * y),
        ((0.0, 0.0),), (-4.0, 2.0), (-5.0, 5.0, -3.0, 3.0), {"lr": 1.0 / k, "epochs": epochs},
    )


def _rosenbrock_grad(x: float, y: float) -> tuple[float, float]:
    return (-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x))


def _beale_terms(x, y):
    return 1.5 - x + x * y, 2.25 - x + x * y * y, 2.625 - x + x * y ** 3


def _beale(x, y):
    a, b, c = _beale_terms(x, y)
    return a * a + b * b + c * c


def _beale_grad(x: float, y: float) -> tuple[float, float]:
    a, b, c = _beale_terms(x, y)
    gx = 2 * a * (y - 1) + 2 * b * (y * y - 1) + 2 * c * (y ** 3 - 1)
    gy = 2 * a * x + 2 * b * 2 * x * y + 2 * c * 3 * x * y * y
    return gx, gy


def _himmelblau_grad(x: float, y: float) -> tuple[float, float]:
    a, b = x * x + y - 11, x + y * y - 7
    return 4 * x * a + 2 * b, 2 * a + 4 * y * b


FUNCTIONS: dict[str, Callable[..., ClassicFunction]] = {
    "bowl": _bowl,
    "rosenbrock": lambda: ClassicFunction(
        "rosenbrock", "Rosenbrock's valley", "f = (1 − x)² + 100·(y − x²)²",
        lambda x, y: (1 - x) ** 2 + 100 * (y - x * x) ** 2, _rosenbrock_grad,
        ((1.0, 1.0),), (-1.5, 2.0), (-2.0, 2.0, -1.0, 3.0), {"lr": 0.002, "epochs": 1000}),
    "beale": lambda: ClassicFunction(
        "beale", "Beale's function", "f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
        _beale, _beale_grad, ((3.0, 0.5),), (1.0, 1.4), (-4.5, 4.5, -4.5, 4.5), {"lr": 0.02, "epochs": 1000}),
    "himmelblau": lambda: ClassicFunction(
        "himmelblau", "Himmelblau's function", "f = (x² + y − 11)² + (x + y² − 7)²",
        lambda x, y: (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2, _himmelblau_grad,
        ((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)),
        (0.0, 0.0), (-5.0, 5.0, -5.0, 5.0)),
    "saddle": lambda: ClassicFunction(
        "saddle", "Saddle", "f = x² − y²",
        lambda x, y: x * x - y * y, lambda x, y: (2 * x, -2 * y),
        (), (-4.0, 0.01), (-5.0, 5.0, -5.0, 5.0)),
}


def make_function(name: str, condition: float | None = None) -> ClassicFunction:
    """The test function ``name`` (``condition`` is the bowl's κ, default 10)."""
    if name not in FUNCTIONS:
        raise ValueError(f"Unknown function '{name}'; choose one of: {', '.join(FUNCTIONS)}.")
    if name == "bowl":
        k = 10.0 if condition is None else float(condition)
        if not (np.isfinite(k) and k >= 1):
            raise ValueError(f"Invalid condition number: {condition} (at least 1).")
        return _bowl(k)
    if condition is not None:
        raise ValueError("--condition applies to the bowl only.")
    return FUNCTIONS[name]()


class FunctionSource(ProblemSource):
    """A test function as a problem source: parameters (x, y), no rows, one step per epoch."""

    kind = "function"
    applies = FUNCTION_APPLIES
    parameter_names = ("x", "y")
    n_rows = 1
    loss_label = "f(x, y)"

    def __init__(self, function: ClassicFunction) -> None:
        self.function = function
        self.title = function.title
        self.formula = function.formula
        self.known_minima = tuple(function.minima)
        self.default_init = tuple(function.init)
        self.defaults = dict(function.defaults)

    def check(self, config: TrainingConfig) -> None:
        make_optimizer(config.optimizer, **config.hyper)
        make_schedule(config.schedule, **config.schedule_params)
        if config.init is not None and len(config.init) != 2:
            raise ValueError(f"A test function has two parameters (x, y); got {len(config.init)} initial values.")
        config.check_bounds()  # epochs, seed and the start point within gdsim.core.limits
        if config.tolerance is not None and not config.tolerance > 0:
            raise ValueError(f"Invalid tolerance: {config.tolerance} (must be positive).")

    def make_run(self, config: TrainingConfig) -> "FunctionRun":
        return FunctionRun(self.function, config)

    def is_same_problem(self, other: ProblemSource | None) -> bool:
        return isinstance(other, FunctionSource) and other.title == self.title


class FunctionRun(TrainingRun):
    """Gradient descent on a test function: parameters (x, y), one step per epoch.

    Without an initial point it starts from the function's; plain SGD without
    a learning rate takes the function's (one that converges).
    """

    def __init__(self, function: ClassicFunction, config: TrainingConfig) -> None:
        source = FunctionSource(function)
        source.check(config)
        if config.init is None:
            config = config.replace(init=function.init)
        if config.optimizer == "sgd" and "lr" not in config.hyper:
            config = config.with_hyper(lr=function.defaults["lr"])
        self.source = source
        self.function = function
        self.dataset = None
        self.config = config
        self.problem = None
        self.standardizer = None
        self.quadratic_stats = None
        self.X = self.y = None
        self.batch_size = 1
        self.iterations_per_epoch = 1
        self.mode = "batch"
        self.full_batch = True
        self._all_rows = slice(0, 0)  # no data rows
        self._start(config, 2)

    @property
    def parameter_names(self) -> tuple[str, ...]:
        return ("x", "y")

    def full_loss(self, theta: np.ndarray) -> float:
        return self.function.loss_and_grad(theta)[0]

    def loss_and_grad(self, theta: np.ndarray, rows: slice) -> tuple[float, np.ndarray]:
        return self.function.loss_and_grad(theta)

    def distance_to_minimum(self) -> float | None:
        """Distance from the current point to the nearest known minimum."""
        if not self.function.minima:
            return None
        return float(min(np.hypot(*(self.params - np.array(m))) for m in self.function.minima))
