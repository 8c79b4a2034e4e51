"""The step explainer dock, driven through the window's real actions and buttons.

Expected numbers are computed here by hand (numpy, the lecture's formulas), not
with gdsim's core, and compared with what the dock displays.
"""

import re

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QDockWidget, QPushButton, QTextBrowser, QToolButton

from gdsim.core.presets import load_preset
from helpers import choose

MINUS = "\u2212"


def fmt(v):
    s = f"{v:.6g}"
    return "0" if float(v) == 0 else s.replace("-", MINUS)


def op(v):
    return f"({fmt(v)})" if v < 0 else fmt(v)


def click(qtbot, w, name):
    qtbot.mouseClick(w.findChild(QPushButton, name), Qt.LeftButton)


def open_explainer(qtbot, w) -> QDockWidget:
    action = w.findChild(QAction, "actionStepExplainer")
    assert action is not None and action.isCheckable() and not action.isChecked()
    dock = w.findChild(QDockWidget, "stepExplainer")
    assert not dock.isVisible()
    # the toolbar button, as a user clicks it
    button = next(b for b in w.toolbar.findChildren(QToolButton) if b.defaultAction() is action)
    qtbot.mouseClick(button, Qt.LeftButton)
    qtbot.waitUntil(dock.isVisible)
    assert action.isChecked()
    return dock


def shown_text(w) -> str:
    return w.findChild(QTextBrowser, "stepExplainerText").toPlainText()


def shown_iteration(w) -> int:
    m = re.search(r"Iteration (\d+)", shown_text(w))
    return int(m.group(1)) if m else 0


def shown_rows(w) -> list[int]:
    m = re.search(r"rows: ([\d, ]+) \(highlighted", shown_text(w))
    return [int(r) for r in m.group(1).split(",")]


def test_action_in_teach_menu_and_toolbar_toggles_the_dock(qtbot, window):
    action = window.findChild(QAction, "actionStepExplainer")
    assert action in window.menu("&Teach").actions()
    assert action in window.toolbar.actions()
    dock = open_explainer(qtbot, window)
    assert "Press Step to see the arithmetic of one iteration" in shown_text(window)
    action.trigger()
    qtbot.waitUntil(lambda: not dock.isVisible())
    assert not action.isChecked()
    dock.toggleViewAction().trigger()  # View menu entry
    qtbot.waitUntil(dock.isVisible)
    assert action.isChecked()


def test_sgd_step_on_the_lecture_preset(qtbot, window):
    open_explainer(qtbot, window)
    click(qtbot, window, "stepButton")
    qtbot.waitUntil(lambda: shown_iteration(window) == 1)
    x = np.array([2.0, 3, 4, 5, 6])
    y = 3 * x + 2
    w1, b = 0.0, 0.0
    r = w1 * x + b - y
    g_w, g_b = 2 / 5 * np.sum(x * r), 2 / 5 * np.sum(r)
    new_w1, new_b = w1 - 0.01 * g_w, b - 0.01 * g_b
    text = shown_text(window)
    assert f"w1 = w1 − lr × ∂L/∂w1 = 0 − 0.01 × {op(g_w)} = {fmt(new_w1)}" in text
    assert "w1 = w1 − lr × ∂L/∂w1 = 0 − 0.01 × (−124) = 1.24" in text
    assert f"b = b − lr × ∂L/∂b = 0 − 0.01 × {op(g_b)} = {fmt(new_b)}" in text
    assert "∂L/∂w1 = 2/n Σ xᵢ(ŷᵢ − yᵢ) = 2/5 × [2×(−8) + 3×(−11)" in text
    assert f"= {fmt(g_w)}" in text
    assert "L = 1/n Σ (ŷᵢ − yᵢ)² = 214" in text
    np.testing.assert_allclose(window.current_run.params, [new_w1, new_b], rtol=1e-15)
    # the second step starts from the numbers the first one produced
    click(qtbot, window, "stepButton")
    qtbot.waitUntil(lambda: shown_iteration(window) == 2)
    w1, b = window.run_history().params[1]
    r = w1 * x + b - y
    g_w = 2 / 5 * np.sum(x * r)
    assert f"w1 = w1 − lr × ∂L/∂w1 = {fmt(w1)} − 0.01 × {op(g_w)} = {fmt(w1 - 0.01 * g_w)}" in shown_text(window)
    # a new run shows the prompt again
    click(qtbot, window, "resetButton")
    qtbot.waitUntil(lambda: "Press Step to see the arithmetic" in shown_text(window))


