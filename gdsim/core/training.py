"""A training run: mini-batch gradient descent, one iteration at a time.

``TrainingRun`` is an iterator of immutable ``Snapshot`` objects, so a worker
thread can drive it in chunks (``advance``) and pause or stop between them,
while the headless command line simply runs it to the end.
"""

from __future__ import annotations

import time
from math import hypot, inf, isfinite, nan
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping

import numpy as np

from .batching import BatchSampler, descent_mode
from .dataset import Dataset
from .feature_maps import apply_features, parse_features
from .history import History
from .network import DEFAULT_HIDDEN, NETWORK_MODELS, NetworkProblem, network_problem
from .limits import check_epochs, check_init, check_seed
from .optim import make_optimizer, use_arrays
from .problem import NATURAL_LOSS, SHORT_ROWS, Problem, design_matrix
from .schedules import make_schedule
from .source import source_for
from .standardize import Standardizer
from .surface import QuadraticStats

# Above this many rows the full-dataset loss is computed only at epoch ends
# (unless it is O(1) through sufficient statistics), so a mini-batch step
# never costs O(N).
CHEAP_FULL_LOSS_ROWS = 4096
# A loss this many times the starting loss (at least 1) counts as diverged:
# by then the path has left any sane plot range and only reaches inf later.
DIVERGENCE_FACTOR = 1e10
# advance_for reads the clock about this often, and at least every CLOCK_STEPS steps
CLOCK_SECONDS = 0.001
CLOCK_STEPS = 64

# What a run sets up once and its steps never change; the rest of its
# attributes are its state (``state_dict``), which gdsim.core.remote copies
# between processes.
_FIXED = frozenset({
    "dataset", "problem", "standardizer", "X", "y", "batch_size", "iterations_per_epoch", "mode",
    "full_batch", "_all_rows", "quadratic_stats", "_short_table", "history", "source",
})

# "failed": a step raised an error no check foresaw (the run ends; see ``fail``)
STATUSES = ("ready", "running", "finished", "converged", "diverged", "failed")
_OVER = frozenset(STATUSES[2:])  # the statuses of a run that has ended


