"""Networks in the window: the presets open with their own model, and an MLP or softmax
regression can be chosen, shaped and trained like any run (gdsim.core.source.NetworkSource)."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit

from helpers import choose


def _step(qtbot, window, n=1):
    drawn = []
    window.frame_drawn.connect(drawn.append)
    for _ in range(n):
        window.step()
    qtbot.waitUntil(lambda: len(drawn) > 0 and window.current_run.iteration >= n, timeout=10_000)


def _type(qtbot, edit: QLineEdit, text: str):
    edit.setFocus()
    edit.selectAll()
    QTest.keyClicks(edit, text)
    QTest.keyClick(edit, Qt.Key_Return)


@pytest.mark.parametrize("preset,loss,sizes,fit", [
    ("xor", "bce", (2, 8, 8, 1), "regions"), ("circles", "bce", (2, 8, 8, 1), "regions"),
    ("moons", "bce", (2, 8, 8, 1), "regions"), ("spiral", "bce", (2, 8, 8, 1), "regions"),
    ("spiral3", "ce", (2, 8, 8, 3), "regions"), ("sine", "mse", (1, 8, 8, 1), "line_fit")])
def test_network_presets_open_with_their_network(qtbot, window, preset, loss, sizes, fit):
    choose(window.dataset_panel.findChild(QComboBox, "presetCombo"), preset)
    assert window.findChild(QComboBox, "modelCombo").currentData() == "mlp"
    run = window.current_run
    assert run is not None and run.dataset.name == preset
    assert run.problem.loss == loss and run.problem.sizes == sizes
    assert window.source.kind == "network"
    # torch's names; the start is torch's initialisation from the seed, and the editor says so
    assert window.controls.parameter_names() == run.parameter_names
    assert run.parameter_names[0] == "0.weight[0,0]"
    np.testing.assert_array_equal(run.history.params[0], run.problem.init_params(0))
    assert window.findChild(QLabel, "startNoteLabel").isVisibleTo(window.controls)
    assert window.controls.config().init is None
    _step(qtbot, window)
    assert len(window.run_history()) == 2
    assert window.fit_view.mode() == fit


def test_spiral3_regions_have_three_class_colours(qtbot, window):
    choose(window.dataset_panel.findChild(QComboBox, "presetCombo"), "spiral3")
    _step(qtbot, window)
    view = window.fit_view
    assert [name for _, name in view._entries] == ["class 0", "class 1", "class 2"]
    colors = view.regions.colors
    assert colors is not None and colors.shape[:2] == (60, 60)
    assert all(len(view.class_items[c].getData()[0]) > 0 for c in range(3))


def test_mlp_on_a_lecture_table_and_its_controls(qtbot, window):
    """Choosing the MLP on the default (regression) table offers MSE/MAE, shows hidden layers
    and activation, and the network trains; bad sizes are refused in one sentence, keeping 8,8."""
    controls = window.controls
    hidden = controls.findChild(QLineEdit, "hiddenEdit")
    activation = controls.findChild(QComboBox, "activationCombo")
    assert not hidden.isVisibleTo(controls) and not activation.isVisibleTo(controls)
    choose(controls.modelCombo, "mlp")
    assert hidden.isVisibleTo(controls) and activation.isVisibleTo(controls)
    losses = [controls.lossCombo.itemData(i) for i in range(controls.lossCombo.count())]
    assert "mse" in losses and "mae" in losses and "bce" not in losses
    assert window.current_run.problem.loss == "mse"
    _type(qtbot, hidden, "4,40")
    hint = controls.findChild(QLabel, "networkHintLabel")
    assert "not applied" in hint.text() and "still 8,8" in hint.text()
    assert window.current_run.problem.sizes[1:-1] == (8, 8)
    _type(qtbot, hidden, "3")
    assert window.current_run.problem.sizes == (1, 3, 1)
    assert not hint.isVisibleTo(controls)
    choose(activation, "relu")
    assert window.current_run.problem.activation == "relu"
    _step(qtbot, window)
    assert window.current_run.iteration == 1 and window.current_run.status != "diverged"
    choose(controls.modelCombo, "linear")
    assert window.current_run.parameter_names == ("w1", "b")
    assert not window.findChild(QLabel, "startNoteLabel").isVisibleTo(controls)


def test_softmax_and_a_chosen_start_point(qtbot, window):
    choose(window.dataset_panel.findChild(QComboBox, "presetCombo"), "spiral3")
    choose(window.controls.modelCombo, "softmax")
    run = window.current_run
    assert run.problem.sizes == (2, 3) and run.problem.loss == "ce"
    # the seed draws the start (editable in full-batch mode, where it shuffles nothing)
    seed = window.controls.seedSpin
    assert seed.isEnabled()
    seed.setValue(3)
    np.testing.assert_array_equal(window.current_run.history.params[0], run.problem.init_params(3))
    line = window.controls.findChild(QLineEdit, "initEdit")
    _type(qtbot, line, ", ".join(["0.5"] * 9))
    assert window.current_run.config.init == (0.5,) * 9
    np.testing.assert_array_equal(window.current_run.history.params[0], np.full(9, 0.5))