def test_adam_on_insurance_with_batch_4_shows_bias_corrections(qtbot, window):
    choose(window.dataset_panel.findChild(QComboBox, "presetCombo"), "insurance")
    choose(window.findChild(QComboBox, "optimizerCombo"), "adam")
    choose(window.findChild(QComboBox, "batchModeCombo"), "mini-batch")
    window.findChild(object, "batchSizeSpin").setValue(4)
    assert window.current_run.config.standardize and window.current_run.batch_size == 4
    open_explainer(qtbot, window)

    data = load_preset("insurance")
    X = (data.X - data.X.mean(axis=0)) / data.X.std(axis=0)  # z-scores, as the preset trains
    y = data.y
    theta = np.zeros(3)
    m = np.zeros(3)
    v = np.zeros(3)
    b1, b2, lr, eps = 0.9, 0.999, 0.01, 1e-8
    for t in (1, 2):
        click(qtbot, window, "stepButton")
        qtbot.waitUntil(lambda: shown_iteration(window) == t)
        rows = np.array(shown_rows(window)) - 1
        assert len(rows) == 4
        assert sorted(rows.tolist()) == window.dataset_panel.model.highlighted_rows().tolist()
        p = 1 / (1 + np.exp(-(X[rows] @ theta[:2] + theta[2])))
        r = p - y[rows]
        g = np.array([np.mean(X[rows, 0] * r), np.mean(X[rows, 1] * r), np.mean(r)])
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        c1, c2 = 1 - b1 ** t, 1 - b2 ** t
        alpha = lr / c1
        d = np.sqrt(v) / np.sqrt(c2) + eps
        old = theta.copy()
        theta = theta - alpha * m / d
    text = shown_text(window)
    assert "c1_t = 1 − β1^t" in text and "c1_t = 1 − 0.9^2 = 0.19" in text
    assert "c2_t = 1 − β2^t" in text and "c2_t = 1 − 0.999^2 = 0.001999" in text
    assert f"α_t = 0.01 / 0.19 = {fmt(alpha)}" in text
    assert "m_t[w1] = 0.9 × " in text and f"= {fmt(m[0])}" in text
    assert "v_t[w1] = 0.999 × " in text and f"= {fmt(v[0])}" in text
    assert (f"w1 = w1 − α_t × m_t / d_t = {fmt(old[0])} − {fmt(alpha)} × {op(m[0])} / {fmt(d[0])} "
            f"= {fmt(theta[0])}") in text
    assert "∂L/∂w1 = 1/n Σ x̃1ᵢ(ŷᵢ − yᵢ)" in text and f"= {fmt(g[0])}" in text
    assert "Age" in text and "(std.)" in text
    np.testing.assert_allclose(window.current_run.params, theta, rtol=1e-12)


def test_follows_a_run_and_shows_the_latest_iteration(qtbot, window):
    open_explainer(qtbot, window)
    choose(window.findChild(QComboBox, "speedCombo"), 30.0)
    click(qtbot, window, "startButton")
    # while it runs the dock follows it
    qtbot.waitUntil(lambda: shown_iteration(window) >= 3, timeout=10000)
    assert not window.current_run.done
    choose(window.findChild(QComboBox, "speedCombo"), 0.0)  # then as fast as possible
    qtbot.waitUntil(lambda: window.current_run.done and shown_iteration(window) == 100, timeout=20000)
    h = window.run_history()
    old, new = h.params[-2][0], h.params[-1][0]
    g = h.grad[-1][0]
    assert f"w1 = w1 − lr × ∂L/∂w1 = {fmt(old)} − 0.01 × {op(g)} = {fmt(new)}" in shown_text(window)


def test_hidden_dock_does_not_compute(qtbot, window, monkeypatch):
    import gdsim.gui.features.step_explainer as module

    calls = []
    real = module.explain_last_step
    monkeypatch.setattr(module, "explain_last_step", lambda run, **kw: calls.append(1) or real(run, **kw))
    click(qtbot, window, "stepButton")
    qtbot.waitUntil(lambda: len(window.run_history()) == 2)
    qtbot.wait(50)
    assert calls == []
    open_explainer(qtbot, window)
    qtbot.waitUntil(lambda: shown_iteration(window) == 1)  # shown when opened, from the run
    assert len(calls) >= 1


def table_rows(w) -> list[int]:
    """The row numbers listed in the mini-batch table (the first cell of each of its rows)."""
    from gdsim.gui.features.step_explainer import render_html

    html = render_html(w.findChild(QDockWidget, "stepExplainer").explanation)
    return [int(r) for r in re.findall(r'<tr><td align="right">(\d+)</td>', html)]


