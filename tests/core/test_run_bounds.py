"""Bounds on runs (gdsim.core.limits) everywhere, bounded history, and one-line errors instead of tracebacks."""

from __future__ import annotations

import numpy as np
import pytest

import gdsim.api
from gdsim import cli
from gdsim.api import train
from gdsim.core import limits
from gdsim.core.dataset import Dataset
from gdsim.core.functions import FunctionRun, make_function
from gdsim.core.history import History
from gdsim.core.optim import OPTIMIZERS, hyperparams
from gdsim.core.presets import load_preset
from gdsim.core.standardize import Standardizer
from gdsim.core.sweep import SweepError, parse_lrs
from gdsim.core.training import TrainingConfig, TrainingRun


def one_line(capsys, *argv: str) -> str:
    assert cli.main(list(argv)) == cli.USAGE_ERROR
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("gdsim: error: "), err
    return err


@pytest.mark.parametrize("argv,words", [
    (["train", "--epochs", "100000000"], "--epochs: 100000000 (choose 1 to 1,000,000)"),
    (["train", "--epochs", "0"], "--epochs: 0"),
    (["train", "--function", "beale", "--epochs", "3000000000"], "--epochs"),
    (["train", "--seed", "-1"], "--seed: -1"),
    (["train", "--seed", "4294967296"], "--seed"),
    (["train", "--init", "1e200,1e200"], "--init: 1e+200"),
    (["train", "--function", "beale", "--init", "1e200,1e200"], "--init: 1e+200"),
    (["train", "--function", "beale", "--init", "1e309,0"], "--init"),
    (["train", "--schedule", "cosine", "--t-max", "0"], "--t-max: 0"),
    (["train", "--schedule", "cosine", "--t-max", "3000000000"], "--t-max"),
    (["train", "--schedule", "step", "--step-size", "0"], "--step-size: 0"),
    (["train", "--schedule", "step", "--gamma", "0.5"], "needs --step-size"),
    (["train", "--schedule", "step", "--step-size", "2", "--gamma", "-1"], "--gamma must be"),
    (["race", "--preset", "insurance", "--epochs", "2000000", "--optimizer", "sgd", "adam"], "--epochs"),
    (["sweep", "--lrs", "1e-4:1:10000000"], "Too many learning rates: 10,000,000"),
    (["sweep", "--lrs", "1e-4:1:" + "9" * 30], "Too many learning rates"),
    (["sweep", "--function", "beale", "--lrs", "0.1,1"], "`gdsim sweep` works on data"),
    (["animate", "--function", "beale", "--out", "x.gif"], "`gdsim animate` works on data"),
    (["train", "--preset", ""], "--preset needs a name"),
    (["train", "--data", ""], "--data needs a name"),
    (["train", "--history", ""], "--history needs a file name"),
    (["train", "--history", " "], "--history needs a file name"),
], ids=lambda v: " ".join(v) if isinstance(v, list) else None)
def test_out_of_bounds_options_are_one_line_naming_the_option(argv, words, capsys):
    assert words in one_line(capsys, *argv)


def test_schedule_errors_never_use_torchs_internal_names(capsys):
    for argv in (["--schedule", "cosine", "--t-max", "0"], ["--schedule", "step", "--gamma", "0.5"],
                 ["--schedule", "step", "--step-size", "0"]):
        err = one_line(capsys, "train", *argv)
        assert "T_max" not in err and "step_size" not in err and "eta_min" not in err


def test_the_api_has_the_same_bounds():
    with pytest.raises(ValueError, match="--epochs"):
        train(preset="lecture-3x-plus-2", epochs=10**8)
    with pytest.raises(ValueError, match="--seed"):
        train(preset="lecture-3x-plus-2", seed=-1)
    with pytest.raises(ValueError, match="--epochs"):
        TrainingRun(load_preset("lecture-3x-plus-2"), TrainingConfig(epochs=limits.MAX_EPOCHS + 1))
    run = TrainingRun(load_preset("lecture-3x-plus-2"), TrainingConfig(epochs=5))
    with pytest.raises(ValueError, match="--epochs"):
        run.set_epochs(10**9)


def test_a_sweep_count_past_the_bound_is_refused_before_any_array_is_made():
    with pytest.raises(SweepError, match="at most 1,000"):
        parse_lrs("1e-4:1:" + "1" * 25)
    with pytest.raises(SweepError, match="at most 1,000"):
        parse_lrs(",".join(["0.1"] * 1001))
    assert len(parse_lrs("1e-4:1:1000")) == 1000


