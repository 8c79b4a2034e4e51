"""Learning-rate studies: a sweep over many learning rates, and a range test.

``LrSweep`` trains one run per learning rate (otherwise the same settings, so
each result equals ``gdsim.train(..., lr=lr)``) and records its final loss,
status and iteration count.  ``LrRangeTest`` is one run whose learning rate
rises exponentially every iteration (Leslie Smith's "LR range test", as in
fastai's ``lr_find``), recording the loss after each step.

Both are steppable like a ``TrainingRun`` (``advance(n)``, ``run_epoch()``,
``done``, ``snapshot()``), so the window's worker thread can drive them in
small slices, and both stop at once when ``cancel()`` is called (the flag is
checked between iterations).  Snapshots are immutable.

For a linear model with MSE loss the Hessian is constant, H = 2·ZᵀZ/n (mean)
or 2·ZᵀZ (sum) with Z = [X 1] in the units trained on, and plain full-batch
gradient descent is stable exactly for lr < 2/λmax(H): ``stability_limit``.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .dataset import Dataset
from .feature_maps import apply_features
from .limits import MAX_SWEEP_RUNS
from .standardize import Standardizer
from .surface import QuadraticStats
from .training import TrainingConfig, TrainingRun

METRICS = ("loss", "iterations")
#: ‖∇L‖ threshold for "iterations to converge" when the settings give none
DEFAULT_TOLERANCE = 1e-3
#: the range test stops once the loss exceeds this many times the best so far
RANGE_STOP_FACTOR = 4.0
#: ``advance(n)`` returns early (having done at least one iteration) after about
#: this long, so a thread driving it can pause or cancel promptly on big data
ADVANCE_SECONDS = 0.02


class SweepError(ValueError):
    """Settings of a learning-rate study that cannot be used (one sentence)."""


# --------------------------------------------------------------------------- learning-rate lists


def log_space(lo: float, hi: float, count: int) -> tuple[float, ...]:
    """``count`` learning rates from ``lo`` to ``hi``, evenly spaced on a log axis."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo <= 0 or hi <= 0:
        raise SweepError(f"Learning rates must be positive numbers; got {lo:g} and {hi:g}.")
    if count < 1:
        raise SweepError(f"Invalid number of learning rates: {count} (at least 1).")
    if count == 1:
        return (float(lo),)
    if lo == hi:
        raise SweepError("The lowest and highest learning rate must differ.")
    values = np.exp(np.linspace(math.log(lo), math.log(hi), count))
    values[0], values[-1] = lo, hi
    return tuple(float(v) for v in values)


def parse_lrs(text: str) -> tuple[float, ...]:
    """``"1e-4:1:20"`` (lo:hi:count, log-spaced) or ``"0.01,0.1,0.5"`` -> learning rates."""
    text = str(text).strip()
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 3:
            raise SweepError(f"Invalid learning rates {text!r}: use lo:hi:count (e.g. 1e-4:1:20) or a comma list.")
        try:
            lo, hi = float(parts[0]), float(parts[1])
            count = int(parts[2])
        except ValueError:
            raise SweepError(f"Invalid learning rates {text!r}: use lo:hi:count (e.g. 1e-4:1:20) or a comma list.") from None
        _check_count(count)
        return log_space(lo, hi, count)
    parts = [p for p in re.split(r"[,\s]+", text) if p]
    if not parts:
        raise SweepError("No learning rates given: use lo:hi:count (e.g. 1e-4:1:20) or a comma list.")
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        raise SweepError(f"Invalid learning rates {text!r}: use lo:hi:count (e.g. 1e-4:1:20) or a comma list.") from None
    _check_count(len(values))
    bad = [v for v in values if not (math.isfinite(v) and v > 0)]
    if bad:
        raise SweepError(f"Invalid learning rate {bad[0]:g} (must be a positive number).")
    return values


def _check_count(count: int) -> None:
    if count > MAX_SWEEP_RUNS:
        raise SweepError(f"Too many learning rates: {count:,} (a sweep runs at most {MAX_SWEEP_RUNS:,}).")


# --------------------------------------------------------------------------- stability limit


def hessian_eigenvalues(dataset: Dataset, config: TrainingConfig) -> np.ndarray | None:
    """Eigenvalues (ascending) of the constant Hessian of a linear model with MSE; else None."""
    if config.model != "linear" or config.loss_name != "mse":
        return None
    problem = config.problem()
    dataset = apply_features(dataset, config.features)
    X = np.asarray(dataset.X, dtype=np.float64)
    if config.standardize:
        X = Standardizer.fit(X, dataset.feature_names).transform(X)
    stats = QuadraticStats.from_data(X, np.asarray(dataset.y, dtype=np.float64))
    return np.linalg.eigvalsh(stats.hessian(problem.reduction))


