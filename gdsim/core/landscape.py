"""Loss landscapes: the full-dataset loss on a plane through parameter space, and the path on it.

The plane is ``center + a·d1 + b·d2`` with ``center`` the run's final
parameters; ``loss[i][j]`` is the loss at ``a[i]``, ``b[j]``. Planes:

* ``pca``: the top two principal directions of the path's displacements
  θ_t − θ_final (the eigenvectors of Σ_t (θ_t − θ_final)(θ_t − θ_final)ᵀ, taken
  about the final point, so the plane holds it), orthonormal; ``explained`` is
  the share of Σ_t ‖θ_t − θ_final‖² each direction carries.
* ``random``: two Gaussian directions, filter-normalised as in Li et al. 2018
  ("Visualizing the Loss Landscape of Neural Nets"): each neuron's incoming
  weights (a row of a weight matrix) are scaled to that row's norm in
  ``center``; biases get no component (their code's default).  Not orthogonalised.
* ``params``: the unit vectors of two parameters I and J.

The path is each θ_t's least-squares coordinates in (d1, d2) (for an
orthonormal pair, the dot products); points off the plane are projected onto it,
so they need not lie on the surface. The grid is evaluated in batches of
parameter vectors (no Python loop per grid point).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import NetworkProblem
from .problem import Problem
from .surface import LossSurface

PLANES = ("pca", "random", "params")
RANDOM_STREAM = 2018  # the random plane's draws: their own stream of the run's seed
MIN_GRID, MAX_GRID = 2, 201
# Rows of the (grid points × data rows) logits a linear model evaluates at once.
LINEAR_BATCH_ELEMENTS = 1 << 21


@dataclass(frozen=True)
class Landscape:
    plane: str
    center: np.ndarray
    d1: np.ndarray
    d2: np.ndarray
    a: np.ndarray
    b: np.ndarray
    loss: np.ndarray  # (len(a), len(b))
    path: np.ndarray  # (steps + 1, 2)
    explained: tuple[float, float] | None = None  # pca: share of the path's variance along d1, d2
    axes: tuple[str, str] | None = None  # params: the two parameters' names

    def to_dict(self) -> dict:
        """Plain lists, for JSON."""
        out = {
            "plane": self.plane,
            "center": self.center.tolist(), "d1": self.d1.tolist(), "d2": self.d2.tolist(),
            "a": self.a.tolist(), "b": self.b.tolist(), "loss": self.loss.tolist(), "path": self.path.tolist(),
        }
        if self.explained is not None:
            out["explained_variance"] = list(self.explained)
        if self.axes is not None:
            out["params"] = list(self.axes)
        return out


def pca_directions(path: np.ndarray, center: np.ndarray) -> tuple[np.ndarray, np.ndarray, tuple[float, float]]:
    """(d1, d2, explained): orthonormal top-2 principal directions of ``path − center``."""
    D = np.asarray(path, dtype=np.float64) - center
    scatter = D.T @ D  # p × p: cheap however long the path
    values, vectors = np.linalg.eigh(scatter)
    order = np.argsort(values)[::-1]
    values, vectors = np.clip(values[order], 0.0, None), vectors[:, order]
    total = values.sum()
    if vectors.shape[1] < 2:
        raise ValueError("A plane needs at least two parameters.")
    d1, d2 = vectors[:, 0].copy(), vectors[:, 1].copy()
    for d in (d1, d2):  # a fixed sign: the largest component positive
        if d[np.argmax(np.abs(d))] < 0:
            d *= -1.0
    explained = (float(values[0] / total), float(values[1] / total)) if total > 0 else (0.0, 0.0)
    return d1, d2, explained


def _neuron_rows(problem, n_params: int) -> list[tuple[slice, int, int]]:
    """(weight slice, rows, columns) of every weight matrix: each row is a neuron's incoming weights."""
    if isinstance(problem, NetworkProblem):
        return [(layer.weight, layer.n_out, layer.n_in) for layer in problem.layers]
    return [(slice(0, n_params - 1), 1, n_params - 1)]  # a linear model: one neuron, then its bias


def filter_normalized(direction: np.ndarray, center: np.ndarray, problem) -> np.ndarray:
    """``direction`` with each neuron's incoming weights scaled to their norm in ``center``; biases 0."""
    out = np.zeros_like(direction)
    for weights, rows, cols in _neuron_rows(problem, direction.size):
        d = direction[weights].reshape(rows, cols)
        w = center[weights].reshape(rows, cols)
        scale = np.linalg.norm(w, axis=1) / (np.linalg.norm(d, axis=1) + 1e-10)
        out[weights] = (d * scale[:, None]).ravel()
    return out


