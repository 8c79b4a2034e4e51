"""Networks (gdsim.core.network) without torch: gradients, layout, initialisation, losses, options, CLI."""

from __future__ import annotations

import csv
import itertools
import json

import numpy as np
import pytest

from gdsim.api import train
from gdsim.cli import main
from gdsim.core import network
from gdsim.core.network import ACTIVATIONS, network_problem
from gdsim.core.options import OptionError, build_config
from gdsim.core.presets import load_preset
from gdsim.core.training import TrainingConfig, TrainingRun

LOSS_TARGETS = {"mse": "regression", "mae": "regression", "bce": "binary", "ce": "three"}


def data(kind, n=23, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    y = {"regression": np.sin(X[:, 0]) + X[:, 1],
         "binary": (X[:, 0] > X[:, 1]).astype(float),
         "three": np.arange(n) % 3.0}[kind]
    return X, y


def problem_for(loss, activation="tanh", hidden=(4, 3), model="mlp", reduction="mean", y=None):
    X, y0 = data(LOSS_TARGETS[loss])
    return network_problem(model, loss, reduction, hidden, activation, 2, y0 if y is None else y)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("activation,loss", list(itertools.product(ACTIVATIONS, ("mse", "bce", "ce"))))
def test_gradient_matches_central_differences(activation, loss, reduction):
    X, y = data(LOSS_TARGETS[loss])
    problem = problem_for(loss, activation, reduction=reduction)
    theta = problem.init_params(3) * 2.0
    value, grad = problem.loss_and_grad(theta, X, y)
    assert value == problem.loss_value(theta, X, y)
    h = 1e-6
    numeric = np.array([(problem.loss_value(theta + h * e, X, y) - problem.loss_value(theta - h * e, X, y)) / (2 * h)
                        for e in np.eye(theta.size)])
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)


def test_softmax_is_one_linear_layer_with_cross_entropy():
    X, y = data("three")
    problem = network_problem("softmax", None, "mean", (8, 8), "tanh", 2, y)
    assert problem.sizes == (2, 3) and problem.loss == "ce" and problem.n_params() == 9
    theta = problem.init_params(0)
    W, b = theta[:6].reshape(3, 2), theta[6:]
    z = X @ W.T + b
    expected = np.mean(np.log(np.exp(z).sum(axis=1)) - z[np.arange(len(y)), y.astype(int)])
    assert problem.loss_value(theta, X, y) == pytest.approx(expected, rel=1e-14)
    # two classes: still k = 2 outputs with cross-entropy (multinomial, not one logit)
    assert network_problem("softmax", None, "mean", (), "tanh", 2, np.array([0.0, 1.0])).sizes == (2, 2)


def test_output_units_follow_the_loss():
    assert problem_for("mse").sizes == (2, 4, 3, 1)
    assert problem_for("bce").sizes == (2, 4, 3, 1)
    assert problem_for("ce").sizes == (2, 4, 3, 3)


def test_natural_loss():
    assert network.natural_loss("mlp", np.array([0.0, 1.0, 1.0])) == "bce"
    assert network.natural_loss("mlp", np.array([0.0, 1.0, 2.0])) == "ce"
    assert network.natural_loss("mlp", np.array([0.0, 2.0, 3.0])) == "mse"  # class 1 missing: numbers
    assert network.natural_loss("mlp", np.array([4.0, 6.0, 8.0])) == "mse"
    assert network.natural_loss("mlp", np.array([0.5, 1.0])) == "mse"
    assert network.natural_loss("softmax", np.array([0.0, 1.0])) == "ce"


def test_layout_and_names():
    problem = problem_for("ce", hidden=(2,))
    assert problem.parameter_names()[:7] == ("0.weight[0,0]", "0.weight[0,1]", "0.weight[1,0]", "0.weight[1,1]",
                                             "0.bias[0]", "0.bias[1]", "2.weight[0,0]")
    assert problem.parameter_names()[-1] == "2.bias[2]"
    assert problem.n_params() == len(problem.parameter_names()) == 2 * 2 + 2 + 3 * 2 + 3


