"""At full speed the window's run steps in a child process, and ends exactly as headless."""

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QPushButton

from gdsim.core.history import History
from gdsim.core.training import TrainingRun
from helpers import choose


def press(qtbot, w, name):
    qtbot.mouseClick(w.findChild(QPushButton, name), Qt.LeftButton)


def same_history(a, b):
    assert len(a) == len(b)
    for name in History.COLUMNS:
        assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True), name


def test_full_speed_steps_in_the_child_and_pause_step_resume_match_headless(qtbot, window):
    choose(window.findChild(QComboBox, "speedCombo"), 0.0)
    window.findChild(object, "epochsSpin").setValue(100_000)
    run = window.current_run
    press(qtbot, window, "startButton")
    qtbot.waitUntil(lambda: window.worker.child_slices >= 5, timeout=30000)
    press(qtbot, window, "pauseButton")
    qtbot.waitUntil(lambda: not window.worker.is_stepping and window._last_frame.snapshot.iteration
                    == run.iteration, timeout=5000)
    paused_at = run.iteration
    assert 0 < paused_at < run.total_iterations
    press(qtbot, window, "stepButton")
    qtbot.waitUntil(lambda: run.iteration == paused_at + 1, timeout=5000)
    window.findChild(object, "learningRateSpin").setValue(0.02)  # goes to the running run
    slices = window.worker.child_slices
    press(qtbot, window, "startButton")
    qtbot.waitUntil(lambda: run.done, timeout=60000)
    assert window.current_run is run and run.status == "finished"
    assert window.worker.child_slices > slices  # the second stretch ran in the child too

    headless = TrainingRun(run.dataset, run.config.with_hyper(lr=0.01))  # as it started
    headless.advance(paused_at + 1)
    headless.set_hyper(lr=0.02)
    headless.run()
    same_history(run.history, headless.history)
    assert run.params.tolist() == headless.params.tolist()