@dataclass(frozen=True)
class TrainingConfig:
    """Every setting of a run. Validated once; change it with ``replace``."""

    model: str = "linear"
    loss: str | None = None  # None: the model's natural loss
    reduction: str = "mean"
    optimizer: str = "sgd"
    hyper: Mapping[str, Any] = field(default_factory=dict)  # torch names, e.g. {"lr": 0.01}
    schedule: str = "constant"
    schedule_params: Mapping[str, Any] = field(default_factory=dict)
    batch_size: int | None = None  # None: the full dataset
    epochs: int = 100
    shuffle: bool = True
    drop_last: bool = False
    seed: int = 0
    init: tuple[float, ...] | None = None  # None: zeros
    standardize: bool = False
    tolerance: float | None = None  # stop as converged when ‖∇L‖ falls below it
    hidden: tuple[int, ...] = DEFAULT_HIDDEN  # mlp: units of each hidden layer
    activation: str = "tanh"  # mlp: tanh, relu or sigmoid
    features: tuple[str, ...] | None = None  # feature maps (gdsim.core.feature_maps); None: the features

    @property
    def loss_name(self) -> str:
        return self.loss or NATURAL_LOSS.get(self.model, "mse")

    def problem(self, dataset: Dataset | None = None) -> Problem | NetworkProblem:
        """The model and loss; a network's needs the dataset (after any feature maps), for its sizes."""
        if self.model in NETWORK_MODELS:
            if dataset is None:
                raise ValueError(f"The {self.model} model's size depends on the data; give the dataset.")
            return network_problem(self.model, self.loss, self.reduction, self.hidden, self.activation,
                                   dataset.n_features, dataset.y, dataset.target)
        return Problem(self.model, self.loss_name, self.reduction)

    def replace(self, **changes: Any) -> "TrainingConfig":
        return replace(self, **changes)

    def with_hyper(self, **hyper: Any) -> "TrainingConfig":
        return replace(self, hyper={**self.hyper, **hyper})

    def check_bounds(self) -> None:
        """Raise ValueError (one sentence) when epochs, seed or the start point is out of
        gdsim.core.limits' bounds: those any run, data or test function, must keep."""
        check_epochs(self.epochs)
        check_seed(self.seed)
        if self.init is not None:
            check_init(self.init)

    @property
    def base_lr(self) -> float:
        return float(make_optimizer(self.optimizer, **self.hyper).lr)

    def check(self, dataset: Dataset) -> None:
        """Raise ValueError with one sentence when this config cannot run on ``dataset``."""
        if self.features:
            dataset = apply_features(dataset, parse_features(self.features))
        problem = self.problem(dataset)
        make_optimizer(self.optimizer, **self.hyper)
        make_schedule(self.schedule, **self.schedule_params)
        self.check_bounds()
        n = dataset.n_rows
        if self.batch_size is not None and not 1 <= self.batch_size <= n:
            raise ValueError(
                f"Invalid batch size: {self.batch_size} (the dataset has {n} rows; choose 1 to {n})."
            )
        if self.batch_size is not None and self.drop_last and self.batch_size > n:
            raise ValueError("With drop-last the batch size cannot exceed the number of rows.")
        if self.init is not None and isinstance(problem, NetworkProblem):
            if len(self.init) != problem.n_params():
                raise ValueError(f"Initial parameters need {problem.n_params()} values for the "
                                 f"{'-'.join(map(str, problem.sizes))} network (torch's parameters() order); "
                                 f"got {len(self.init)}.")
        elif self.init is not None and len(self.init) != dataset.n_features + 1:
            d = dataset.n_features
            names = "w1, b" if d == 1 else f"w1..w{d}, b"
            raise ValueError(f"Initial parameters need {d + 1} values ({names}); got {len(self.init)}.")
        if self.init is not None and not all(isfinite(v) for v in self.init):
            raise ValueError("Initial parameters must be finite numbers.")
        if self.tolerance is not None and not self.tolerance > 0:
            raise ValueError(f"Invalid tolerance: {self.tolerance} (must be positive).")
        if isinstance(problem, Problem) and (problem.loss == "bce" or problem.model == "logistic"):
            bad = ~np.isin(dataset.y, (0.0, 1.0))
            if bad.any():
                row = int(np.argmax(bad))
                raise ValueError(
                    f"{problem.model.capitalize()} regression needs a target of 0 or 1; "
                    f"row {row + 1} of '{dataset.target}' is {dataset.y[row]:g}."
                )


@dataclass(frozen=True)
class Snapshot:
    """The state after the latest update; immutable, safe to pass between threads."""

    iteration: int  # updates done so far
    epoch: int  # epoch of the latest update (1-based; 0 before any)
    iteration_in_epoch: int  # 1..iterations_per_epoch (0 before any)
    iterations_per_epoch: int
    epochs: int
    lr: float
    batch_loss: float  # loss of the latest mini-batch (NaN before any)
    loss: float  # most recent known full-dataset loss
    params: np.ndarray
    grad_norm: float
    batch_rows: np.ndarray  # rows of the latest mini-batch
    status: str
    message: str
    # the iteration whose parameters ``loss`` was measured at: in full-batch descent
    # the loss at the newest parameters arrives with the next step, so it may be one less
    loss_iteration: int = 0

    @property
    def total_iterations(self) -> int:
        return self.epochs * self.iterations_per_epoch

    @property
    def done(self) -> bool:
        return self.status in _OVER


