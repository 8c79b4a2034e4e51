"""What an animation of a descent shows, frame by frame (numbers only; no drawing).

``plan_animation(run, n_frames, axes)`` picks ``n_frames`` history rows evenly
spaced in iterations (the first and the last always included), one fixed
plot window that holds the whole path and the least-squares optimum (so the
picture does not jump; a diverging path is cut off at the tracker's growth
limit), and gives each frame its surface: computed once when the run has two
parameters, or per frame with the other parameters held at that frame's
values (as the window does).  gdsim.gui.render draws the frames with the
app's own plot widgets and writes the GIF.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .surface import LossSurface, QuadraticStats, default_window, least_squares_optimum, loss_surface
from .surface_tracker import DIRECT_ELEMENTS, MAX_GROWTH, QUADRATIC_GRID

MAX_FRAMES = 1000


@dataclass(frozen=True)
class AnimationFrame:
    index: int  # 0-based frame number
    row: int  # history row shown
    epoch: int
    loss: float  # last known full-dataset loss at this row (NaN if none)
    iteration: int  # iterations done at this row (= row unless the history was thinned)


def frame_rows(n_rows: int, n_frames: int, iterations: np.ndarray | None = None) -> np.ndarray:
    """Up to ``n_frames`` distinct rows in [0, n_rows), evenly spaced, first and last included
    (evenly spaced in ``iterations``, each row's iteration, when given: a thinned history)."""
    if n_rows < 1:
        raise ValueError("There is nothing to animate: the run has no history yet.")
    if n_frames < 1:
        raise ValueError(f"Invalid number of frames: {n_frames} (at least 1).")
    if n_frames == 1:
        return np.array([n_rows - 1])
    at = np.linspace(0, n_rows - 1, n_frames)
    if iterations is not None:  # the row nearest each evenly spaced iteration (the same rows unthinned)
        its = np.asarray(iterations, dtype=np.float64)[:n_rows]
        at = np.interp(np.linspace(its[0], its[-1], n_frames), its, np.arange(n_rows))
    return np.unique(np.round(at).astype(np.int64))


def last_known(values: np.ndarray) -> np.ndarray:
    """Each entry replaced by the last finite value at or before it (NaN before any)."""
    v = np.asarray(values, dtype=np.float64)
    idx = np.where(np.isfinite(v), np.arange(len(v)), -1)
    np.maximum.accumulate(idx, out=idx)
    out = np.where(idx >= 0, v[np.maximum(idx, 0)], np.nan)
    return out


class AnimationPlan:
    """Frames, window and surfaces of the animation of one run's history."""

    plane = "params"  # two parameters (gdsim.core.plane_animation: a pca or random plane)

    def __init__(self, run: Any, n_frames: int = 60, axes: tuple[int, int] | None = None,
                 history: Any = None) -> None:
        h = run.history if history is None else history
        params = np.asarray(h.params, dtype=np.float64)
        full_loss = np.asarray(h.full_loss, dtype=np.float64)
        epoch = np.asarray(h.epoch)
        n = len(params)
        if n > 1 and not math.isfinite(full_loss[-1]):
            # a full-batch run's last loss arrives with the next step: compute it
            full_loss = full_loss.copy()
            full_loss[-1] = run.full_loss(params[-1]) if np.isfinite(params[-1]).all() else np.nan
        p = params.shape[1]
        i, j = axes if axes is not None else (0, 1 if p > 1 else 0)
        if not (0 <= i < p and 0 <= j < p and i != j):
            raise ValueError(f"Choose two different parameters for the surface (0 to {p - 1}).")
        self.run = run
        self.axes = (int(i), int(j))
        self.parameter_names = tuple(run.parameter_names)
        self.loss_name = run.problem.loss
        self.params = params
        self.losses = last_known(full_loss)
        self.batch_loss = np.asarray(h.batch_loss, dtype=np.float64)
        its = getattr(h, "iteration", getattr(h, "iterations", None))  # a History, or a window Frame
        self.iterations = np.arange(n) if its is None else np.asarray(its, dtype=np.int64)[:n]
        self.total_iterations = int(run.total_iterations)
        self.iterations_per_epoch = int(run.iterations_per_epoch)
        rows = frame_rows(n, min(int(n_frames), MAX_FRAMES), self.iterations)
        self.frames = tuple(
            AnimationFrame(k, int(r), int(epoch[r]), float(self.losses[r]), int(self.iterations[r]))
            for k, r in enumerate(rows)
        )
        quadratic = run.problem.model == "linear" and run.problem.loss == "mse"
        self._stats = run.quadratic_stats if quadratic else None
        if quadratic and self._stats is None and QuadraticStats.worth_building(run.X):
            self._stats = QuadraticStats.from_data(run.X, run.y)
        self.optimum = least_squares_optimum(run.X, run.y) if quadratic else None
        self.window = self._window()
        self.grid = QUADRATIC_GRID if quadratic else int(
            np.clip(np.sqrt(DIRECT_ELEMENTS / max(run.dataset.n_rows, 1)), 24, 120))
        x0, x1, y0, y1 = self.window
        self.xs = np.linspace(x0, x1, self.grid)
        self.ys = np.linspace(y0, y1, self.grid)
        self._cache: tuple[bytes, LossSurface] | None = None

    def _window(self) -> tuple[float, float, float, float]:
        i, j = self.axes
        start = self.params[0]
        x0, x1, y0, y1 = default_window(start, i, j, self.optimum)
        fx, fy = x1 - x0, y1 - y0
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        pts = self.params[:, [i, j]]
        pts = pts[np.isfinite(pts).all(axis=1)]
        if len(pts):
            lo, hi = pts.min(axis=0), pts.max(axis=0)
            mx, my = (hi[0] - lo[0]) * 0.08, (hi[1] - lo[1]) * 0.08
            x0, x1 = min(x0, lo[0] - mx), max(x1, hi[0] + mx)
            y0, y1 = min(y0, lo[1] - my), max(y1, hi[1] + my)
        # never past the tracker's growth limit (a diverging path leaves the picture)
        x0, x1 = max(x0, cx - fx * MAX_GROWTH / 2), min(x1, cx + fx * MAX_GROWTH / 2)
        y0, y1 = max(y0, cy - fy * MAX_GROWTH / 2), min(y1, cy + fy * MAX_GROWTH / 2)
        return float(x0), float(x1), float(y0), float(y1)

    def __len__(self) -> int:
        return len(self.frames)

    def path(self, frame: AnimationFrame) -> np.ndarray:
        """The path on the surface axes up to and including the frame's row, (k, 2)."""
        i, j = self.axes
        return self.params[: frame.row + 1][:, [i, j]]

    def held(self, frame: AnimationFrame) -> np.ndarray:
        """The parameters the frame's surface is drawn with (the others held fixed)."""
        p = self.params[frame.row]
        if not np.isfinite(p).all():
            finite = np.isfinite(self.params).all(axis=1)[: frame.row + 1]
            p = self.params[int(np.flatnonzero(finite)[-1])] if finite.any() else np.zeros_like(p)
        return p

    def surface(self, frame: AnimationFrame) -> LossSurface:
        """The loss surface for ``frame`` (recomputed only when held parameters change)."""
        theta = self.held(frame)
        i, j = self.axes
        others = np.ones(theta.size, bool)
        others[[i, j]] = False
        key = theta[others].tobytes()
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        run = self.run
        surface = loss_surface(run.problem, run.X, run.y, theta, i, j, self.xs, self.ys, self._stats)
        self._cache = (key, surface)
        return surface

    def axis_labels(self) -> tuple[str, str]:
        """What the surface's x and y are: the two parameters' names."""
        i, j = self.axes
        return self.parameter_names[i], self.parameter_names[j]

    def optimum_xy(self) -> tuple[float, float] | None:
        if self.optimum is None:
            return None
        i, j = self.axes
        return float(self.optimum[i]), float(self.optimum[j])

    def caption(self, frame: AnimationFrame) -> tuple[str, str]:
        """The frame's titles: (surface: where the descent is, loss plot: epoch and loss)."""
        loss = "—" if not math.isfinite(frame.loss) else f"{frame.loss:.4g}"
        return (f"{self.loss_name.upper()} loss · iteration {frame.row} of {self.total_iterations}",
                f"epoch {frame.epoch} · full-dataset loss {loss}")
