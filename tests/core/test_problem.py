"""Losses and analytic gradients: finite differences and torch.nn in float64."""

import itertools

import numpy as np
import pytest

from gdsim.core.problem import ALLOWED_LOSSES, Problem, sigmoid

try:
    import torch

    HAVE_TORCH = True
except ImportError:  # the suite also runs without torch, on stored references
    HAVE_TORCH = False

COMBOS = [
    (model, loss, reduction)
    for model, losses in ALLOWED_LOSSES.items()
    for loss, reduction in itertools.product(losses, ("mean", "sum"))
]


def data(model, n=13, d=3, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * [1.0, 3.0, 0.5][:d]
    if model == "logistic":
        y = (rng.random(n) < 0.5).astype(float)
    else:
        y = X @ np.arange(1, d + 1) + 0.5 + rng.normal(size=n)
    theta = rng.normal(size=d + 1) * 0.7
    return X, y, theta


@pytest.mark.parametrize("model,loss,reduction", COMBOS)
def test_gradient_matches_central_differences(model, loss, reduction):
    problem = Problem(model, loss, reduction)
    X, y, theta = data(model)
    _, grad = problem.loss_and_grad(theta, X, y)
    h = 1e-6
    numeric = np.empty_like(theta)
    for k in range(theta.size):
        e = np.zeros_like(theta)
        e[k] = h
        numeric[k] = (problem.loss_value(theta + e, X, y) - problem.loss_value(theta - e, X, y)) / (2 * h)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-8)


def test_lecture_logistic_bce_gradient_formula():
    """∂L/∂w = 1/n Σ xᵢ(ŷᵢ − yᵢ), ∂L/∂b = 1/n Σ (ŷᵢ − yᵢ)."""
    X, y, theta = data("logistic")
    yhat = 1 / (1 + np.exp(-(X @ theta[:-1] + theta[-1])))
    _, grad = Problem("logistic", "bce").loss_and_grad(theta, X, y)
    np.testing.assert_allclose(grad[:-1], (X * (yhat - y)[:, None]).mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(grad[-1], (yhat - y).mean(), rtol=1e-12)


def test_mae_gradient_is_zero_where_residual_is_zero():
    X = np.array([[1.0], [2.0]])
    y = np.array([1.0, 5.0])
    _, grad = Problem("linear", "mae").loss_and_grad(np.array([1.0, 0.0]), X, y)
    # residuals 0 and -3: sign 0 and -1, mean over 2 rows
    np.testing.assert_array_equal(grad, [-1.0, -0.5])


def test_bce_is_stable_for_huge_logits():
    problem = Problem("logistic", "bce")
    X = np.array([[1.0], [1.0]])
    y = np.array([0.0, 1.0])
    loss, grad = problem.loss_and_grad(np.array([1000.0, 0.0]), X, y)
    assert np.isfinite(loss) and np.isfinite(grad).all()
    assert loss == pytest.approx(500.0)
    assert sigmoid(np.array([-800.0]))[0] == 0.0 and sigmoid(np.array([800.0]))[0] == 1.0


@pytest.mark.parametrize("model,loss", [("linear", "bce"), ("logistic", "mae"), ("cubic", "mse")])
def test_disallowed_combinations_are_refused(model, loss):
    with pytest.raises(ValueError, match=model):
        Problem(model, loss)


def test_natural_loss():
    assert Problem.create("linear").loss == "mse"
    assert Problem.create("logistic").loss == "bce"


@pytest.mark.skipif(not HAVE_TORCH, reason="torch not installed")
@pytest.mark.parametrize("model,loss,reduction", COMBOS)
def test_loss_and_gradient_equal_torch_autograd(model, loss, reduction):
    problem = Problem(model, loss, reduction)
    X, y, theta = data(model, n=17)
    value, grad = problem.loss_and_grad(theta, X, y)
    t = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
    Xt, yt = torch.tensor(X), torch.tensor(y)
    z = Xt @ t[:-1] + t[-1]
    if loss == "bce":
        out = torch.nn.BCEWithLogitsLoss(reduction=reduction)(z, yt)
    else:
        pred = torch.sigmoid(z) if model == "logistic" else z
        fn = torch.nn.MSELoss if loss == "mse" else torch.nn.L1Loss
        out = fn(reduction=reduction)(pred, yt)
    out.backward()
    assert value == pytest.approx(out.item(), rel=1e-12)
    np.testing.assert_allclose(grad, t.grad.numpy(), rtol=1e-10, atol=1e-14)