def stability_limit(dataset: Dataset, config: TrainingConfig) -> float | None:
    """2/λmax of the Hessian (linear + MSE), where full-batch plain GD starts to diverge; else None."""
    eig = hessian_eigenvalues(dataset, config)
    if eig is None or not eig[-1] > 0:
        return None
    return float(2.0 / eig[-1])


# --------------------------------------------------------------------------- sweep


@dataclass(frozen=True)
class SweepPoint:
    """The outcome of one learning rate."""

    lr: float
    loss: float  # full-dataset loss at the final parameters (last finite ones when diverged)
    status: str  # finished, converged or diverged (as the TrainingRun reports it)
    iterations: int
    initial_loss: float
    params: tuple[float, ...]
    message: str

    @property
    def diverged(self) -> bool:
        return self.status == "diverged"

    def value(self, metric: str) -> float:
        """What the plot shows: the final loss, or the iterations to converge (NaN if it did not)."""
        if metric == "iterations":
            return float(self.iterations) if self.status == "converged" else math.nan
        return math.nan if self.diverged else self.loss

    def as_dict(self) -> dict:
        return {
            "lr": self.lr,
            "loss": self.loss if math.isfinite(self.loss) else None,
            "status": self.status,
            "iterations": self.iterations,
            "initial_loss": self.initial_loss if math.isfinite(self.initial_loss) else None,
            "params": list(self.params),
            "message": self.message,
        }


@dataclass(frozen=True)
class SweepSnapshot:
    lrs: tuple[float, ...]
    points: tuple[SweepPoint, ...]  # finished learning rates, in order
    current_lr: float | None  # the one being trained (None when done)
    iterations_done: int
    iterations_total: int
    metric: str
    tolerance: float | None
    limit: float | None  # 2/λmax, or None
    status: str  # ready, running, finished, cancelled
    optimizer: str
    plain_gd: bool  # SGD without momentum: 2/λmax is exactly its full-batch stability limit

    @property
    def done(self) -> bool:
        return self.status in ("finished", "cancelled")

    @property
    def progress(self) -> float:
        return self.iterations_done / self.iterations_total if self.iterations_total else 1.0


class LrSweep:
    """One training run per learning rate, stepped a few iterations at a time.

    ``metric="iterations"`` stops each run when ‖∇L‖ < tolerance (the config's,
    else ``DEFAULT_TOLERANCE``) and reports how many iterations that took.
    """

    def __init__(self, dataset: Dataset, config: TrainingConfig, lrs: Sequence[float],
                 metric: str = "loss") -> None:
        if metric not in METRICS:
            raise SweepError(f"Unknown metric '{metric}'; choose one of: {', '.join(METRICS)}.")
        lrs = tuple(float(v) for v in lrs)
        if not lrs:
            raise SweepError("No learning rates to sweep.")
        if metric == "iterations" and config.tolerance is None:
            config = config.replace(tolerance=DEFAULT_TOLERANCE)
        self.dataset = dataset
        self.config = config
        self.lrs = lrs
        self.metric = metric
        self.limit = stability_limit(dataset, config)
        self.points: list[SweepPoint] = []
        self._run: TrainingRun | None = None
        self._per_run = 0
        self._cancelled = False
        self._started = False
        self._current()  # checks the settings; fixes the iterations per run

    def config_for(self, lr: float) -> TrainingConfig:
        return self.config.with_hyper(lr=lr)

    @property
    def done(self) -> bool:
        return self._cancelled or len(self.points) == len(self.lrs)

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def cancel(self) -> None:
        """Stop before the next iteration (safe to call from another thread)."""
        self._cancelled = True

    def _current(self) -> TrainingRun:
        if self._run is None:
            self._run = TrainingRun(self.dataset, self.config_for(self.lrs[len(self.points)]))
            self._per_run = self._run.total_iterations
        return self._run

    def _close_current(self) -> None:
        run = self._run
        self._run = None
        initial = float(run.history.full_loss[0])
        self.points.append(SweepPoint(
            lr=self.lrs[len(self.points)], loss=float(run.current_loss), status=run.status,
            iterations=run.iteration, initial_loss=initial,
            params=tuple(float(v) for v in run.params), message=run.message,
        ))

    def advance(self, n: int) -> int:
        """Up to ``n`` training iterations (across runs); returns how many ran.

        Returns early after about ``ADVANCE_SECONDS``; the cancel flag is
        checked every few iterations.
        """
        self._started = True
        done = 0
        deadline = time.perf_counter() + ADVANCE_SECONDS
        while done < n and not self.done:
            run = self._current()
            done += run.advance(min(n - done, 64))
            if run.done:
                self._close_current()
            if time.perf_counter() > deadline:
                break
        return done

    def run_epoch(self):
        """Finish the current learning rate."""
        self._started = True
        if not self.done:
            run = self._current()
            while not run.done and not self._cancelled:
                run.advance(64)
            if run.done:
                self._close_current()
        return self.snapshot()

    def run(self) -> "LrSweep":
        while not self.done:
            self.advance(1 << 16)
        return self

    def snapshot(self) -> SweepSnapshot:
        run = self._run
        per_run = self._per_run
        finished = len(self.points)
        total = per_run * len(self.lrs)
        done_its = finished * per_run + (run.iteration if run is not None else 0)
        if self._cancelled:
            status = "cancelled"
        elif finished == len(self.lrs):
            status, done_its = "finished", total
        else:
            status = "running" if self._started else "ready"
        current = None if self.done else self.lrs[finished]
        return SweepSnapshot(
            lrs=self.lrs, points=tuple(self.points), current_lr=current,
            iterations_done=min(done_its, total), iterations_total=total, metric=self.metric,
            tolerance=self.config.tolerance, limit=self.limit, status=status,
            optimizer=self.config.optimizer,
            plain_gd=self.config.optimizer == "sgd" and not self.config.hyper.get("momentum"),
        )

    def boundary(self) -> tuple[float | None, float | None]:
        """(largest lr that did not diverge below the first that did, first lr that diverged)."""
        return divergence_boundary(self.points)


