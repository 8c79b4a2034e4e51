"""The loss surface over two parameters of a network: right values, and a preview cheap
enough for the GUI thread (gdsim.core.surface, gdsim.core.surface_tracker)."""

from __future__ import annotations

import numpy as np

from gdsim.core.presets import load_preset
from gdsim.core.surface import loss_surface
from gdsim.core.surface_tracker import NETWORK_GRID, PREVIEW_ELEMENTS, SurfaceTracker
from gdsim.core.training import TrainingConfig, TrainingRun


def test_network_surface_values_are_the_loss_at_each_point():
    run = TrainingRun(load_preset("spiral3"), TrainingConfig(model="mlp", hidden=(4,), epochs=2))
    theta = run.params
    xs, ys = np.linspace(-1, 1, 5), np.linspace(-2, 0.5, 4)
    s = loss_surface(run.problem, run.X, run.y, theta, 3, 7, xs, ys)
    for r, b in enumerate(ys):
        for c, a in enumerate(xs):
            t = theta.copy()
            t[3], t[7] = a, b
            np.testing.assert_allclose(s.values[r, c], run.problem.loss_value(t, run.X, run.y), rtol=1e-12)


def test_network_preview_costs_about_what_a_linear_one_does():
    run = TrainingRun(load_preset("spiral"), TrainingConfig(model="mlp"))
    tracker = SurfaceTracker()
    tracker.set_run(run)
    calls = []
    problem = run.problem
    original = type(problem).losses

    def counting(self, thetas, X, y):
        calls.append(thetas.shape[0] * X.shape[0])
        return original(self, thetas, X, y)

    type(problem).losses = counting
    try:
        surface = tracker.surface(force=True)
    finally:
        type(problem).losses = original
    assert surface.preview and tracker.grid_size() == NETWORK_GRID
    per_row = problem.n_params() / 3  # a network's row costs its parameters / 3 linear rows
    assert sum(calls) * per_row <= 1.2 * PREVIEW_ELEMENTS
