"""The step explainer: the lecture's arithmetic of the last iteration, recomputed exactly."""

import math

import numpy as np
import pytest

from gdsim.core.dataset import Dataset
from gdsim.core.explain import EXPAND_ROWS, explain_last_step, format_number
from gdsim.core.presets import load_preset
from gdsim.core.training import TrainingConfig, TrainingRun

MINUS = "\u2212"

OPTIMIZER_CASES = [
    ("sgd", {}),
    ("sgd", {"momentum": 0.9}),
    ("sgd", {"momentum": 0.9, "dampening": 0.3, "weight_decay": 0.01}),
    ("sgd", {"momentum": 0.9, "nesterov": True}),
    ("sgd", {"weight_decay": 0.1}),
    ("adagrad", {"lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.1}),
    ("rmsprop", {}),
    ("rmsprop", {"centered": True, "momentum": 0.5, "weight_decay": 0.01}),
    ("adadelta", {}),
    ("adam", {}),
    ("adam", {"amsgrad": True, "weight_decay": 0.01}),
    ("adamw", {}),
    ("nadam", {"weight_decay": 0.01}),
]
PROBLEM_CASES = [
    ("lecture-3x-plus-2", {"model": "linear"}),
    ("lecture-3x-plus-2", {"model": "linear", "loss": "mae", "reduction": "sum"}),
    ("insurance", {"model": "logistic", "standardize": True, "batch_size": 4}),
    ("insurance", {"model": "logistic", "loss": "mse", "batch_size": 3, "reduction": "sum"}),
    ("noisy-line", {"model": "linear", "batch_size": 7, "standardize": True}),
]


def make_run(preset, **config):
    return TrainingRun(load_preset(preset), TrainingConfig(**config))


def fmt(v):
    """The expected formatting, written independently: 6 significant digits, real minus."""
    s = f"{v:.6g}"
    return "0" if float(v) == 0 else s.replace("-", MINUS)


def op(v):
    """A negative operand in the middle of an expression is put in parentheses."""
    return f"({fmt(v)})" if v < 0 else fmt(v)


def test_none_before_the_first_step():
    assert explain_last_step(make_run("lecture-3x-plus-2")) is None


def test_lecture_sgd_step_reads_like_the_lecture():
    run = make_run("lecture-3x-plus-2", init=(1.0, 0.0))
    run.step()
    e = explain_last_step(run)
    x = np.array([2.0, 3, 4, 5, 6])
    y = 3 * x + 2
    residual = (1.0 * x + 0.0) - y
    g_w = 2 / 5 * np.sum(x * residual)
    g_b = 2 / 5 * np.sum(residual)
    assert e.iteration == 1 and e.epoch == 1 and e.iteration_in_epoch == 1
    assert e.row_numbers.tolist() == [1, 2, 3, 4, 5]
    np.testing.assert_array_equal(e.predictions, x)
    np.testing.assert_array_equal(e.residuals, residual)
    assert e.gradient_terms[0].formula == "2/n Σ xᵢ(ŷᵢ − yᵢ)"
    assert e.gradient_terms[0].value == pytest.approx(g_w, rel=1e-15)
    assert e.gradient_terms[1].value == pytest.approx(g_b, rel=1e-15)
    w1 = 1.0 - 0.01 * g_w
    assert e.updates[0].text == f"w1 = w1 − lr × ∂L/∂w1 = 1 − 0.01 × ({fmt(g_w)}) = {fmt(w1)}"
    assert e.updates[0].text == "w1 = w1 − lr × ∂L/∂w1 = 1 − 0.01 × (−88) = 1.88"
    assert e.updates[1].text == "b = b − lr × ∂L/∂b = 0 − 0.01 × (−20) = 0.2"
    # the sum written out row by row (5 rows): 2/5 × [2×(−6) + 3×(−8) + ...]
    assert e.gradient_terms[0].text.startswith("∂L/∂w1 = 2/n Σ xᵢ(ŷᵢ − yᵢ) = 2/5 × [2×(−6) + 3×(−8) + ")
    assert e.gradient_terms[0].text.endswith(" = −88")
    assert e.matches_run
    np.testing.assert_array_equal(e.params_after, run.params)


def test_logistic_bce_mean_and_sum_formulas():
    run = make_run("insurance", model="logistic", batch_size=4, shuffle=False)
    run.step()
    e = explain_last_step(run)
    assert not e.standardized
    assert e.row_numbers.tolist() == [1, 2, 3, 4]
    assert [g.formula for g in e.gradient_terms] == [
        "1/n Σ x1ᵢ(ŷᵢ − yᵢ)", "1/n Σ x2ᵢ(ŷᵢ − yᵢ)", "1/n Σ (ŷᵢ − yᵢ)"]
    X = load_preset("insurance").X[:4]
    y = load_preset("insurance").y[:4]
    residual = 0.5 - y  # σ(0) = 0.5
    expected = np.array([np.mean(X[:, 0] * residual), np.mean(X[:, 1] * residual), np.mean(residual)])
    np.testing.assert_allclose(e.gradient, expected, rtol=1e-14)
    run = make_run("insurance", model="logistic", batch_size=4, shuffle=False, reduction="sum")
    run.step()
    e = explain_last_step(run)
    assert e.gradient_terms[0].formula == "Σ x1ᵢ(ŷᵢ − yᵢ)"
    assert "1/n" not in e.gradient_terms[0].text
    np.testing.assert_allclose(e.gradient, 4 * expected, rtol=1e-14)


def test_mae_uses_sign_and_logistic_mse_the_sigmoid_slope():
    run = make_run("lecture-3x-plus-2", loss="mae")
    run.step()
    e = explain_last_step(run)
    assert e.gradient_terms[0].formula == "1/n Σ xᵢ·sign(ŷᵢ − yᵢ)"
    assert e.gradient_terms[1].formula == "1/n Σ sign(ŷᵢ − yᵢ)"
    assert e.gradient_terms[0].value == pytest.approx(-4.0)  # mean of −x
    run = make_run("insurance", model="logistic", loss="mse", batch_size=11)
    run.step()
    e = explain_last_step(run)
    assert e.gradient_terms[2].formula == "2/n Σ (ŷᵢ − yᵢ)·ŷᵢ(1 − ŷᵢ)"
    p = e.predictions
    assert e.gradient_terms[2].value == pytest.approx(2 / 11 * np.sum((p - e.y_b) * p * (1 - p)), rel=1e-13)
    assert EXPAND_ROWS < 11  # the sum is not written out row by row
    assert e.gradient_terms[2].text == (f"∂L/∂b = 2/n Σ (ŷᵢ − yᵢ)·ŷᵢ(1 − ŷᵢ) = 2/11 × "
                                        f"{op(e.gradient_terms[2].row_sum)} = {fmt(e.gradient[2])}")


@pytest.mark.parametrize("preset,problem", PROBLEM_CASES, ids=lambda c: str(c))
@pytest.mark.parametrize("optimizer,hyper", OPTIMIZER_CASES, ids=lambda c: str(c))
def test_recomputed_step_equals_the_run_bit_for_bit(preset, problem, optimizer, hyper):
    run = make_run(preset, optimizer=optimizer, hyper=hyper, epochs=50, **problem)
    for k in range(1, 8):
        run.step()
        e = explain_last_step(run)
        assert e.matches_run
        assert np.array_equal(e.params_after, run.params)
        assert np.array_equal([u.new for u in e.updates], run.params)
        assert np.array_equal(e.params_before, run.history.params[-2])
        assert np.array_equal(e.gradient, run.history.grad[-1])
        assert e.loss == run.history.batch_loss[-1]
        assert e.lr == run.history.lr[-1]
        snap = run.snapshot()
        assert (e.iteration, e.epoch, e.iteration_in_epoch) == (k, snap.epoch, snap.iteration_in_epoch)
        assert np.array_equal(e.indices, snap.batch_rows)
        assert e.batch_size == len(snap.batch_rows)
        np.testing.assert_array_equal(e.predictions - e.y_b, e.residuals)
        for g in e.gradient_terms:
            assert g.value == pytest.approx(g.factor * g.row_sum, rel=1e-9, abs=1e-12)
        # every update line ends with the new value exactly as displayed
        terms = {t.key: t.value for t in e.state_terms}
        base = terms.get("decayed_params", e.params_before)  # AdamW decays θ before the step
        for j, (u, new) in enumerate(zip(e.updates, run.params)):
            assert u.text.endswith(f"= {fmt(new)}")
            assert u.new == pytest.approx(base[j] + u.delta, rel=1e-12, abs=1e-15)
        keys = [t.key for t in e.state_terms]
        assert "params" not in keys and keys[0] == "lr"
        assert all(t.equation for t in e.state_terms)


def test_adam_state_terms_with_bias_corrections():
    run = make_run("insurance", model="logistic", standardize=True, batch_size=4, optimizer="adam")
    run.step()
    run.step()
    e = explain_last_step(run)
    terms = {t.key: t for t in e.state_terms}
    assert terms["bias_correction1"].equation == "c1_t = 1 − β1^t"
    assert terms["bias_correction1"].value == pytest.approx(1 - 0.9 ** 2)
    assert terms["bias_correction1"].details == ("c1_t = 1 − 0.9^2 = 0.19",)
    assert terms["bias_correction2"].details == ("c2_t = 1 − 0.999^2 = 0.001999",)
    g = e.gradient
    m_prev = np.array(run._prev_state.exp_avg)  # optimizer states hold lists of floats
    m = 0.9 * m_prev + 0.1 * g
    np.testing.assert_allclose(terms["exp_avg"].value, m, rtol=1e-14)
    assert terms["exp_avg"].details[0] == f"m_t[w1] = 0.9 × {op(m_prev[0])} + 0.1 × {op(g[0])} = {fmt(m[0])}"
    v = 0.999 * np.array(run._prev_state.exp_avg_sq) + 0.001 * g * g
    d = np.sqrt(v) / math.sqrt(1 - 0.999 ** 2) + 1e-8
    a = 0.01 / (1 - 0.9 ** 2)
    new_w1 = e.params_before[0] - a * m[0] / d[0]
    assert run.params[0] == pytest.approx(new_w1, rel=1e-12)
    u = e.updates[0]
    assert u.text == (f"w1 = w1 − α_t × m_t / d_t = {fmt(e.params_before[0])} − {fmt(a)} × "
                      f"{op(m[0])} / {fmt(d[0])} = {fmt(new_w1)}")
    assert e.standardized
    np.testing.assert_array_equal(e.X_b_original, load_preset("insurance").X[e.indices])


def test_sgd_momentum_buffer_details():
    run = make_run("lecture-3x-plus-2", optimizer="sgd", hyper={"momentum": 0.9})
    run.step()
    e = explain_last_step(run)
    terms = {t.key: t for t in e.state_terms}
    assert terms["momentum_buffer"].details[0].startswith("b_t[w1] = g_t = −124")
    run.step()
    e = explain_last_step(run)
    b = {t.key: t for t in e.state_terms}["momentum_buffer"]
    b_prev = np.array(run._prev_state.momentum_buffer)
    expected = 0.9 * b_prev + e.gradient
    np.testing.assert_allclose(b.value, expected, rtol=1e-14)
    assert b.details[0] == (f"b_t[w1] = 0.9 × {op(b_prev[0])} + (1 − 0) × {op(e.gradient[0])} "
                            f"= {fmt(expected[0])}")
    assert e.updates[0].text.startswith("w1 = w1 − lr × b_t = ")


def test_epoch_boundaries_and_partial_last_batch():
    run = make_run("insurance", model="logistic", batch_size=4)
    for k in range(1, 8):
        run.step()
        e = explain_last_step(run)
        assert e.iteration_in_epoch == (k - 1) % 3 + 1
        assert e.epoch == (k - 1) // 3 + 1
        assert e.batch_size == (3 if e.iteration_in_epoch == 3 else 4)
        assert e.mode == "mini-batch"
        assert e.matches_run


def test_changed_settings_after_a_step_are_detected():
    run = make_run("lecture-3x-plus-2", optimizer="sgd", hyper={"momentum": 0.5})
    run.step()
    run.step()
    run.set_hyper(lr=0.05)  # applies from the next step; the last one used lr 0.01
    e = explain_last_step(run)
    assert e.lr == 0.01 and e.matches_run
    run.set_hyper(momentum=0.9)
    assert not explain_last_step(run).matches_run


def test_after_divergence_the_last_finite_step_is_explained():
    run = make_run("lecture-3x-plus-2", hyper={"lr": 1.0}, epochs=500)
    run.run()
    assert run.status == "diverged"
    e = explain_last_step(run)
    assert e is not None and e.matches_run
    assert np.isfinite(e.params_after).all()


def test_large_batches_are_not_written_out_and_rows_are_all_kept():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(50, 2))
    values = np.column_stack([X, X @ [1.0, -2.0] + 0.5])
    data = Dataset(("a", "b", "y"), values, "y")
    run = TrainingRun(data, TrainingConfig(batch_size=20))
    run.step()
    e = explain_last_step(run)
    assert e.batch_size == 20 and len(e.row_numbers) == 20
    assert "[" not in e.gradient_terms[0].text
    assert e.feature_names == ("a", "b") and e.target_name == "y"
    assert e.matches_run


def test_number_formatting():
    assert format_number(-0.0) == "0"
    assert format_number(-124.0) == "−124"
    assert format_number(1 / 3) == "0.333333"
    assert format_number(1e-8) == "1e−08"


def test_max_rows_limits_the_per_row_arrays_not_the_sums(monkeypatch):
    import gdsim.core.explain as explain

    monkeypatch.setattr(explain, "CHUNK_ROWS", 7)  # the sums are taken in slices of 7 rows
    rng = np.random.default_rng(2)
    X = rng.normal(size=(40, 2))
    values = np.column_stack([X, (X @ [1.0, -1.0] > 0).astype(float)])
    data = Dataset(("a", "b", "y"), values, "y")
    for batch in (None, 30):
        run = TrainingRun(data, TrainingConfig(model="logistic", batch_size=batch, optimizer="adam"))
        run.step()
        if batch is None:
            run.step()
        full = explain_last_step(run)
        short = explain_last_step(run, max_rows=5)
        n = 40 if batch is None else 30
        assert full.batch_size == short.batch_size == n
        assert full.rows_shown == n and short.rows_shown == 5
        np.testing.assert_array_equal(short.indices, full.indices[:5])
        np.testing.assert_array_equal(short.predictions, full.predictions[:5])
        np.testing.assert_array_equal(short.X_b, full.X_b[:5])
        for gs, gf in zip(short.gradient_terms, full.gradient_terms):
            assert gs.row_sum == gf.row_sum
            assert gf.row_sum == pytest.approx(gf.row_terms.sum(), rel=1e-12, abs=1e-15)
            assert gs.value == pytest.approx(gs.factor * gs.row_sum, rel=1e-12, abs=1e-15)
            assert gs.text == gf.text
        assert short.matches_run and np.array_equal(short.params_after, run.params)
        assert [u.text for u in short.updates] == [u.text for u in full.updates]


# --- networks: the pass layer by layer ---------------------------------------------------
NETWORK_RUNS = [
    dict(preset="spiral", model="mlp", hidden="8,8", batch_size=16, optimizer="adam", lr=0.05),
    dict(preset="spiral3", model="mlp", activation="relu", hidden="6", batch_size=20, momentum=0.9, lr=0.1),
    dict(preset="sine", model="mlp", activation="sigmoid", hidden="5,4,3", loss="mae", reduction="sum"),
    dict(preset="sine", model="mlp", hidden="4", standardize=True),
    dict(preset="spiral3", model="softmax", lr=0.5),
]


def _by_hand(problem, theta, X, y):
    """An independent row-major forward and backward pass: ([Z], [A], [δ], [dW], [db])."""
    act = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0), "sigmoid": lambda z: 1 / (1 + np.exp(-z))}
    dact = {"tanh": lambda a: 1 - a * a, "relu": lambda a: (a > 0) * 1.0, "sigmoid": lambda a: a * (1 - a)}
    Ws = [theta[l.weight].reshape(l.n_out, l.n_in) for l in problem.layers]
    bs = [theta[l.bias] for l in problem.layers]
    A, Zs = [X], []
    for i, (W, b) in enumerate(zip(Ws, bs)):
        Z = A[-1] @ W.T + b
        Zs.append(Z)
        A.append(Z if i == len(Ws) - 1 else act[problem.activation](Z))
    out, n = A[-1], len(y)
    scale = 1 / n if problem.reduction == "mean" else 1.0
    if problem.loss == "ce":
        p = np.exp(out - out.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        p[np.arange(n), y.astype(int)] -= 1
        delta = p * scale
    elif problem.loss == "bce":
        delta = (1 / (1 + np.exp(-out)) - y[:, None]) * scale
    elif problem.loss == "mse":
        delta = 2 * (out - y[:, None]) * scale
    else:
        delta = np.sign(out - y[:, None]) * scale
    deltas, dWs, dbs = [None] * len(Ws), [None] * len(Ws), [None] * len(Ws)
    for i in range(len(Ws) - 1, -1, -1):
        deltas[i], dWs[i], dbs[i] = delta, delta.T @ A[i], delta.sum(axis=0)
        if i:
            delta = (delta @ Ws[i]) * dact[problem.activation](A[i])
    return Zs, A[1:], deltas, dWs, dbs


@pytest.mark.parametrize("options", NETWORK_RUNS, ids=lambda o: f"{o['model']}-{o.get('activation', 'tanh')}-{o['preset']}")
def test_a_network_step_shows_the_numbers_the_step_used_layer_by_layer(options):
    from gdsim.core.explain_network import CORNER_COLS, CORNER_ROWS
    from gdsim.core.options import build_config, load_data, split_options

    data, run_options = split_options(dict(options, epochs=5))
    run = TrainingRun(load_data(**data), build_config(**run_options))
    run.advance(3)
    e = explain_last_step(run, max_rows=12)
    assert e.matches_run and e.network is not None
    rows = run._last_rows
    theta, X, y = run._prev_params, run.X[rows], run.y[rows]
    loss, grad = run.problem.loss_and_grad(theta, X, y)
    assert e.loss == loss
    np.testing.assert_array_equal(e.gradient, grad)
    Zs, As, deltas, dWs, dbs = _by_hand(run.problem, theta, X, y)
    n = len(y)
    assert e.network.inputs.shape == X.shape
    np.testing.assert_array_equal(e.network.inputs.corner, X[:CORNER_ROWS, :CORNER_COLS])
    corner = (slice(0, CORNER_ROWS), slice(0, CORNER_COLS))
    for layer, Z, A, delta, dW, db, spec in zip(e.network.layers, Zs, As, deltas, dWs, dbs, run.problem.layers):
        assert layer.z.shape == (n, spec.n_out) == layer.delta.shape
        assert layer.grad_weight.shape == (spec.n_out, spec.n_in) and layer.grad_bias.shape == (spec.n_out,)
        np.testing.assert_allclose(layer.z.corner, Z[corner], rtol=1e-12, atol=1e-15)
        if layer.a is not None:
            np.testing.assert_allclose(layer.a.corner, A[corner], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(layer.delta.corner, delta[corner], rtol=1e-9, atol=1e-15)
        # ∂L/∂W and ∂L/∂b are the gradient the step used, and equal δᵀ·A and Σ δ by hand
        np.testing.assert_array_equal(layer.grad_weight.corner, grad[spec.weight].reshape(spec.n_out, spec.n_in)[corner])
        np.testing.assert_array_equal(layer.grad_bias.corner, grad[spec.bias][:CORNER_COLS])
        np.testing.assert_allclose(layer.grad_weight.corner, dW[corner], rtol=1e-9, atol=1e-15)
        np.testing.assert_allclose(layer.grad_bias.corner, db[:CORNER_COLS], rtol=1e-9, atol=1e-15)
    names = run.parameter_names
    assert [u.name for u in e.updates] == [names[j] for j in e.network.shown]
    assert e.updates[0].name == "0.weight[0,0]" and e.updates[1].name == "0.bias[0]"
    for u, j in zip(e.updates, e.network.shown):
        assert u.new == run.params[j] and u.gradient == grad[j]
    for term in e.state_terms:
        assert not term.per_parameter or len(term.value) == len(e.network.shown)