class TrainingRun:
    """Gradient descent on a dataset with a config; iterate it for snapshots."""

    def __init__(self, dataset: Dataset, config: TrainingConfig) -> None:
        config.check(dataset)
        self.source = source_for(dataset, config)
        dataset = apply_features(dataset, config.features)
        self.dataset = dataset
        self.config = config
        self.problem = config.problem(dataset)
        X = np.ascontiguousarray(dataset.X, dtype=np.float64)
        self.standardizer: Standardizer | None = None
        if config.standardize:
            self.standardizer = Standardizer.fit(X, dataset.feature_names)
            X = self.standardizer.transform(X)
        self.X = X
        self.y = np.ascontiguousarray(dataset.y, dtype=np.float64)
        n = dataset.n_rows
        self.batch_size = n if config.batch_size is None else int(config.batch_size)
        self.sampler = BatchSampler(n, self.batch_size, config.shuffle, config.drop_last, config.seed)
        self.iterations_per_epoch = self.sampler.iterations_per_epoch
        self.mode = descent_mode(self.batch_size, n)
        self.full_batch = self.sampler.full_batch
        self._all_rows = slice(0, n)  # every step's rows in full-batch descent
        self.quadratic_stats = (
            QuadraticStats.from_data(self.X, self.y)
            if self.problem.model == "linear" and self.problem.loss == "mse"
            and QuadraticStats.worth_building(self.X) else None
        )
        # A short table is evaluated row by row on floats (Problem.short_loss_and_grad):
        # its design matrix [X | 1] and targets as floats, made once for every step.
        self._short_table = (design_matrix(self.X), self.y.tolist()) \
            if n <= SHORT_ROWS and isinstance(self.problem, Problem) else None
        self._start(config, self.problem.n_params(dataset.n_features))

    def _start(self, config: TrainingConfig, n_params: int) -> None:
        """Optimizer, schedule, history and counters: what every kind of run shares."""
        self.optimizer = make_optimizer(config.optimizer, **config.hyper)
        self.schedule = make_schedule(config.schedule, **config.schedule_params)
        self.base_lr = float(self.optimizer.lr)
        self.lr = self.base_lr
        self.epochs = int(config.epochs)
        p = n_params
        if config.init is not None:
            theta = np.array(config.init, dtype=np.float64)
        elif isinstance(self.problem, NetworkProblem):
            theta = self.problem.init_params(config.seed)  # torch's nn.Linear distribution
        else:
            theta = np.zeros(p)
        self.params = theta
        self.state = self.optimizer.init(theta)
        self.history = History(p)
        loss0 = self.full_loss(theta)
        self.history.append(0, self.lr, np.nan, theta, np.full(p, np.nan), np.nan, loss0)
        self._last_full_loss = loss0
        self._last_full_loss_iteration = 0
        self._divergence_limit = DIVERGENCE_FACTOR * max(abs(loss0), 1.0) if isfinite(loss0) else inf
        self.iteration = 0
        self.epoch = 0  # completed epochs
        self.batch_in_epoch = 0  # next mini-batch of the current epoch
        self.status = "ready"
        self.message = ""
        self._last_rows: slice | np.ndarray = slice(0, 0)
        self._prev_state = self.state
        self._prev_params = theta
        self._last_lr = self.lr
        self._last_batch_loss = nan
        self._last_grad_norm = nan
        self._loss_pending = False  # full batch: row's full loss arrives with the next step

    # --- information ------------------------------------------------------------
    @property
    def total_iterations(self) -> int:
        return self.epochs * self.iterations_per_epoch

    @property
    def done(self) -> bool:
        return self.status in _OVER

    @property
    def parameter_names(self) -> tuple[str, ...]:
        return self.problem.parameter_names(self.dataset.n_features)

    @property
    def params_original(self) -> np.ndarray:
        """Parameters in the data's original units (undoing standardisation; a network's as trained)."""
        if self.standardizer is None or isinstance(self.problem, NetworkProblem):
            return self.params.copy()
        return self.standardizer.params_to_original(self.params)

    def full_loss(self, theta: np.ndarray) -> float:
        """Loss on the whole dataset at ``theta``."""
        if self._short_table is not None:
            return self.problem.short_loss_and_grad(theta, *self._short_table)[0]
        if self.quadratic_stats is not None and self.dataset.n_rows > CHEAP_FULL_LOSS_ROWS:
            return self.quadratic_stats.loss(theta, self.problem.reduction)
        return self.problem.loss_value(theta, self.X, self.y)

    def loss_and_grad(self, theta: np.ndarray, rows: slice | np.ndarray) -> tuple[float, np.ndarray]:
        """(L, ∂L/∂θ) on ``rows`` of the training data at ``theta``, exactly as a step computes them."""
        if self._short_table is not None:
            A, y = self._short_table
            if not self.full_batch:
                A, y = A[rows], self.y[rows].tolist()
            return self.problem.short_loss_and_grad(theta, A, y)
        return self.problem.loss_and_grad(theta, self.X[rows], self.y[rows])

    @property
    def current_loss(self) -> float:
        """The most recent known full-dataset loss."""
        return self._last_full_loss

    def _record_full_loss(self, row: int, value: float) -> None:
        self.history.set_full_loss(row, value)
        self._last_full_loss = value
        self._last_full_loss_iteration = row

    def latest_rows(self) -> np.ndarray:
        rows = self._last_rows
        if isinstance(rows, slice):
            return np.arange(rows.start or 0, rows.stop or 0)
        return rows.copy()

    def snapshot(self) -> Snapshot:
        params = self.params.copy()
        params.flags.writeable = False
        rows = self.latest_rows()
        rows.flags.writeable = False
        in_epoch = self.batch_in_epoch if self.batch_in_epoch else (self.iterations_per_epoch if self.iteration else 0)
        epoch = self.epoch + (1 if self.batch_in_epoch else 0)
        return Snapshot(
            iteration=self.iteration, epoch=epoch, iteration_in_epoch=in_epoch,
            iterations_per_epoch=self.iterations_per_epoch, epochs=self.epochs,
            lr=self._last_lr, batch_loss=self._last_batch_loss, loss=self.current_loss,
            params=params, grad_norm=self._last_grad_norm, batch_rows=rows,
            status=self.status, message=self.message, loss_iteration=self._last_full_loss_iteration,
        )

    def state_dict(self, sampler: bool = True) -> dict[str, Any]:
        """Everything stepping changes (optimizer state, counters, sampler…), not the
        data or the history; ``sampler=False`` leaves out the batch sampler (with
        its row order, as large as the table)."""
        return {k: v for k, v in vars(self).items() if k not in _FIXED and (sampler or k != "sampler")}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Take the state of another copy of this run (from ``state_dict``)."""
        vars(self).update(state)

    # --- changes during a run (take effect from the next iteration) ---------------
    def set_hyper(self, **hyper: Any) -> None:
        """Change the optimizer's hyperparameters; its state (momentum, m, v…) is kept."""
        self.optimizer = make_optimizer(self.config.optimizer, **{**self.config.hyper, **hyper})
        self.config = self.config.with_hyper(**hyper)
        if "lr" in hyper:
            self.base_lr = self.lr = float(self.optimizer.lr)

    def set_epochs(self, epochs: int) -> None:
        check_epochs(epochs)
        self.epochs = int(epochs)
        self.config = self.config.replace(epochs=self.epochs)
        if self.status == "finished" and self.iteration < self.total_iterations:
            self.status, self.message = "running", ""
        elif not self.done and self.iteration >= self.total_iterations:
            self._finish("finished", "")

    # --- stepping -----------------------------------------------------------------
    def step(self) -> Snapshot | None:
        """One iteration; the new snapshot, or None when the run is over."""
        if self.done:
            return None
        self._step()
        return self.snapshot()

    def advance(self, n: int) -> int:
        """Up to ``n`` iterations without building snapshots; returns how many ran."""
        for done in range(n):
            if self.status in _OVER:
                return done
            self._step()
        return n

    def run_epoch(self) -> Snapshot | None:
        """Iterate to the end of the current epoch."""
        if self.done:
            return None
        remaining = self.iterations_per_epoch - self.batch_in_epoch
        self.advance(remaining)
        return self.snapshot()

    def run(self) -> "TrainingRun":
        """Iterate to the end."""
        while not self.done:
            self.advance(1 << 16)
        return self

    def __iter__(self):
        while not self.done:
            self._step()
            yield self.snapshot()

    def _next_rows(self) -> slice | np.ndarray:
        """The rows of the next mini-batch."""
        if self.batch_in_epoch == 0:
            self.sampler.start_epoch()
        return self.sampler.batch(self.batch_in_epoch)

    def _step(self) -> None:
        if self.status == "ready":
            self.status = "running"
        theta = self.params
        rows = self._all_rows if self.full_batch else self._next_rows()
        loss, gradient = self.loss_and_grad(theta, rows)
        grad = gradient.tolist()
        k = self.iteration
        if self._loss_pending and isfinite(loss):  # the full loss at theta: this batch's
            self._record_full_loss(k, loss)
        self._loss_pending = False
        grad_norm = hypot(*grad)
        if not isfinite(loss) or not _all_finite(grad, grad_norm):
            self._diverge(k + 1, "the loss became infinite")
            return
        lr = self.lr
        # the optimizer computes on Python floats or, for many parameters, numpy vectors
        # (gdsim.core.optim.base); hand it the form it uses, not one to convert
        if use_arrays(grad):
            new_params, new_state = self.optimizer.update(gradient, self.state, theta, lr)
            new_norm = float(np.dot(new_params, new_params))
        else:
            new_params, new_state = self.optimizer.update(grad, self.state, theta.tolist(), lr)
            new_norm = hypot(*new_params)
        if not _all_finite(new_params, new_norm):
            self._diverge(k + 1, "a parameter became infinite")
            return
        new_theta = np.array(new_params)
        self._prev_state, self._prev_params = self.state, theta
        self.state, self.params = new_state, new_theta
        self._last_rows, self._last_lr, self._last_batch_loss = rows, lr, loss
        self.batch_in_epoch += 1
        self.iteration = k + 1
        epoch_end = self.batch_in_epoch == self.iterations_per_epoch
        self._last_grad_norm = grad_norm
        full = nan
        if self.full_batch:
            self._loss_pending = True
        elif epoch_end or self.dataset.n_rows <= CHEAP_FULL_LOSS_ROWS or self.quadratic_stats is not None:
            full = self.full_loss(new_theta)
        self.history.append(self.epoch + 1, lr, loss, new_theta, gradient, grad_norm, full)
        if isfinite(full):
            self._last_full_loss = full
            self._last_full_loss_iteration = k + 1
        if epoch_end:
            self.epoch += 1
            self.batch_in_epoch = 0
            self.lr = float(self.schedule.next_lr(self.epoch, self.lr, self.base_lr))
        if abs(loss) > self._divergence_limit or (isfinite(full) and abs(full) > self._divergence_limit):
            self._diverge(k + 1, "the loss grew more than 10¹⁰-fold", keep_last=True)
        elif self.config.tolerance is not None and grad_norm < self.config.tolerance:
            self._finish("converged", f"Converged at iteration {k + 1}: ‖∇L‖ = {grad_norm:.3g} < {self.config.tolerance:g}.")
        elif self.iteration >= self.total_iterations:
            self._finish("finished", f"Finished {self.epochs} epochs ({self.iteration} iterations).")

    def _settle_loss(self) -> None:
        if self._loss_pending:
            loss = self.full_loss(self.params)
            if isfinite(loss):
                self._record_full_loss(self.iteration, loss)
            self._loss_pending = False

    def _finish(self, status: str, message: str) -> None:
        self._settle_loss()
        self.status, self.message = status, message

    def fail(self, message: str) -> None:
        """End the run as failed (a step raised an error); the parameters stay at the last good step."""
        self.status, self.message = "failed", message

    def _diverge(self, iteration: int, what: str, keep_last: bool = False) -> None:
        """Stop; the parameters stay at the last finite values."""
        if keep_last:
            self._settle_loss()
        suggestion = f"{self.lr / 10:.3g}"
        self.status = "diverged"
        self.message = (
            f"Diverged at iteration {iteration}: {what}. "
            f"Try a smaller learning rate (e.g. {suggestion})."
        )


def _all_finite(values: list[float] | np.ndarray, norm: float) -> bool:
    """Every value is finite, given their norm (or its square): it is finite exactly when
    they all are, unless it overflowed (then each is looked at)."""
    return isfinite(norm) or all(map(isfinite, values))


def advance_for(run, seconds: float, clock: Callable[[], float] = time.perf_counter) -> int:
    """Advance ``run`` for about ``seconds`` (at least one step unless it is over); how many steps ran.

    ``run``: a TrainingRun, or anything with ``advance(n) -> int`` and ``done``
    (a race, a sweep). The clock is read every few steps, as many as take
    about CLOCK_SECONDS (at most CLOCK_STEPS): cheap steps are not slowed by
    the clock, and a slice of expensive ones (a million rows, full batch)
    ends on time.
    """
    start = clock()
    deadline = start + seconds
    steps, chunk = 0, 1
    while not run.done:
        ran = run.advance(chunk)
        if ran == 0:
            break
        steps += ran
        now = clock()
        if now >= deadline:
            break
        per_step = (now - start) / steps
        chunk = CLOCK_STEPS if per_step <= 0 else max(1, min(CLOCK_STEPS, int(CLOCK_SECONDS / per_step)))
    return steps