def test_the_input_data_cannot_be_the_history(tmp_path, capsys):
    data = tmp_path / "mydata.csv"
    data.write_text("x,y\n1,2\n2,4\n3,7\n")
    link = tmp_path / "link.csv"
    link.symlink_to(data)
    for history in (data, link, tmp_path / "." / "mydata.csv"):
        err = one_line(capsys, "train", "--data", str(data), "--history", str(history))
        assert "is the input data file" in err
    assert data.read_text() == "x,y\n1,2\n2,4\n3,7\n"


# --- bounded history --------------------------------------------------------------------------
@pytest.mark.parametrize("max_rows", [4, 5, 8, 33])
@pytest.mark.parametrize("steps", [1, 3, 7, 64, 1000])
def test_a_bounded_history_keeps_spaced_rows_and_the_latest(max_rows, steps):
    h = History(1, max_rows=max_rows)
    for i in range(steps + 1):
        h.append(0, 0.1, 0.0, np.array([float(i)]), np.zeros(1), 0.0)
        h.set_full_loss(i, float(i))
        its = h.iteration
        assert len(h) <= max_rows and h.last_iteration == i
        assert its[0] == 0 and its[-1] == i and (np.diff(its) > 0).all()
        assert (h.params[:, 0] == its).all() and (h.full_loss == its).all()
    assert h.thinned == (steps + 1 > max_rows)


@pytest.mark.parametrize("max_rows", [4, 7, 64])
@pytest.mark.parametrize("chunks", [[1] * 50, [3, 100, 1, 7, 300], [1000]])
def test_a_bounded_history_extended_by_slices_keeps_true_iterations(max_rows, chunks):
    """The window's child process hands rows over in slices (History.extend)."""
    h = History(1, max_rows=max_rows)
    h.append(0, 0.1, 0.0, np.zeros(1), np.zeros(1), 0.0, 0.0)
    done = 0
    for m in chunks:
        its = np.arange(done + 1, done + 1 + m, dtype=float)
        h.extend({"epoch": np.zeros(m, np.int32), "lr": np.full(m, 0.1), "batch_loss": its,
                  "full_loss": its, "params": its[:, None], "grad": np.zeros((m, 1)),
                  "grad_norm": np.zeros(m)})
        done += m
        assert len(h) <= max_rows and h.iteration[-1] == done == h.last_iteration
        assert (h.params[:, 0] == h.iteration).all() and (h.full_loss == h.iteration).all()
        assert (np.diff(h.iteration) > 0).all() and h.iteration[0] == 0


def test_thinning_never_rewrites_rows_another_thread_holds():
    """Frames hand the GUI read-only views: thinning and appending must leave them as they were."""
    h = History(1, max_rows=8)
    held = []
    for i in range(100):
        h.append(0, 0.1, float(i), np.array([float(i)]), np.zeros(1), 0.0, float(i))
        held.append((h.iteration, h.params, h.full_loss, h.iteration.copy(), h.params.copy()))
    for its, params, full, its0, params0 in held:
        assert np.array_equal(its, its0) and np.array_equal(params, params0)
        assert np.array_equal(params[:, 0], its) and np.array_equal(full, its)


def test_a_long_headless_run_keeps_bounded_memory_and_the_same_result(monkeypatch):
    options = dict(preset="lecture-3x-plus-2", optimizer="sgd", lr=0.001, epochs=5000)
    whole = train(**options)
    monkeypatch.setattr(gdsim.api, "HISTORY_BYTES", 100 * History(2).row_bytes)
    thin = train(**options)
    assert len(thin.history) <= 100 and len(whole.history) == 5001
    assert np.array_equal(thin.params, whole.params) and thin.loss == whole.loss
    its = thin.history.iteration
    assert its[-1] == 5000
    assert np.array_equal(thin.history.params, whole.history.params[its])
    assert np.array_equal(thin.history.full_loss, whole.history.full_loss[its])


