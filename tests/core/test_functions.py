"""Classic test functions: gradients, minima, every optimizer, torch, command line."""

import json
import subprocess
import sys

import numpy as np
import pytest

from gdsim.core.functions import FUNCTIONS, FunctionRun, make_function
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
