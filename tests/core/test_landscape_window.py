"""The window's landscape planes (core): the SurfaceTracker on pca/random planes and on two
parameters of a network, against gdsim.core.landscape."""

import time

import numpy as np
import pytest

from gdsim.core import landscape as L
from gdsim.core.functions import FunctionSource, make_function
from gdsim.core.presets import load_preset
from gdsim.core.surface_tracker import PlaneJob, SurfaceJob, SurfaceTracker
from gdsim.core.training import TrainingConfig, TrainingRun


@pytest.fixture(scope="module")
def spiral_run():
    run = TrainingRun(load_preset("spiral"), TrainingConfig(model="mlp", optimizer="adam", hyper={"lr": 0.01}, epochs=120))
    run.run()
    return run


def plane(tracker):
    """Compute the plane job the tracker asks for (as the window's thread would) and accept it."""
    tracker.surface()
    job = tracker.take_job()
    assert isinstance(job, PlaneJob)
    surface = job.compute()
    assert tracker.accept(job, surface)
    return surface


def test_the_pca_plane_at_the_end_is_the_clis_and_the_path_is_its_projection(spiral_run):
    run = spiral_run
    tracker = SurfaceTracker()
    tracker.set_run(run)
    tracker.set_plane("pca")
    tracker.follow(run.params)
    surface = plane(tracker)
    cli = L.landscape(run, "pca", grid=5)
    np.testing.assert_array_equal(surface.center, cli.center)
    np.testing.assert_allclose(surface.d1, cli.d1, atol=1e-12)
    np.testing.assert_allclose(surface.d2, cli.d2, atol=1e-12)
    assert surface.explained == pytest.approx(cli.explained)
    history = run.history.params
    # live: projected in two pieces, the second only the new rows
    tracker.project(history[:50], live=True)
    coords = tracker.project(history, live=True)
    np.testing.assert_allclose(coords, L.project(history, surface.center, surface.d1, surface.d2), atol=1e-12)
    np.testing.assert_allclose(coords[-1], [0.0, 0.0], atol=1e-12)
    # the span holds the whole projected path
    assert np.abs(coords).max() <= surface.xs[-1]


def test_plane_values_are_the_loss_at_center_plus_a_d1_plus_b_d2(spiral_run):
    run = spiral_run
    tracker = SurfaceTracker()
    tracker.set_run(run)
    tracker.set_plane("random")
    surface = plane(tracker)
    assert surface.values.shape == (len(surface.ys), len(surface.xs)) == (61, 61)
    for ia, ib in ((0, 0), (3, 50), (60, 7), (30, 30)):
        theta = surface.center + surface.xs[ia] * surface.d1 + surface.ys[ib] * surface.d2
        loss, _ = run.problem.loss_and_grad(theta, run.X, run.y)
        assert surface.values[ib, ia] == pytest.approx(loss, rel=1e-12)
    # click → parameters: the point of the plane
    np.testing.assert_allclose(tracker.plane_point(0.3, -0.2),
                               surface.center + 0.3 * surface.d1 - 0.2 * surface.d2)


def test_a_plane_is_asked_for_again_only_when_the_parameters_moved(spiral_run):
    run = spiral_run
    tracker = SurfaceTracker()
    tracker.set_run(run)
    tracker.set_plane("pca")
    assert tracker.follow(run.params)  # no plane yet
    tracker.surface()
    assert isinstance(tracker.take_job(), PlaneJob)
    assert not tracker.follow(run.params)  # the plane asked for is through these
    tracker.surface()
    assert tracker.take_job() is None
    assert tracker.follow(run.params + 1e-3)
    # a job from before a new request is stale
    tracker.surface()
    old = tracker.take_job()
    tracker.surface(force=True)
    assert not tracker.accept(old, old.compute())


def test_the_window_plane_grid_is_batched_and_fast(spiral_run):
    run = spiral_run
    took = []
    for _ in range(3):  # the best of three: a shared machine's load is not the code's cost
        started = time.perf_counter()
        surface = L.plane_surface(run.problem, run.X, run.y, run.history.params, run.params, "pca", grid=41)
        took.append(time.perf_counter() - started)
    took = min(took)
    assert surface.values.shape == (41, 41)
    assert took <= 1.0, f"a 41×41 pca plane of a 2-8-8-1 net on 200 rows took {took:.2f} s"


