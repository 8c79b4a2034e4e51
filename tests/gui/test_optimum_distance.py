"""The distance-to-the-optimum dock, driven through the real window."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractSpinBox, QCheckBox, QComboBox, QDockWidget, QLabel, QPushButton

from gdsim.core.surface import least_squares_optimum
from gdsim.gui.features.optimum_distance import NO_OPTIMUM_TEXT
from helpers import choose


def run_to_end(qtbot, w):
    choose(w.findChild(QComboBox, "speedCombo"), 0.0)
    qtbot.mouseClick(w.findChild(QPushButton, "startButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: w.current_run is not None and w.current_run.done
                    and w._last_frame is not None and w._last_frame.snapshot.done, timeout=20000)


def show_dock(qtbot, w) -> QDockWidget:
    dock = w.findChild(QDockWidget, "optimumDistanceDock")
    assert dock is not None and not dock.isVisible()
    act = w.findChild(QAction, "actionOptimumDistance")
    assert act in w.menu("&Teach").actions()
    act.trigger()
    qtbot.waitUntil(dock.isVisible, timeout=2000)
    return dock


def curve_data(dock):
    x, y = dock.curve.xData, dock.curve.yData
    return np.asarray(x), np.asarray(y)


def test_distance_falls_towards_the_least_squares_optimum(qtbot, window):
    dock = show_dock(qtbot, window)
    assert dock.plot.isVisible() and not dock.findChild(QLabel, "optimumDistanceMessage").isVisible()
    x, y = curve_data(dock)
    assert list(x) == [0.0] and y[0] == pytest.approx(np.hypot(3.0, 2.0))  # from (0, 0) to (3, 2)
    run_to_end(qtbot, window)
    run = window.current_run
    opt = least_squares_optimum(run.X, run.y)
    x, y = curve_data(dock)
    assert x[-1] == run.iteration == 100
    assert np.isfinite(y).all()
    assert y[-1] == pytest.approx(np.linalg.norm(run.params - opt))
    assert y[-1] < 0.5 * y[0]
    assert "data units" in dock.plot.getPlotItem().getAxis("left").labelText
    assert "‖θ − θ*‖ = " in dock.value_label.text() and "iteration 100" in dock.value_label.text()

    log = dock.findChild(QCheckBox, "optimumDistanceLogCheck")
    assert log.isChecked() and dock.plot.getPlotItem().ctrl.logYCheck.isChecked()
    qtbot.mouseClick(log, Qt.LeftButton, pos=log.rect().center())
    assert not log.isChecked() and not dock.plot.getPlotItem().ctrl.logYCheck.isChecked()
    x2, y2 = curve_data(dock)
    np.testing.assert_allclose(y2, y)

    # hiding the dock with its action
    window.findChild(QAction, "actionOptimumDistance").trigger()
    assert not dock.isVisible()


def test_standardised_training_measures_in_standardised_units(qtbot, window):
    dock = show_dock(qtbot, window)
    check = window.findChild(QCheckBox, "standardizeCheck")
    qtbot.mouseClick(check, Qt.LeftButton, pos=check.rect().center())
    assert window.current_run.standardizer is not None
    run_to_end(qtbot, window)
    run = window.current_run
    opt = window.surface_model.optimum
    np.testing.assert_allclose(opt, least_squares_optimum(run.X, run.y))
    x, y = curve_data(dock)
    assert y[-1] == pytest.approx(np.linalg.norm(run.params - opt))
    assert "standardised units" in dock.plot.getPlotItem().getAxis("left").labelText


def test_no_closed_form_optimum_says_so(qtbot, window):
    dock = show_dock(qtbot, window)
    choose(window.dataset_panel.findChild(QComboBox, "presetCombo"), "insurance")
    assert window.current_run.problem.model == "logistic"
    message = dock.findChild(QLabel, "optimumDistanceMessage")
    assert message.isVisible() and message.text() == NO_OPTIMUM_TEXT
    assert not dock.plot.isVisible()
    run_to_end(qtbot, window)
    assert message.isVisible() and not dock.plot.isVisible()
    # MAE on the linear preset has no closed form either
    choose(window.dataset_panel.findChild(QComboBox, "presetCombo"), "lecture-3x-plus-2")
    assert dock.plot.isVisible()
    choose(window.findChild(QComboBox, "lossCombo"), "mae")
    assert window.current_run.problem.loss == "mae"
    assert message.isVisible()


def test_long_histories_are_downsampled(qtbot, window):
    dock = show_dock(qtbot, window)
    choose(window.findChild(QComboBox, "batchModeCombo"), "stochastic")
    window.findChild(QAbstractSpinBox, "epochsSpin").setValue(2000)
    run_to_end(qtbot, window)
    run = window.current_run
    assert run.iteration == 10_000
    x, y = curve_data(dock)
    assert len(x) <= 4000 and x[0] == 0 and x[-1] == 10_000
    assert np.isfinite(y).all()
    opt = window.surface_model.optimum
    assert y[-1] == pytest.approx(np.linalg.norm(run.params - opt))
