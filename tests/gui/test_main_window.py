"""The main window driven through its real widgets, as a learner would."""

import subprocess
import sys
import time

import numpy as np
import pytest
from PySide6.QtCore import Qt, QThread
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton

from gdsim.gui.main_window import MainWindow
from helpers import choose, type_into_cell


def button(w, name) -> QPushButton:
    return w.findChild(QPushButton, name)


def combo(w, name) -> QComboBox:
    return w.findChild(QComboBox, name)


def full_speed(w):
    speed = w.findChild(QComboBox, "speedCombo")
    choose(speed, 0.0)


def wait_done(qtbot, w, timeout=20000):
    qtbot.waitUntil(lambda: w.current_run is not None and w.current_run.done
                    and w._last_frame is not None and w._last_frame.snapshot.done, timeout=timeout)


def test_opens_on_default_preset_ready_to_start(window):
    assert window.document.dataset.name == "lecture-3x-plus-2"
    assert "Ready" in window.findChild(type(window.status_label), "statusLabel").text()
    assert len(window.run_history()) == 1
    for name in ("datasetTable", "presetCombo", "modelCombo", "lossCombo", "optimizerCombo",
                 "learningRateSpin", "batchModeCombo", "batchSizeSpin", "epochsSpin", "seedSpin",
                 "startButton", "pauseButton", "stepButton", "stepEpochButton", "resetButton",
                 "surfacePlot", "lossPlot", "fitPlot", "statusLabel"):
        assert window.findChild(object, name) is not None, name
    assert window.findChild(object, "learningRateSpin").value() == pytest.approx(0.01)


def test_start_runs_on_the_worker_and_the_loss_falls(qtbot, window):
    full_speed(window)
    qtbot.mouseClick(button(window, "startButton"), Qt.LeftButton)
    wait_done(qtbot, window)
    h = window.run_history()
    assert len(h) == 101
    assert h.full_loss[-1] < h.full_loss[0] / 100
    path = window.surface_view.path_points()
    assert len(path) == 101
    assert "Finished" in window.status_label.text()
    assert "epoch 100/100" in window.status_label.text()
    assert window.progress.value() == 100


def test_a_run_longer_than_a_progress_bar_can_count_still_draws(qtbot):
    """A million epochs of 2,500 one-row batches: 2.5·10⁹ iterations, past QProgressBar's C int."""
    from gdsim.core.presets import large_synthetic
    from gdsim.core.training import TrainingConfig

    window = MainWindow(dataset=large_synthetic(2_500, model="logistic"),
                        config=TrainingConfig(model="logistic", batch_size=1, epochs=1_000_000))
    window.ask_before_discarding = False
    qtbot.addWidget(window)
    assert window.current_run.total_iterations == 2_500_000_000
    drawn = []
    window.frame_drawn.connect(drawn.append)
    window.step()
    qtbot.waitUntil(lambda: len(drawn) > 0, timeout=10_000)
    assert window.progress.text() == "1 / 2500000000"
    assert window.progress.maximum() == 1_000_000 and window.progress.value() == 0
    assert "1 total" in window.status_label.text()
    window.close()


