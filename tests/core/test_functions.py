"""Classic test functions: gradients, minima, every optimizer, torch, command line."""

import json
import subprocess
import sys

import numpy as np
import pytest

from gdsim.core.functions import FUNCTIONS, FunctionRun, FunctionSource, make_function
from gdsim.core.optim import OPTIMIZERS
from gdsim.core.training import TrainingConfig

try:
    import torch

    torch.set_default_dtype(torch.float64)
    HAVE_TORCH = True
except ImportError:
    HAVE_TORCH = False

POINTS = [(-1.3, 0.7), (0.4, -2.2), (2.5, 1.1)]


@pytest.mark.parametrize("name", list(FUNCTIONS))
@pytest.mark.parametrize("point", POINTS)
def test_gradient_matches_central_differences(name, point):
    f = make_function(name)
    theta = np.array(point)
    _, grad = f.loss_and_grad(theta)
    h = 1e-6
    numeric = [(f.loss_and_grad(theta + e)[0] - f.loss_and_grad(theta - e)[0]) / (2 * h)
               for e in (np.array([h, 0.0]), np.array([0.0, h]))]
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", [n for n in FUNCTIONS if n != "saddle"])
def test_known_minima_are_stationary(name):
    f = make_function(name)
    for m in f.minima:
        value, grad = f.loss_and_grad(np.array(m))
        assert np.linalg.norm(grad) < 1e-4 and value < 1e-9


def test_grid_matches_pointwise_values():
    f = make_function("himmelblau")
    xs, ys = np.linspace(-5, 5, 7), np.linspace(-4, 4, 5)
    grid = f.grid(xs, ys)
    assert grid.shape == (5, 7)
    assert grid[2, 3] == f.loss_and_grad(np.array([xs[3], ys[2]]))[0]


@pytest.mark.parametrize("name", list(FUNCTIONS))
@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_every_optimizer_runs_on_every_function(name, optimizer):
    run = FunctionRun(make_function(name), TrainingConfig(optimizer=optimizer, hyper={"lr": 0.001}, epochs=50)).run()
    assert run.iteration == 50 or run.status == "diverged"
    assert np.isfinite(run.history.params).all()
    assert run.iterations_per_epoch == 1 and run.parameter_names == ("x", "y")


def test_adam_finds_rosenbrock_minimum():
    run = FunctionRun(make_function("rosenbrock"), TrainingConfig(optimizer="adam", hyper={"lr": 0.05}, epochs=3000)).run()
    np.testing.assert_allclose(run.params, [1.0, 1.0], atol=1e-6)
    assert run.distance_to_minimum() < 1e-6


def test_bowl_condition_number_and_errors():
    assert make_function("bowl", 50).loss_and_grad(np.array([0.0, 1.0]))[0] == 25.0
    with pytest.raises(ValueError, match="condition"):
        make_function("bowl", 0.5)
    with pytest.raises(ValueError, match="Unknown function"):
        make_function("sphere")
    with pytest.raises(ValueError, match="two parameters"):
        FunctionRun(make_function("beale"), TrainingConfig(init=(1.0, 2.0, 3.0)))


@pytest.mark.skipif(not HAVE_TORCH, reason="torch not installed")
@pytest.mark.parametrize("name,optimizer,hyper", [
    ("rosenbrock", "adam", {"lr": 0.01}),
    ("beale", "sgd", {"lr": 0.001, "momentum": 0.9, "nesterov": True}),
    ("himmelblau", "rmsprop", {"lr": 0.01, "centered": True, "momentum": 0.5}),
    ("bowl", "nadam", {"lr": 0.05}),
])
def test_matches_torch_step_by_step(name, optimizer, hyper):
    f = make_function(name)
    run = FunctionRun(f, TrainingConfig(optimizer=optimizer, hyper=hyper, epochs=150)).run()
    t = torch.tensor(f.init, requires_grad=True)
    opt = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD, "rmsprop": torch.optim.RMSprop,
           "nadam": torch.optim.NAdam}[optimizer]([t], **hyper)
    expected = [t.detach().numpy().copy()]
    for _ in range(150):
        opt.zero_grad()
        x, y = t[0], t[1]
        loss = f.value(x, y)
        loss.backward()
        opt.step()
        expected.append(t.detach().numpy().copy())
    np.testing.assert_allclose(run.history.params, np.array(expected), rtol=1e-10, atol=1e-12)


