"""Pinned runs, driven through the real window: actions, buttons, combos."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QPushButton

from gdsim.core.compare import PinnedRun
from helpers import choose


def action(w, name) -> QAction:
    a = w.findChild(QAction, name)
    assert a is not None, name
    return a


def click(qtbot, w, name):
    qtbot.mouseClick(w.findChild(QPushButton, name), Qt.LeftButton)


def full_speed(w):
    choose(w.findChild(QComboBox, "speedCombo"), 0.0)


def type_lr(qtbot, w, text):
    spin = w.findChild(QAbstractSpinBox, "learningRateSpin")
    spin.lineEdit().selectAll()
    QTest.keyClicks(spin.lineEdit(), text)
    QTest.keyClick(spin.lineEdit(), Qt.Key_Return)
    qtbot.waitUntil(lambda: w.current_run.config.hyper.get("lr") == pytest.approx(float(text)),
                    timeout=3000)


def run_to_end(qtbot, w):
    click(qtbot, w, "startButton")
    qtbot.waitUntil(lambda: w.current_run is not None and w.current_run.done
                    and w._last_frame is not None and w._last_frame.snapshot.done, timeout=20000)


def legend_texts(legend):
    return [label.text for _, label in legend.items]


def ghost_xy(item):
    x, y = item.getData()
    return np.column_stack((x, y))


def test_pin_keeps_the_run_as_ghost_path_and_faded_loss_curve(qtbot, window):
    pin = action(window, "actionPinRun")
    assert pin.text() == "Pin this run"
    assert pin in window.menu("&Teach").actions()
    assert window.toolbar.widgetForAction(pin) is not None
    assert not action(window, "actionClearPins").isEnabled()
    full_speed(window)
    run_to_end(qtbot, window)
    first = window.current_run
    # the toolbar button, as a user clicks it
    qtbot.mouseClick(window.toolbar.widgetForAction(pin), Qt.LeftButton)
    records = window.pinned_runs()
    assert len(records) == 1 and isinstance(records[0], PinnedRun)
    rec = records[0]
    assert rec.label == "pin 1: SGD lr=0.01"
    np.testing.assert_array_equal(rec.params, first.history.params)
    np.testing.assert_array_equal(rec.full_loss, first.history.full_loss)
    assert action(window, "actionClearPins").isEnabled()
    ghosts = window.surface_view.ghost_paths()
    assert len(ghosts) == 1 and ghosts[0] is window.pins.ghost_items()[0]
    np.testing.assert_allclose(ghost_xy(ghosts[0]), rec.params[:, [0, 1]])
    curve = window.pins.curve_items()[0]
    assert curve in window.loss_view.extra_series()
    x, y = curve.getData()
    if window.loss_view.log_scale():  # the loss spans more than 2 decades: log10 on the axis
        y = 10.0 ** y
    assert len(x) == 101 and y[-1] == pytest.approx(rec.full_loss[-1])
    assert curve.opts["pen"].color().alpha() < 255  # faded
    assert "pin 1: SGD lr=0.01" in legend_texts(window.loss_view.legend)

    # a second run with another learning rate, pinned too
    type_lr(qtbot, window, "0.003")
    run_to_end(qtbot, window)
    assert window.current_run is not first
    assert len(window.surface_view.ghost_paths()) == 1  # redrawn for the new run, still one
    action(window, "actionPinRun").trigger()
    labels = [r.label for r in window.pinned_runs()]
    assert labels == ["pin 1: SGD lr=0.01", "pin 2: SGD lr=0.003"]
    colors = {c.opts["pen"].color().name() for c in window.pins.curve_items()}
    assert len(colors) == 2
    assert len(window.surface_view.ghost_paths()) == 2
    # the pinned runs really differ: lr 0.003 moved less far in 100 iterations
    a, b = window.pinned_runs()
    assert a.final_loss < b.final_loss

    # pins survive Reset, a config change and a third run
    click(qtbot, window, "resetButton")
    choose(window.findChild(QComboBox, "optimizerCombo"), "adam")
    assert window.current_run.config.optimizer == "adam"
    run_to_end(qtbot, window)
    assert len(window.pinned_runs()) == 2
    assert len(window.surface_view.ghost_paths()) == 2
    assert all(c in window.loss_view.extra_series() for c in window.pins.curve_items())

    # pinning the same run twice unchanged does nothing
    action(window, "actionPinRun").trigger()
    action(window, "actionPinRun").trigger()
    assert [r.label for r in window.pinned_runs()][-1].startswith("pin 3: Adam")
    assert len(window.pinned_runs()) == 3

    action(window, "actionClearPins").trigger()
    assert window.pinned_runs() == []
    assert window.surface_view.ghost_paths() == []
    assert window.loss_view.extra_series() == []
    assert not any(t.startswith("pin") for t in legend_texts(window.loss_view.legend))
    assert not any(t.startswith("pin") for t in legend_texts(window.surface_view.legend))
    action(window, "actionPinRun").trigger()
    assert window.pinned_runs()[0].label.startswith("pin 1:")  # numbering starts again


def test_pin_during_a_run_keeps_what_was_drawn(qtbot, window):
    choose(window.findChild(QComboBox, "speedCombo"), 30.0)
    window.findChild(QAbstractSpinBox, "epochsSpin").setValue(1000)
    click(qtbot, window, "startButton")
    qtbot.waitUntil(lambda: window._last_frame is not None
                    and window._last_frame.snapshot.iteration >= 3, timeout=5000)
    action(window, "actionPinRun").trigger()
    rec = window.pinned_runs()[0]
    assert 3 <= rec.n_iterations < 1000
    assert np.isfinite(rec.params).all()
    click(qtbot, window, "pauseButton")
    qtbot.waitUntil(lambda: not window.worker.is_running, timeout=5000)
    assert window.current_run.iteration >= rec.n_iterations
    assert len(window.pinned_runs()) == 1


def test_ghosts_follow_the_surface_axes_and_skip_other_parameter_counts(qtbot, window):
    choose(window.dataset_panel.findChild(QComboBox, "presetCombo"), "two-classes")
    assert window.current_run.params.size == 3
    full_speed(window)
    run_to_end(qtbot, window)
    action(window, "actionPinRun").trigger()
    rec = window.pinned_runs()[0]
    i, j = window.surface_model.axes
    ghost = window.pins.ghost_items()[0]
    np.testing.assert_allclose(ghost_xy(ghost), rec.params[:, [i, j]])
    # pick other axes in the combos above the surface
    xbox = window.findChild(QComboBox, "surfaceXCombo")
    ybox = window.findChild(QComboBox, "surfaceYCombo")
    ybox.setCurrentIndex(2)
    xbox.setCurrentIndex(1)
    assert window.surface_model.axes == (1, 2)
    ghost = window.pins.ghost_items()[0]
    assert ghost in window.surface_view.ghost_paths()
    assert len(window.surface_view.ghost_paths()) == 1
    np.testing.assert_allclose(ghost_xy(ghost), rec.params[:, [1, 2]])

    # a one-feature dataset: the 3-parameter path is not drawn, its loss curve stays
    choose(window.dataset_panel.findChild(QComboBox, "presetCombo"), "lecture-3x-plus-2")
    assert window.current_run.params.size == 2
    assert window.pins.ghost_items() == [None]
    assert window.surface_view.ghost_paths() == []
    assert window.pins.curve_items()[0] in window.loss_view.extra_series()
    assert len(window.pinned_runs()) == 1


def test_clear_removes_only_its_own_items_and_survives_others_clearing(qtbot, window):
    click(qtbot, window, "stepButton")
    qtbot.waitUntil(lambda: window._last_frame is not None, timeout=5000)
    action(window, "actionPinRun").trigger()
    lv, sv = window.loss_view, window.surface_view
    foreign_ghost = sv.add_ghost_path(np.array([[0.0, 0.0], [1.0, 1.0]]))
    # someone else clears every extra series: ours comes back with the next frame
    lv.clear_extra_series()
    assert window.pins.curve_items()[0] not in lv.extra_series()
    click(qtbot, window, "stepButton")
    qtbot.waitUntil(lambda: window.current_run.iteration == 2 and
                    window._last_frame.snapshot.iteration == 2, timeout=5000)
    qtbot.waitUntil(lambda: window.pins.curve_items()[0] in lv.extra_series(), timeout=5000)
    assert legend_texts(lv.legend).count("pin 1: SGD lr=0.01") == 1
    foreign_curve = lv.add_extra_series([0, 1, 2], [3.0, 2.0, 1.0], "race: Adam")
    action(window, "actionClearPins").trigger()
    assert lv.extra_series() == [foreign_curve]
    assert "race: Adam" in legend_texts(lv.legend)
    assert sv.ghost_paths() == [foreign_ghost]


def test_add_pin_restores_a_record(qtbot, window):
    run = window.current_run
    params = np.array([[0.0, 0.0], [1.0, 0.5], [2.0, 1.0]])
    rec = PinnedRun("pin 1: SGD lr=0.1", ("w1", "b"), params, np.arange(3),
                    np.array([100.0, 20.0, 5.0]), run.config)
    window.add_pin(rec)
    assert window.pinned_runs() == [rec]
    np.testing.assert_allclose(ghost_xy(window.pins.ghost_items()[0]), params)
    x, y = window.pins.curve_items()[0].getData()
    np.testing.assert_allclose(y, [100.0, 20.0, 5.0])
