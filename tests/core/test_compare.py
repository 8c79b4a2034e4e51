"""Pinned-run records and the distance to the optimum (Qt-free)."""

import numpy as np
import pytest

from gdsim.core.compare import (
    PinnedRun, distance_curve, distance_to_optimum, downsample_indices, loss_curve_x,
    path_in_training_units, pin_label, pin_run, pinned_from_arrays,
)
from gdsim.core.presets import load_preset
from gdsim.core.surface import least_squares_optimum
from gdsim.core.training import TrainingConfig, TrainingRun


def _run(**config):
    run = TrainingRun(load_preset("lecture-3x-plus-2"), TrainingConfig(**config))
    run.advance(30)
    return run


def test_pin_run_copies_the_history_and_is_read_only():
    run = _run(hyper={"lr": 0.01})
    pin = pin_run(run, "pin 1: SGD lr=0.01")
    assert pin.parameter_names == ("w1", "b")
    assert pin.params.shape == (31, 2)
    np.testing.assert_array_equal(pin.iterations, np.arange(31))
    np.testing.assert_array_equal(pin.params, run.history.params)
    np.testing.assert_array_equal(pin.full_loss, run.history.full_loss)
    assert pin.n_iterations == 30
    assert pin.final_loss == pytest.approx(run.current_loss)
    with pytest.raises(ValueError):
        pin.params[0, 0] = 1.0
    run.advance(10)  # the run goes on; the pin does not
    assert pin.params.shape == (31, 2)


def test_pin_run_rows_limits_the_copy():
    run = _run()
    pin = pin_run(run, "p", rows=5)
    assert len(pin.params) == 5 and pin.n_iterations == 4


def test_pinned_run_checks_lengths():
    with pytest.raises(ValueError):
        PinnedRun("x", ("w1", "b"), np.zeros((3, 2)), np.arange(2), np.zeros(3), TrainingConfig())


def test_pin_label_names_optimizer_lr_and_what_differs():
    assert pin_label(1, TrainingConfig(hyper={"lr": 0.01})) == "pin 1: SGD lr=0.01"
    assert pin_label(2, TrainingConfig()) == "pin 2: SGD lr=0.01"  # torch's default lr
    label = pin_label(3, TrainingConfig(optimizer="sgd", hyper={"lr": 0.003, "momentum": 0.9},
                                        batch_size=2))
    assert label == "pin 3: SGD lr=0.003, momentum=0.9, batch 2"
    assert pin_label(4, TrainingConfig(optimizer="adamw", hyper={"lr": 0.1})) == "pin 4: AdamW lr=0.1"


def test_path_in_training_units_follows_standardisation():
    raw = _run(hyper={"lr": 0.01})
    std = _run(hyper={"lr": 0.1}, standardize=True)
    pin_raw = pin_run(raw, "raw")
    pin_std = pin_run(std, "std")
    # same units: unchanged
    np.testing.assert_allclose(path_in_training_units(pin_raw, 2, None), pin_raw.params)
    np.testing.assert_allclose(path_in_training_units(pin_std, 2, std.standardizer), pin_std.params)
    # a standardised pin drawn on a raw surface is mapped to original units, and back
    np.testing.assert_allclose(path_in_training_units(pin_std, 2, None),
                               std.standardizer.params_to_original(pin_std.params))
    np.testing.assert_allclose(path_in_training_units(pin_raw, 2, std.standardizer),
                               std.standardizer.params_from_original(pin_raw.params))
    # another number of parameters: not drawable
    assert path_in_training_units(pin_raw, 3, None) is None


def test_loss_curve_x_rescales_only_for_another_epoch_length_on_the_epoch_axis():
    pin = pinned_from_arrays("p", ("w1", "b"), np.zeros((11, 2)), np.ones(11), TrainingConfig(),
                             iterations_per_epoch=5)
    np.testing.assert_array_equal(loss_curve_x(pin, False, 1), np.arange(11))
    np.testing.assert_array_equal(loss_curve_x(pin, True, 5), np.arange(11))
    # shown on an axis of x / 1: iteration 10 of the pin is its epoch 2
    np.testing.assert_allclose(loss_curve_x(pin, True, 1), np.arange(11) / 5)


def test_distance_to_optimum_is_euclidean_and_falls_for_a_converging_run():
    d = distance_to_optimum(np.array([[3.0, 4.0], [0.0, 0.0], [1.0, 1.0]]), np.array([0.0, 0.0]))
    np.testing.assert_allclose(d, [5.0, 0.0, np.sqrt(2.0)])
    run = _run(hyper={"lr": 0.03}, epochs=500)
    run.run()
    opt = least_squares_optimum(run.X, run.y)
    np.testing.assert_allclose(opt, [3.0, 2.0], atol=1e-9)  # y = 3x + 2 exactly
    d = distance_to_optimum(run.history.params, opt)
    assert d[0] == pytest.approx(np.hypot(3.0, 2.0))
    assert d[-1] < 0.05 * d[0]
    with pytest.raises(ValueError):
        distance_to_optimum(run.history.params, np.zeros(3))


def test_downsample_indices_keeps_ends_and_bounds():
    np.testing.assert_array_equal(downsample_indices(5, 10), np.arange(5))
    idx = downsample_indices(1_000_001, 4000)
    assert len(idx) <= 4000 and idx[0] == 0 and idx[-1] == 1_000_000
    assert np.all(np.diff(idx) > 0)
    assert len(downsample_indices(0)) == 0


def test_distance_curve_is_finite_downsampled_and_positive_on_request():
    n = 100_001
    params = np.column_stack((np.linspace(0, 3, n), np.linspace(0, 2, n)))
    params[0] = np.nan  # a row that cannot be shown
    x, d = distance_curve(np.arange(n), params, np.array([3.0, 2.0]), max_points=1000)
    assert 900 <= len(x) <= 1000 and np.isfinite(d).all() and x[0] > 0
    assert x[-1] == n - 1 and d[-1] == 0.0
    x, d = distance_curve(np.arange(n), params, np.array([3.0, 2.0]), max_points=1000, positive=True)
    assert (d > 0).all() and x[-1] < n - 1
