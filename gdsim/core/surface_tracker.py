"""Which part of the loss surface to show while a run moves through it.

On the ``params`` plane (two parameters, the others held at their current
values) the window starts around the start point and (for linear + MSE) the
least-squares optimum, grows when the path leaves it (up to a limit, so a
diverging run cannot shrink the picture to nothing), and the surface is
recomputed when the window or the parameters held fixed change.

On a ``pca`` or ``random`` plane (gdsim.core.landscape) the plane passes
through the current parameters. While the run moves it is recomputed (re-
centred, and for pca re-fitted to the path so far) whenever the caller asks,
which the window does at most once a second, always on another thread
(``take_job``); between two planes the surface stays still and the current
point moves away from its centre. The path is drawn as its projection.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .landscape import PCA_PATH_POINTS, WINDOW_PLANES, PlaneSurface, plane_surface
from .problem import Problem
from .surface import LossSurface, default_window, least_squares_optimum, loss_surface

PLANES = ("params",) + WINDOW_PLANES
PLANE_TITLES = {"pca": "on the PCA plane", "random": "on a random plane"}

QUADRATIC_GRID = 160  # grid side when the surface costs O(grid)
# A pca/random plane while the run moves: 41×41, as `gdsim landscape --grid 41` (its thread
# shares the cores with the training: on 2 busy cores a 61×61 plane of a 2-8-8-1 net took
# 0.15-0.94 s and the window fell from 1550 to 1145 it/s); once it stops, 61×61.
LIVE_PLANE_GRID = 41
DIRECT_ELEMENTS = 4_000_000  # grid points × rows evaluated for one direct surface (animations)
DIRECT_GRID = 128  # grid side of a direct (BCE, MAE, logistic MSE) surface: O(grid² × rows)
# A direct surface bigger than this many grid points × rows is first shown as
# a preview of about this size (coarser grid, sampled rows) and computed
# exactly off the GUI thread (``take_job``).
PREVIEW_ELEMENTS = 1_000_000
PREVIEW_MIN_GRID = 24
NETWORK_GRID = 64  # a network's exact grid: each point is a forward pass over every row


def _row_cost(run) -> float:
    """A row's cost in a surface, in linear-model evaluations (a network's: its parameters / 3)."""
    problem = run.problem
    return max(1.0, problem.n_params() / 3.0) if getattr(problem, "sizes", None) else 1.0
MAX_GROWTH = 8.0  # the window never grows past this multiple of its first size
# With three or more parameters the surface is a slice at the current values
# of the others; it is recomputed once one of them has moved by this fraction
# of its size (at least 1), not at every step of a fast run.
HELD_TOLERANCE = 0.01
# Least squares over more than this many table elements (rows × features) is solved off the
# caller's thread (``take_optimum_job``): 10⁶ rows × 1 feature took 0.1 s on the GUI thread.
OPTIMUM_HERE_ELEMENTS = 200_000


@dataclass(frozen=True)
class Optimum:
    """The least-squares optimum in training units (None: not unique) and in the data's."""

    optimum: np.ndarray | None
    original: np.ndarray | None


@dataclass(frozen=True)
class OptimumJob:
    """The least-squares optimum of ``run`` (linear, MSE), to compute on another thread."""

    run: object

    def compute(self, should_stop: Callable[[], bool] | None = None) -> Optimum:
        run = self.run
        optimum = least_squares_optimum(run.X, run.y)
        if optimum is None or run.standardizer is None:
            return Optimum(optimum, optimum)
        return Optimum(optimum, run.standardizer.params_to_original(optimum))


@dataclass(frozen=True)
class SurfaceJob:
    """The exact surface behind a preview, to compute on another thread."""

    generation: int
    problem: Problem
    X: np.ndarray
    y: np.ndarray
    params: np.ndarray
    i: int
    j: int
    xs: np.ndarray
    ys: np.ndarray

    def compute(self, should_stop: Callable[[], bool] | None = None) -> LossSurface | None:
        return loss_surface(self.problem, self.X, self.y, self.params, self.i, self.j,
                            self.xs, self.ys, should_stop=should_stop)


@dataclass(frozen=True)
class PlaneJob:
    """A pca or random plane through ``params``, to compute on another thread."""

    generation: int
    problem: object
    X: np.ndarray
    y: np.ndarray
    path: np.ndarray  # a copy of the path so far (at most PCA_PATH_POINTS rows)
    params: np.ndarray
    plane: str
    seed: int
    grid: int | None = None  # None: landscape.plane_grid_size

    def compute(self, should_stop: Callable[[], bool] | None = None) -> PlaneSurface | None:
        return plane_surface(self.problem, self.X, self.y, self.path, self.params, self.plane,
                             self.seed, self.grid, should_stop=should_stop)