def test_initialisation_is_seeded_and_within_torchs_bounds():
    problem = problem_for("bce", hidden=(16,))
    a, b, c = problem.init_params(0), problem.init_params(0), problem.init_params(1)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    first = problem.layers[0]
    assert np.abs(a[first.weight]).max() <= 1 / np.sqrt(2) and np.abs(a[first.bias]).max() <= 1 / np.sqrt(2)
    last = problem.layers[-1]
    assert np.abs(a[last.weight]).max() <= 0.25 and np.abs(a[last.weight]).max() > 0.15


def test_batched_losses_equal_one_at_a_time(monkeypatch):
    for loss in ("mse", "mae", "bce", "ce"):
        X, y = data(LOSS_TARGETS[loss])
        problem = problem_for(loss, "relu")
        thetas = np.stack([problem.init_params(s) * 3 for s in range(7)])
        monkeypatch.setattr(network, "BATCH_ELEMENTS", 50)  # several slices of grid points
        got = problem.losses(thetas, X, y)
        np.testing.assert_allclose(got, [problem.loss_value(t, X, y) for t in thetas], rtol=1e-13)


def test_rows_in_slices_equal_one_pass(monkeypatch):
    X, y = data("three", n=101)
    problem = problem_for("ce", "sigmoid")
    theta = problem.init_params(2)
    whole = problem.loss_and_grad(theta, X, y)
    monkeypatch.setattr(network, "CHUNK_ROWS", 16)
    sliced = problem.loss_and_grad(theta, X, y)
    assert sliced[0] == pytest.approx(whole[0], rel=1e-14)
    np.testing.assert_allclose(sliced[1], whole[1], rtol=1e-12, atol=1e-16)
    assert problem.loss_value(theta, X, y) == pytest.approx(whole[0], rel=1e-14)


def test_accuracy_and_predictions():
    X, y = data("three")
    problem = problem_for("ce")
    theta = problem.init_params(0)
    p = problem.predict(theta, X)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert problem.accuracy(theta, X, y) == np.mean(p.argmax(axis=1) == y)
    assert problem_for("mse").accuracy(theta[:0], X, y) is None


