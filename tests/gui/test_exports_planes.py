"""File ▸ Export ▸ Descent as animated GIF draws the plane the window shows (pca, random, or
two parameters), and falls back to two parameters with a sentence when a plane cannot be drawn."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QFileDialog

from gdsim.core import landscape as L
from gdsim.gui import render
from gdsim.gui.frames import PROJECTION_NOTE
from gdsim.gui.main_window import MainWindow
from helpers import choose


@pytest.fixture(autouse=True)
def private_settings(tmp_path_factory):
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path_factory.mktemp("settings")))


@pytest.fixture
def xor(qtbot):
    w = MainWindow(preset="xor")
    w.ask_before_discarding = False
    qtbot.addWidget(w)
    w.show()
    yield w
    w.shutdown()


@pytest.fixture
def drawn(monkeypatch):
    """What each GIF frame showed: its axis labels, title, note and path (a spy on the canvas)."""
    seen = []
    draw = render.AnimationCanvas.draw

    def spy(canvas, frame):
        changed = draw(canvas, frame)
        view = canvas.surface_view
        seen.append({"x": view.plot_item.getAxis("bottom").labelText,
                     "y": view.plot_item.getAxis("left").labelText,
                     "title": view.plot_item.titleLabel.text, "note": view.note(),
                     "path": np.array(view.path_points()), "row": frame.row})
        return changed

    monkeypatch.setattr(render.AnimationCanvas, "draw", spy)
    return seen


def run_on(qtbot, w, plane, n=30):
    choose(w.findChild(QComboBox, "landscapePlaneCombo"), plane)
    w.worker.step(n)
    qtbot.waitUntil(lambda: w._last_frame is not None and w._last_frame.snapshot.iteration == n, timeout=10000)
    if plane != "params":  # the window's plane through the current point
        qtbot.waitUntil(lambda: w.surface_model._plane is not None and not w.surface_model._plane_due
                        and np.array_equal(w.surface_model._plane.center, w.current_run.params),
                        timeout=20000)


def export(monkeypatch, w, path, frames=8):
    w.exports.animation_frames = frames
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    w.findChild(QAction, "actionExportAnimation").trigger()
    assert w.exports.last_error == ""
    with Image.open(path) as gif:
        assert gif.n_frames == frames


def test_a_gif_on_the_pca_plane_shows_the_projected_path_and_the_windows_labels(
        qtbot, xor, tmp_path, monkeypatch, drawn):
    w = xor
    run_on(qtbot, w, "pca")
    shown = w.surface_model._plane
    window_x = w.surface_view.plot_item.getAxis("bottom").labelText
    window_y = w.surface_view.plot_item.getAxis("left").labelText
    assert window_x.startswith("a: PC1, ") and window_x.endswith("of variance")
    export(monkeypatch, w, tmp_path / "pca.gif")
    last = drawn[-1]
    assert (last["x"], last["y"]) == (window_x, window_y)  # e.g. "a: PC1, 97% of variance"
    assert "on the PCA plane" in last["title"]
    assert last["note"] == PROJECTION_NOTE
    history = w.run_history().params
    np.testing.assert_allclose(last["path"], L.project(history, shown.center, shown.d1, shown.d2),
                               atol=1e-12)
    first = drawn[1]  # (drawn[0] is the last frame, drawn first for the palette)
    assert first["row"] == 0 and len(first["path"]) == 1
    assert w.status_label.text() == "Saved the animation (8 frames) to pca.gif."


def test_a_gif_on_a_random_plane(qtbot, xor, tmp_path, monkeypatch, drawn):
    w = xor
    run_on(qtbot, w, "random")
    shown = w.surface_model._plane
    export(monkeypatch, w, tmp_path / "random.gif")
    last = drawn[-1]
    assert (last["x"], last["y"]) == ("a: random direction d1", "b: random direction d2")
    assert "on a random plane" in last["title"]
    np.testing.assert_allclose(last["path"], L.project(w.run_history().params, shown.center,
                                                       shown.d1, shown.d2), atol=1e-12)


def test_a_gif_on_two_parameters_as_before(qtbot, xor, tmp_path, monkeypatch, drawn):
    w = xor
    run_on(qtbot, w, "params")
    i, j = w.surface_model.axes
    names = w.current_run.parameter_names
    export(monkeypatch, w, tmp_path / "params.gif")
    last = drawn[-1]
    assert (last["x"], last["y"]) == (names[i], names[j]) and last["note"] == ""
    np.testing.assert_array_equal(last["path"], w.run_history().params[:, [i, j]])


def test_a_plane_that_cannot_be_drawn_gives_two_parameters_and_one_sentence(
        qtbot, xor, tmp_path, monkeypatch, drawn):
    from gdsim.core import plane_animation

    w = xor
    run_on(qtbot, w, "pca")
    w.surface_model._plane = None  # (as before the window's first plane: the GIF computes its own)
    real = plane_animation.plane_surface

    def overflowing(*args, **kwargs):  # a plane whose loss overflows everywhere
        surface = real(*args, **kwargs)
        return dataclasses.replace(surface, values=np.full_like(surface.values, np.inf))

    monkeypatch.setattr(plane_animation, "plane_surface", overflowing)
    export(monkeypatch, w, tmp_path / "fallback.gif")
    i, j = w.surface_model.axes
    names = w.current_run.parameter_names
    assert (drawn[-1]["x"], drawn[-1]["y"]) == (names[i], names[j])
    assert w.status_label.text().endswith(
        f"It shows {names[i]} and {names[j]}, as the PCA plane could not be drawn "
        "(the loss is not a finite number anywhere on the PCA plane).")