def test_all_11_insurance_rows_are_listed_and_a_bigger_batch_shows_its_first_rows(qtbot, window):
    choose(window.dataset_panel.findChild(QComboBox, "presetCombo"), "insurance")
    open_explainer(qtbot, window)
    click(qtbot, window, "stepButton")
    qtbot.waitUntil(lambda: shown_iteration(window) == 1)
    assert table_rows(window) == list(range(1, 12))
    assert "more rows" not in shown_text(window)
    choose(window.dataset_panel.findChild(QComboBox, "presetCombo"), "noisy-line")
    choose(window.findChild(QComboBox, "batchModeCombo"), "mini-batch")
    window.findChild(object, "batchSizeSpin").setValue(20)
    click(qtbot, window, "stepButton")
    qtbot.waitUntil(lambda: shown_iteration(window) == 1)
    rows = table_rows(window)
    batch = list(window.current_run._last_rows)  # the mini-batch's own rows, in its order
    assert rows == [int(r) + 1 for r in batch[:10]]
    assert "… and 10 more rows (the sums use all 20)" in shown_text(window)


def test_mse_says_why_its_gradient_has_2_over_n_and_bce_does_not(qtbot, window):
    open_explainer(qtbot, window)
    click(qtbot, window, "stepButton")
    qtbot.waitUntil(lambda: shown_iteration(window) == 1)
    text = shown_text(window)
    assert "Why 2/n" in text and "½·MSE" in text and "lr/2" in text
    choose(window.dataset_panel.findChild(QComboBox, "presetCombo"), "insurance")
    click(qtbot, window, "stepButton")
    qtbot.waitUntil(lambda: shown_iteration(window) == 1)
    assert "Why 2/n" not in shown_text(window)


def test_one_click_gives_the_lecture_start_on_raw_insurance(qtbot, window):
    open_explainer(qtbot, window)
    click(qtbot, window, "lectureStartButton")
    run = window.current_run
    assert window.document.dataset.name == "insurance"
    assert not run.config.standardize and run.standardizer is None
    np.testing.assert_array_equal(run.params, [1.0, 1.0, 0.0])
    assert window.controls.init() == (1.0, 1.0, 0.0)
    click(qtbot, window, "stepButton")
    qtbot.waitUntil(lambda: shown_iteration(window) == 1)
    assert "Parameters before the step: w1 = 1, w2 = 1, b = 0" in shown_text(window)


def test_a_network_step_renders_layer_by_layer_with_shapes_and_first_numbers(qtbot):
    from gdsim.core.explain import explain_last_step
    from gdsim.core.options import build_config, load_data
    from gdsim.core.training import TrainingRun
    from gdsim.gui.features.step_explainer import STYLE, render_html

    run = TrainingRun(load_data(preset="spiral3"),
                      build_config(model="mlp", hidden="8,5", batch_size=16, optimizer="adam", epochs=2))
    run.advance(2)
    browser = QTextBrowser()
    qtbot.addWidget(browser)
    browser.document().setDefaultStyleSheet(STYLE)
    browser.setHtml(render_html(explain_last_step(run, max_rows=12)))
    text = browser.toPlainText()
    for line in ("Forward pass", "nn.Linear(2, 8) + tanh", "nn.Linear(5, 3) (output, no activation)",
                 "Z₁ = A₀·W₁ᵀ + b₁ (16 × 8)", "A₂ = tanh(Z₂) (16 × 5)", "∂L/∂W₃ = δ₃ᵀ·A₂ (3 × 5)",
                 "∂L/∂b₁ = Σ_rows δ₁ (8)", "δ₂ = (δ₃·W₃) ⊙ tanh′(Z₂) (16 × 5)", "CrossEntropyLoss"):
        assert line in text.replace("\u00a0", " "), line
    # the first numbers of the weight gradient, 4 significant digits, are the step's gradient's
    g = run.loss_and_grad(run._prev_params, run._last_rows)[1]
    first = f"{g[0]:.4g}".replace("-", MINUS)
    assert first in text
    # a few updates with torch's names, not all 91 parameters
    updates = re.findall(r"^(\d\.(?:weight|bias)\[[\d,]+\]) = ", text, flags=re.M)
    assert updates == ["0.weight[0,0]", "0.bias[0]", "2.weight[0,0]", "2.bias[0]", "4.weight[0,0]", "4.bias[0]"]
