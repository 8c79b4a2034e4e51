"""Every feature of the window on a network run (spiral, a 2-8-8-1 tanh MLP): nothing
crashes or shows nonsense; what cannot work on a network says so in one sentence."""

from __future__ import annotations

import csv
import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QDockWidget, QFileDialog, QLabel, QPushButton

from gdsim.core.session import Session
from gdsim.gui.features.sessions import apply_session
from helpers import choose


@pytest.fixture(autouse=True)
def private_settings(tmp_path_factory):
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path_factory.mktemp("settings")))


@pytest.fixture
def net(window):
    choose(window.dataset_panel.findChild(QComboBox, "presetCombo"), "spiral")
    assert window.source.kind == "network"
    return window


def _action(w, name) -> QAction:
    found = w.findChild(QAction, name)
    assert found is not None, name
    return found


def _steps(qtbot, w, n):
    w.worker.step(n)
    qtbot.waitUntil(lambda: w._last_frame is not None and w._last_frame.snapshot.iteration == n, timeout=10000)


def test_start_pause_step_reset_and_speed(qtbot, net):
    w = net
    _steps(qtbot, w, 3)
    assert "accuracy" in w.status_label.text()
    w.controls.epochsSpin.setValue(100_000)  # (100 epochs at full speed may end before the pause)
    choose(w.controls.speedCombo, 0.0)
    w.start()
    qtbot.waitUntil(lambda: w.current_run.iteration > 10, timeout=10000)
    w.toggle_pause()
    qtbot.waitUntil(lambda: not w.worker.is_running, timeout=5000)
    assert w.buttons["pause"].text() == "Resume"
    w.reset()
    assert w.current_run.iteration == 0
    np.testing.assert_array_equal(w.current_run.params, w.current_run.problem.init_params(0))


def test_race(qtbot, net):
    w = net
    _action(w, "actionRace").trigger()
    qtbot.waitUntil(w.findChild(QDockWidget, "racePanel").isVisible, timeout=2000)
    qtbot.mouseClick(w.findChild(QPushButton, "raceStartButton"), Qt.LeftButton)
    feature = w.race_feature
    qtbot.waitUntil(lambda: feature.last_frame is not None and feature.last_frame.snapshot.done
                    and w.findChild(QPushButton, "raceStartButton").isEnabled(), timeout=30000)
    paths = w.surface_view.race_paths()
    assert len(paths) == 3 and all(np.isfinite(p.getData()[0]).all() for p in paths)


def test_pins(qtbot, net):
    w = net
    _steps(qtbot, w, 5)
    _action(w, "actionPinRun").trigger()
    assert len(w.pinned_runs()) == 1
    assert len(w.surface_view.ghost_paths()) == 1


def test_lr_sweep(qtbot, net):
    w = net
    _action(w, "actionLrSweep").trigger()
    label = w.findChild(QLabel, "lrSweepLabel")
    qtbot.waitUntil(lambda: w.findChild(QPushButton, "lrSweepRunButton").isEnabled(), timeout=60000)
    assert label.text()  # finished, or one sentence why not
    print("sweep:", label.text())


def test_exports(qtbot, net, tmp_path, monkeypatch):
    w = net
    _steps(qtbot, w, 4)
    path = tmp_path / "history.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    _action(w, "actionExportHistory").trigger()
    header = next(csv.reader(path.open()))
    assert header[3:5] == ["0.weight[0,0]", "0.weight[0,1]"] and len(header) == 3 + 105
    for which in ("surface", "fit"):
        assert w.exports.export_plot(which, str(tmp_path / f"{which}.png"))
    gif = tmp_path / "descent.gif"
    w.exports.animation_frames = 4
    assert w.exports.export_animation(str(gif), frames=4)
    assert w.exports.last_error == ""


def test_3d_view(qtbot, net):
    w = net
    _action(w, "action3DView").trigger()
    assert w.findChild(QDockWidget, "view3DDock").isVisible()
    _steps(qtbot, w, 2)


def test_lessons_come_back_to_the_network(qtbot, net):
    w = net
    before = w.controls.config()
    w.lessons.open_builtin(1)
    assert w.source.kind != "network" or w.controls.config().model in ("mlp", "softmax")
    w.lessons.close()
    assert w.controls.config() == before and w.source.kind == "network"


def test_presentation_mode(qtbot, net):
    w = net
    _steps(qtbot, w, 2)
    presentation = w.findChild(type(w.run_actions["start"]), "actionPresentationMode")
    presentation.trigger()
    w.step()
    qtbot.waitUntil(lambda: w._last_frame.snapshot.iteration == 3, timeout=5000)
    assert w.fit_view.mode() == "regions"
    presentation.trigger()


def test_session_of_a_network_reopens(qtbot, net, window):
    w = net
    choose(w.controls.findChild(QComboBox, "activationCombo"), "relu")
    config = w.controls.config()
    session = Session(w.document.dataset, config, speed=5.0)
    choose(w.controls.modelCombo, "linear")
    apply_session(w, session)
    assert w.controls.config() == config
    assert w.current_run.problem.activation == "relu" and w.source.kind == "network"


def test_step_explainer_and_equivalent_code_show_the_network(qtbot, net):
    w = net
    _action(w, "actionStepExplainer").trigger()
    _steps(qtbot, w, 1)
    dock = w.findChild(QDockWidget, "stepExplainer")
    qtbot.waitUntil(lambda: "Forward pass" in dock.browser.toPlainText(), timeout=5000)
    text = dock.browser.toPlainText()
    assert "nn.Linear(2, 8)" in text and "∂L/∂W₃" in text and "0.weight[0,0] = " in text
    _action(w, "actionEquivalentCode").trigger()
    scripts = w.equivalent_code.dialog
    assert scripts is not None
    assert scripts.error_label.isHidden() and "nn.Sequential(" in scripts.edits["torch"].toPlainText()
    assert 'keras.layers.Dense(8, activation="tanh")' in scripts.edits["keras"].toPlainText()
