"""The loss over a grid of two parameters, the others held fixed.

For linear regression with MSE the loss is a quadratic in θ that needs only
the sufficient statistics A = ZᵀZ, c = Zᵀy and yᵀy (Z = [X 1]):

    n·L(θ) = θᵀAθ − 2cᵀθ + yᵀy

so a whole surface costs O(grid), whatever the number of rows. Other losses
are evaluated directly, in chunks of bounded memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .problem import Problem

# Largest temporary (grid points × rows) evaluated at once by the direct method.
CHUNK_ELEMENTS = 1 << 21


@dataclass(frozen=True)
class QuadraticStats:
    """A = ZᵀZ, c = Zᵀy, yy = yᵀy, n for Z = [X 1]."""

    @staticmethod
    def worth_building(X: np.ndarray) -> bool:
        """Whether A, (d + 1)² numbers, is worth building for X: not for a table wider than it
        is long (a 10,000-column CSV made an 800 MB matrix, 7 s of its import, to save nothing)."""
        return X.shape[1] + 1 <= max(X.shape[0], 100)

    A: np.ndarray
    c: np.ndarray
    yy: float
    n: int

    @classmethod
    def from_data(cls, X: np.ndarray, y: np.ndarray) -> "QuadraticStats":
        d = X.shape[1]
        A = np.empty((d + 1, d + 1))
        A[:d, :d] = X.T @ X
        col_sums = X.sum(axis=0)
        A[:d, d] = A[d, :d] = col_sums
        A[d, d] = X.shape[0]
        c = np.empty(d + 1)
        c[:d] = X.T @ y
        c[d] = y.sum()
        return cls(A, c, float(y @ y), X.shape[0])

    def _scale(self, reduction: str) -> float:
        return 1.0 / self.n if reduction == "mean" else 1.0

    def loss(self, theta: np.ndarray, reduction: str = "mean") -> float:
        value = theta @ self.A @ theta - 2.0 * (self.c @ theta) + self.yy
        return max(float(value), 0.0) * self._scale(reduction)

    def grid(self, theta: np.ndarray, i: int, j: int, a: np.ndarray, b: np.ndarray,
             reduction: str = "mean") -> np.ndarray:
        """Loss with θ_i = a[col], θ_j = b[row]; shape (len(b), len(a))."""
        base = np.array(theta, dtype=np.float64)
        base[i] = base[j] = 0.0
        A, c = self.A, self.c
        Ab = A @ base
        const = base @ Ab - 2.0 * (c @ base) + self.yy
        aa = a[np.newaxis, :]
        bb = b[:, np.newaxis]
        value = (const + 2.0 * aa * (Ab[i] - c[i]) + 2.0 * bb * (Ab[j] - c[j])
                 + aa * aa * A[i, i] + bb * bb * A[j, j] + 2.0 * aa * bb * A[i, j])
        return np.maximum(value, 0.0) * self._scale(reduction)

    def hessian(self, reduction: str = "mean") -> np.ndarray:
        """∇²L = 2A/n (mean) or 2A (sum)."""
        return 2.0 * self.A * self._scale(reduction)


@dataclass(frozen=True)
class LossSurface:
    """Loss values (len(ys), len(xs)) over θ_i = xs, θ_j = ys.

    ``preview``: a quick estimate (coarse grid, a sample of the rows) shown
    while the exact surface is computed.
    """

    values: np.ndarray
    xs: np.ndarray
    ys: np.ndarray
    i: int
    j: int
    preview: bool = False


def loss_surface(problem: Problem, X: np.ndarray, y: np.ndarray, theta: np.ndarray,
                 i: int, j: int, xs: np.ndarray, ys: np.ndarray,
                 stats: QuadraticStats | None = None,
                 should_stop: Callable[[], bool] | None = None) -> LossSurface | None:
    """The loss over the grid θ_i ∈ xs, θ_j ∈ ys, other parameters as in ``theta``.

    ``should_stop`` (for a background computation) is asked between slices of
    the work; once it answers True the result is None.
    """
    xs = np.asarray(xs, dtype=np.float64)
    ys = np.asarray(ys, dtype=np.float64)
    if i == j:
        raise ValueError("Choose two different parameters for the loss surface.")
    if problem.model == "linear" and problem.loss == "mse" and (
            stats is not None or QuadraticStats.worth_building(X)):
        stats = stats or QuadraticStats.from_data(X, y)
        values = stats.grid(theta, i, j, xs, ys, problem.reduction)
    else:
        values = _direct_grid(problem, X, y, theta, i, j, xs, ys, should_stop)
        if values is None:
            return None
    values.flags.writeable = False
    return LossSurface(values, xs, ys, i, j)


def _column(X: np.ndarray, k: int) -> np.ndarray:
    """Feature column k, or ones for the bias (k = d)."""
    return X[:, k] if k < X.shape[1] else np.ones(X.shape[0])


def _direct_grid(problem: Problem, X: np.ndarray, y: np.ndarray, theta: np.ndarray,
                 i: int, j: int, xs: np.ndarray, ys: np.ndarray,
                 should_stop: Callable[[], bool] | None = None) -> np.ndarray | None:
    if hasattr(problem, "losses"):  # a network: the grid's parameter vectors in batches, a row of ys at a time
        return _network_grid(problem, X, y, theta, i, j, xs, ys, should_stop)
    base = np.array(theta, dtype=np.float64)
    base[i] = base[j] = 0.0
    z0 = problem.logits(base, X)  # logits without θ_i, θ_j
    ci, cj = _column(X, i), _column(X, j)
    n = X.shape[0]
    out = np.empty((len(ys), len(xs)))
    rows_per_chunk = max(1, CHUNK_ELEMENTS // max(1, len(xs)))
    for start in range(0, n, rows_per_chunk):
        stop = min(start + rows_per_chunk, n)
        zb, cib, cjb, yb = z0[start:stop], ci[start:stop], cj[start:stop], y[start:stop]
        # z for every (a, row): (len(xs), rows)
        za = zb[np.newaxis, :] + xs[:, np.newaxis] * cib[np.newaxis, :]
        for r, bval in enumerate(ys):
            if should_stop is not None and should_stop():
                return None
            terms = problem.loss_of_logits(za + bval * cjb[np.newaxis, :], yb[np.newaxis, :])
            partial = terms.sum(axis=1)
            if start == 0:
                out[r] = partial
            else:
                out[r] += partial
    if problem.reduction == "mean":
        out /= n
    return out


def _network_grid(problem, X, y, theta, i, j, xs, ys, should_stop) -> np.ndarray | None:
    out = np.empty((len(ys), len(xs)))
    thetas = np.repeat(np.asarray(theta, dtype=np.float64)[None, :], len(xs), axis=0)
    thetas[:, i] = xs
    for r, bval in enumerate(ys):
        if should_stop is not None and should_stop():
            return None
        thetas[:, j] = bval
        out[r] = problem.losses(thetas, X, y)
    return out


def least_squares_optimum(X: np.ndarray, y: np.ndarray) -> np.ndarray | None:
    """θ* = argmin ‖Xw + b − y‖² by ``numpy.linalg.lstsq``; None when not unique."""
    Z = np.column_stack([X, np.ones(X.shape[0])])
    theta, _, rank, _ = np.linalg.lstsq(Z, y, rcond=None)
    if rank < Z.shape[1]:
        return None
    return theta


def default_window(center: np.ndarray, i: int, j: int, optimum: np.ndarray | None = None,
                   margin: float = 0.6, minimum_half_width: float = 1.0) -> tuple[float, float, float, float]:
    """A (x0, x1, y0, y1) range around ``center`` that also shows ``optimum``."""
    pts = [np.asarray(center, dtype=np.float64)]
    if optimum is not None and np.isfinite(optimum).all():
        pts.append(np.asarray(optimum, dtype=np.float64))
    P = np.array(pts)
    lo = P[:, [i, j]].min(axis=0)
    hi = P[:, [i, j]].max(axis=0)
    mid = (lo + hi) / 2
    half = np.maximum((hi - lo) / 2 * (1 + 2 * margin), minimum_half_width)
    return (mid[0] - half[0], mid[0] + half[0], mid[1] - half[1], mid[1] + half[1])