@pytest.mark.parametrize("options,message", [
    (dict(model="mlp", hidden="8,0"), "1 to 4 layers of 1 to 16 units"),
    (dict(model="mlp", hidden="4,4,4,4,4"), "1 to 4 layers"),
    (dict(model="mlp", hidden="17"), "1 to 16 units"),
    (dict(model="mlp", hidden="8,x"), "Invalid hidden layers"),
    (dict(model="mlp", hidden="2.5"), "Invalid hidden layers"),
    (dict(model="linear", hidden="8"), "--hidden applies to --model mlp only"),
    (dict(model="logistic", activation="relu"), "--activation applies to --model mlp only"),
    (dict(model="mlp", activation="gelu"), "Unknown activation 'gelu'"),
    (dict(features="x1,cos(x1)"), "Unknown feature 'cos(x1)'"),
])
def test_bad_options_are_one_sentence(options, message):
    with pytest.raises(OptionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        build_config(**options)


@pytest.mark.parametrize("config,message", [
    (TrainingConfig(model="mlp", loss="ce"), "Cross-entropy needs class labels 0, 1, 2"),
    (TrainingConfig(model="mlp", loss="bce"), "Binary cross-entropy needs a target of 0 or 1"),
    (TrainingConfig(model="softmax", loss="mse"), "The softmax model cannot be trained with mse; use ce."),
    (TrainingConfig(model="linear", loss="ce"), "The linear model cannot be trained with ce"),
    (TrainingConfig(model="mlp", init=(1.0, 2.0)), "Initial parameters need 97 values for the 1-8-8-1 network"),
])
def test_configs_the_data_cannot_take(config, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        TrainingRun(load_preset("lecture-half-x-minus-2.5"), config)


def test_init_sets_every_parameter():
    dataset = load_preset("xor", n=20)
    run = TrainingRun(dataset, TrainingConfig(model="mlp", hidden=(2,), epochs=1))
    init = tuple(float(v) for v in np.linspace(-1, 1, 9))
    again = TrainingRun(dataset, TrainingConfig(model="mlp", hidden=(2,), epochs=1, init=init))
    assert run.history.params[0].size == 9
    np.testing.assert_array_equal(again.history.params[0], init)


def test_json_summary_of_a_network(capsys, tmp_path):
    history = tmp_path / "h.csv"
    code = main(["train", "--preset", "xor", "--rows", "40", "--model", "mlp", "--hidden", "3", "--activation",
                 "relu", "--optimizer", "adam", "--lr", "0.05", "--epochs", "30", "--json", "--history", str(history)])
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    names = summary["parameter_names"]
    assert names[:3] == ["0.weight[0,0]", "0.weight[0,1]", "0.weight[1,0]"] and names[-1] == "2.bias[0]"
    assert len(summary["initial_params"]) == len(summary["params"]) == len(names) == 13
    assert 0.0 <= summary["accuracy"] <= 1.0
    assert summary["network"] == "2-3-1 relu network, binary cross-entropy" and "params_original" not in summary
    expected = train(preset="xor", rows=40, model="mlp", hidden="3", activation="relu", optimizer="adam", lr=0.05,
                     epochs=30)
    assert summary["params"] == expected.params.tolist()
    assert summary["initial_params"] == expected.history.params[0].tolist()
    with open(history, newline="") as handle:
        header = next(csv.reader(handle))
    assert header[3:] == names


def test_linear_models_keep_their_names_and_gain_accuracy_for_logistic(capsys):
    assert main(["train", "--preset", "insurance", "--model", "logistic", "--standardize", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["parameter_names"] == ["w1", "w2", "b"] and "params_original" in summary
    assert summary["initial_params"] == [0.0, 0.0, 0.0] and 0.5 <= summary["accuracy"] <= 1.0
    assert main(["train", "--json"]) == 0
    assert "accuracy" not in json.loads(capsys.readouterr().out)


def test_text_summary_of_a_network(capsys):
    assert main(["train", "--preset", "spiral3", "--model", "softmax", "--epochs", "5"]) == 0
    out = capsys.readouterr().out
    assert "model: 2-3 softmax regression, cross-entropy; 9 parameters" in out and "accuracy: " in out


@pytest.mark.parametrize("argv,message", [
    (["--model", "mlp", "--hidden", "99"], "1 to 16 units"),
    (["--preset", "insurance", "--rows", "5"], "--rows applies to a generated preset"),
    (["--preset", "spiral", "--noise", "-1"], "The noise level must be a finite number of at least 0"),
    (["--preset", "spiral", "--model", "mlp", "--loss", "mse", "--init", "1,2"], "Initial parameters need"),
])
def test_cli_errors(capsys, argv, message):
    assert main(["train", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.count("\n") == 1


def test_every_optimizer_and_schedule_runs_a_network():
    from gdsim.core.optim import OPTIMIZERS
    from gdsim.core.schedules import SCHEDULES

    dataset = load_preset("moons", n=30)
    params = {"step": {"step_size": 2}, "exponential": {"gamma": 0.9}, "cosine": {"T_max": 5}}
    for optimizer, schedule in itertools.product(OPTIMIZERS, SCHEDULES):
        run = TrainingRun(dataset, TrainingConfig(model="mlp", hidden=(4,), optimizer=optimizer, schedule=schedule,
                                                  schedule_params=params.get(schedule, {}), batch_size=8, epochs=4))
        run.run()
        assert run.status == "finished" and np.isfinite(run.current_loss)
        assert not np.array_equal(run.params, run.history.params[0])


def test_bench_network_rows_run():
    import io

    from gdsim.bench import run_bench

    rows = run_bench(quick=True, rows=["10"], repeats=1, out=io.StringIO())
    assert [r.key for r in rows] == ["10a", "10b", "10c", "10d"]  # (10c, 10d: the window, in child processes)
    assert all(r.value and r.target for r in rows)


@pytest.mark.parametrize("argv,message", [
    (["animate", "--preset", "spiral", "--model", "mlp", "--out", "x.gif"], "for a network use gdsim landscape"),
])
def test_commands_without_networks_say_so(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_sweep_stability_limit_sees_the_feature_maps():
    from gdsim.core.surface import QuadraticStats
    from gdsim.core.sweep import stability_limit

    dataset = load_preset("noisy-line")
    config = TrainingConfig(features=("x1", "x1^2"))
    x = dataset.X[:, 0]
    hessian = QuadraticStats.from_data(np.column_stack([x, x * x]), dataset.y).hessian("mean")
    assert stability_limit(dataset, config) == pytest.approx(2 / np.linalg.eigvalsh(hessian)[-1])
    assert stability_limit(dataset, TrainingConfig(model="mlp")) is None
