"""The 3D view: degrades to one sentence offscreen, draws a mesh and path under Xvfb."""

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from gdsim.gui.features.view3d import NO_GL_MESSAGE, surface_heights
from gdsim.gui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


def test_offscreen_says_so_in_one_sentence_and_training_still_works(qtbot):
    w = MainWindow()
    w.ask_before_discarding = False
    qtbot.addWidget(w)
    w.show()
    w.findChild(object, "action3DView").trigger()
    dock = w.findChild(object, "view3DDock")
    assert dock.isVisible()
    label = dock.findChild(QLabel, "view3DMessage")
    assert label.text() == NO_GL_MESSAGE and label.isVisible()
    qtbot.mouseClick(w.findChild(QPushButton, "stepButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: len(w.run_history()) == 2)


def test_heights_are_finite_and_start_at_zero():
    import numpy as np

    h = surface_heights(np.array([[1.0, np.inf], [np.nan, 3.0]]))
    assert np.isfinite(h).all() and h.min() == 0.0


def test_under_xvfb_the_mesh_and_path_are_drawn(tmp_path):
    # Own settings folder: a real window saves and restores its layout (QSettings).
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CONFIG_HOME": str(tmp_path)}
    env.pop("QT_QPA_PLATFORM", None)  # a real X server this time
    proc = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", sys.executable,
         str(ROOT / "tests" / "gui" / "xvfb" / "view3d_probe.py")],
        capture_output=True, text=True, timeout=180, env=env,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["platform"] == "xcb"
    assert report["available"] is True
    assert report["mesh_shape"] == [160, 160]
    assert report["path_points"] == 41  # the start and 40 iterations
    assert report["distinct_bytes"] > 20  # not a blank framebuffer
    # a readable size (it opened as a 330×276 dock), named and ticked axes, the height said
    width, height = report["dock_size"]
    assert width >= 520 and height >= 420, report["dock_size"]
    texts = report["axis_texts"]
    assert {"w1", "b", "loss"} <= set(texts), texts
    assert len(texts) >= 3 + 3 * 3  # at least three ticks on each axis
    assert "log(1 + loss" in report["caption"]


def test_under_xvfb_the_3d_view_shows_the_same_plane_and_projected_path(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CONFIG_HOME": str(tmp_path)}
    env.pop("QT_QPA_PLATFORM", None)
    proc = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", sys.executable,
         str(ROOT / "tests" / "gui" / "xvfb" / "view3d_plane_probe.py")],
        capture_output=True, text=True, timeout=180, env=env,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["available"] is True
    assert report["mesh_is_plane"]
    assert report["path_points"] == 41 and report["path_error"] < 1e-6
    texts = report["axis_texts"]
    assert any(t.startswith("a: PC1") for t in texts) and any(t.startswith("b: PC2") for t in texts)
    assert "projected" in report["caption"]
    assert report["planes_while_running"] >= 3  # the 3D view never holds back the window's planes
