"""The fit plot's picture of any run (gdsim.core.fit_model): decision regions over the data's
plane, through the feature maps and the standardisation, as the model was trained."""

from __future__ import annotations

import numpy as np

from gdsim.core.feature_maps import map_features
from gdsim.core.fit import fit_picture
from gdsim.core.fit_model import REGION_GRID, run_picture
from gdsim.core.presets import load_preset
from gdsim.core.problem import sigmoid
from gdsim.core.training import TrainingConfig, TrainingRun


def _cell(extent, i, j):
    x0, x1, y0, y1 = extent
    return (x0 + (i + 0.5) * (x1 - x0) / REGION_GRID, y0 + (j + 0.5) * (y1 - y0) / REGION_GRID)


def test_binary_regions_are_the_probability_through_features_and_standardisation():
    run = TrainingRun(load_preset("circles"), TrainingConfig(model="mlp", hidden=(5,), epochs=3,
                                                             features=("x1", "x2", "x1^2", "x2*x1"),
                                                             standardize=True))
    run.run()
    picture = run_picture(run, run.params)
    assert picture.kind == "regions" and picture.extra["probability"]
    values, extent = picture.extra["values"], picture.extra["extent"]
    assert values.shape == (REGION_GRID, REGION_GRID)
    raw = load_preset("circles")
    assert extent[0] < raw.X[:, 0].min() and extent[1] > raw.X[:, 0].max()
    for i, j in ((0, 0), (7, 41), (59, 3)):
        point = np.array([_cell(extent, i, j)])
        x = run.standardizer.transform(map_features(point, run.config.features))
        want = sigmoid(run.problem.outputs(run.params, x)[:, 0])[0]
        assert abs(values[i, j] - want) < 1e-12
    np.testing.assert_array_equal(picture.labels, raw.y)


def test_three_classes_show_the_predicted_class():
    run = TrainingRun(load_preset("spiral3"), TrainingConfig(model="softmax", epochs=5))
    run.run()
    picture = run_picture(run, run.params)
    values = picture.extra["values"]
    assert picture.kind == "regions" and not picture.extra["probability"] and picture.extra["classes"] == 3
    point = np.array([_cell(picture.extra["extent"], 10, 20)])
    assert values[10, 20] == run.problem.predicted_class(run.params, point)[0]


def test_sine_is_the_network_curve_and_a_linear_model_is_unchanged():
    run = TrainingRun(load_preset("sine"), TrainingConfig(model="mlp", epochs=2))
    picture = run_picture(run, run.params)
    xs, ys = picture.curve
    assert picture.kind == "line"
    np.testing.assert_array_equal(ys, run.problem.predict(run.params, xs[:, None]))
    table = load_preset("lecture-3x-plus-2")
    linear = TrainingRun(table, TrainingConfig(epochs=3)).run()
    a, b = run_picture(linear, linear.params), fit_picture(table, linear.problem, linear.params)
    assert a.kind == b.kind == "line"
    np.testing.assert_array_equal(a.curve[1], b.curve[1])


def test_logistic_on_squares_separates_circles_with_regions():
    run = TrainingRun(load_preset("circles"), TrainingConfig(model="logistic", features=("x1^2", "x2^2"),
                                                             optimizer="adam", hyper={"lr": 0.1},
                                                             epochs=300))
    run.run()
    picture = run_picture(run, run.params)
    values = picture.extra["values"]
    middle = REGION_GRID // 2
    assert picture.kind == "regions"
    assert (values[middle, middle] > 0.5) != (values[0, 0] > 0.5)  # inside and outside differ