def test_command_line_function_json():
    proc = subprocess.run([sys.executable, "-m", "gdsim", "train", "--function", "rosenbrock", "--init", "-1.5,2",
                           "--optimizer", "adam", "--lr", "0.05", "--epochs", "3000", "--json"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["parameter_names"] == ["x", "y"] and summary["iterations"] == 3000
    np.testing.assert_allclose(summary["params"], [1.0, 1.0], atol=1e-6)


@pytest.mark.parametrize("args,needle", [
    (["--function", "beale", "--preset", "insurance"], "not allowed"),
    (["--function", "beale", "--model", "logistic"], "--model"),
    (["--function", "rosenbrock", "--condition", "3"], "bowl"),
])
def test_command_line_function_errors(args, needle):
    proc = subprocess.run([sys.executable, "-m", "gdsim", "train", *args], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and needle in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_each_functions_defaults_converge_with_plain_sgd(name):
    f = make_function(name)
    run = FunctionRun(f, TrainingConfig(epochs=f.defaults["epochs"])).run()  # no lr: the function's
    assert run.status == "finished" and run.base_lr == f.defaults["lr"]
    if f.minima:
        assert run.distance_to_minimum() < 0.05
    else:  # the saddle: it leaves the saddle point along y, without diverging
        assert run.current_loss < run.history.full_loss[0]


@pytest.mark.parametrize("kappa", [1.0, 10.0, 1000.0])
def test_the_bowls_defaults_follow_its_condition_number(kappa):
    f = make_function("bowl", kappa)
    run = FunctionRun(f, TrainingConfig(epochs=f.defaults["epochs"])).run()
    assert run.distance_to_minimum() < 0.05


def test_rosenbrock_diverges_at_lr_0_01_which_is_why_it_has_its_own_default():
    run = FunctionRun(make_function("rosenbrock"), TrainingConfig(hyper={"lr": 0.01})).run()
    assert run.status == "diverged" and run.iteration < 10


def test_data_and_function_sources_share_one_interface():
    from gdsim.core.presets import load_preset
    from gdsim.core.source import DataSource, ProblemSource

    data = DataSource(load_preset("insurance"))
    function = FunctionSource(make_function("himmelblau"))
    for source in (data, function):
        assert isinstance(source, ProblemSource)
        run = source.make_run(TrainingConfig(model="logistic"))
        assert run.source.is_same_problem(source) and run.parameter_names == source.parameter_names
        assert source.n_parameters == len(source.parameter_names) and source.n_rows >= 1
        assert source.surface_title(run)
    assert data.applies.table and not function.applies.table and not function.applies.model
    assert len(function.known_minima) == 4 and data.known_minima == ()
    assert function.default_init == (0.0, 0.0) and data.default_init is None
    assert not data.is_same_problem(function) and not function.is_same_problem(data)
    with pytest.raises(ValueError, match="Invalid learning rate"):
        function.check(TrainingConfig(hyper={"lr": -1}))
    with pytest.raises(ValueError, match="two parameters"):
        function.check(TrainingConfig(init=(1.0, 2.0, 3.0)))
    with pytest.raises(ValueError, match="Invalid --init: nan"):  # the bounds every run keeps
        function.check(TrainingConfig(init=(float("nan"), 0.0)))
    with pytest.raises(ValueError, match="0 or 1"):
        DataSource(load_preset("lecture-3x-plus-2")).check(TrainingConfig(model="logistic"))


def test_a_start_point_of_zero_is_kept():
    run = FunctionRun(make_function("rosenbrock"), TrainingConfig(init=(0.0, 0.0)))
    assert run.params.tolist() == [0.0, 0.0]


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "rmsprop"])
def test_the_step_explanation_of_a_function_is_its_gradient(optimizer):
    from gdsim.core.explain import explain_last_step

    run = FunctionRun(make_function("beale"), TrainingConfig(optimizer=optimizer, hyper={"lr": 0.001}))
    run.advance(4)
    e = explain_last_step(run)  # raised TypeError (no rows to index)
    assert e.matches_run and e.mode == "function" and e.batch_size == 0
    assert np.array_equal(e.gradient, run.function.loss_and_grad(e.params_before)[1])
    assert e.gradient_terms[0].text.startswith("∂f/∂x at (") and e.loss == run.history.batch_loss[4]


def test_a_failed_run_is_over():
    run = FunctionRun(make_function("bowl"), TrainingConfig())
    run.advance(2)
    run.fail("Stopped at iteration 3: the step raised OverflowError (too big).")
    assert run.done and run.snapshot().done and run.snapshot().status == "failed" and run.step() is None
