"""Teach ▸ Optimizer race, driven through the real widgets."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QDockWidget, QPushButton, QTableWidget, QToolButton

from gdsim.core.training import TrainingConfig, TrainingRun
from gdsim.gui.main_window import MainWindow
from helpers import choose


def set_speed(w, value):
    choose(w.findChild(QComboBox, "speedCombo"), value)


def open_race(qtbot, w):
    action = w.findChild(QAction, "actionRace")
    assert action is not None
    action.trigger()
    dock = w.findChild(QDockWidget, "racePanel")
    qtbot.waitUntil(dock.isVisible, timeout=2000)
    return dock


def click(qtbot, w, name):
    button = w.findChild(QPushButton, name)
    assert button is not None and button.isEnabled(), name
    qtbot.mouseClick(button, Qt.LeftButton)


def type_settings(panel, row, text):
    edit = panel.settings_edit(row)
    edit.selectAll()
    QTest.keyClick(edit, Qt.Key_Backspace)
    QTest.keyClicks(edit, text)


def remove_row(qtbot, w, panel, row):
    panel.table.selectRow(row)
    click(qtbot, w, "raceRemoveButton")


def wait_race_done(qtbot, w, timeout=20000):
    feature = w.race_feature
    qtbot.waitUntil(lambda: feature.last_frame is not None and feature.last_frame.snapshot.done
                    and w.findChild(QPushButton, "raceStartButton").isEnabled(), timeout=timeout)


def results_rows(w):
    table = w.findChild(QTableWidget, "raceResultsTable")
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def test_action_is_in_teach_menu_and_toolbar_and_opens_the_panel(qtbot, window):
    action = window.findChild(QAction, "actionRace")
    assert action in window.menu("&Teach").actions()
    assert action in window.toolbar.actions()
    assert isinstance(window.toolbar.widgetForAction(action), QToolButton)
    dock = window.findChild(QDockWidget, "racePanel")
    assert not dock.isVisible()
    open_race(qtbot, window)
    panel = window.race_feature.panel
    rows = [(panel.optimizer_combo(r).currentText(), panel.settings_edit(r).text())
            for r in range(panel.row_count())]
    assert rows == [("SGD", "lr=0.01"), ("Adam", "lr=0.01"), ("SGD", "lr=0.01, momentum=0.9")]
    for name in ("raceStartButton", "raceStopButton", "raceAddButton", "raceRemoveButton"):
        assert window.findChild(QPushButton, name) is not None, name
    assert window.findChild(QTableWidget, "raceResultsTable").rowCount() == 0
    assert window.race_feature.thread is None  # no thread until a race starts


def test_sgd_against_adam_on_the_default_preset(qtbot, window):
    set_speed(window, 0.0)
    open_race(qtbot, window)
    panel = window.race_feature.panel
    remove_row(qtbot, window, panel, 2)
    assert panel.row_count() == 2
    assert not window.findChild(QPushButton, "raceRemoveButton").isEnabled()  # two stay
    panel.threshold_auto_check.setChecked(False)  # a threshold of one's own: loss ≤ 1
    click(qtbot, window, "raceStartButton")
    wait_race_done(qtbot, window)

    rows = results_rows(window)
    assert [r[0] for r in rows] == ["SGD lr=0.01", "Adam lr=0.01"]
    header = window.findChild(QTableWidget, "raceResultsTable").horizontalHeaderItem(2).text()
    assert header == "Iterations to\nloss ≤ 1"
    dataset = window.document.dataset
    for row, (optimizer, hyper) in zip(rows, [("sgd", {"lr": 0.01}), ("adam", {"lr": 0.01})]):
        alone = TrainingRun(dataset, TrainingConfig(optimizer=optimizer, hyper=hyper)).run()
        assert float(row[1]) == pytest.approx(alone.current_loss, rel=1e-3)
        hits = np.flatnonzero(alone.history.full_loss <= 1.0)
        assert row[2] == (str(hits[0]) if hits.size else "not reached")
        assert row[3] == "no"
    assert rows[0][2] == "6" and rows[1][2] == "not reached"

    surface = window.surface_view
    paths = surface.race_paths()
    assert len(paths) == 2
    for item in paths:
        x, y = item.getData()
        assert len(x) == 101 and np.isfinite(x).all() and np.isfinite(y).all()
    first_x, _ = paths[0].getData()
    race = window.race_feature.race
    np.testing.assert_allclose(first_x, race.runs[0].history.params[:, 0])
    assert {"SGD lr=0.01", "Adam lr=0.01"} <= set(surface.legend_labels())
    curves = window.race_feature.loss_curves
    assert len(curves) == 2 and all(c in window.loss_view.extra_series() for c in curves)
    assert all(len(c.getData()[0]) == 101 for c in curves)
    assert "Race finished after 100 iterations" in panel.status_label.text()
    assert window.current_run.iteration == 0  # the window's own run did not move


def test_add_rows_pick_optimizers_and_type_settings(qtbot, window):
    set_speed(window, 0.0)
    open_race(qtbot, window)
    panel = window.race_feature.panel
    click(qtbot, window, "raceAddButton")
    assert panel.row_count() == 4
    choose(panel.optimizer_combo(3), "rmsprop")
    assert panel.settings_edit(3).text() == "lr=0.01"
    type_settings(panel, 3, "lr=fast")
    assert panel.settings_edit(3).toolTip().startswith("Invalid value for lr")
    click(qtbot, window, "raceStartButton")
    assert panel.status_label.text().startswith("Row 4: Invalid value for lr of rmsprop")
    assert window.race_feature.race is None
    type_settings(panel, 3, "lr=0.05, alpha=0.9")
    # the same optimizer twice with different settings, plus one that diverges
    choose(panel.optimizer_combo(1), "sgd")
    type_settings(panel, 1, "lr=0.5")
    click(qtbot, window, "raceStartButton")
    wait_race_done(qtbot, window)
    rows = results_rows(window)
    assert [r[0] for r in rows] == ["SGD lr=0.01", "SGD lr=0.5", "SGD lr=0.01, momentum=0.9",
                                    "RMSprop lr=0.05, alpha=0.9"]
    assert [r[3] for r in rows] == ["no", "yes", "no", "no"]
    assert "SGD lr=0.5: Diverged at iteration" in panel.status_label.text()
    assert len(window.surface_view.race_paths()) == 4
    for _ in range(4):
        click(qtbot, window, "raceAddButton")
    assert panel.row_count() == 8
    assert not window.findChild(QPushButton, "raceAddButton").isEnabled()


def test_stop_pauses_the_race_and_the_window_run_is_paused(qtbot, window):
    set_speed(window, 10.0)
    qtbot.mouseClick(window.findChild(QPushButton, "startButton"), Qt.LeftButton)
    assert window.worker.is_running
    open_race(qtbot, window)
    click(qtbot, window, "raceStartButton")
    assert not window.worker.is_running  # one thing moves at a time
    assert window.race_feature.is_running
    feature = window.race_feature
    qtbot.waitUntil(lambda: feature.last_frame is not None and feature.last_frame.snapshot.iteration >= 2,
                    timeout=5000)
    click(qtbot, window, "raceStopButton")
    assert not feature.is_running
    qtbot.waitUntil(lambda: window.findChild(QPushButton, "raceStartButton").isEnabled(), timeout=2000)
    assert "Stopped at iteration" in feature.panel.status_label.text()
    stopped_at = feature.race.iteration
    assert 2 <= stopped_at < 100
    qtbot.wait(300)
    assert feature.race.iteration == stopped_at


def test_changing_the_data_clears_the_race(qtbot, window):
    set_speed(window, 0.0)
    open_race(qtbot, window)
    click(qtbot, window, "raceStartButton")
    wait_race_done(qtbot, window)
    assert len(window.surface_view.race_paths()) == 3
    choose(window.dataset_panel.findChild(QComboBox, "presetCombo"), "insurance")
    qtbot.waitUntil(lambda: window.document.dataset.name == "insurance", timeout=2000)
    assert window.surface_view.race_paths() == []
    assert window.race_feature.loss_curves == []
    assert "cleared" in window.race_feature.panel.status_label.text()
    # a new race on the classification table, with the logistic model the preset brought
    click(qtbot, window, "raceStartButton")
    wait_race_done(qtbot, window)
    assert len(results_rows(window)) == 3
    assert window.race_feature.race.base_config.model == "logistic"


def test_closing_the_window_mid_race_stops_its_thread(qtbot):
    w = MainWindow()
    w.ask_before_discarding = False
    qtbot.addWidget(w)
    w.show()
    set_speed(w, 5.0)
    open_race(qtbot, w)
    click(qtbot, w, "raceStartButton")
    feature = w.race_feature
    thread = feature.thread
    assert thread is not None and thread.isRunning()
    qtbot.waitUntil(lambda: feature.last_frame is not None and feature.last_frame.snapshot.iteration >= 1,
                    timeout=5000)
    assert not feature.race.done
    w.close()
    assert thread.isFinished()
    assert feature.thread is None
    w.shutdown()


def test_on_bce_the_default_threshold_comes_from_the_race_and_the_surface_holds_every_path(qtbot):
    """Insurance starts at BCE 0.693, under a fixed "loss ≤ 1": every entry showed 0 iterations."""
    w = MainWindow(preset="insurance")
    w.ask_before_discarding = False
    qtbot.addWidget(w)
    w.show()
    try:
        set_speed(w, 0.0)
        open_race(qtbot, w)
        panel = w.race_feature.panel
        assert panel.threshold() == "auto"
        type_settings(panel, 1, "lr=0.5")  # Adam at a large step: its path leaves the first surface
        click(qtbot, w, "raceStartButton")
        # while the race runs, the main run's lone point is hidden and not listed
        assert [label.text for _, label in w.loss_view.legend.items] == list(w.race_feature.race.labels)
        wait_race_done(qtbot, w)
        race = w.race_feature.race
        threshold = race.threshold
        finals = [run.current_loss for run in race.runs if run.status != "diverged"]
        assert threshold == pytest.approx(1.01 * min(finals))
        header = w.findChild(QTableWidget, "raceResultsTable").horizontalHeaderItem(2)
        assert header.text() == f"Iterations to\nloss ≤ {threshold:.4g} (best + 1%)"
        reach = [row[2] for row in results_rows(w)]
        assert "0" not in reach and any(r.isdigit() and int(r) > 0 for r in reach), reach
        x0, x1, y0, y1 = w.surface_view.surface_extent()
        i, j = w.surface_model.axes
        for run in race.runs:
            p = run.history.params[:, [i, j]]
            assert (p[:, 0] >= x0).all() and (p[:, 0] <= x1).all(), (p[:, 0].min(), p[:, 0].max(), x0, x1)
            assert (p[:, 1] >= y0).all() and (p[:, 1] <= y1).all(), (p[:, 1].min(), p[:, 1].max(), y0, y1)
    finally:
        w.shutdown()
