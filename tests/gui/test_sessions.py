"""Sessions through the real File-menu actions: save, reopen, refuse bad files, recent files."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QFileDialog, QMenu, QMessageBox

from gdsim.core.presets import load_preset
from gdsim.core.session import load_session
from gdsim.gui.features import sessions as sessions_module
from gdsim.gui.main_window import MainWindow
from helpers import type_into_cell


@pytest.fixture(autouse=True)
def private_settings(tmp_path_factory):
    """Recent files and preferences go to a temporary folder, never the user's."""
    folder = tmp_path_factory.mktemp("settings")
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(folder))
    sessions_module.settings().clear()
    yield folder


def make_window(qtbot) -> MainWindow:
    w = MainWindow()
    w.ask_before_discarding = False
    qtbot.addWidget(w)
    w.show()
    return w


@pytest.fixture
def window(qtbot):
    w = make_window(qtbot)
    yield w
    w.shutdown()


def action(w, name) -> QAction:
    found = w.findChild(QAction, name)
    assert found is not None, name
    return found


def choose(w, name, data):
    box = w.findChild(QComboBox, name)
    index = box.findData(data)
    if index < 0:
        index = box.findText(data)
    assert index >= 0, (name, data)
    box.setCurrentIndex(index)
    box.activated.emit(index)


def save_as(monkeypatch, w, path):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    action(w, "actionSaveSession").trigger()


def open_file(monkeypatch, w, path):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    action(w, "actionOpenSession").trigger()


def set_up_a_lesson(qtbot, w):
    """Edit a cell, pick Adam with its own settings, a seed, a speed, swap the axes, pin a run."""
    type_into_cell(qtbot, w.dataset_panel, 2, 1, "14.000000000000002")
    choose(w, "optimizerCombo", "adam")
    choose(w, "batchModeCombo", "mini-batch")
    w.findChild(type(w.controls.seedSpin), "seedSpin").setValue(42)
    choose(w, "speedCombo", w.controls.speedCombo.itemData(2))
    choose(w, "surfaceXCombo", "b")
    choose(w, "surfaceYCombo", "w1")
    assert w.surface_model.axes == (1, 0)
    w.step()
    qtbot.waitUntil(lambda: w.current_run.iteration == 1 and w._last_frame is not None, timeout=5000)
    action(w, "actionPinRun").trigger()
    assert len(w.pinned_runs()) == 1


def test_save_then_open_restores_the_exact_state(qtbot, window, tmp_path, monkeypatch):
    w = window
    set_up_a_lesson(qtbot, w)
    assert w.document.is_modified
    dataset, config = w.document.dataset, w.controls.config()
    speed, pins = w.controls.speed(), w.pinned_runs()
    path = tmp_path / "lesson.gdsim"
    save_as(monkeypatch, w, tmp_path / "lesson")  # the extension is added
    assert path.is_file()
    assert not w.document.is_modified  # closing will not ask
    assert "lesson.gdsim" in w.windowTitle()
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "gdsim-session" and data["config"]["optimizer"] == "adam"

    # a fresh window opens it and shows the same state
    other = make_window(qtbot)
    try:
        open_file(monkeypatch, other, path)
        assert other.sessions.last_error == ""
        assert other.document.dataset.equals(dataset)
        assert other.document.dataset.values.tobytes() == dataset.values.tobytes()
        assert other.controls.config() == config
        assert other.current_run.config.optimizer == "adam" and other.current_run.config.seed == 42
        assert other.controls.speed() == speed
        assert other.surface_model.axes == (1, 0)
        assert other.surface_x_combo.currentText() == "b"
        restored = other.pinned_runs()
        assert [p.label for p in restored] == [p.label for p in pins]
        assert restored[0].params.tobytes() == pins[0].params.tobytes()
        assert restored[0].config == pins[0].config
        assert not other.document.is_modified
        # the old table is one undo away
        other.document.undo()
        assert other.document.dataset.name == "lecture-3x-plus-2"
        assert not other.document.dataset.equals(dataset)
    finally:
        other.shutdown()


def test_ctrl_s_saves_again_to_the_same_file_without_asking(qtbot, window, tmp_path, monkeypatch):
    w = window
    path = tmp_path / "again.gdsim"
    save_as(monkeypatch, w, path)
    type_into_cell(qtbot, w.dataset_panel, 0, 0, "2.5")
    assert w.document.is_modified

    def must_not_ask(*_a, **_k):
        raise AssertionError("asked for a file name again")

    monkeypatch.setattr(QFileDialog, "getSaveFileName", must_not_ask)
    action(w, "actionSaveSession").trigger()
    assert load_session(path).dataset.values[0, 0] == 2.5
    assert not w.document.is_modified
    assert action(w, "actionSaveSession").shortcut().toString() == "Ctrl+S"


