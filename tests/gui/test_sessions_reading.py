"""A big session is read off the GUI thread: progress and Cancel, the window answering meanwhile,
and nothing applied unless the whole file was read and is valid."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QProgressBar, QPushButton

from gdsim.core.dataset import Dataset
from gdsim.core.session import Session, save_session
from gdsim.core.training import TrainingConfig
from gdsim.gui.features import sessions as sessions_module
from helpers import launch
from test_sessions import make_window, private_settings  # noqa: F401 (an autouse fixture)


@pytest.fixture(autouse=True)
def everything_is_big(monkeypatch):
    monkeypatch.setattr(sessions_module, "BIG_SESSION_BYTES", 0)


@pytest.fixture
def window(qtbot):
    w = make_window(qtbot)
    yield w
    w.sessions.cancel_reading(quiet=True)
    w.shutdown()


def write(path, rows: int, seed: int = 0, epochs: int = 7):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=rows)
    values = np.column_stack([x, 3 * x + 2 + rng.normal(size=rows)])
    dataset = Dataset(("x", "y"), values, "y", f"data {seed}")
    save_session(path, Session(dataset, TrainingConfig(epochs=epochs)))
    return dataset


def settled(w) -> bool:
    return w.sessions.reading is None and w.sessions.applying is None


def test_a_big_session_is_read_off_the_gui_thread_then_applied(qtbot, window, tmp_path):
    w = window
    path = tmp_path / "big.gdsim"
    dataset = write(path, 20_000)
    before = w.document.dataset
    ticks = []
    timer = QTimer(interval=10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    assert w.sessions.open(path)
    # open() came back at once: the window is as it was, and says what it is doing
    assert w.document.dataset is before and w.sessions.reading is not None
    assert w.status_label.text().startswith("Opening big.gdsim")
    bar = w.findChild(QProgressBar, "sessionReadingBar")
    assert bar is not None and bar.isVisible()
    assert w.findChild(QPushButton, "sessionReadingCancel").isVisible()
    assert QApplication.overrideCursor() is not None
    opened_at = time.perf_counter()
    qtbot.waitUntil(lambda: settled(w), timeout=30000)
    read_for = time.perf_counter() - opened_at
    timer.stop()
    assert w.document.dataset.equals(dataset) and w.controls.config().epochs == 7
    assert "big.gdsim" in w.windowTitle() and not w.document.is_modified
    assert not bar.isVisible() and QApplication.overrideCursor() is None
    # the event loop went on while the file was read (a timer every 10 ms kept firing)
    assert sum(1 for t in ticks if t >= opened_at) >= min(5, read_for / 0.05)
    assert str(path.resolve()) in w.sessions.recent_files()


def test_cancel_applies_nothing(qtbot, window, tmp_path):
    w = window
    path = tmp_path / "big.gdsim"
    write(path, 50_000)
    before, config = w.document.dataset, w.controls.config()
    w.sessions.open(path)
    reader = w.sessions.reading
    qtbot.mouseClick(w.findChild(QPushButton, "sessionReadingCancel"), Qt.LeftButton)
    assert settled(w) and "Cancelled opening big.gdsim" in w.status_label.text()
    assert reader.wait(10.0)
    qtbot.wait(100)  # whatever the reader sent before it stopped is delivered, and ignored
    assert w.document.dataset is before and w.controls.config() == config
    assert QApplication.overrideCursor() is None
    assert not w.findChild(QProgressBar, "sessionReadingBar").isVisible()


def test_a_bad_big_file_is_refused_in_one_sentence(qtbot, window, tmp_path):
    w = window
    path = tmp_path / "bad.gdsim"
    write(path, 2_000)
    path.write_text(path.read_text().replace("[", "[true, ", 3))
    before = w.document.dataset
    w.sessions.open(path)
    qtbot.waitUntil(lambda: settled(w), timeout=30000)
    assert w.document.dataset is before
    assert w.sessions.last_error.startswith("Cannot open bad.gdsim: ")
    assert w.sessions.last_error.count(".") >= 1 and "\n" not in w.sessions.last_error
    assert QApplication.overrideCursor() is None


def test_opening_another_file_while_reading_applies_only_that_one(qtbot, window, tmp_path):
    w = window
    first, second = tmp_path / "first.gdsim", tmp_path / "second.gdsim"
    write(first, 50_000, seed=1)
    wanted = write(second, 3_000, seed=2, epochs=9)
    w.sessions.open(first)
    abandoned = w.sessions.reading
    w.sessions.open(second)
    qtbot.waitUntil(lambda: settled(w), timeout=30000)
    assert abandoned.wait(10.0)
    qtbot.wait(100)
    assert w.document.dataset.equals(wanted) and w.controls.config().epochs == 9
    assert "second.gdsim" in w.windowTitle()
    assert QApplication.overrideCursor() is None


def test_closing_the_window_while_reading_stops_the_read(qtbot, tmp_path):
    path = tmp_path / "big.gdsim"
    write(path, 50_000)
    w = make_window(qtbot)
    w.sessions.open(path)
    reader = w.sessions.reading
    w.close()
    qtbot.waitUntil(lambda: settled(w), timeout=5000)
    assert reader.wait(5.0)
    assert QApplication.overrideCursor() is None
    w.shutdown()


def test_the_command_line_opens_a_big_session_once_the_window_shows(qtbot, tmp_path, monkeypatch):
    path = tmp_path / "launch.gdsim"
    wanted = write(path, 5_000, epochs=11)
    seen = {}

    def once_shown(window):
        seen["shown_before"] = window.isVisible() and window.document.dataset.n_rows != 5_000
        qtbot.waitUntil(lambda: window.document.dataset.n_rows == 5_000 and settled(window), timeout=30000)
        seen["dataset"] = window.document.dataset
        seen["epochs"] = window.controls.config().epochs

    assert launch(monkeypatch, [str(path)], once_shown) == 0
    assert seen["shown_before"] and seen["dataset"].equals(wanted) and seen["epochs"] == 11


@pytest.mark.parametrize("how", ["no child processes", "a child that cannot start"])
def test_without_a_child_process_the_thread_reads_the_file_itself(qtbot, window, tmp_path, monkeypatch,
                                                                   how):
    from gdsim.core import remote

    if how == "no child processes":
        monkeypatch.setenv(remote.LOCAL_ENV, "1")
    else:
        def refuse(process):
            raise OSError("no processes here")

        monkeypatch.setattr(remote, "start_child", refuse)
    path = tmp_path / "big.gdsim"
    dataset = write(path, 3_000, epochs=5)
    assert window.sessions.open(path)
    qtbot.waitUntil(lambda: settled(window), timeout=30000)
    assert window.document.dataset.equals(dataset) and window.controls.config().epochs == 5
