"""Comparing runs: pinned earlier runs and the distance to the optimum.

Qt-free helpers for the window's "Teach" features:

* ``PinnedRun`` — a frozen copy of a run's path and full-dataset loss, kept to
  compare with the next runs (and, later, saved with a session);
* ``path_in_training_units`` — a pinned path in the current run's training
  units (so it can be drawn on the current loss surface);
* ``distance_to_optimum`` / ``distance_curve`` — ‖θ − θ*‖ per iteration.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .optim import torch_class_name
from .training import TrainingConfig

#: at most this many points of a distance curve are handed to a plot
MAX_CURVE_POINTS = 4000


def _frozen(a, dtype=np.float64) -> np.ndarray:
    out = np.array(a, dtype=dtype, copy=True)
    out.flags.writeable = False
    return out


@dataclass(frozen=True, eq=False)
class PinnedRun:
    """An earlier run kept for comparison (independent copies, read-only arrays).

    ``params`` (k, p) are in the run's training units (standardised when its
    config says so); ``params_original`` (k, p), when known, in the data's
    original units, which lets the path be drawn on a later run's surface even
    when standardisation or the data changed.  ``full_loss`` may hold NaN where
    the full-dataset loss was not computed.
    """

    label: str
    parameter_names: tuple[str, ...]
    params: np.ndarray
    iterations: np.ndarray
    full_loss: np.ndarray
    config: TrainingConfig
    params_original: np.ndarray | None = None
    iterations_per_epoch: int = 1
    extra: dict[str, Any] = field(default_factory=dict)  # free room for session data

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "parameter_names", tuple(self.parameter_names))
        set_(self, "params", _frozen(self.params).reshape(-1, len(self.parameter_names)))
        set_(self, "iterations", _frozen(self.iterations))
        set_(self, "full_loss", _frozen(self.full_loss))
        if self.params_original is not None:
            set_(self, "params_original",
                 _frozen(self.params_original).reshape(-1, len(self.parameter_names)))
        n = len(self.params)
        if len(self.iterations) != n or len(self.full_loss) != n:
            raise ValueError(f"A pinned run needs one iteration and one loss per parameter row "
                             f"({n} rows, {len(self.iterations)} iterations, "
                             f"{len(self.full_loss)} losses).")
        if self.params_original is not None and self.params_original.shape != self.params.shape:
            raise ValueError("params_original must have the shape of params.")
        if int(self.iterations_per_epoch) < 1:
            raise ValueError("iterations_per_epoch must be at least 1.")
        set_(self, "iterations_per_epoch", int(self.iterations_per_epoch))

    @property
    def n_params(self) -> int:
        return len(self.parameter_names)

    @property
    def n_iterations(self) -> int:
        """Updates done when the run was pinned (the last row's iteration)."""
        return int(self.iterations[-1]) if len(self.iterations) else 0

    @property
    def final_loss(self) -> float:
        """The last finite full-dataset loss (NaN when none is known)."""
        finite = self.full_loss[np.isfinite(self.full_loss)]
        return float(finite[-1]) if len(finite) else float("nan")


def _format_number(v: float) -> str:
    return f"{float(v):.4g}"


def pin_label(number: int, config: TrainingConfig) -> str:
    """A short legend label: ``"pin 1: SGD lr=0.01"`` (+ momentum, batch size…)."""
    parts = [f"{torch_class_name(config.optimizer)} lr={_format_number(config.base_lr)}"]
    momentum = config.hyper.get("momentum")
    if momentum:
        parts.append(f"momentum={_format_number(momentum)}")
    if config.batch_size is not None:
        parts.append(f"batch {config.batch_size}")
    if config.schedule != "constant":
        parts.append(config.schedule)
    return f"pin {number}: " + ", ".join(parts)


def pin_run(run, label: str, rows: int | None = None) -> PinnedRun:
    """Copy the first ``rows`` history rows of ``run`` (a TrainingRun) into a PinnedRun.

    ``rows`` defaults to every row; pass the row count of a frame already drawn
    when the run may be stepping on another thread.
    """
    h = run.history
    n = len(h) if rows is None else max(1, min(int(rows), len(h)))
    return pinned_from_arrays(label, run.parameter_names, h.params[:n], h.full_loss[:n],
                              run.config, standardizer=run.standardizer, iterations=h.iteration[:n],
                              iterations_per_epoch=run.iterations_per_epoch)


def pinned_from_arrays(label: str, parameter_names, params, full_loss, config: TrainingConfig,
                       standardizer=None, iterations=None,
                       iterations_per_epoch: int = 1) -> PinnedRun:
    """A PinnedRun from history arrays (copied); row k is iteration k unless given."""
    params = np.array(params, dtype=np.float64, copy=True).reshape(-1, len(parameter_names))
    if iterations is None:
        iterations = np.arange(len(params))
    original = standardizer.params_to_original(params) if standardizer is not None else params
    return PinnedRun(label=label, parameter_names=tuple(parameter_names), params=params,
                     iterations=iterations, full_loss=full_loss, config=config,
                     params_original=original, iterations_per_epoch=iterations_per_epoch)


def path_in_training_units(pin: PinnedRun, n_params: int, standardizer=None) -> np.ndarray | None:
    """The pinned path (k, p) in the units of a run with ``n_params`` parameters.

    ``standardizer`` is that run's Standardizer (None when it trains on the raw
    features).  Returns None when the pinned run had another number of
    parameters: its path lives in another space and cannot be drawn.
    """
    if pin.n_params != int(n_params):
        return None
    if pin.params_original is None:
        return pin.params
    if standardizer is None:
        return pin.params_original
    with np.errstate(over="ignore", invalid="ignore"):
        return standardizer.params_from_original(pin.params_original)


def loss_curve_x(pin: PinnedRun, epoch_axis: bool, iterations_per_epoch: int) -> np.ndarray:
    """x values (in the current run's iterations) for a pinned loss curve.

    A loss plot shows ``x / iterations_per_epoch`` on its epoch axis; a pinned
    run with another batch size had another number of iterations per epoch, so
    its x values are rescaled to land on its own epochs.
    """
    x = np.asarray(pin.iterations, dtype=np.float64)
    if epoch_axis and pin.iterations_per_epoch != int(iterations_per_epoch):
        return x * (int(iterations_per_epoch) / pin.iterations_per_epoch)
    return x


def distance_to_optimum(params, optimum) -> np.ndarray:
    """‖θ_k − θ*‖ (Euclidean over every parameter) for each row θ_k of ``params``."""
    p = np.asarray(params, dtype=np.float64)
    opt = np.asarray(optimum, dtype=np.float64).ravel()
    if p.ndim == 1:
        p = p[None, :]
    if p.shape[1] != opt.size:
        raise ValueError(f"The optimum has {opt.size} parameters, the path {p.shape[1]}.")
    with np.errstate(over="ignore", invalid="ignore"):
        return np.sqrt(np.sum((p - opt) ** 2, axis=1))


def downsample_indices(n: int, max_points: int = MAX_CURVE_POINTS) -> np.ndarray:
    """At most ``max_points`` evenly spread indices of ``range(n)``, first and last kept."""
    n = int(n)
    if n <= 0:
        return np.empty(0, dtype=np.int64)
    if n <= max_points:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, max(2, int(max_points))).round().astype(np.int64))


def distance_curve(iterations, params, optimum, max_points: int = MAX_CURVE_POINTS,
                   positive: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(iterations, ‖θ − θ*‖) for plotting: downsampled, finite (and > 0 if ``positive``)."""
    it = np.asarray(iterations, dtype=np.float64).ravel()
    p = np.asarray(params, dtype=np.float64)
    n = min(len(it), len(p))
    idx = downsample_indices(n, max_points)
    x = it[idx]
    d = distance_to_optimum(p[idx], optimum) if len(idx) else np.empty(0)
    keep = np.isfinite(x) & np.isfinite(d)
    if positive:
        keep &= d > 0
    return x[keep], d[keep]
