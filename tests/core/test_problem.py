"""Losses and analytic gradients: finite differences and torch.nn in float64."""

import itertools

import numpy as np
import pytest

from gdsim.core.problem import ALLOWED_LOSSES, SHORT_ROWS, Problem, design_matrix, sigmoid

from torch_optional import HAVE_TORCH, torch

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
@pytest.mark.parametrize("n", [17, 3 * SHORT_ROWS], ids=["short-rows", "numpy-columns"])
@pytest.mark.parametrize("model,loss,reduction", COMBOS)
def test_loss_and_gradient_equal_torch_autograd(model, loss, reduction, n):
    problem = Problem(model, loss, reduction)
    X, y, theta = data(model, n=n)
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


# --- short batches: the per-row formulas on floats against numpy's columns ------------------
EPS = np.finfo(np.float64).eps


def short_cases(model, n):
    """Data for a short batch: ordinary logits, and (logistic) huge ones of both signs."""
    for seed in range(12):
        X, y, theta = data(model, n=n, d=1 + seed % 3, seed=seed)
        yield X, y, theta
        if model == "logistic":
            yield X, y, theta * 60.0  # |z| in the hundreds: e^(−|z|) underflows


@pytest.mark.parametrize("n", [1, 2, 7, 11, SHORT_ROWS])
@pytest.mark.parametrize("model,loss,reduction", COMBOS)
def test_row_formulas_equal_numpy_formulas(model, loss, reduction, n):
    """Same logits in: every ∂L/∂z within a few ulps of numpy's, the summed terms within the sum's rounding."""
    problem = Problem(model, loss, reduction)
    scale = 1.0 / n if reduction == "mean" else 1.0
    for X, y, theta in short_cases(model, n):
        z = problem.logits(theta, X)
        terms, dz = problem._terms_and_dz(z, y, scale, need_grad=True)
        total, row_dz = problem._row_terms_and_dz(z.tolist(), y.tolist(), scale)
        assert all(type(v) is float for v in row_dz)
        # numpy's exp and log1p may differ from the C library's by an ulp
        np.testing.assert_array_less(np.abs(np.array(row_dz) - dz), 8 * EPS * (np.abs(dz) + scale) + 1e-300)
        assert abs(total - terms.sum()) <= (n + 8) * EPS * terms.sum()
        assert (terms >= 0).all()


@pytest.mark.parametrize("n", [1, 2, 7, 11, SHORT_ROWS])
@pytest.mark.parametrize("model,loss,reduction", COMBOS)
def test_short_batch_equals_numpy_columns(model, loss, reduction, n):
    """loss_and_grad of a short batch (floats) against the numpy evaluation of longer ones, to rounding.

    The bound: each ∂L/∂z may differ by rounding relative to the size of the row
    (|z|, |y|, 1), and the sums by n ulps of their absolute terms.
    """
    problem = Problem(model, loss, reduction)
    scale = 1.0 / n if reduction == "mean" else 1.0
    for X, y, theta in short_cases(model, n):
        loss_rows, grad_rows = problem.loss_and_grad(theta, X, y)
        loss_cols, grad_cols = problem._columns_loss_and_grad(theta, X, y)
        assert isinstance(loss_rows, float) and grad_rows.dtype == np.float64
        A = np.abs(design_matrix(X))
        size = (A @ np.abs(theta) + np.abs(y) + 1.0) * scale  # of z, y and ŷ, per row
        terms, dz = problem._terms_and_dz(problem.logits(theta, X), y, scale, need_grad=True)
        loss_bound = 64 * EPS * (n * terms.sum() * scale + (size * (size / scale + 1.0)).sum())
        assert abs(loss_rows - loss_cols) <= loss_bound
        grad_bound = 64 * EPS * (A.T @ (size * (1.0 + np.abs(dz) / scale) + n * np.abs(dz)))
        np.testing.assert_array_less(np.abs(grad_rows - grad_cols), grad_bound + 1e-300)
        assert problem.loss_value(theta, X, y) == loss_rows


def test_short_and_long_batches_take_their_paths():
    """Up to SHORT_ROWS rows run on floats, longer batches on numpy columns (bit-for-bit each)."""
    problem = Problem("logistic", "bce")
    X, y, theta = data("logistic", n=SHORT_ROWS + 1)
    short = problem.loss_and_grad(theta, X[:SHORT_ROWS], y[:SHORT_ROWS])
    rows = problem.short_loss_and_grad(theta, design_matrix(X[:SHORT_ROWS]), y[:SHORT_ROWS].tolist())
    assert short[0] == rows[0] and np.array_equal(short[1], rows[1])
    long = problem.loss_and_grad(theta, X, y)
    cols = problem._columns_loss_and_grad(theta, X, y)
    assert long[0] == cols[0] and np.array_equal(long[1], cols[1])


def test_design_matrix_appends_a_column_of_ones():
    X = np.arange(6.0).reshape(3, 2)
    A = design_matrix(X)
    np.testing.assert_array_equal(A, [[0, 1, 1], [2, 3, 1], [4, 5, 1]])
    theta = np.array([0.5, -1.0, 2.0])
    np.testing.assert_array_equal(A @ theta, Problem.logits(theta, X))


def test_sigmoid_numerator_is_1_or_e_to_the_minus_abs_z_bit_for_bit():
    """σ = numerator / (1 + e) with e = e^(−|z|): the numerator is exactly 1 for z ≥ 0 and e below."""
    from gdsim.core.problem import _exp_neg_abs, _sigmoid_numerator

    rng = np.random.default_rng(5)
    z = np.concatenate([rng.normal(size=20_000) * 40, [0.0, -0.0, 1e-300, -1e-300, 745.0, -745.0, -800.0,
                                                        np.inf, -np.inf]])
    expected = np.where(z < 0, _exp_neg_abs(z), 1.0)
    assert _sigmoid_numerator(z).view(np.int64).tolist() == expected.view(np.int64).tolist()
    assert np.isnan(_sigmoid_numerator(np.array([np.nan]))[0])


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_long_batches_in_chunks_match_one_pass(reduction):
    # More rows than CHUNK_ROWS: the BCE sums are taken chunk by chunk, in fewer passes.
    from gdsim.core.problem import CHUNK_ROWS

    rng = np.random.default_rng(6)
    n = 3 * CHUNK_ROWS + 17
    X = rng.normal(size=(n, 2)) * 3
    y = (rng.random(n) < 0.4).astype(float)
    theta = np.array([1.5, -2.0, 0.3])
    problem = Problem("logistic", "bce", reduction)
    loss, grad = problem.loss_and_grad(theta, X, y)
    one_loss, one_grad = problem._columns_loss_and_grad(theta, X, y)
    assert loss == pytest.approx(one_loss, rel=1e-13)
    np.testing.assert_allclose(grad, one_grad, rtol=1e-12, atol=1e-15 * np.abs(one_grad).max())
    assert problem.loss_value(theta, X, y) == pytest.approx(one_loss, rel=1e-13)
