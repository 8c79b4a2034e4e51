"""Loss landscapes (gdsim.core.landscape) and `gdsim landscape`."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest

from gdsim.api import prepare
from gdsim.cli import main
from gdsim.core.landscape import filter_normalized, landscape, pca_directions


@pytest.fixture(scope="module")
def spiral_run():
    return prepare(preset="spiral", model="mlp", hidden="8,8", optimizer="adam", lr=0.03, epochs=60).run()


def test_loss_grid_is_the_loss_at_center_plus_a_d1_plus_b_d2(spiral_run):
    run = spiral_run
    for plane in ("pca", "random", "params"):
        result = landscape(run, plane, (3, 40), grid=7)
        for i, j in [(0, 0), (3, 3), (6, 2), (1, 5)]:
            theta = result.center + result.a[i] * result.d1 + result.b[j] * result.d2
            assert result.loss[i, j] == pytest.approx(run.full_loss(theta), rel=1e-12)
        assert result.loss[3, 3] == pytest.approx(run.current_loss, rel=1e-12)  # the center


def test_pca_plane(spiral_run):
    result = landscape(spiral_run, "pca", grid=5)
    basis = np.column_stack([result.d1, result.d2])
    np.testing.assert_allclose(basis.T @ basis, np.eye(2), atol=1e-12)
    np.testing.assert_array_equal(result.center, spiral_run.params)
    np.testing.assert_allclose(result.path[-1], [0.0, 0.0], atol=1e-12)
    assert len(result.path) == spiral_run.iteration + 1
    e1, e2 = result.explained
    assert 0 < e2 <= e1 and e1 + e2 <= 1 + 1e-12
    # d1 is the direction of largest spread: no other unit vector carries more
    D = spiral_run.history.params - result.center
    rng = np.random.default_rng(0)
    for v in rng.normal(size=(20, D.shape[1])):
        v /= np.linalg.norm(v)
        assert np.sum((D @ v) ** 2) <= np.sum((D @ result.d1) ** 2) + 1e-9


def test_pca_of_a_path_in_a_plane_recovers_it():
    rng = np.random.default_rng(1)
    u, v = np.linalg.qr(rng.normal(size=(6, 2)))[0].T
    t = np.linspace(0, 1, 30)
    center = rng.normal(size=6)
    path = center + np.outer(3 * (1 - t), u) + np.outer(np.sin(5 * t) * (1 - t), v)
    d1, d2, explained = pca_directions(path, center)
    basis = np.column_stack([d1, d2])  # the same plane as u, v
    for w in (u, v):
        assert np.linalg.norm(basis.T @ w) == pytest.approx(1.0)
    assert sum(explained) == pytest.approx(1.0)


def test_random_plane_is_filter_normalised(spiral_run):
    result = landscape(spiral_run, "random", grid=3)
    problem = spiral_run.problem
    for d in (result.d1, result.d2):
        for layer in problem.layers:
            rows = d[layer.weight].reshape(layer.n_out, layer.n_in)
            center = result.center[layer.weight].reshape(layer.n_out, layer.n_in)
            np.testing.assert_allclose(np.linalg.norm(rows, axis=1), np.linalg.norm(center, axis=1), rtol=1e-9)
            assert not d[layer.bias].any()
    assert list(result.a) == list(np.linspace(-1, 1, 3))
    again = landscape(spiral_run, "random", grid=3)
    np.testing.assert_array_equal(again.d1, result.d1)  # seeded by the run's seed


def test_filter_normalisation_of_a_linear_model():
    from gdsim.core.problem import Problem

    d = filter_normalized(np.array([3.0, 4.0, 9.0]), np.array([1.0, 0.0, 5.0]), Problem("linear", "mse"))
    np.testing.assert_allclose(d, [0.6, 0.8, 0.0], rtol=1e-9)


def test_params_plane_of_a_linear_model_holds_the_whole_path():
    run = prepare(preset="lecture-3x-plus-2", lr=0.02, epochs=50).run()
    result = landscape(run, "params", (0, 1), grid=11)
    assert result.axes == ("w1", "b")
    np.testing.assert_allclose(result.path, run.history.params - run.params, atol=1e-12)
    # every point of the path lies on the plane, so the surface there is the run's loss
    a, b = result.path[0]
    assert run.full_loss(result.center + a * result.d1 + b * result.d2) == pytest.approx(run.history.full_loss[0])
    assert np.abs(result.path).max() <= result.a[-1]  # the default span covers the path


def test_landscape_of_the_bench_network_is_fast():
    run = prepare(preset="spiral", rows=200, model="mlp", hidden="8,8", activation="tanh", optimizer="adam",
                  lr=0.03, epochs=100).run()
    best = min(_seconds(lambda: landscape(run, "pca", grid=41)) for _ in range(3))
    assert best <= 1.0


def _seconds(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def test_cli_json(capsys):
    assert main(["landscape", "--preset", "xor", "--rows", "40", "--model", "mlp", "--hidden", "4", "--epochs", "20",
                 "--optimizer", "adam", "--lr", "0.05", "--grid", "5", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"center", "d1", "d2", "a", "b", "loss", "path", "explained_variance"} <= set(out)
    assert np.array(out["loss"]).shape == (5, 5) and len(out["path"]) == 21 and out["path"][-1] == [0.0, 0.0]
    assert len(out["center"]) == len(out["d1"]) == len(out["parameter_names"]) == 17


def test_cli_params_by_name_with_a_comma(capsys):
    assert main(["landscape", "--preset", "xor", "--rows", "20", "--model", "mlp", "--hidden", "2", "--epochs", "3",
                 "--plane", "params", "--params", "0.weight[1,0],2.bias[0]", "--span", "2", "--grid", "3",
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["params"] == ["0.weight[1,0]", "2.bias[0]"] and out["a"] == [-2.0, 0.0, 2.0]
    assert out["d1"][2] == 1.0 and out["d2"][-1] == 1.0


def test_cli_text(capsys):
    assert main(["landscape", "--preset", "lecture-2x", "--epochs", "10", "--lr", "0.01", "--grid", "3"]) == 0
    out = capsys.readouterr().out
    assert "explained variance of the path" in out and "grid: 3×3 points" in out


@pytest.mark.parametrize("argv,message", [
    (["--grid", "1"], "Invalid grid: 1"),
    (["--grid", "500"], "Invalid grid: 500"),
    (["--span", "-1"], "Invalid span: -1"),
    (["--params", "0,1"], "--params applies to --plane params"),
    (["--plane", "params", "--params", "0,0"], "must differ"),
    (["--plane", "params", "--params", "w1,w9"], "There is no parameter 'w9'"),
    (["--plane", "params", "--params", "0,7"], "There is no parameter 7"),
    (["--plane", "params", "--params", "0"], "Invalid --params"),
    (["--plane", "random", "--epochs", "1", "--lr", "0"], "train first or use --plane pca"),
    (["--function", "bowl"], "A landscape needs a dataset"),
])
def test_cli_errors(capsys, argv, message):
    assert main(["landscape", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.count("\n") == 1
