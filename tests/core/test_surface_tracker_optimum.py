"""A big table's least-squares optimum is solved off the tracker's thread (OptimumJob): taken
when it arrives, it gives the window and surface the optimum known at once gives; one for a run
replaced meanwhile is refused."""

from __future__ import annotations

import numpy as np

from gdsim.core import surface_tracker
from gdsim.core.dataset import Dataset
from gdsim.core.surface_tracker import SurfaceTracker
from gdsim.core.training import TrainingConfig, TrainingRun


def run_of(rows: int, seed: int = 0, standardize: bool = True) -> TrainingRun:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=rows)
    values = np.column_stack([x, 3 * x + 2 + rng.normal(size=rows)])
    return TrainingRun(Dataset(("x", "y"), values, "y", "d"), TrainingConfig(epochs=2, standardize=standardize))


def test_a_late_optimum_gives_the_window_and_surface_of_one_known_at_once(monkeypatch):
    run = run_of(2_000)
    at_once = SurfaceTracker()
    at_once.set_run(run)
    assert at_once.take_optimum_job() is None and at_once.optimum is not None
    monkeypatch.setattr(surface_tracker, "OPTIMUM_HERE_ELEMENTS", 0)
    late = SurfaceTracker()
    late.set_run(run)
    job = late.take_optimum_job()
    assert job is not None and late.optimum is None and late.take_optimum_job() is None  # (once)
    assert late.accept_optimum(job, job.compute())
    np.testing.assert_array_equal(late.optimum, at_once.optimum)
    np.testing.assert_array_equal(late.optimum_original, at_once.optimum_original)
    assert late.window == at_once.window
    np.testing.assert_array_equal(late.surface().values, at_once.surface().values)


def test_a_late_optimum_keeps_the_current_point_in_the_window(monkeypatch):
    run = run_of(2_000)
    far = np.array([6.0, -5.0])  # the run went far before the optimum arrived
    at_once = SurfaceTracker()
    at_once.set_run(run)
    at_once.follow(far)
    monkeypatch.setattr(surface_tracker, "OPTIMUM_HERE_ELEMENTS", 0)
    tracker = SurfaceTracker()
    tracker.set_run(run)
    job = tracker.take_optimum_job()
    tracker.follow(far)
    tracker.accept_optimum(job, job.compute())
    x0, x1, y0, y1 = tracker.window
    assert x0 < far[0] < x1 and y0 < far[1] < y1
    assert tracker.window == at_once.window


def test_an_optimum_for_a_replaced_run_is_refused(monkeypatch):
    monkeypatch.setattr(surface_tracker, "OPTIMUM_HERE_ELEMENTS", 0)
    tracker = SurfaceTracker()
    tracker.set_run(run_of(500, seed=1))
    old = tracker.take_optimum_job()
    tracker.set_run(run_of(500, seed=2))
    window = tracker.window
    assert not tracker.accept_optimum(old, old.compute())
    assert tracker.optimum is None and tracker.window == window
