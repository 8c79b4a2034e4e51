"""Rows 4-5: the loss surface the window draws."""

from __future__ import annotations

import tracemalloc
from dataclasses import dataclass

import numpy as np

from ..core.presets import large_synthetic
from ..core.problem import Problem
from ..core.surface import QuadraticStats, loss_surface
from .timing import Row, fmt_time, median, median_ratio, paired, timed


@dataclass(frozen=True)
class SurfaceSizes:
    repeats: int
    mse_grid: int
    mse_rows: int
    mse_small_rows: int
    bce_grid: int
    bce_rows: int
    bce_repeats: int
    coarse_grid: int
    coarse_rows: int


FULL_SURFACES = SurfaceSizes(repeats=15, mse_grid=256, mse_rows=1_000_000, mse_small_rows=100,
                             bce_grid=128, bce_rows=100_000, bce_repeats=1,
                             coarse_grid=32, coarse_rows=2_048)
QUICK_SURFACES = SurfaceSizes(repeats=2, mse_grid=16, mse_rows=2_000, mse_small_rows=100,
                              bce_grid=8, bce_rows=500, bce_repeats=1,
                              coarse_grid=4, coarse_rows=64)


def _grid(side: int, lo: float = -3.0, hi: float = 3.0) -> np.ndarray:
    return np.linspace(lo, hi, side)


def row_mse_surface(sizes: SurfaceSizes) -> list[Row]:
    """Row 4: what a redraw pays given QuadraticStats, at N large and N = 100."""
    problem = Problem("linear", "mse")
    side = sizes.mse_grid
    xs = ys = _grid(side)
    big = large_synthetic(sizes.mse_rows, model="linear")
    small = large_synthetic(sizes.mse_small_rows, model="linear")
    theta = np.array([1.0, -1.0, 0.25])
    Xb, yb = np.ascontiguousarray(big.X), big.y
    Xs, ys_small = np.ascontiguousarray(small.X), small.y
    stats_b = QuadraticStats.from_data(Xb, yb)
    stats_s = QuadraticStats.from_data(Xs, ys_small)

    def redraw_big() -> None:
        loss_surface(problem, Xb, yb, theta, 0, 1, xs, ys, stats=stats_b)

    def redraw_small() -> None:
        loss_surface(problem, Xs, ys_small, theta, 0, 1, xs, ys, stats=stats_s)

    t_big, t_small = paired([redraw_big, redraw_small], sizes.repeats)
    ratio = median_ratio(t_big, t_small)
    t_stats = median(paired([lambda: QuadraticStats.from_data(Xb, yb)], max(3, sizes.repeats // 3))[0])
    n = f"{sizes.mse_rows:,}"
    grid = f"{side}×{side}"
    return [
        Row("4a", f"MSE surface {grid}, N={n} vs N={sizes.mse_small_rows} (stats given)",
            f"{ratio:.2f}× N={sizes.mse_small_rows}", "≤ 1.5×", ratio <= 1.5,
            f"{fmt_time(median(t_big))} vs {fmt_time(median(t_small))}"),
        Row("4b", f"  MSE surface {grid}, N={n}, per redraw", fmt_time(median(t_big)), "≤ 5 ms",
            median(t_big) <= 5e-3),
        Row("4c", f"  QuadraticStats.from_data, N={n} (once per run)", fmt_time(t_stats), "", None,
            "paid once per dataset/standardisation, not per redraw"),
    ]


def _peak_bytes(fn) -> tuple[float, int]:
    """(seconds, tracemalloc peak bytes) of one call; numpy reports its buffers to tracemalloc."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        seconds = timed(fn)
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    return seconds, peak


def row_bce_surface(sizes: SurfaceSizes) -> list[Row]:
    """Row 5: the direct BCE surface, full and coarse (row subsample + coarse grid)."""
    problem = Problem("logistic", "bce")
    data = large_synthetic(sizes.bce_rows, model="logistic")
    X, y = np.ascontiguousarray(data.X), data.y
    theta = np.array([1.0, -0.5, 0.25])
    side = sizes.bce_grid
    xs = ys = _grid(side)

    def full() -> None:
        loss_surface(problem, X, y, theta, 0, 1, xs, ys)

    runs = [_peak_bytes(full) for _ in range(sizes.bce_repeats)]
    seconds = median([r[0] for r in runs])
    peak = max(r[1] for r in runs)
    # Coarse first pass: a seeded row subsample on a coarse grid (what the window
    # could draw at once, refining later).  Done here with the public API.
    rng = np.random.default_rng(0)
    rows = np.sort(rng.choice(X.shape[0], size=min(sizes.coarse_rows, X.shape[0]), replace=False))
    Xc, yc = X[rows], y[rows]
    cx = cy = _grid(sizes.coarse_grid)

    def coarse() -> None:
        loss_surface(problem, Xc, yc, theta, 0, 1, cx, cy)

    [t_coarse] = paired([coarse], max(3, sizes.repeats))
    # How far the coarse subsample surface is from the exact one on the same coarse grid.
    exact = loss_surface(problem, X, y, theta, 0, 1, cx, cy).values
    approx = loss_surface(problem, Xc, yc, theta, 0, 1, cx, cy).values
    rel = float(np.max(np.abs(approx - exact) / np.maximum(np.abs(exact), 1e-12)))
    n = f"{sizes.bce_rows:,}"
    mb = peak / 2**20
    return [
        Row("5a", f"BCE surface {side}×{side}, N={n}: time", fmt_time(seconds), "", None,
            "direct evaluation, O(grid × N)"),
        Row("5b", f"  BCE surface {side}×{side}, N={n}: peak memory", f"{mb:.1f} MB", "≤ 200 MB",
            mb <= 200.0, "tracemalloc peak above the starting level"),
        Row("5c", f"  coarse: {sizes.coarse_grid}×{sizes.coarse_grid} grid on {len(rows):,} sampled rows",
            fmt_time(median(t_coarse)), "≤ 100 ms", median(t_coarse) <= 0.1,
            f"max relative error vs exact on that grid {rel:.1e}"),
    ]
