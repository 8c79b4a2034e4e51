"""Rows 4-5: the loss surface the window draws."""

from __future__ import annotations

import tracemalloc
from dataclasses import dataclass

import numpy as np

from ..core.presets import large_synthetic
from ..core.problem import Problem
from ..core.surface import QuadraticStats, loss_surface
from ..core.surface_tracker import SurfaceJob, SurfaceTracker
from ..core.training import TrainingConfig, TrainingRun
from .timing import Row, fmt_time, median, median_ratio, paired, timed


@dataclass(frozen=True)
class SurfaceSizes:
    repeats: int
    mse_grid: int
    mse_rows: int
    mse_small_rows: int
    bce_rows: int
    bce_repeats: int


FULL_SURFACES = SurfaceSizes(repeats=15, mse_grid=256, mse_rows=1_000_000, mse_small_rows=100,
                             bce_rows=100_000, bce_repeats=1)
QUICK_SURFACES = SurfaceSizes(repeats=2, mse_grid=16, mse_rows=2_000, mse_small_rows=100,
                              bce_rows=500, bce_repeats=1)


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
    """Row 5: the window's BCE surface: the preview it draws at once, and the exact
    surface computed behind it (off the GUI thread in the window)."""
    data = large_synthetic(sizes.bce_rows, model="logistic")
    run = TrainingRun(data, TrainingConfig(model="logistic", epochs=1))
    tracker = SurfaceTracker()
    tracker.set_run(run)

    def preview() -> None:
        tracker.surface(force=True)

    [t_preview] = paired([preview], max(3, sizes.repeats))
    shown = tracker.surface()
    job = tracker.take_job()
    if job is None:  # small enough to be exact at once
        return [Row("5a", f"BCE surface, N={sizes.bce_rows:,}", "exact at once", "", None,
                    f"{shown.values.shape[0]}×{shown.values.shape[1]} grid, no preview needed")]
    side = len(job.xs)
    runs = [_peak_bytes(job.compute) for _ in range(sizes.bce_repeats)]
    seconds = median([r[0] for r in runs])
    peak = max(r[1] for r in runs)
    exact = job.compute().values
    # the preview against the exact surface, on the preview's (coarser) grid
    coarse = SurfaceJob(job.generation, job.problem, job.X, job.y, job.params, job.i, job.j,
                        shown.xs, shown.ys).compute().values
    rel = float(np.max(np.abs(shown.values - coarse) / np.maximum(np.abs(coarse), 1e-12)))
    n = f"{sizes.bce_rows:,}"
    mb = peak / 2**20
    p_side = shown.values.shape[0]
    return [
        Row("5a", f"BCE surface {side}×{side}, N={n}: exact, off the GUI thread", fmt_time(seconds),
            "", None, f"direct evaluation, O(grid × N); exact range {exact.min():.3g}..{exact.max():.3g}"),
        Row("5b", f"  BCE surface {side}×{side}, N={n}: peak memory", f"{mb:.1f} MB", "≤ 200 MB",
            mb <= 200.0, "tracemalloc peak above the starting level"),
        Row("5c", f"  preview the window shows first ({p_side}×{p_side}, sampled rows)",
            fmt_time(median(t_preview)), "≤ 100 ms", median(t_preview) <= 0.1,
            f"max relative error vs exact on that grid {rel:.1e}"),
    ]
