"""Loss surfaces: sufficient statistics agree with direct evaluation."""

import numpy as np
import pytest

from gdsim.core.problem import Problem
from gdsim.core.surface import QuadraticStats, default_window, least_squares_optimum, loss_surface


def brute_force(problem, X, y, theta, i, j, xs, ys):
    out = np.empty((len(ys), len(xs)))
    for r, b in enumerate(ys):
        for c, a in enumerate(xs):
            t = theta.copy()
            t[i], t[j] = a, b
            out[r, c] = problem.loss_value(t, X, y)
    return out


@pytest.mark.parametrize("model,loss,reduction", [
    ("linear", "mse", "mean"), ("linear", "mse", "sum"), ("linear", "mae", "mean"),
    ("logistic", "bce", "mean"), ("logistic", "mse", "sum"),
])
@pytest.mark.parametrize("i,j", [(0, 2), (1, 0), (2, 1)])
def test_surface_equals_brute_force(model, loss, reduction, i, j):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 2))
    y = (rng.random(40) < 0.5).astype(float) if model == "logistic" else X @ [2.0, -1.0] + 0.3
    theta = np.array([0.4, -0.2, 0.1])
    xs, ys = np.linspace(-2, 3, 7), np.linspace(-1, 1, 5)
    problem = Problem(model, loss, reduction)
    surface = loss_surface(problem, X, y, theta, i, j, xs, ys)
    np.testing.assert_allclose(surface.values, brute_force(problem, X, y, theta, i, j, xs, ys),
                               rtol=1e-9, atol=1e-9)
    assert surface.values.shape == (5, 7)


def test_direct_surface_is_chunked_without_changing_values(monkeypatch):
    import gdsim.core.surface as surface_module

    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 1))
    y = (X[:, 0] > 0).astype(float)
    problem = Problem("logistic", "bce")
    xs, ys = np.linspace(-3, 3, 9), np.linspace(-2, 2, 4)
    whole = loss_surface(problem, X, y, np.zeros(2), 0, 1, xs, ys).values
    monkeypatch.setattr(surface_module, "CHUNK_ELEMENTS", 20)  # many row chunks
    chunked = loss_surface(problem, X, y, np.zeros(2), 0, 1, xs, ys).values
    np.testing.assert_allclose(chunked, whole, rtol=1e-12)


def test_quadratic_stats_loss_and_optimum_on_the_lecture_table():
    X = np.array([[2.0], [3.0], [4.0], [5.0], [6.0]])
    y = 3 * X[:, 0] + 2
    stats = QuadraticStats.from_data(X, y)
    assert stats.loss(np.array([0.0, 0.0])) == pytest.approx(np.mean(y ** 2))
    np.testing.assert_allclose(least_squares_optimum(X, y), [3.0, 2.0], rtol=1e-12)
    assert stats.loss(np.array([3.0, 2.0])) == pytest.approx(0.0, abs=1e-9)


def test_optimum_is_none_when_not_unique():
    X = np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]])  # collinear columns
    assert least_squares_optimum(X, np.array([1.0, 2.0, 3.0])) is None


def test_default_window_contains_start_and_optimum():
    x0, x1, y0, y1 = default_window(np.zeros(2), 0, 1, np.array([3.0, 2.0]))
    assert x0 < 0 < 3 < x1 and y0 < 0 < 2 < y1


# --- the window's surface: a preview at once, the exact surface off the GUI thread ----------

def _tracked(n_rows, model="logistic"):
    from gdsim.core.presets import large_synthetic
    from gdsim.core.surface_tracker import SurfaceTracker
    from gdsim.core.training import TrainingConfig, TrainingRun

    run = TrainingRun(large_synthetic(n_rows, model=model), TrainingConfig(model=model, epochs=1))
    tracker = SurfaceTracker()
    tracker.set_run(run)
    return run, tracker


def test_small_direct_surfaces_are_exact_at_once():
    _, tracker = _tracked(40)
    surface = tracker.surface()
    assert not surface.preview and surface.values.shape == (128, 128)
    assert tracker.take_job() is None


