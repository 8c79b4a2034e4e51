"""Learning-rate sweep and range test (gdsim.core.sweep), Qt-free."""

import math

import numpy as np
import pytest

import gdsim
from gdsim.core.presets import load_preset
from gdsim.core.sweep import (
    DEFAULT_TOLERANCE, LrRangeTest, LrSweep, SweepError, divergence_boundary, log_space, parse_lrs,
    range_lrs, stability_limit,
)
from gdsim.core.training import TrainingConfig, TrainingRun


def lecture():
    return load_preset("lecture-3x-plus-2")


def test_log_space_and_parse():
    lrs = parse_lrs("1e-4:1:5")
    assert lrs == log_space(1e-4, 1.0, 5)
    assert lrs[0] == 1e-4 and lrs[-1] == 1.0
    assert np.allclose(lrs, [1e-4, 1e-3, 1e-2, 1e-1, 1.0], rtol=1e-12)
    assert parse_lrs("0.01, 0.1,0.5") == (0.01, 0.1, 0.5)
    for bad in ("1:2", "a,b", "0:1:3", "1e-3:1:0", "-1,0.1", "", "1:1:3"):
        with pytest.raises(SweepError):
            parse_lrs(bad)


@pytest.mark.parametrize("preset, options", [
    ("lecture-3x-plus-2", dict(optimizer="sgd", epochs=60)),
    ("insurance", dict(model="logistic", optimizer="adam", batch_size=4, epochs=30, seed=3, standardize=True)),
    ("noisy-line", dict(optimizer="sgd", momentum=0.9, batch_size=8, epochs=10, schedule="step",
                        step_size=3, gamma=0.5)),
])
def test_sweep_results_equal_separate_train_runs(preset, options):
    from gdsim.core.options import build_config

    dataset = load_preset(preset)
    config = build_config(**options)
    lrs = log_space(1e-3, 3.0, 7)
    sweep = LrSweep(dataset, config, lrs)
    while not sweep.done:  # small slices, as the worker thread drives it
        assert sweep.advance(37) > 0
    assert [p.lr for p in sweep.points] == list(lrs)
    statuses = set()
    for point in sweep.points:
        result = gdsim.train(preset=preset, lr=point.lr, **options)
        statuses.add(result.status)
        assert point.status == result.status
        assert point.iterations == result.iterations
        assert point.params == tuple(float(v) for v in result.params)
        assert point.loss == result.loss or (math.isnan(point.loss) and math.isnan(result.loss))
    snap = sweep.snapshot()
    assert snap.status == "finished" and snap.progress == 1.0 and snap.current_lr is None
    if preset == "lecture-3x-plus-2":
        assert statuses == {"finished", "diverged"}  # the grid crosses the stability limit


def test_iterations_metric_counts_iterations_to_tolerance():
    dataset = lecture()
    config = TrainingConfig(epochs=3000)
    sweep = LrSweep(dataset, config, [0.005, 0.02, 0.05, 0.2], metric="iterations").run()
    assert sweep.config.tolerance == DEFAULT_TOLERANCE
    by_lr = {p.lr: p for p in sweep.points}
    for lr in (0.02, 0.05):
        run = TrainingRun(dataset, config.replace(tolerance=DEFAULT_TOLERANCE).with_hyper(lr=lr)).run()
        assert run.status == "converged"
        assert by_lr[lr].iterations == run.iteration
        assert by_lr[lr].value("iterations") == run.iteration
    # larger steps converge faster below the limit; the 0.2 run diverges and has no value
    assert by_lr[0.05].iterations < by_lr[0.02].iterations
    assert math.isnan(by_lr[0.2].value("iterations")) and by_lr[0.2].diverged
    assert math.isnan(by_lr[0.2].value("loss"))


def _hessian_limit(dataset, reduction, standardize):
    X = dataset.X
    if standardize:
        X = (X - X.mean(axis=0)) / X.std(axis=0)
    Z = np.column_stack([X, np.ones(len(X))])
    H = 2 * Z.T @ Z / (len(X) if reduction == "mean" else 1)
    return 2 / np.linalg.eigvalsh(H)[-1]


@pytest.mark.parametrize("preset, reduction, standardize", [
    ("lecture-3x-plus-2", "mean", False),
    ("lecture-3x-plus-2", "sum", False),
    ("noisy-line", "mean", False),
    ("noisy-line", "mean", True),
])
def test_divergence_boundary_brackets_two_over_lambda_max(preset, reduction, standardize):
    dataset = load_preset(preset)
    config = TrainingConfig(reduction=reduction, standardize=standardize, epochs=3000)
    limit = stability_limit(dataset, config)
    assert limit == pytest.approx(_hessian_limit(dataset, reduction, standardize), rel=1e-9)
    # a coarse log grid over four decades (not hitting the limit), plus two points hugging it
    lrs = sorted(log_space(limit / 100, limit * 100, 16) + (limit * 0.99, limit * 1.01))
    sweep = LrSweep(dataset, config, lrs).run()
    assert sweep.limit == limit
    diverged = [p.diverged for p in sweep.points]
    first = diverged.index(True)
    assert not any(diverged[:first]) and all(diverged[first:])  # monotone
    stable, unstable = sweep.boundary()
    assert stable < limit < unstable
    assert stable == pytest.approx(limit * 0.99) and unstable == pytest.approx(limit * 1.01)
    # below the limit plain GD only goes down
    for p in sweep.points[:first]:
        assert p.loss < p.initial_loss


