"""Training runs: batching, history, status, and agreement with torch loops."""

import sys
from pathlib import Path

import numpy as np
import pytest

from gdsim.core.batching import BatchSampler, descent_mode, iterations_per_epoch
from gdsim.core.presets import load_preset
from gdsim.core.training import TrainingConfig, TrainingRun, advance_for

sys.path.insert(0, str(Path(__file__).parent))
from run_cases import RUN_CASES  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = np.load(ROOT / "tests" / "data" / "torch_runs.npz")

try:
    sys.path.insert(0, str(ROOT / "scripts"))
    from torch_runs import torch_run

    HAVE_TORCH = True
except ImportError:
    HAVE_TORCH = False


def gdsim_run(preset, options):
    cfg = TrainingConfig(shuffle=False, **options)
    return TrainingRun(load_preset(preset), cfg).run()


@pytest.mark.parametrize("case_id,preset,options", RUN_CASES, ids=[c[0] for c in RUN_CASES])
def test_run_matches_stored_torch_trajectory(case_id, preset, options):
    run = gdsim_run(preset, options)
    expected = REFERENCE[case_id]
    assert len(run.history) == len(expected) >= 101
    np.testing.assert_allclose(run.history.params, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.skipif(not HAVE_TORCH, reason="torch not installed")
@pytest.mark.parametrize("case_id,preset,options", RUN_CASES, ids=[c[0] for c in RUN_CASES])
def test_run_matches_live_torch(case_id, preset, options):
    run = gdsim_run(preset, options)
    dataset = load_preset(preset)
    opts = {k: v for k, v in options.items() if k != "model"}
    opts.setdefault("loss", "bce" if options["model"] == "logistic" else "mse")
    expected = torch_run(dataset.X, dataset.y, options["model"], **opts)
    np.testing.assert_allclose(run.history.params, expected, rtol=1e-10, atol=1e-12)


def test_lecture_iteration_counts():
    assert iterations_per_epoch(10_000, 500) == 20
    assert iterations_per_epoch(11, 4) == 3
    assert iterations_per_epoch(11, 4, drop_last=True) == 2
    assert descent_mode(11, 11) == "batch"
    assert descent_mode(1, 11) == "stochastic"
    assert descent_mode(4, 11) == "mini-batch"


def test_sampler_visits_every_row_once_per_epoch_and_partial_last_batch():
    sampler = BatchSampler(11, 4, shuffle=True, seed=5)
    sampler.start_epoch()
    batches = [np.asarray(sampler.batch(k)) for k in range(sampler.iterations_per_epoch)]
    assert [len(b) for b in batches] == [4, 4, 3]
    assert sorted(np.concatenate(batches)) == list(range(11))


def test_same_seed_same_run_bit_for_bit_and_other_seed_differs():
    cfg = TrainingConfig(model="logistic", optimizer="adam", batch_size=3, epochs=30, seed=7)
    a = TrainingRun(load_preset("insurance"), cfg).run()
    b = TrainingRun(load_preset("insurance"), cfg).run()
    c = TrainingRun(load_preset("insurance"), cfg.replace(seed=8)).run()
    assert np.array_equal(a.history.params, b.history.params)
    assert not np.array_equal(a.history.params, c.history.params)


def test_history_rows_and_full_loss():
    run = TrainingRun(load_preset("lecture-3x-plus-2"), TrainingConfig(epochs=5)).run()
    h = run.history
    assert len(h) == 6
    assert list(h.epoch) == [0, 1, 2, 3, 4, 5]
    assert np.isnan(h.batch_loss[0]) and np.isfinite(h.full_loss).all()
    X, y = run.X, run.y
    for k in range(6):
        assert h.full_loss[k] == pytest.approx(np.mean((X @ h.params[k, :-1] + h.params[k, -1] - y) ** 2), rel=1e-12)
    # full batch: the batch loss of update k is the full loss at the parameters before it
    np.testing.assert_array_equal(h.batch_loss[1:], h.full_loss[:-1])
    # first update of the lecture-style rule: w = 0 - 0.01 * dL/dw
    g = -2 * np.mean(X[:, 0] * y), -2 * np.mean(y)
    np.testing.assert_allclose(h.params[1], [-0.01 * g[0], -0.01 * g[1]], rtol=1e-12)


def test_linear_mse_converges_to_lstsq_optimum():
    cfg = TrainingConfig(optimizer="adam", hyper={"lr": 0.1}, epochs=3000, tolerance=1e-9)
    run = TrainingRun(load_preset("lecture-3x-plus-2"), cfg).run()
    assert run.status == "converged"
    np.testing.assert_allclose(run.params, [3.0, 2.0], atol=1e-6)


def test_divergence_stops_with_message_and_finite_history():
    cfg = TrainingConfig(hyper={"lr": 10.0}, epochs=1000)
    run = TrainingRun(load_preset("lecture-3x-plus-2"), cfg).run()
    assert run.status == "diverged"
    assert run.iteration < 1000
    assert f"iteration {run.iteration + 1}" in run.message or f"iteration {run.iteration}" in run.message
    assert "smaller learning rate" in run.message
    assert np.isfinite(run.params).all()
    assert np.isfinite(run.history.params).all()
    full = run.history.full_loss
    assert not np.isinf(full).any()


def test_adam_at_lr_100_diverges_or_stays_finite():
    cfg = TrainingConfig(optimizer="adam", hyper={"lr": 100.0}, epochs=500)
    run = TrainingRun(load_preset("lecture-3x-plus-2"), cfg).run()
    assert np.isfinite(run.history.params).all()
    assert not np.isinf(run.history.full_loss).any()


def test_minibatch_full_loss_at_every_iteration_when_cheap():
    cfg = TrainingConfig(model="logistic", batch_size=4, epochs=3)
    run = TrainingRun(load_preset("insurance"), cfg).run()
    assert len(run.history) == 10
    assert np.isfinite(run.history.full_loss).all()


def test_hyperparameter_change_takes_effect_next_iteration():
    run = TrainingRun(load_preset("lecture-3x-plus-2"), TrainingConfig(epochs=10))
    run.advance(3)
    run.set_hyper(lr=0.0)
    before = run.params.copy()
    run.advance(1)
    np.testing.assert_array_equal(run.params, before)
    assert run.history.lr[-1] == 0.0


def test_snapshot_is_immutable_copy():
    run = TrainingRun(load_preset("insurance"), TrainingConfig(model="logistic", batch_size=4, epochs=2))
    snap = run.step()
    assert (snap.epoch, snap.iteration_in_epoch, snap.iteration) == (1, 1, 1)
    assert snap.iterations_per_epoch == 3 and snap.total_iterations == 6
    with pytest.raises(ValueError):
        snap.params[0] = 5.0
    run.advance(2)
    snap = run.snapshot()
    assert (snap.epoch, snap.iteration_in_epoch) == (1, 3)
    assert list(run) and run.status == "finished"


@pytest.mark.parametrize("changes,match", [
    (dict(epochs=0), "epochs"),
    (dict(batch_size=0), "batch size"),
    (dict(batch_size=12), "batch size"),
    (dict(hyper={"lr": -1.0}), "Invalid learning rate: -1.0"),
    (dict(init=(1.0,)), "Initial parameters"),
])
def test_invalid_config_is_refused(changes, match):
    with pytest.raises(ValueError, match=match):
        TrainingRun(load_preset("insurance"), TrainingConfig(model="logistic").replace(**changes))


def test_logistic_needs_binary_target():
    with pytest.raises(ValueError, match="0 or 1"):
        TrainingRun(load_preset("lecture-2x"), TrainingConfig(model="logistic"))


def test_standardized_parameters_map_back_to_original_units():
    cfg = TrainingConfig(optimizer="adam", hyper={"lr": 0.1}, epochs=4000, standardize=True)
    run = TrainingRun(load_preset("lecture-3x-plus-2"), cfg).run()
    np.testing.assert_allclose(run.params_original, [3.0, 2.0], atol=1e-6)


# --- short tables: the engine's row-by-row float path against numpy columns --------------------
SHORT_TABLE_CASES = [
    ("insurance", dict(model="logistic", optimizer="adam", hyper={"lr": 0.05})),
    ("insurance", dict(model="logistic", loss="mse", reduction="sum", optimizer="rmsprop",
                       hyper={"lr": 0.01, "centered": True, "momentum": 0.5}, batch_size=4)),
    ("lecture-3x-plus-2", dict(model="linear", optimizer="sgd", hyper={"lr": 0.01, "momentum": 0.9, "nesterov": True})),
    ("lecture-half-x-minus-2.5", dict(model="linear", loss="mae", optimizer="adamw", batch_size=2)),
    ("lecture-3x", dict(model="linear", optimizer="nadam", hyper={"lr": 0.1, "weight_decay": 0.01}, standardize=True)),
]


@pytest.mark.parametrize("preset,options", SHORT_TABLE_CASES, ids=[c[1]["optimizer"] for c in SHORT_TABLE_CASES])
def test_short_table_run_equals_a_numpy_columns_loop(preset, options):
    """A table of at most SHORT_ROWS rows trains on floats; a plain loop on numpy columns
    (the evaluation of long batches) with the same optimizer follows the same path to rounding."""
    from gdsim.core.optim import make_optimizer
    from gdsim.core.problem import SHORT_ROWS

    run = TrainingRun(load_preset(preset), TrainingConfig(shuffle=False, epochs=60, **options))
    assert run.dataset.n_rows <= SHORT_ROWS and run._short_table is not None
    run.run()
    problem, opt = run.problem, make_optimizer(run.config.optimizer, **run.config.hyper)
    theta = np.zeros(run.X.shape[1] + 1)
    state = opt.init(theta)
    expected = [theta]
    for epoch in range(run.epochs):
        for k in range(run.iterations_per_epoch):
            rows = slice(k * run.batch_size, (k + 1) * run.batch_size)
            _, grad = problem._columns_loss_and_grad(theta, run.X[rows], run.y[rows])
            new, state = opt.update(grad, state, theta, opt.lr)
            theta = np.array(new)
            expected.append(theta)
    assert len(run.history) == len(expected) > 60
    np.testing.assert_allclose(run.history.params, expected, rtol=1e-11, atol=1e-13)
    assert np.max(np.abs(expected[-1] - expected[0])) > 0.05  # it went somewhere


def test_huge_but_finite_gradient_is_not_divergence():
    """‖∇L‖ overflows while every component is finite: the step goes ahead (as with numpy's check)."""
    from gdsim.core.functions import ClassicFunction, FunctionRun

    steep = ClassicFunction("steep", "steep", "f = 0", lambda x, y: 0.0 * x, lambda x, y: (1.5e308, -1.5e308),
                            (), (0.0, 0.0), (-1.0, 1.0, -1.0, 1.0))
    run = FunctionRun(steep, TrainingConfig(optimizer="sgd", hyper={"lr": 0.0}, epochs=3))
    run.run()
    assert run.status == "finished" and run.iteration == 3
    assert np.isinf(run.history.grad_norm[1:]).all() and np.isfinite(run.history.grad[1:]).all()


class _Clock:
    """A fake clock: every step of ``run`` moves it by ``step_seconds``; counts its readings."""

    def __init__(self, run: TrainingRun, step_seconds: float) -> None:
        self.run, self.step_seconds, self.readings = run, step_seconds, []

    def __call__(self) -> float:
        self.readings.append(self.run.iteration)
        return self.run.iteration * self.step_seconds


@pytest.mark.parametrize("step_seconds, expected_steps, most_between_readings", [
    (1e-5, 2_000, 64),  # cheap steps: the clock is read every 64 steps at most
    (0.004, 5, 1),  # a million rows, full batch: read after every step, the slice ends on time
])
def test_advance_for_reads_the_clock_every_few_steps_and_ends_on_time(step_seconds, expected_steps,
                                                                       most_between_readings):
    run = TrainingRun(load_preset("insurance"), TrainingConfig(model="logistic", epochs=10**6))
    twin = TrainingRun(load_preset("insurance"), TrainingConfig(model="logistic", epochs=10**6))
    clock = _Clock(run, step_seconds)
    done = advance_for(run, 0.02, clock=clock)
    assert done == run.iteration
    assert expected_steps <= done <= expected_steps + most_between_readings
    gaps = np.diff(clock.readings)
    assert gaps.max() <= most_between_readings and gaps[0] == 1  # the first reading after one step
    twin.advance(done)  # the same steps as advance
    np.testing.assert_array_equal(run.history.params, twin.history.params)


def test_advance_for_takes_one_step_past_the_deadline_and_none_once_over():
    run = TrainingRun(load_preset("insurance"), TrainingConfig(model="logistic", epochs=3))
    assert advance_for(run, 0.0) == 1
    assert advance_for(run, 60.0) == 2 and run.done
    assert advance_for(run, 60.0) == 0