def test_a_networks_two_parameter_surface_holds_the_others_at_their_values(spiral_run):
    run = spiral_run
    tracker = SurfaceTracker()
    tracker.set_run(run)
    tracker.set_axes(3, 40)
    preview = tracker.surface()
    assert preview.preview and (preview.i, preview.j) == (3, 40)
    job = tracker.take_job()
    assert isinstance(job, SurfaceJob)
    exact = job.compute()
    assert tracker.accept(job, exact) and exact.values.shape == (tracker.grid_size(),) * 2
    for ix, iy in ((0, 0), (20, 45)):
        theta = run.params.copy()
        theta[3], theta[40] = exact.xs[ix], exact.ys[iy]
        assert exact.values[iy, ix] == pytest.approx(run.problem.loss_and_grad(theta, run.X, run.y)[0], rel=1e-12)
    np.testing.assert_array_equal(tracker.project(run.history.params), run.history.params[:, [3, 40]])
    assert tracker.axis_labels(run.parameter_names) == (run.parameter_names[3], run.parameter_names[40])


def test_a_zero_start_still_has_a_random_plane_and_pca_waits_for_a_path():
    run = TrainingRun(load_preset("insurance"), TrainingConfig(model="logistic"))
    assert not run.params.any()
    tracker = SurfaceTracker()
    tracker.set_run(run)
    tracker.set_plane("pca")
    surface = plane(tracker)
    assert surface.explained is None and surface.d1.any() and surface.d2.any()
    assert np.isfinite(surface.values).all()
    assert "no path yet" in tracker.axis_labels(run.parameter_names)[0]


def test_a_test_function_has_only_the_two_parameter_plane():
    source = FunctionSource(make_function("rosenbrock"))
    assert not source.applies.surface_planes
    run = source.make_run(TrainingConfig())
    tracker = SurfaceTracker()
    tracker.set_run(run)
    tracker.set_plane("pca")
    assert tracker.plane == "params" and not tracker.on_plane
    with pytest.raises(ValueError, match="Unknown plane"):
        tracker.set_plane("tsne")


def test_a_path_with_non_finite_rows_still_has_a_plane(spiral_run):
    run = spiral_run
    path = np.vstack([run.history.params, np.full((2, run.params.size), np.inf)])
    surface = L.plane_surface(run.problem, run.X, run.y, path, run.params, "pca", grid=9)
    d1, d2, explained = L.pca_directions(run.history.params, run.params)
    np.testing.assert_allclose(surface.d1, d1, atol=1e-12)
    assert surface.explained == pytest.approx(explained) and np.isfinite(surface.values).all()


def test_a_one_feature_model_has_a_random_plane_not_a_line():
    run = TrainingRun(load_preset("lecture-3x-plus-2"), TrainingConfig(epochs=20))
    run.run()
    d1, d2 = L.window_random_directions(run.params, run.problem, 0)
    cos = abs(d1 @ d2) / (np.linalg.norm(d1) * np.linalg.norm(d2))
    assert cos < 0.99  # (filter-normalised without biases: d1 = ±d2)
    for d in (d1, d2):  # each the norm of the one neuron (w, b) at the centre
        assert np.linalg.norm(d) == pytest.approx(np.linalg.norm(run.params))


def test_a_plane_computed_for_the_previous_run_is_not_shown_on_the_next(spiral_run):
    """A new run may be drawn in turns (a big session): a plane job of the old run that arrives
    before the new run asks for its own plane is refused, not projected onto the new parameters."""
    tracker = SurfaceTracker()
    old = TrainingRun(load_preset("lecture-2x"), TrainingConfig(epochs=3))
    tracker.set_run(old)
    tracker.set_plane("random")
    tracker.surface()
    job = tracker.take_job()
    surface = job.compute()
    tracker.set_run(spiral_run)  # 105 parameters, where the old run had 2
    assert not tracker.accept(job, surface)
    assert tracker.plane_surface is None