def divergence_boundary(points: Sequence[SweepPoint]) -> tuple[float | None, float | None]:
    """Over points sorted by lr: the last stable lr before the first diverged one, and that one."""
    ordered = sorted(points, key=lambda p: p.lr)
    stable = None
    for p in ordered:
        if p.diverged:
            return stable, p.lr
        stable = p.lr
    return stable, None


# --------------------------------------------------------------------------- range test


@dataclass(frozen=True)
class RangeSnapshot:
    lrs: np.ndarray  # learning rate of each step taken
    losses: np.ndarray  # full-dataset loss after that step
    lr_min: float
    lr_max: float
    iterations: int  # K
    status: str  # ready, running, finished, stopped, diverged, cancelled
    message: str
    best_lr: float | None  # lr of the lowest loss
    suggested_lr: float | None  # lr of the steepest fall of the (smoothed) loss
    initial_loss: float

    @property
    def done(self) -> bool:
        return self.status in ("finished", "stopped", "diverged", "cancelled")

    @property
    def progress(self) -> float:
        return len(self.lrs) / self.iterations if self.iterations else 1.0


def range_lrs(lr_min: float, lr_max: float, iterations: int) -> np.ndarray:
    """lr_k = lr_min·(lr_max/lr_min)^(k/(K−1)), k = 0..K−1."""
    k = np.arange(iterations, dtype=np.float64)
    if iterations == 1:
        return np.array([float(lr_min)])
    return lr_min * (lr_max / lr_min) ** (k / (iterations - 1))


