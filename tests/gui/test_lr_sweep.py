"""Analyze ▸ Learning-rate sweep / range test, driven through the real widgets."""

import math

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractSpinBox, QCheckBox, QComboBox, QDockWidget, QLabel, QProgressBar, QPushButton,
)

from gdsim.core.sweep import stability_limit
from gdsim.gui.main_window import MainWindow


@pytest.fixture
def window(qtbot):
    w = MainWindow()
    w.ask_before_discarding = False
    qtbot.addWidget(w)
    w.show()
    yield w
    panel(w).shutdown()
    w.shutdown()


def panel(w) -> QDockWidget:
    return w.findChild(QDockWidget, "lrSweepPanel")


def action(w, name) -> QAction:
    found = w.findChild(QAction, name)
    assert found is not None and found in w.menu("&Analyze").actions()
    return found


def child(w, cls, name):
    """A widget in the dock, which is opened first (View ▸ Learning-rate studies) if it is hidden:
    its contents are built when it is first shown."""
    dock = panel(w)
    if not dock.isVisible():
        dock.toggleViewAction().trigger()
    found = dock.findChild(cls, name)
    assert found is not None, name
    return found


def type_into(spin: QAbstractSpinBox, text: str) -> None:
    spin.setFocus()
    spin.lineEdit().selectAll()
    QTest.keyClick(spin.lineEdit(), Qt.Key_Backspace)
    QTest.keyClicks(spin.lineEdit(), text)
    QTest.keyClick(spin.lineEdit(), Qt.Key_Return)


def set_epochs(w, epochs: int) -> None:
    type_into(w.controls.findChild(QAbstractSpinBox, "epochsSpin"), str(epochs))
    assert w.controls.config().epochs == epochs


def data(item):
    x, y = item.getOriginalDataset()
    return (np.empty(0), np.empty(0)) if x is None else (np.asarray(x), np.asarray(y))


def sweep_done(w, status="finished"):
    snap = panel(w).sweep_snapshot
    return snap is not None and snap.status == status