def test_step_and_step_epoch_buttons(qtbot, window):
    choose(window.dataset_panel.findChild(QComboBox, "presetCombo"), "insurance")
    assert window.findChild(QComboBox, "modelCombo").currentData() == "logistic"
    choose(combo(window, "batchModeCombo"), "mini-batch")
    window.findChild(object, "batchSizeSpin").setValue(4)
    qtbot.mouseClick(button(window, "stepButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: len(window.run_history()) == 2)
    qtbot.mouseClick(button(window, "stepEpochButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: len(window.run_history()) == 4)  # rest of epoch 1: 3 iterations in all
    qtbot.mouseClick(button(window, "stepEpochButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: len(window.run_history()) == 7)
    qtbot.waitUntil(lambda: "epoch 2/" in window.status_label.text())
    assert "iteration 3 of 3 in this epoch · 6 total" in window.status_label.text()
    rows = window.dataset_panel.model.highlighted_rows()
    assert len(rows) == 3  # the partial last batch of 11 rows with B = 4


def test_keyboard_shortcuts_step_and_reset(qtbot, window):
    QTest.keyClick(window, Qt.Key_F10)
    qtbot.waitUntil(lambda: len(window.run_history()) == 2)
    QTest.keyClick(window, Qt.Key_F10, Qt.ShiftModifier)  # step epoch (1 iteration per epoch here)
    qtbot.waitUntil(lambda: len(window.run_history()) == 3)
    QTest.keyClick(window, Qt.Key_R, Qt.ControlModifier)
    assert len(window.run_history()) == 1


def test_pause_stops_and_resume_goes_on(qtbot, window):
    choose(combo(window, "speedCombo"), 10.0)
    window.findChild(object, "epochsSpin").setValue(1000)
    qtbot.mouseClick(button(window, "startButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: len(window.run_history()) >= 3, timeout=5000)
    qtbot.mouseClick(button(window, "pauseButton"), Qt.LeftButton)
    qtbot.wait(100)
    n = len(window.run_history())
    qtbot.wait(400)
    assert len(window.run_history()) == n
    assert button(window, "pauseButton").text() == "Resume"
    qtbot.mouseClick(button(window, "pauseButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: len(window.run_history()) > n + 1, timeout=5000)


def test_bad_cell_edit_is_refused_and_undo_restores(qtbot, window):
    before = window.surface_view.surface_values().copy() if hasattr(window.surface_view, "surface_values") else None
    type_into_cell(qtbot, window.dataset_panel, 0, 1, "abc")
    assert window.document.dataset.values[0, 1] == 8.0
    assert "not a number" in window.dataset_panel.findChild(object, "datasetMessage").text()
    type_into_cell(qtbot, window.dataset_panel, 0, 1, "12")
    assert window.document.dataset.values[0, 1] == 12.0
    assert window.current_run.dataset.values[0, 1] == 12.0  # the engine trains on the edit
    if before is not None:
        assert not np.array_equal(before, window.surface_view.surface_values())
    window.dataset_panel.undo_action().trigger()
    assert window.document.dataset.values[0, 1] == 8.0
    assert window.dataset_panel.table.model().index(0, 1).data() == "8"
    assert window.current_run.dataset.values[0, 1] == 8.0


def test_edit_during_a_run_pauses_it(qtbot, window):
    choose(combo(window, "speedCombo"), 10.0)
    qtbot.mouseClick(button(window, "startButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: len(window.run_history()) >= 3, timeout=5000)
    type_into_cell(qtbot, window.dataset_panel, 1, 1, "30")
    assert not window.worker.is_running
    assert "data changed" in window.status_label.text()
    assert window.current_run.iteration == 0 and window.run_history().params[0].tolist() != [0.0, 0.0]
    n = len(window.run_history())
    qtbot.wait(300)
    assert len(window.run_history()) == n


def test_optimizer_choice_shows_its_own_hyperparameters_and_trains(qtbot, window):
    choose(combo(window, "optimizerCombo"), "adam")
    assert window.current_run.config.optimizer == "adam"
    assert window.findChild(object, "beta1Spin").isVisible()
    full_speed(window)
    qtbot.mouseClick(button(window, "startButton"), Qt.LeftButton)
    wait_done(qtbot, window)
    assert window.current_run.optimizer.name == "adam"


def test_lr_change_during_a_run_takes_effect(qtbot, window):
    choose(combo(window, "speedCombo"), 30.0)
    window.findChild(object, "epochsSpin").setValue(1000)
    qtbot.mouseClick(button(window, "startButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: len(window.run_history()) >= 3, timeout=5000)
    window.findChild(object, "learningRateSpin").setValue(0.001)
    qtbot.waitUntil(lambda: window.run_history().lr[-1] == pytest.approx(0.001), timeout=5000)
    assert window.run_history().lr[1] == pytest.approx(0.01)
    assert window.worker.is_running


def test_logistic_insurance_run_shows_decision_boundary(qtbot, window):
    choose(window.dataset_panel.findChild(QComboBox, "presetCombo"), "insurance")
    full_speed(window)
    qtbot.mouseClick(button(window, "startButton"), Qt.LeftButton)
    wait_done(qtbot, window)
    assert window.fit_view.mode() == "decision_boundary"
    h = window.run_history()
    assert h.full_loss[-1] < h.full_loss[0]


def test_click_on_surface_sets_start_point(qtbot, window):
    window._on_surface_clicked(1.5, -0.5)  # what SurfaceView.clicked delivers
    assert window.current_run.params.tolist() == [1.5, -0.5]
    assert window.findChild(object, "initSpin0").value() == pytest.approx(1.5)


def test_divergence_is_reported(qtbot, window):
    window.findChild(object, "learningRateSpin").setValue(10.0)
    full_speed(window)
    qtbot.mouseClick(button(window, "startButton"), Qt.LeftButton)
    wait_done(qtbot, window)
    assert window.current_run.status == "diverged"
    assert "Diverged at iteration" in window.status_label.text()
    assert np.isfinite(window.surface_view.path_points()).all()


def test_frames_are_bounded_at_full_speed(qtbot, window):
    frames = []
    window.worker.frame_ready.connect(lambda: frames.append(time.perf_counter()))
    full_speed(window)
    window.findChild(object, "epochsSpin").setValue(1_000_000)
    qtbot.mouseClick(button(window, "startButton"), Qt.LeftButton)
    qtbot.wait(1000)
    qtbot.mouseClick(button(window, "pauseButton"), Qt.LeftButton)
    # It stepped many times per drawn frame, and drew no more than ~60 frames a second.
    assert len(window.run_history()) > 5 * len(frames)
    assert 1 <= len(frames) <= 70


def test_close_during_run_stops_worker(qtbot):
    w = MainWindow()
    w.show()
    choose(w.findChild(QComboBox, "speedCombo"), 0.0)
    w.findChild(object, "epochsSpin").setValue(1_000_000)
    w.start()
    qtbot.waitUntil(lambda: len(w.run_history()) > 100, timeout=5000)
    thread: QThread = w._thread
    w.close()
    assert thread.isFinished()


def test_screenshot_command(tmp_path):
    out = tmp_path / "shot.png"
    proc = subprocess.run([sys.executable, "-m", "gdsim", "--screenshot", str(out), "--steps", "20"],
                          capture_output=True, text=True, timeout=120,
                          env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert proc.returncode == 0, proc.stderr
    assert out.stat().st_size > 10_000
    assert "QThread" not in proc.stderr


def test_screenshot_at_a_projectors_size(tmp_path):
    """--size 1280x690 (a 1280×720 projector less the frame): the picture is that size, because
    the window fits it; a bad size is one line and exit 2."""
    from PySide6.QtGui import QImage

    out = tmp_path / "small.png"
    env = {**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "gdsim", "--screenshot", str(out), "--size", "1280x690"],
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 690)
    bad = subprocess.run([sys.executable, "-m", "gdsim", "--screenshot", str(out), "--size", "big"],
                         capture_output=True, text=True, timeout=120, env=env)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "--size" in bad.stderr


def test_a_cell_edit_after_an_invalid_setting_keeps_every_setting(qtbot, window):
    choose(combo(window, "modelCombo"), "logistic")  # invalid: lecture-3x-plus-2's y is not 0/1
    window.findChild(object, "standardizeCheck").setChecked(True)
    window.controls.set_init((0.5, -1.0))
    assert window.current_run is None
    type_into_cell(qtbot, window.dataset_panel, 0, 1, "1")  # flipped the model to linear/MSE
    config = window.controls.config()
    assert (config.model, config.loss, config.standardize) == ("logistic", "bce", True)
    assert window.controls.init() == (0.5, -1.0)


def test_a_new_preset_starts_from_the_start_point_fields(qtbot, window):
    window.step_epoch()
    window.step_epoch()
    qtbot.waitUntil(lambda: window._last_frame is not None and window._last_frame.snapshot.iteration == 2,
                    timeout=5000)
    assert window.dataset_panel.load_preset("lecture-2x")  # one feature too: the same shape
    assert window.controls.init() == (0.0, 0.0)
    assert window.current_run.params.tolist() == [0.0, 0.0]  # was the previous run's end point
    window.controls.set_init((1.0, 2.0))
    assert window.dataset_panel.load_preset("lecture-3x-plus-2")
    assert window.current_run.params.tolist() == [1.0, 2.0]


def test_after_step_the_pause_button_reads_resume(qtbot, window):
    qtbot.mouseClick(button(window, "stepButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: window._last_frame is not None and window._last_frame.snapshot.iteration == 1,
                    timeout=5000)
    pause = button(window, "pauseButton")
    assert pause.isEnabled() and pause.text() == "Resume"
    qtbot.mouseClick(pause, Qt.LeftButton)
    assert window.worker.is_running and pause.text() == "Pause"
    qtbot.mouseClick(pause, Qt.LeftButton)
    assert not window.worker.is_running and pause.text() == "Resume"


def test_the_status_line_says_which_parameters_its_loss_is_at(qtbot, window):
    qtbot.mouseClick(button(window, "stepButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: window._last_frame is not None and window._last_frame.snapshot.iteration == 1,
                    timeout=5000)
    text = window.status_label.text()
    run = window.current_run
    loss0 = run.history.full_loss[0]  # full batch: the loss at θ₁ comes with the next step
    assert f"loss {loss0:.6g} (before iteration 1)" in text
    w1, b = run.params
    assert f"after it: w1 = {w1:.4g}, b = {b:.4g}" in text


def test_a_long_status_line_is_elided_with_the_whole_text_in_its_tooltip(qtbot, window):
    label = window.status_label
    long = "A long message " * 60
    label.setText(long)
    assert label.text() == long and label.toolTip() == long
    assert label.minimumSizeHint().width() < 200 and label.is_elided()
    assert window.minimumSizeHint().width() < label.fontMetrics().horizontalAdvance(long)


def _layout_requests(window, texts):
    """How many layout requests the status bar and the window get while the status line and
    the distance beside it show ``texts`` (one per turn of the event loop, as frames do)."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    class Requests(QObject):
        count = 0

        def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
            if event.type() == QEvent.Type.LayoutRequest and obj in (window, window.statusBar()):
                self.count += 1
            return False

    from gdsim.gui.app import settle

    distance = window.findChild(QLabel, "optimumDistanceStatus")
    distance.setVisible(True)
    settle(QApplication.instance())  # (the window's own layout after its show)
    requests = Requests()
    QApplication.instance().installEventFilter(requests)
    try:
        for text in texts:
            window.status_label.setText(text)
            distance.setText(f"‖θ − θ*‖ = {text[:8]}")
            QApplication.processEvents()
    finally:
        QApplication.instance().removeEventFilter(requests)
    return requests.count


def test_a_new_status_text_lays_out_neither_the_status_bar_nor_the_window(qtbot, window):
    """At every frame of a run: it laid the window out and painted the status bar twice."""
    texts = [f"epoch {i}/100 · loss {1 / (i + 1):.6g} (before iteration {i})" for i in range(20)]
    assert _layout_requests(window, texts) == 0
    label = window.status_label
    before = label.geometry().height()
    font = label.font()
    font.setPointSizeF(2 * font.pointSizeF())
    label.setFont(font)  # a new font does: the line grows with it
    qtbot.waitUntil(lambda: label.geometry().height() > before, timeout=2000)


def test_the_status_line_is_selectable_while_the_run_stands_still(qtbot, window):
    label = window.status_label
    assert label.textInteractionFlags() & Qt.TextSelectableByMouse
    window.start()
    assert label.textInteractionFlags() == Qt.NoTextInteraction  # (a selectable label paints twice)
    window.toggle_pause()
    assert label.textInteractionFlags() & Qt.TextSelectableByMouse


def test_an_import_message_goes_when_another_preset_is_loaded(qtbot, window, tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("x,y\n1,2\n2,4\n3,6\n")
    assert window.dataset_panel.import_csv(path)
    message = window.dataset_panel.message_label
    assert message.text().startswith("Imported 3 rows")
    assert window.dataset_panel.load_preset("insurance")
    assert message.text() == ""


def test_a_wide_import_gets_one_start_point_line_not_a_spin_box_per_parameter(qtbot, window, tmp_path):
    path = tmp_path / "wide.csv"
    names = [f"x{i}" for i in range(300)] + ["y"]
    rows = np.random.default_rng(0).normal(size=(5, len(names)))
    path.write_text(",".join(names) + "\n" + "\n".join(",".join(f"{v:.3f}" for v in r) for r in rows) + "\n")
    assert window.dataset_panel.import_csv(path)
    assert window.findChild(object, "initSpin0") is None
    edit = window.findChild(object, "initEdit")
    assert edit is not None and window.controls.init() == (0.0,) * 301
    edit.setText(", ".join(["0.5"] * 301))
    edit.editingFinished.emit()
    assert window.current_run.params.tolist() == [0.5] * 301