def test_the_default_history_bound_is_a_quarter_gigabyte():
    run = gdsim.api.prepare(preset="lecture-3x-plus-2", epochs=limits.MAX_EPOCHS)
    run.history.bound(limits.HISTORY_BYTES // run.history.row_bytes)
    assert run.history.max_rows * run.history.row_bytes <= 256 * 2**20


def test_history_csv_numbers_thinned_rows_by_their_iteration(tmp_path):
    h = History(1, max_rows=4)
    for i in range(10):
        h.append(i, 0.1, 0.0, np.array([float(i)]), np.zeros(1), 0.0, float(i))
    h.to_csv(tmp_path / "h.csv", ("w1",))
    rows = [line.split(",") for line in (tmp_path / "h.csv").read_text().splitlines()[1:]]
    assert [int(r[1]) for r in rows] == list(h.iteration) and rows[-1][1] == "9"
    assert h.copy().iteration.tolist() == h.iteration.tolist()


# --- one line, not a traceback ----------------------------------------------------------------
ADAPTIVE = [name for name in OPTIMIZERS if any(h.name == "eps" for h in hyperparams(name))]


def test_six_optimizers_have_eps():
    assert len(ADAPTIVE) == 6


@pytest.mark.parametrize("optimizer", ADAPTIVE)
def test_eps_zero_is_refused_in_one_line(optimizer, capsys):
    # A zero gradient component: the bias's, with a target of zeros and a zero start
    err = one_line(capsys, "train", "--optimizer", optimizer, "--eps", "0", "--function", "saddle",
                   "--init", "1,0")
    assert "Invalid epsilon value: 0 (eps must be positive" in err


def test_ctrl_c_during_train_exits_130_with_one_line(monkeypatch, capsys):
    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(TrainingRun, "advance", interrupted)
    assert cli.main(["train", "--epochs", "5"]) == 130
    assert capsys.readouterr().err == "gdsim: interrupted\n"


@pytest.mark.parametrize("features,expected", [(1, "(w1, b)"), (2, "(w1..w2, b)"), (3, "(w1..w3, b)")])
def test_the_init_error_names_the_parameters(features, expected):
    data = Dataset(tuple(f"x{j}" for j in range(features)) + ("y",),
                   np.arange(4.0 * (features + 1)).reshape(4, features + 1) ** 1.5, "y")
    with pytest.raises(ValueError) as info:
        TrainingRun(data, TrainingConfig(init=(0.0,) * (features + 3)))
    assert expected in str(info.value) and "w1..w1" not in str(info.value)


@pytest.mark.parametrize("offset", [1e15, -1e15, 1e12, 1e300 / 1e290, 0.0])
def test_a_column_far_from_zero_is_not_constant(offset):
    X = (offset + np.arange(1.0, 11.0))[:, None]
    assert Standardizer.fit(X).std[0] > 0


@pytest.mark.parametrize("column", [[0.1, 0.1, 0.1], [0.1 * 3, 0.3, 0.3], [1e15, 1e15, 1e15], [5.0] * 4])
def test_a_column_of_rounding_noise_is_constant(column):
    with pytest.raises(Exception, match="is constant"):
        Standardizer.fit(np.array(column)[:, None])


# --- test functions ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["bowl", "rosenbrock", "beale", "himmelblau", "saddle"])
def test_an_explicit_zero_start_is_kept(name):
    run = FunctionRun(make_function(name), TrainingConfig(init=(0.0, 0.0), epochs=2))
    assert run.params.tolist() == [0.0, 0.0] and run.history.params[0].tolist() == [0.0, 0.0]


@pytest.mark.parametrize("start,lr", [((100.0, 100.0), 10.0), ((1e9, 1e9), 1.0), ((-1e9, 3.0), 0.1),
                                      ((1e5, -1e5), 100.0)])
@pytest.mark.parametrize("name", ["beale", "rosenbrock", "himmelblau"])
def test_a_python_float_overflow_on_a_test_function_is_divergence(name, start, lr):
    run = FunctionRun(make_function(name), TrainingConfig(init=start, epochs=50, hyper={"lr": lr}))
    run.run()
    assert run.status in ("diverged", "finished", "converged")
    assert np.isfinite(run.params).all()


def test_beale_from_100_100_at_lr_10_diverges_without_an_error():
    run = FunctionRun(make_function("beale"), TrainingConfig(init=(100.0, 100.0), epochs=10, hyper={"lr": 10.0}))
    run.run()
    assert run.status == "diverged"


@pytest.mark.parametrize("name,start", [("rosenbrock", (1e8, 0.0)), ("beale", (1e9, 1e9)),
                                        ("himmelblau", (1e9, -1e9)), ("bowl", (1e9, 1e9))])
def test_a_diverging_test_function_prints_no_numpy_warning(name, start, recwarn):
    run = FunctionRun(make_function(name), TrainingConfig(init=start, epochs=200, hyper={"lr": 3.0}))
    run.run()
    assert run.status == "diverged"
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]