def test_sweep_action_runs_and_plots_every_learning_rate(qtbot, window):
    p = panel(window)
    assert not p.isVisible() and p.widget() is None  # built when first shown
    type_into(child(window, QAbstractSpinBox, "lrSweepCountSpin"), "9")
    action(window, "actionLrSweep").trigger()
    assert p.isVisible()
    qtbot.waitUntil(lambda: sweep_done(window), timeout=20000)
    snap = p.sweep_snapshot
    assert len(snap.points) == 9 and snap.lrs[0] == pytest.approx(1e-4) and snap.lrs[-1] == 1.0
    # points: the converging runs as circles, the diverged ones as crosses at the top, no NaN
    xs, ys = data(p.sweep_points)
    dx, dy = data(p.diverged_points)
    gx, _gy = data(p.grew_points)
    assert len(xs) + len(dx) + len(gx) == 9
    assert len(xs) >= 5 and len(dx) >= 2
    assert np.isfinite(ys).all() and np.isfinite(dy).all()
    assert np.all(dy > ys.max())  # drawn above every finite point
    # the diverged ones are exactly the sweep's diverged runs, above 2/λmax
    limit = stability_limit(window.document.dataset, window.controls.config())
    assert sorted(dx) == sorted(q.lr for q in snap.points if q.diverged)
    assert min(dx) > limit > max(xs)
    line = p.sweep_limit_line
    assert line.isVisible() and line.value() == pytest.approx(math.log10(limit))
    assert "2/λmax = 0.0529" in line.label.toPlainText()
    assert child(window, QProgressBar, "lrSweepProgress").value() == 1000
    assert "2/λmax = 0.05293" in child(window, QLabel, "lrSweepLabel").text()
    assert child(window, QPushButton, "lrSweepRunButton").isEnabled()
    assert not child(window, QPushButton, "lrSweepCancelButton").isEnabled()
    # log y off keeps the same points
    log_y = child(window, QCheckBox, "lrSweepLogYCheck")
    qtbot.mouseClick(log_y, Qt.LeftButton, pos=QPoint(8, log_y.height() // 2))
    assert not log_y.isChecked()
    assert not p.sweep_plot.getPlotItem().ctrl.logYCheck.isChecked()
    assert len(data(p.sweep_points)[0]) == len(xs)


def test_metric_choice_reruns_with_iterations_to_converge(qtbot, window):
    set_epochs(window, 3000)
    type_into(child(window, QAbstractSpinBox, "lrSweepCountSpin"), "5")
    type_into(child(window, QAbstractSpinBox, "lrSweepFromSpin"), "0.01")
    type_into(child(window, QAbstractSpinBox, "lrSweepToSpin"), "0.1")
    child(window, QPushButton, "lrSweepRunButton").click()
    qtbot.waitUntil(lambda: sweep_done(window), timeout=20000)
    assert panel(window).sweep_snapshot.metric == "loss"
    combo = child(window, QComboBox, "lrSweepMetricCombo")
    combo.setCurrentIndex(combo.findData("iterations"))
    qtbot.waitUntil(lambda: sweep_done(window) and panel(window).sweep_snapshot.metric == "iterations",
                    timeout=20000)
    snap = panel(window).sweep_snapshot
    converged = [q for q in snap.points if q.status == "converged"]
    assert converged and all(q.iterations < 3000 for q in converged)
    xs, ys = data(panel(window).sweep_points)
    assert sorted(ys) == sorted(float(q.iterations) for q in converged)
    assert "iterations to converge" in panel(window).sweep_plot.getPlotItem().getAxis("left").labelText


def test_cancel_stops_the_sweep_midway(qtbot, window):
    set_epochs(window, 200_000)
    action(window, "actionLrSweep").trigger()
    p = panel(window)
    cancel = child(window, QPushButton, "lrSweepCancelButton")
    qtbot.waitUntil(lambda: p.sweep_snapshot.iterations_done > 0 and cancel.isEnabled(), timeout=10000)
    assert not child(window, QPushButton, "lrSweepRunButton").isEnabled()
    qtbot.mouseClick(cancel, Qt.LeftButton)
    qtbot.waitUntil(lambda: sweep_done(window, "cancelled"), timeout=10000)
    snap = p.sweep_snapshot
    assert len(snap.points) < 20 and snap.iterations_done < snap.iterations_total
    assert "cancelled" in child(window, QProgressBar, "lrSweepProgress").format()
    qtbot.waitUntil(lambda: not p.thread.worker.is_running, timeout=5000)
    assert child(window, QPushButton, "lrSweepRunButton").isEnabled()
    assert not cancel.isEnabled()
    # nothing moves after the cancel
    done = p._study.snapshot().iterations_done
    qtbot.wait(100)
    assert p._study.snapshot().iterations_done == done


def test_closing_the_window_mid_sweep_stops_its_thread(qtbot, window):
    set_epochs(window, 200_000)
    action(window, "actionLrSweep").trigger()
    p = panel(window)
    qtbot.waitUntil(lambda: p.sweep_snapshot.iterations_done > 0, timeout=10000)
    thread = p.thread
    assert thread.isRunning() and p.is_running
    window.close()
    assert thread.isFinished() and not thread.isRunning()
    assert p._study.done and p._study.snapshot().status == "cancelled"


def test_range_test_action_plots_loss_against_rising_lr(qtbot, window):
    action(window, "actionLrRangeTest").trigger()
    p = panel(window)
    assert p.isVisible() and p.tabs.currentIndex() == 1
    qtbot.waitUntil(lambda: p.range_snapshot is not None and p.range_snapshot.done, timeout=20000)
    snap = p.range_snapshot
    assert snap.status == "stopped" and 10 < len(snap.lrs) < 100  # the loss blew up past 4× the best
    xs, ys = data(p.range_curve)
    assert len(xs) == len(snap.lrs) and np.all(np.diff(xs) > 0)
    assert xs[0] == pytest.approx(1e-5)
    assert p.range_suggest_line.isVisible()
    assert p.range_suggest_line.value() == pytest.approx(math.log10(snap.suggested_lr))
    assert p.range_limit_line.isVisible()  # plain SGD on linear + MSE
    assert "Stopped at lr" in child(window, QLabel, "lrRangeLabel").text()
    assert "stopped" in child(window, QProgressBar, "lrRangeProgress").format()


def test_bad_range_is_reported_not_run(qtbot, window):
    type_into(child(window, QAbstractSpinBox, "lrSweepFromSpin"), "1")
    type_into(child(window, QAbstractSpinBox, "lrSweepToSpin"), "0.001")
    action(window, "actionLrSweep").trigger()
    assert "Cannot sweep" in child(window, QLabel, "lrSweepLabel").text()
    assert panel(window).sweep_snapshot is None and panel(window).thread is None