BAD = {
    "garbage": "this is not JSON at all",
    "foreign": json.dumps({"format": "someone-else", "version": 1, "data": [1, 2]}),
    "unknown optimizer": None,  # filled in from a real session below
}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_corrupt_or_foreign_file_is_refused_and_nothing_changes(qtbot, window, tmp_path, monkeypatch, kind):
    w = window
    text = BAD[kind]
    if text is None:
        good = tmp_path / "good.gdsim"
        w.sessions.save(good)
        data = json.loads(good.read_text(encoding="utf-8"))
        data["config"]["optimizer"] = "lbfgs"
        data["dataset"]["values"][0][0] = 1000.0
        text = json.dumps(data)
    type_into_cell(qtbot, w.dataset_panel, 1, 1, "12")
    before_data, before_config = w.document.dataset, w.controls.config()
    before_undo = w.document.undo_stack.count()
    before_run = w.current_run
    path = tmp_path / "bad.gdsim"
    path.write_text(text, encoding="utf-8")
    open_file(monkeypatch, w, path)
    box = w.findChild(QMessageBox, "sessionErrorBox")
    assert box is not None and box.isVisible()
    message = box.text()
    assert message == w.sessions.last_error
    assert message.startswith("Cannot open bad.gdsim: ") and message.endswith(".")
    assert message.count(". ") == 0 and "\n" not in message
    assert w.document.dataset is before_data
    assert w.controls.config() == before_config
    assert w.document.undo_stack.count() == before_undo
    assert w.current_run is before_run
    assert w.document.is_modified  # still the unsaved edit
    assert str(path) not in w.sessions.recent_files()
    box.button(QMessageBox.Ok).click()
    qtbot.waitUntil(lambda: w.findChild(QMessageBox, "sessionErrorBox") is None, timeout=2000)


def test_recent_files_menu_lists_and_opens_sessions(qtbot, window, tmp_path, monkeypatch, private_settings):
    w = window
    first, second = tmp_path / "first.gdsim", tmp_path / "second.gdsim"
    save_as(monkeypatch, w, first)
    w.document.replace_dataset(load_preset("insurance"))
    w.sessions.path = None
    save_as(monkeypatch, w, second)
    menu = w.findChild(QMenu, "menuRecentSessions")
    menu.aboutToShow.emit()
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts[:2] == ["&1 second.gdsim", "&2 first.gdsim"]
    assert (private_settings / "gdsim" / "gdsim.ini").is_file()  # the test's own settings file
    # open the older one from the menu
    entry = next(a for a in menu.actions() if a.text() == "&2 first.gdsim")
    entry.trigger()
    assert w.document.dataset.name == "lecture-3x-plus-2"
    assert w.sessions.recent_files()[0].endswith("first.gdsim")
    # a file that has gone is dropped from the list with a message
    first.unlink()
    menu.aboutToShow.emit()
    next(a for a in menu.actions() if a.text().endswith("first.gdsim")).trigger()
    assert "no longer there" in w.sessions.last_error
    assert all(not f.endswith("first.gdsim") for f in w.sessions.recent_files())
    action(w, "actionClearRecentSessions").trigger()
    assert w.sessions.recent_files() == []


def test_file_menu_holds_the_session_actions(window):
    file_menu = window.menu("&File")
    names = [a.objectName() for a in file_menu.actions()]
    assert names.index("actionOpenSession") < names.index("actionSaveSession")
    assert any(a.menu() is not None and a.menu().objectName() == "menuRecentSessions"
               for a in file_menu.actions())
    assert file_menu.actions()[-1].text() == "Quit"


def test_command_line_opens_a_session(qtbot, tmp_path, monkeypatch):
    from gdsim.gui import app as app_module

    path = tmp_path / "cli.gdsim"
    w = make_window(qtbot)
    try:
        choose(w, "optimizerCombo", "rmsprop")
        w.sessions.save(path)
        expected = w.controls.config()
    finally:
        w.shutdown()
    seen = {}

    def fake_screenshot(app, window, out, steps, size=None):
        window.ask_before_discarding = False
        seen["config"] = window.controls.config()
        seen["modified"] = window.document.is_modified
        seen["title"] = window.windowTitle()
        window.shutdown()
        window.close()
        return 0

    monkeypatch.setattr(app_module, "screenshot", fake_screenshot)
    assert app_module.main([str(path), "--screenshot", str(tmp_path / "x.png")]) == 0
    assert seen["config"] == expected and not seen["modified"] and "cli.gdsim" in seen["title"]


def test_command_line_refuses_a_bad_session_in_one_line(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "broken.gdsim"
    path.write_text("{not json", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "gdsim", str(path)], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "gdsim: error: Cannot open broken.gdsim: it is not a gdsim session (not valid JSON at line 1)."]