def test_no_limit_without_linear_mse():
    dataset = load_preset("insurance")
    assert stability_limit(dataset, TrainingConfig(model="logistic")) is None
    assert stability_limit(dataset, TrainingConfig(model="linear", loss="mae")) is None
    assert LrSweep(dataset, TrainingConfig(model="logistic"), [0.1]).limit is None


def test_divergence_boundary_helper():
    assert divergence_boundary([]) == (None, None)


def test_cancel_stops_between_iterations():
    sweep = LrSweep(lecture(), TrainingConfig(epochs=500), log_space(1e-3, 1e-1, 10))
    done = 0
    while done < 1200:  # advance may return early (time slices); never overshoots
        done += sweep.advance(1200 - done)
    assert len(sweep.points) == 2
    snap = sweep.snapshot()
    assert snap.status == "running" and snap.iterations_done == 1200 and snap.iterations_total == 5000
    assert snap.current_lr == sweep.lrs[2]
    sweep.cancel()
    assert sweep.done and sweep.advance(100) == 0
    snap = sweep.snapshot()
    assert snap.status == "cancelled" and len(snap.points) == 2


def test_bad_settings_are_refused():
    with pytest.raises(ValueError):
        LrSweep(lecture(), TrainingConfig(batch_size=99), [0.1])
    with pytest.raises(SweepError):
        LrSweep(lecture(), TrainingConfig(), [0.1], metric="accuracy")
    with pytest.raises(SweepError):
        LrRangeTest(lecture(), TrainingConfig(), lr_min=1.0, lr_max=0.1)
    with pytest.raises(SweepError):
        LrRangeTest(lecture(), TrainingConfig(), iterations=1)


# --------------------------------------------------------------------------- range test


def test_range_test_lr_sequence_is_exact():
    dataset = load_preset("noisy-line")
    config = TrainingConfig(optimizer="sgd", batch_size=7, epochs=1, schedule="step",
                            schedule_params={"step_size": 1, "gamma": 0.1})
    test = LrRangeTest(dataset, config, lr_min=1e-6, lr_max=1e-3, iterations=50, stop_factor=None)
    while not test.done:
        test.advance(3)
    snap = test.snapshot()
    assert snap.status == "finished" and len(snap.lrs) == 50 and snap.progress == 1.0
    expected = [1e-6 * 1000.0 ** (k / 49) for k in range(50)]
    assert np.allclose(snap.lrs, expected, rtol=1e-13, atol=0)
    assert snap.lrs[0] == 1e-6 and snap.lrs[-1] == pytest.approx(1e-3, rel=1e-14)
    assert np.array_equal(range_lrs(1e-6, 1e-3, 50), snap.lrs)
    # the run itself used exactly these learning rates, one per iteration, across epochs
    run = test.run
    assert run.iteration == 50 and run.iterations_per_epoch < 50
    assert np.array_equal(run.history.lr[1:51], snap.lrs)
    # the recorded loss is the full-dataset loss after each step
    for k in (0, 17, 49):
        theta = run.history.params[k + 1]
        assert snap.losses[k] == pytest.approx(run.full_loss(theta), rel=1e-12)


def test_range_test_stops_early_when_loss_exceeds_four_times_best():
    test = LrRangeTest(lecture(), TrainingConfig(), lr_min=1e-5, lr_max=10.0, iterations=200).run_all()
    snap = test.snapshot()
    assert snap.status == "stopped"
    n = len(snap.losses)
    assert 10 < n < 200
    best_before = np.minimum.accumulate(np.concatenate([[snap.initial_loss], snap.losses[:-1]]))
    assert snap.losses[-1] > 4 * best_before[-1]
    assert np.all(snap.losses[:-1] <= 4 * best_before[:-1])
    # it stopped around the stability limit, not before the loss fell
    limit = stability_limit(lecture(), TrainingConfig())
    assert limit / 3 < snap.lrs[-1] < limit * 10
    assert snap.losses.min() < snap.initial_loss / 100
    assert snap.best_lr < snap.lrs[-1]
    assert 1e-5 < snap.suggested_lr < snap.best_lr


def test_range_test_cancel():
    test = LrRangeTest(lecture(), TrainingConfig(), iterations=100)
    while len(test.snapshot().lrs) < 10:
        test.advance(10 - len(test.snapshot().lrs))
    test.cancel()
    assert test.done and test.advance(5) == 0
    assert test.snapshot().status == "cancelled" and len(test.snapshot().lrs) == 10
