"""The surface's plane through File ▸ Save Session / Open Session and a lesson, as a user does it."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QFileDialog

from gdsim.gui.features import sessions as sessions_module
from gdsim.gui.main_window import MainWindow
from helpers import choose


@pytest.fixture(autouse=True)
def private_settings(tmp_path_factory):
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path_factory.mktemp("settings")))
    sessions_module.settings().clear()


@pytest.fixture
def windows(qtbot):
    made = []

    def make(preset=None):
        w = MainWindow(preset=preset) if preset else MainWindow()
        w.ask_before_discarding = False
        qtbot.addWidget(w)
        w.show()
        made.append(w)
        return w

    yield make
    for w in made:
        w.shutdown()


def plane_combo(w) -> QComboBox:
    return w.findChild(QComboBox, "landscapePlaneCombo")


def wait_plane(qtbot, w, plane):
    qtbot.waitUntil(lambda: w.surface_model._plane is not None and w.surface_model.plane == plane
                    and not w.surface_model._plane_due, timeout=20000)
    return w.surface_model._plane


def save_as(monkeypatch, w, path):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    w.findChild(QAction, "actionSaveSession").trigger()


def open_file(monkeypatch, w, path):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    w.findChild(QAction, "actionOpenSession").trigger()
    assert w.sessions.last_error == ""


def test_a_network_saved_on_its_pca_plane_reopens_on_it(qtbot, windows, tmp_path, monkeypatch):
    w = windows("xor")
    choose(plane_combo(w), "pca")
    wait_plane(qtbot, w, "pca")
    path = tmp_path / "xor-pca.gdsim"
    save_as(monkeypatch, w, path)
    assert json.loads(path.read_text(encoding="utf-8"))["surface_plane"] == "pca"

    other = windows()  # a fresh window, on its default (linear) data and two parameters
    assert plane_combo(other).currentData() == "params"
    open_file(monkeypatch, other, path)
    assert plane_combo(other).currentData() == "pca" and plane_combo(other).currentText() == "PCA of the path"
    assert not other.surface_x_combo.isVisible()  # (the axis combos are for two parameters)
    wait_plane(qtbot, other, "pca")
    assert "PCA plane" in other.surface_view.plot_item.titleLabel.text


def test_the_same_random_plane_comes_back(qtbot, windows, tmp_path, monkeypatch):
    w = windows("xor")
    w.findChild(type(w.controls.seedSpin), "seedSpin").setValue(11)
    choose(plane_combo(w), "random")
    shown = wait_plane(qtbot, w, "random")
    path = tmp_path / "xor-random.gdsim"
    save_as(monkeypatch, w, path)

    other = windows()
    open_file(monkeypatch, other, path)
    assert plane_combo(other).currentData() == "random"
    back = wait_plane(qtbot, other, "random")
    for name in ("center", "d1", "d2", "values", "xs", "ys"):
        np.testing.assert_array_equal(getattr(back, name), getattr(shown, name), err_msg=name)
    assert other.surface_view.plot_item.getAxis("bottom").labelText == "a: random direction d1"


def test_a_session_from_before_planes_opens_on_two_parameters(qtbot, windows, tmp_path, monkeypatch):
    w = windows("xor")
    path = tmp_path / "old.gdsim"
    save_as(monkeypatch, w, path)
    d = json.loads(path.read_text(encoding="utf-8"))
    d.pop("surface_plane", None)
    d["surface_axes"] = [1, 3]
    path.write_text(json.dumps(d), encoding="utf-8")

    other = windows("xor")
    choose(plane_combo(other), "pca")  # the user had another plane before opening the old file
    wait_plane(qtbot, other, "pca")
    open_file(monkeypatch, other, path)
    assert plane_combo(other).currentData() == "params" and other.surface_model.plane == "params"
    assert other.surface_x_combo.isVisible() and other.surface_model.axes == (1, 3)
    qtbot.waitUntil(lambda: other.surface_model.shown() is not None, timeout=10000)
    assert other.surface_model.shown().i == 1 and other.surface_model.shown().j == 3


def test_a_bad_plane_is_one_sentence_and_the_window_keeps_its_state(qtbot, windows, tmp_path, monkeypatch):
    w = windows("xor")
    path = tmp_path / "bad.gdsim"
    save_as(monkeypatch, w, path)
    d = json.loads(path.read_text(encoding="utf-8"))
    d["surface_plane"] = "diagonal"
    path.write_text(json.dumps(d), encoding="utf-8")
    other = windows()
    data, config = other.document.dataset, other.controls.config()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    other.findChild(QAction, "actionOpenSession").trigger()
    assert other.sessions.last_error == ("Cannot open bad.gdsim: its surface plane is 'diagonal', "
                                         "not one of params, pca, random.")
    assert other.document.dataset is data and other.controls.config() == config
    assert plane_combo(other).currentData() == "params"


def test_a_lesson_step_opens_a_network_on_its_pca_plane_and_closing_brings_back_the_users(
        qtbot, windows, tmp_path):
    path = tmp_path / "pca-step.toml"
    path.write_text('title = "The PCA plane"\ntext = "A network on its two main directions."\n'
                    '[settings]\npreset = "xor"\nplane = "pca"\n', encoding="utf-8")
    w = windows()
    assert w.lessons.open_file(path), w.lessons.last_error
    assert w.current_run.problem.n_params() > 2  # a network
    assert plane_combo(w).currentData() == "pca"
    wait_plane(qtbot, w, "pca")
    w.lessons.close()  # the learner's own window comes back, on two parameters
    assert plane_combo(w).currentData() == "params" and w.surface_model.plane == "params"


def test_a_big_session_read_in_pieces_keeps_its_plane(qtbot, windows, tmp_path, monkeypatch):
    from gdsim.core.presets import load_preset
    from gdsim.core.session import Session, save_session
    from gdsim.core.training import TrainingConfig

    path = tmp_path / "big-spiral.gdsim"
    save_session(path, Session(load_preset("spiral", n=20_000), TrainingConfig(model="mlp", epochs=2),
                               surface_plane="random"))
    monkeypatch.setattr(sessions_module, "BIG_SESSION_BYTES", 0)  # (read off the GUI thread, in pieces)
    w = windows()
    assert w.sessions.open(path) and w.sessions.reading is not None
    qtbot.waitUntil(lambda: w.sessions.reading is None and w.sessions.applying is None, timeout=30000)
    assert w.sessions.last_error == "" and w.document.dataset.n_rows == 20_000
    assert plane_combo(w).currentData() == "random" and w.surface_model.plane == "random"