class LrRangeTest:
    """One run whose learning rate rises exponentially from ``lr_min`` to ``lr_max`` over K steps.

    The learning rate is set with ``TrainingRun.set_hyper(lr=...)`` before each
    single-iteration ``advance(1)``; the loss recorded for step k is the
    full-dataset loss after that step.  The test stops early once the loss
    exceeds ``stop_factor`` times the best loss so far (or the run diverges).
    """

    def __init__(self, dataset: Dataset, config: TrainingConfig, lr_min: float = 1e-5,
                 lr_max: float = 10.0, iterations: int = 100,
                 stop_factor: float | None = RANGE_STOP_FACTOR) -> None:
        if not (math.isfinite(lr_min) and math.isfinite(lr_max)) or lr_min <= 0 or lr_max <= 0:
            raise SweepError("The range test's learning rates must be positive numbers.")
        if lr_min >= lr_max:
            raise SweepError(f"The range test needs lr_min < lr_max; got {lr_min:g} and {lr_max:g}.")
        if iterations < 2:
            raise SweepError(f"The range test needs at least 2 iterations; got {iterations}.")
        if stop_factor is not None and not stop_factor > 1:
            raise SweepError(f"The stop factor must exceed 1; got {stop_factor:g}.")
        self.lr_min, self.lr_max, self.iterations = float(lr_min), float(lr_max), int(iterations)
        self.stop_factor = stop_factor
        self.schedule = range_lrs(self.lr_min, self.lr_max, self.iterations)
        probe = TrainingRun(dataset, config.with_hyper(lr=self.lr_min).replace(epochs=1))
        epochs = math.ceil(self.iterations / probe.iterations_per_epoch)
        self.config = config.with_hyper(lr=self.lr_min).replace(
            epochs=epochs, schedule="constant", schedule_params={}, tolerance=None)
        self.run = TrainingRun(dataset, self.config)
        self.initial_loss = float(self.run.history.full_loss[0])
        self._lrs: list[float] = []
        self._losses: list[float] = []
        self._best = self.initial_loss if math.isfinite(self.initial_loss) else math.inf
        self.status = "ready"
        self.message = ""

    @property
    def done(self) -> bool:
        return self.status in ("finished", "stopped", "diverged", "cancelled")

    def cancel(self) -> None:
        if not self.done:
            self.status, self.message = "cancelled", f"Cancelled after {len(self._lrs)} steps."

    def _step(self) -> None:
        k = len(self._lrs)
        lr = float(self.schedule[k])
        run = self.run
        run.set_hyper(lr=lr)
        run.advance(1)
        if run.status == "diverged":
            self._lrs.append(lr)
            self._losses.append(math.inf)
            self.status = "diverged"
            self.message = f"Diverged at lr = {lr:.3g} (step {k + 1})."
            return
        loss = float(run.full_loss(run.params))
        self._lrs.append(lr)
        self._losses.append(loss)
        if not math.isfinite(loss):
            self.status, self.message = "diverged", f"Diverged at lr = {lr:.3g} (step {k + 1})."
            return
        if self.stop_factor is not None and loss > self.stop_factor * self._best:
            self.status = "stopped"
            self.message = (f"Stopped at lr = {lr:.3g} (step {k + 1}): the loss exceeded "
                            f"{self.stop_factor:g}× the best.")
            return
        self._best = min(self._best, loss)
        if k + 1 == self.iterations:
            self.status, self.message = "finished", f"Finished {self.iterations} steps."

    def advance(self, n: int) -> int:
        """Up to ``n`` steps (fewer after about ``ADVANCE_SECONDS``); returns how many ran."""
        done = 0
        if self.status == "ready":
            self.status = "running"
        deadline = time.perf_counter() + ADVANCE_SECONDS
        while done < n and not self.done:
            self._step()
            done += 1
            if time.perf_counter() > deadline:
                break
        return done

    def run_epoch(self):
        self.advance(self.run.iterations_per_epoch)
        return self.snapshot()

    def run_all(self) -> "LrRangeTest":
        while not self.done:
            self.advance(1 << 16)
        return self

    def snapshot(self) -> RangeSnapshot:
        lrs = np.array(self._lrs)
        losses = np.array(self._losses)
        lrs.flags.writeable = False
        losses.flags.writeable = False
        best_lr = suggested = None
        finite = np.isfinite(losses)
        if finite.any():
            best_lr = float(lrs[finite][np.argmin(losses[finite])])
            suggested = steepest_lr(lrs, losses)
        return RangeSnapshot(
            lrs=lrs, losses=losses, lr_min=self.lr_min, lr_max=self.lr_max,
            iterations=self.iterations, status=self.status, message=self.message,
            best_lr=best_lr, suggested_lr=suggested, initial_loss=self.initial_loss,
        )


def steepest_lr(lrs: np.ndarray, losses: np.ndarray) -> float | None:
    """The lr where the loss falls fastest against log(lr), up to the lowest loss (fastai's suggestion)."""
    lrs = np.asarray(lrs, dtype=float)
    losses = np.asarray(losses, dtype=float)
    finite = np.isfinite(losses) & (losses > 0)
    if finite.sum() < 3:
        return None
    x, y = np.log(lrs[finite]), np.log(losses[finite])
    end = int(np.argmin(y)) + 1
    if end < 3:
        return None
    slope = np.gradient(y[:end], x[:end])
    return float(np.exp(x[int(np.argmin(slope))]))