def random_directions(center: np.ndarray, problem, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng((RANDOM_STREAM, int(seed)))
    d1 = filter_normalized(rng.standard_normal(center.size), center, problem)
    d2 = filter_normalized(rng.standard_normal(center.size), center, problem)
    if not (d1.any() and d2.any()):
        raise ValueError("The random plane scales each neuron to its weights, and they are all 0 here; "
                         "train first or use --plane pca.")
    return d1, d2


def project(path: np.ndarray, center: np.ndarray, d1: np.ndarray, d2: np.ndarray) -> np.ndarray:
    """Least-squares coordinates (a, b) of each θ_t − center in the plane of d1, d2."""
    basis = np.column_stack([d1, d2])
    coords, *_ = np.linalg.lstsq(basis, (np.asarray(path) - center).T, rcond=None)
    return coords.T


def batched_losses(problem, thetas: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The full-data loss at each row of ``thetas`` (m, p), for a network or a linear model."""
    if isinstance(problem, NetworkProblem):
        return problem.losses(thetas, X, y)
    n = y.shape[0]
    out = np.empty(thetas.shape[0])
    step = max(1, LINEAR_BATCH_ELEMENTS // max(n, 1))
    for start in range(0, thetas.shape[0], step):
        part = thetas[start:start + step]
        z = part[:, :-1] @ X.T
        z += part[:, -1:]
        terms = problem.loss_of_logits(z, y)
        out[start:start + step] = terms.mean(axis=1) if problem.reduction == "mean" else terms.sum(axis=1)
    return out


def plane_loss(problem, center, d1, d2, a, b, X, y) -> np.ndarray:
    """loss[i][j] at center + a[i]·d1 + b[j]·d2."""
    thetas = center + a[:, None, None] * d1 + b[None, :, None] * d2  # (len(a), len(b), p)
    return batched_losses(problem, thetas.reshape(-1, center.size), X, y).reshape(len(a), len(b))


def landscape(run, plane: str = "pca", params: tuple[int, int] = (0, 1), grid: int = 41,
              span: float | None = None, seed: int = 0) -> Landscape:
    """The landscape of a finished (or running) TrainingRun around its current parameters.

    ``span``: the grid covers −span..span along both directions; by default
    the projected path with a margin (pca, params), or 1 (random: ±1 is each
    neuron's own norm).
    """
    if plane not in PLANES:
        raise ValueError(f"Unknown plane '{plane}'; choose one of: {', '.join(PLANES)}.")
    problem = run.problem
    if not isinstance(problem, (Problem, NetworkProblem)):
        raise ValueError("A landscape needs a dataset; a test function already is its own surface.")
    if isinstance(grid, bool) or not isinstance(grid, (int, np.integer)) or not MIN_GRID <= grid <= MAX_GRID:
        raise ValueError(f"Invalid grid: {grid!r} (a whole number of points from {MIN_GRID} to {MAX_GRID}).")
    if span is not None and not (np.isfinite(span) and span > 0):
        raise ValueError(f"Invalid span: {span!r} (a positive number).")
    center = np.array(run.params, dtype=np.float64)
    path = run.history.params
    explained = axes = None
    if plane == "pca":
        d1, d2, explained = pca_directions(path, center)
    elif plane == "random":
        d1, d2 = random_directions(center, problem, seed)
    else:
        names = run.parameter_names
        i, j = params
        for k in (i, j):
            if not 0 <= k < center.size:
                raise ValueError(f"There is no parameter {k}; the model has {center.size} (0 to {center.size - 1}).")
        if i == j:
            raise ValueError("The two parameters of the plane must differ.")
        d1, d2 = np.eye(center.size)[i], np.eye(center.size)[j]
        axes = (names[i], names[j])
    coords = project(path, center, d1, d2)
    if span is None:
        reach = float(np.abs(coords).max()) if coords.size else 0.0
        span = 1.0 if plane == "random" else max(1.25 * reach, 1e-3 * max(1.0, float(np.abs(center).max())))
    a = np.linspace(-span, span, grid)
    b = np.linspace(-span, span, grid)
    loss = plane_loss(problem, center, d1, d2, a, b, run.X, run.y)
    return Landscape(plane, center, d1, d2, a, b, loss, coords, explained, axes)


# --- the window's planes: recomputed around a running run's parameters ---------------------
WINDOW_PLANES = ("pca", "random")
#: the PCA of a long path uses at most this many of its points (evenly spaced, the last kept)
PCA_PATH_POINTS = 20_000
#: grid side of a window's plane, lowered so grid² × rows stays within PLANE_ELEMENTS
PLANE_GRID, PLANE_MIN_GRID, PLANE_ELEMENTS = 61, 15, 20_000_000


@dataclass(frozen=True)
class PlaneSurface(LossSurface):
    """A LossSurface over (a, b) of the plane ``center + a·d1 + b·d2``: ``values[ib, ia]``.

    ``basis_pinv`` (2, p) maps θ − center to its least-squares (a, b), as ``project`` does.
    """

    plane: str = "pca"
    center: np.ndarray | None = None
    d1: np.ndarray | None = None
    d2: np.ndarray | None = None
    basis_pinv: np.ndarray | None = None
    explained: tuple[float, float] | None = None  # pca: None while the path has not moved yet


def plane_grid_size(n_rows: int) -> int:
    return int(np.clip(np.sqrt(PLANE_ELEMENTS / max(n_rows, 1)), PLANE_MIN_GRID, PLANE_GRID))


def window_random_directions(center: np.ndarray, problem, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``random_directions``, except that a neuron whose weights are all 0 in ``center`` (a
    zero start) gets incoming weights of norm 1 instead of none, and that where the two
    directions are parallel (every neuron has one input: a one-feature linear model, whose
    plane would be a line) each neuron's bias is scaled with its weights (Li et al.'s code
    without ``ignore='biasbn'``): the plane is never empty or flat."""
    rng = np.random.default_rng((RANDOM_STREAM, int(seed)))
    raw = rng.standard_normal((2, center.size))
    scaled = center.copy()
    for weights, rows, cols in _neuron_rows(problem, center.size):
        w = scaled[weights].reshape(rows, cols)
        w[np.linalg.norm(w, axis=1) == 0] = 1.0 / np.sqrt(cols)
        scaled[weights] = w.ravel()
    d1, d2 = filter_normalized(raw[0], scaled, problem), filter_normalized(raw[1], scaled, problem)
    if abs(d1 @ d2) < 0.999 * np.linalg.norm(d1) * np.linalg.norm(d2):
        return d1, d2
    return _with_biases(raw[0], scaled, problem), _with_biases(raw[1], scaled, problem)


def _with_biases(direction: np.ndarray, center: np.ndarray, problem) -> np.ndarray:
    """Each neuron's (incoming weights, bias) scaled to their norm in ``center``."""
    if isinstance(problem, NetworkProblem):
        neurons = [(np.arange(layer.weight.start, layer.weight.stop).reshape(layer.n_out, layer.n_in),
                    np.arange(layer.bias.start, layer.bias.stop)) for layer in problem.layers]
    else:
        neurons = [(np.arange(center.size - 1)[None, :], np.array([center.size - 1]))]
    out = np.zeros_like(direction)
    for weights, biases in neurons:
        index = np.column_stack([weights, biases])  # a row per neuron
        d, w = direction[index], center[index]
        out[index] = d * (np.linalg.norm(w, axis=1) / (np.linalg.norm(d, axis=1) + 1e-10))[:, None]
    return out


def plane_surface(problem, X, y, path: np.ndarray, center: np.ndarray, plane: str, seed: int = 0,
                  grid: int | None = None, should_stop=None) -> PlaneSurface | None:
    """The loss on the ``plane`` ("pca" or "random") through ``center``, over a square grid that
    holds the projected ``path`` (k, p). A pca plane of a path that has not moved yet is the
    random plane (``explained`` None). None once ``should_stop()`` answers True."""
    center = np.asarray(center, dtype=np.float64)
    path = np.asarray(path, dtype=np.float64)
    path = path[np.isfinite(path).all(axis=1)]  # (a diverging run's last rows)
    if len(path) > PCA_PATH_POINTS:
        path = path[np.unique(np.linspace(0, len(path) - 1, PCA_PATH_POINTS).astype(np.intp))]
    explained = None
    moved = len(path) > 1 and bool(np.ptp(path, axis=0).any())
    if plane == "pca" and moved:
        d1, d2, explained = pca_directions(path, center)
    else:
        d1, d2 = window_random_directions(center, problem, seed)
    pinv = np.linalg.pinv(np.column_stack([d1, d2]))
    reach = float(np.abs((path - center) @ pinv.T).max()) if len(path) else 0.0
    floor = 1.0 if plane == "random" or explained is None else 1e-3 * max(1.0, float(np.abs(center).max()))
    span = max(1.25 * reach, floor)
    n = grid or plane_grid_size(len(y))
    a = np.linspace(-span, span, n)
    rows = []
    for start in range(0, n, 8):  # slices of the grid, so a newer plane can cancel this one
        if should_stop is not None and should_stop():
            return None
        rows.append(plane_loss(problem, center, d1, d2, a[start:start + 8], a, X, y))
    values = np.vstack(rows).T  # (b, a)
    values.flags.writeable = False
    return PlaneSurface(values, a, a.copy(), -1, -1, plane=plane, center=center, d1=d1, d2=d2,
                        basis_pinv=pinv, explained=explained)

