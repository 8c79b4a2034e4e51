"""The animation of a descent on a pca or random plane: one plane, the path projected on it."""

from __future__ import annotations

import numpy as np
import pytest

from gdsim.core import landscape as L
from gdsim.core.dataset import Dataset
from gdsim.core.plane_animation import PlaneUnavailable, plane_animation_plan
from gdsim.core.presets import load_preset
from gdsim.core.training import TrainingConfig, TrainingRun


def _xor_run(steps=25, **settings):
    run = TrainingRun(load_preset("xor"), TrainingConfig(model="mlp", hyper={"lr": 0.3}, epochs=50,
                                                         seed=3, **settings))
    run.advance(steps)
    return run


def test_the_pca_plan_is_the_plane_through_the_last_point_with_the_path_projected():
    run = _xor_run()
    plan = plane_animation_plan(run, "pca", 10)
    path = run.history.params
    s = plan.plane_surface
    np.testing.assert_array_equal(s.center, path[-1])
    d1, d2, explained = L.pca_directions(path, path[-1])
    np.testing.assert_array_equal(s.d1, d1)
    assert plan.axis_labels() == (f"a: PC1, {explained[0]:.0%} of variance",
                                  f"b: PC2, {explained[1]:.0%} of variance")
    last = plan.frames[-1]
    np.testing.assert_allclose(plan.path(last), L.project(path, s.center, s.d1, s.d2), atol=1e-12)
    assert plan.path(plan.frames[0]).shape == (1, 2) and plan.surface(last) is s
    assert plan.optimum_xy() is None
    assert plan.caption(last)[0] == f"BCE loss on the PCA plane · iteration {last.row} of {run.total_iterations}"


def test_the_windows_plane_is_used_when_it_passes_through_the_last_point():
    run = _xor_run()
    computed = plane_animation_plan(run, "random", 5).plane_surface
    assert plane_animation_plan(run, "random", 5, shown=computed).plane_surface is computed
    run.advance(3)  # the window's plane is now behind the path: the same plane again, through its end
    again = plane_animation_plan(run, "random", 5, shown=computed).plane_surface
    assert again is not computed
    np.testing.assert_array_equal(again.center, run.history.params[-1])
    d1, d2 = L.window_random_directions(run.history.params[-1], run.problem, 3)
    np.testing.assert_array_equal(again.d1, d1)
    np.testing.assert_array_equal(again.d2, d2)


def test_a_plane_whose_loss_overflows_everywhere_cannot_be_drawn():
    huge = Dataset(("x", "y"), np.array([[1.0, 1e200], [2.0, 3e200], [3.0, -2e200]]), "y", "huge")
    with np.errstate(over="ignore", invalid="ignore"):
        run = TrainingRun(huge, TrainingConfig(model="linear"))  # (y² overflows: the loss is inf everywhere)
        run.advance(1)
        with pytest.raises(PlaneUnavailable, match="^the loss is not a finite number anywhere on the PCA plane$"):
            plane_animation_plan(run, "pca", 5)
    with pytest.raises(PlaneUnavailable, match="there is no 'params' plane"):
        plane_animation_plan(run, "params", 5)