def test_big_direct_surface_previews_then_accepts_the_exact_one():
    from gdsim.core.surface_tracker import PREVIEW_ELEMENTS

    run, tracker = _tracked(5_000)
    preview = tracker.surface()
    assert preview.preview
    side = preview.values.shape[0]
    assert side < 128 and side * side * 5_000 > PREVIEW_ELEMENTS // 2  # cheap, not degenerate
    job = tracker.take_job()
    assert job is not None and tracker.take_job() is None  # handed out once
    exact = job.compute()
    brute = loss_surface(run.problem, run.X, run.y, run.params, 0, 1, job.xs, job.ys)
    np.testing.assert_array_equal(exact.values, brute.values)
    assert not exact.preview
    # the preview estimates the exact values on its own grid (rows are sampled)
    on_grid = loss_surface(run.problem, run.X, run.y, run.params, 0, 1, preview.xs, preview.ys).values
    assert np.max(np.abs(preview.values - on_grid) / on_grid) < 0.2
    assert tracker.accept(job, exact) and tracker.surface() is exact


def test_a_stale_exact_surface_is_refused():
    run, tracker = _tracked(5_000)
    tracker.surface()
    job = tracker.take_job()
    tracker.set_axes(0, 2)  # the user picked other axes meanwhile
    tracker.surface()
    assert not tracker.accept(job, job.compute())
    assert tracker.surface().preview


def test_an_exact_surface_can_be_cancelled():
    _, tracker = _tracked(5_000)
    tracker.surface()
    job = tracker.take_job()
    assert job.compute(should_stop=lambda: True) is None


def test_the_window_grows_to_include_other_paths_within_its_limit():
    """A race's paths (not the window's own run) can leave the surface: include() grows it."""
    from gdsim.core.presets import load_preset
    from gdsim.core.surface_tracker import MAX_GROWTH, SurfaceTracker
    from gdsim.core.training import TrainingConfig, TrainingRun

    tracker = SurfaceTracker()
    tracker.set_run(TrainingRun(load_preset("lecture-2x"), TrainingConfig()))
    x0, x1, y0, y1 = tracker.window
    inside = np.array([[x0 + 0.1 * (x1 - x0), y0 + 0.1 * (y1 - y0)], [x1 - 0.1 * (x1 - x0), y1]])
    inside[1, 1] = y1 - 0.1 * (y1 - y0)
    assert tracker.include(inside) is False  # well inside: no growth
    far = np.array([[x1 + 2 * (x1 - x0), y0], [np.nan, np.inf]])
    assert tracker.include(far) is True
    a0, a1, b0, b1 = tracker.window
    assert a0 <= far[0, 0] <= a1 and b0 <= y0 <= b1
    assert tracker.surface() is not None
    tracker.include(np.array([[1e12, -1e12]]))  # a diverged path: bounded growth
    a0, a1, b0, b1 = tracker.window
    assert a1 - a0 <= MAX_GROWTH * (x1 - x0) * 1.0001


def test_a_table_wider_than_it_is_long_gets_its_surface_without_the_quadratic_matrix(monkeypatch):
    """A 10,000-column CSV built A = ZᵀZ, 10001 × 10001 (800 MB, 7 s of the window's import),
    in the run, the surface and the animation; the surface now comes from the rows, the same
    values as the matrix would give."""
    from gdsim.core.dataset import Dataset
    from gdsim.core.surface_tracker import SurfaceTracker
    from gdsim.core.training import TrainingConfig, TrainingRun

    rng = np.random.default_rng(0)
    d, n = 3000, 5
    X = rng.normal(size=(n, d))
    y = rng.normal(size=n)
    dataset = Dataset(tuple(f"x{k}" for k in range(d)) + ("y",), np.column_stack([X, y]), "y")
    built = []
    original = QuadraticStats.from_data.__func__
    monkeypatch.setattr(QuadraticStats, "from_data",
                        classmethod(lambda cls, X_, y_: built.append(X_.shape) or original(cls, X_, y_)))
    run = TrainingRun(dataset, TrainingConfig())
    assert run.quadratic_stats is None
    tracker = SurfaceTracker()
    tracker.set_run(run)
    surface = tracker.surface(force=True)
    assert built == []
    assert surface is not None and np.isfinite(surface.values).all()
    theta = np.zeros(d + 1)
    i, j = surface.i, surface.j
    a, b = surface.xs[3], surface.ys[5]
    theta[i], theta[j] = a, b
    expected = np.mean((X @ theta[:d] + theta[d] - y) ** 2)
    assert surface.values[5, 3] == pytest.approx(expected, rel=1e-10)
    assert QuadraticStats.worth_building(np.zeros((1000, 5))) and not QuadraticStats.worth_building(X)
