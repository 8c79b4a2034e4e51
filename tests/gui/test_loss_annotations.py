"""Markers pinned on the loss curve of the real window by clicking it."""

import numpy as np
import pytest
from PySide6 import QtCore
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QPushButton



def run_to_end(qtbot, w):
    box = w.findChild(QComboBox, "speedCombo")
    index = box.findData(0.0)
    box.setCurrentIndex(index)
    box.activated.emit(index)
    qtbot.mouseClick(w.findChild(QPushButton, "startButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: w.current_run is not None and w.current_run.done
                    and w._last_frame is not None and w._last_frame.snapshot.done, timeout=20000)


def settle():
    for _ in range(3):
        QtCore.QCoreApplication.processEvents()
        QTest.qWait(20)


def click_loss_point(w, k):
    """Left-click the loss plot where the full-dataset loss of iteration k is drawn."""
    settle()
    view = w.loss_view
    value = float(w.run_history().full_loss[k])
    vb = view.getPlotItem().getViewBox()
    y = np.log10(value) if view.log_scale() else value  # view coordinates
    pos = view.mapFromScene(vb.mapViewToScene(QtCore.QPointF(k, y)))
    assert view.viewport().rect().contains(pos)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
    settle()
    return value


def labels_of(view):
    return [a["label"] for a in view._annotations]


def test_click_on_the_loss_curve_pins_the_right_point_and_clicking_it_again_removes_it(qtbot, window):
    run_to_end(qtbot, window)
    view = window.loss_view
    assert view.annotations() == []
    v40 = click_loss_point(window, 40)
    assert view.annotations() == [(40.0, pytest.approx(v40))]
    v5 = click_loss_point(window, 5)
    assert view.annotations() == [(40.0, pytest.approx(v40)), (5.0, pytest.approx(v5))]
    assert v5 > v40  # the loss fell between the two markers
    labels = [a["label"] for a in view._annotations]
    assert "iteration 40" in labels[0].toPlainText()
    click_loss_point(window, 40)  # on the marker: removes it
    assert view.annotations() == [(5.0, pytest.approx(v5))]


def test_clear_action_and_new_runs_remove_the_markers(qtbot, window):
    clear = window.findChild(QAction, "actionClearAnnotations")
    assert clear.text() == "Clear loss-curve markers"
    assert clear in window.menu("&Teach").actions()
    run_to_end(qtbot, window)
    view = window.loss_view
    click_loss_point(window, 30)
    click_loss_point(window, 60)
    assert len(view.annotations()) == 2
    labels = labels_of(view)
    assert all(label.scene() is not None for label in labels)
    clear.trigger()
    assert view.annotations() == []
    assert len(view.annotation_dots.xData if view.annotation_dots.xData is not None else []) == 0
    assert all(label.scene() is None for label in labels)

    click_loss_point(window, 30)
    assert len(view.annotations()) == 1
    qtbot.mouseClick(window.findChild(QPushButton, "resetButton"), Qt.LeftButton)
    assert view.annotations() == []  # the markers belonged to the old run

    run_to_end(qtbot, window)
    click_loss_point(window, 20)
    assert len(view.annotations()) == 1
    run_to_end(qtbot, window)  # Start on a finished run starts a new one
    assert view.annotations() == []
    assert np.isfinite(window.run_history().full_loss[-1])