def plane_axis_labels(plane: str, surface: PlaneSurface | None) -> tuple[str, str]:
    """What a pca or random plane's a and b are (the window's and the GIF's axis labels)."""
    explained = None if surface is None else surface.explained
    if plane == "pca" and explained is not None:
        return f"a: PC1, {explained[0]:.0%} of variance", f"b: PC2, {explained[1]:.0%} of variance"
    if plane == "pca":  # (short: in presentation mode a longer label was cut off)
        return "a: random d1 (no path yet)", "b: random direction d2"
    return "a: random direction d1", "b: random direction d2"


def column_pair(a: np.ndarray, i: int, j: int) -> np.ndarray:
    """``a[:, [i, j]]`` as a view (no copy of a long history) when i != j."""
    if i == j:
        return a[:, [i, j]]
    stop = j + 1 if j > i else (j - 1 if j > 0 else None)
    return a[:, i:stop:j - i]


class SurfaceTracker:
    """Keeps a LossSurface in step with a TrainingRun's parameters."""

    def __init__(self) -> None:
        self._run = None
        self.axes = (0, 1)
        self.optimum: np.ndarray | None = None
        self.optimum_original: np.ndarray | None = None
        self._window: tuple[float, float, float, float] | None = None
        self._first_size: tuple[float, float] = (1.0, 1.0)
        self._held: np.ndarray | None = None  # parameters the surface was drawn with
        self._params: np.ndarray | None = None
        self._surface: LossSurface | None = None
        self._generation = 0  # counts the surfaces computed; a job from an older one is stale
        self._job: SurfaceJob | PlaneJob | None = None
        self.plane = "params"
        self._plane: PlaneSurface | None = None  # the pca/random plane shown
        self._plane_due = True
        self._requested: np.ndarray | None = None  # the centre of the newest plane asked for
        self._coords = np.empty((0, 2))  # the live path's projection on self._plane (grows)
        self._coords_n = 0
        self.path_key = 0  # changes whenever the path's coordinates do (new plane or axes)
        self._start: np.ndarray | None = None  # the run's start point
        self._optimum_job: OptimumJob | None = None

    def set_run(self, run) -> None:
        """Follow ``run`` (a TrainingRun); resets the window."""
        self._run = run
        self._generation += 1  # a surface or plane still computing for the old run is stale
        p = run.params.size
        i, j = self.axes
        if not (i < p and j < p and i != j):
            self.axes = (0, p - 1)
        self.optimum = self.optimum_original = None
        self._optimum_job = None
        self.minima = None  # a test function's known minima, (k, 2)
        self._new_plane(None)
        function = getattr(run, "function", None)
        if function is not None:
            self.axes = (0, 1)
            self.plane = "params"
            self._params = run.params.copy()
            self.minima = np.array(function.minima).reshape(-1, 2)
            self._window = function.window
            x0, x1, y0, y1 = self._window
            self._first_size = (x1 - x0, y1 - y0)
            self._surface = None
            return
        if run.problem.model == "linear" and run.problem.loss == "mse":
            job = OptimumJob(run)
            if run.X.size > OPTIMUM_HERE_ELEMENTS:
                self._optimum_job = job  # the window follows when it arrives (accept_optimum)
            else:
                found = job.compute()
                self.optimum, self.optimum_original = found.optimum, found.original
        self._params = run.params.copy()
        self._start = self._params.copy()
        self._reset_window()

    def take_optimum_job(self) -> OptimumJob | None:
        """The least-squares optimum still to compute for the current run (once), or None."""
        job, self._optimum_job = self._optimum_job, None
        return job

    def accept_optimum(self, job: OptimumJob, found: Optimum) -> bool:
        """Take the optimum ``job`` found, unless the run has been replaced since (then False).

        The window becomes the one the optimum gives at the start point (as if it had been
        known then), grown to the current parameters; the caller redraws the surface."""
        if job.run is not self._run:
            return False
        self.optimum, self.optimum_original = found.optimum, found.original
        params = self._params
        self._params = self._start
        self._reset_window()
        self._params = params
        if not np.array_equal(params, self._start) and np.isfinite(params).all():
            i, j = self.axes
            self._grow_to(params[i], params[j])
        return True

    def set_axes(self, i: int, j: int) -> None:
        if self._run is not None and getattr(self._run, "function", None) is not None:
            return  # a test function has exactly the axes x and y
        self.axes = (i, j)
        self.path_key += 1
        if self._run is not None:
            self._reset_window()

    def set_plane(self, plane: str) -> None:
        """"params" (two parameters: ``axes``), "pca" or "random" (a test function: params only)."""
        if plane not in PLANES:
            raise ValueError(f"Unknown plane '{plane}'; choose one of: {', '.join(PLANES)}.")
        if self._run is not None and getattr(self._run, "function", None) is not None:
            plane = "params"
        self.plane = plane
        self._new_plane(None)
        if self._run is not None and plane == "params":
            self._reset_window()

    @property
    def on_plane(self) -> bool:
        """True on a pca or random plane (the path is a projection)."""
        return self.plane != "params"

    @property
    def plane_surface(self) -> PlaneSurface | None:
        """The pca or random plane shown (None before the first one arrives, or on two parameters)."""
        return self._plane

    def _new_plane(self, surface: PlaneSurface | None) -> None:
        self._plane = surface
        self._plane_due = surface is None
        self._requested = None
        self._coords = np.empty((0, 2))  # (a new buffer: the view may still hold the old one)
        self._coords_n = 0
        self.path_key += 1

    def _reset_window(self) -> None:
        i, j = self.axes
        self._window = default_window(self._params, i, j, self.optimum)
        x0, x1, y0, y1 = self._window
        self._first_size = (x1 - x0, y1 - y0)
        self._surface = None

    @property
    def window(self) -> tuple[float, float, float, float] | None:
        return self._window

    def follow(self, params: np.ndarray) -> bool:
        """Note the current parameters; True when the surface should be recomputed."""
        if self._run is None or not np.isfinite(params).all():
            return False
        self._params = np.array(params, dtype=np.float64)
        if self.on_plane:
            if self._requested is None or not np.array_equal(self._params, self._requested):
                self._plane_due = True
            return self._plane_due
        i, j = self.axes
        changed = self._grow_to(params[i], params[j])
        if params.size > 2 and self._held is not None:
            others = np.ones(params.size, bool)
            others[[i, j]] = False
            held = self._held[others]
            if (np.abs(params[others] - held) > HELD_TOLERANCE * np.maximum(np.abs(held), 1.0)).any():
                changed = True
        if changed:
            self._surface = None
        return changed

    def include(self, points: np.ndarray) -> bool:
        """Grow the window (within MAX_GROWTH) to hold ``points`` (k, 2) of the current axes,
        e.g. every path of a race; True when the surface should be recomputed."""
        if self._run is None or self._window is None or self.on_plane:
            return False
        p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        p = p[np.isfinite(p).all(axis=1)]
        if len(p) == 0:
            return False
        (x0, y0), (x1, y1) = p.min(axis=0), p.max(axis=0)
        changed = self._grow_to(x0, y0)
        changed = self._grow_to(x1, y1) or changed
        if changed:
            self._surface = None
        return changed

    def _grow_to(self, x: float, y: float) -> bool:
        x0, x1, y0, y1 = self._window
        mx, my = (x1 - x0) * 0.05, (y1 - y0) * 0.05
        if x0 + mx <= x <= x1 - mx and y0 + my <= y <= y1 - my:
            return False
        fx, fy = self._first_size
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        # An axis the point leaves at least doubles: a path drifting outwards
        # (logistic weights on separable data) regrows the surface a handful
        # of times, not at every frame.
        hx, hy = (x1 - x0) / 2, (y1 - y0) / 2
        if not x0 + mx <= x <= x1 - mx:
            hx = max(2 * hx, abs(x - cx) * 1.3)
        if not y0 + my <= y <= y1 - my:
            hy = max(2 * hy, abs(y - cy) * 1.3)
        hx = min(hx, fx * MAX_GROWTH / 2)
        hy = min(hy, fy * MAX_GROWTH / 2)
        new = (cx - hx, cx + hx, cy - hy, cy + hy)
        if np.allclose(new, self._window):
            return False
        self._window = new
        return True

    def grid_size(self) -> int:
        """Side of the exact surface's grid."""
        run = self._run
        if getattr(run, "function", None) is not None or (
                run.problem.model == "linear" and run.problem.loss == "mse"):
            return QUADRATIC_GRID
        return NETWORK_GRID if _row_cost(run) > 1 else DIRECT_GRID

    def take_job(self) -> SurfaceJob | None:
        """The exact surface still to compute behind the current preview (once), or None."""
        job, self._job = self._job, None
        return job

    def accept(self, job: SurfaceJob | PlaneJob, surface: LossSurface) -> bool:
        """Show ``surface`` (from ``job``) unless the surface has changed since; True if shown."""
        if isinstance(job, PlaneJob):
            if job.generation != self._generation or job.plane != self.plane:
                return False
            due, requested = self._plane_due, self._requested
            self._new_plane(surface)
            self._plane_due, self._requested = due, requested
            return True
        current = self._surface
        if job.generation != self._generation or current is None or not current.preview:
            return False  # the window, axes, held parameters or run changed meanwhile
        self._surface = surface
        return True

    def surface(self, force: bool = False, live: bool = False) -> LossSurface | None:
        """The surface for the current window and held parameters (cached)."""
        if self._run is None:
            return None
        if self.on_plane:
            return self._plane_surface(force, live)
        if self._surface is not None and not force:
            return self._surface
        run = self._run
        i, j = self.axes
        x0, x1, y0, y1 = self._window
        n = self.grid_size()
        xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
        self._generation += 1
        self._job = None
        self._held = self._params.copy()
        function = getattr(run, "function", None)
        if function is not None:
            values = function.grid(xs, ys)
            values.flags.writeable = False
            self._surface = LossSurface(values, xs, ys, 0, 1)
            return self._surface
        stats = run.quadratic_stats  # (None for a table wider than it is long)
        n_rows = run.X.shape[0]
        if stats is not None or n * n * n_rows * _row_cost(run) <= PREVIEW_ELEMENTS:
            self._surface = loss_surface(run.problem, run.X, run.y, self._params, i, j, xs, ys, stats)
            return self._surface
        self._job = SurfaceJob(self._generation, run.problem, run.X, run.y, self._params.copy(),
                               i, j, xs, ys)
        self._surface = self._preview(run, i, j, x0, x1, y0, y1)
        return self._surface

    def _preview(self, run, i: int, j: int, x0: float, x1: float, y0: float, y1: float) -> LossSurface:
        """A coarse grid over a fixed sample of the rows: about PREVIEW_ELEMENTS evaluations."""
        n_rows = run.X.shape[0]
        budget = PREVIEW_ELEMENTS / _row_cost(run)
        side = int(np.clip(np.sqrt(budget / n_rows), PREVIEW_MIN_GRID, DIRECT_GRID))
        sample = min(n_rows, max(1, int(budget // (side * side))))
        rows = np.sort(np.random.default_rng(0).choice(n_rows, size=sample, replace=False))
        xs, ys = np.linspace(x0, x1, side), np.linspace(y0, y1, side)
        s = loss_surface(run.problem, run.X[rows], run.y[rows], self._params, i, j, xs, ys)
        return LossSurface(s.values, s.xs, s.ys, s.i, s.j, preview=True)

    # --- pca and random planes ----------------------------------------------------------------
    def _plane_surface(self, force: bool, live: bool) -> PlaneSurface | None:
        """The plane shown (None until the first one is computed); when due (or ``force``),
        a PlaneJob for ``take_job``: this thread never computes a plane."""
        if force or self._plane_due:
            run = self._run
            self._generation += 1
            self._plane_due = False
            self._requested = self._params.copy()
            path = run.history.params
            if len(path) > PCA_PATH_POINTS:  # (a copy either way: the job crosses threads)
                path = path[np.unique(np.linspace(0, len(path) - 1, PCA_PATH_POINTS).astype(np.intp))]
            seed = getattr(run.config, "seed", 0)
            self._job = PlaneJob(self._generation, run.problem, run.X, run.y, np.array(path),
                                 self._params.copy(), self.plane, 0 if seed is None else int(seed),
                                 LIVE_PLANE_GRID if live else None)
        return self._plane

    def shown(self) -> LossSurface | None:
        """The surface last computed or accepted, without asking for a new one."""
        return self._plane if self.on_plane else self._surface

    def project(self, points: np.ndarray, live: bool = False) -> np.ndarray:
        """Coordinates (k, 2) on the surface of parameter vectors ``points`` (k, p): two of their
        columns, or their least-squares (a, b) on the plane (``landscape.project``); none before
        the first plane. ``live``: ``points`` is the run's growing history, and only its new
        rows are projected (the result is a view, valid until the next call)."""
        points = np.asarray(points, dtype=np.float64)
        if not self.on_plane:
            return column_pair(points, *self.axes)
        plane = self._plane
        if plane is None:
            return np.empty((0, 2))
        if not live:
            return (points - plane.center) @ plane.basis_pinv.T
        n, done = len(points), self._coords_n
        if n < done:
            done = 0
        if n > len(self._coords):
            grown = np.empty((max(2 * len(self._coords), n, 1024), 2))
            grown[:done] = self._coords[:done]
            self._coords = grown
        self._coords[done:n] = (points[done:n] - plane.center) @ plane.basis_pinv.T
        self._coords_n = n
        return self._coords[:n]

    def plane_point(self, a: float, b: float) -> np.ndarray | None:
        """The parameters at (a, b) of the pca/random plane shown (None on params, or before it)."""
        if self._plane is None or not self.on_plane:
            return None
        return self._plane.center + a * self._plane.d1 + b * self._plane.d2

    def axis_labels(self, names) -> tuple[str, str]:
        """What the surface's x and y are."""
        if not self.on_plane:
            return names[self.axes[0]], names[self.axes[1]]
        return plane_axis_labels(self.plane, self._plane)

    def plane_title(self) -> str:
        """Words to add to the surface's title: which plane ("" for two parameters)."""
        return PLANE_TITLES.get(self.plane, "")
