"""File → Export: history CSV, plots as PNG/SVG, the descent as a GIF (cancellable)."""

from __future__ import annotations

import csv
import struct
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QDialog, QFileDialog, QMenu, QPushButton



@pytest.fixture(autouse=True)
def private_settings(tmp_path_factory):
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path_factory.mktemp("settings")))


def action(w, name) -> QAction:
    found = w.findChild(QAction, name)
    assert found is not None, name
    return found


def save_to(monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))


def step(qtbot, w, n):
    w.worker.step(n)
    qtbot.waitUntil(lambda: w._last_frame is not None and w._last_frame.snapshot.iteration == n,
                    timeout=10000)


def test_export_menu_is_in_the_file_menu(window):
    menu = window.findChild(QMenu, "menuExport")
    assert [a.objectName() for a in menu.actions()] == [
        "actionExportHistory", "actionExportPlot", "actionExportAnimation"]
    assert menu.menuAction() in window.menu("&File").actions()


def test_export_history_csv(qtbot, window, tmp_path, monkeypatch):
    w = window
    step(qtbot, w, 7)
    path = tmp_path / "history.csv"
    save_to(monkeypatch, tmp_path / "history")  # .csv is added
    action(w, "actionExportHistory").trigger()
    rows = list(csv.reader(path.open()))
    assert rows[0] == ["epoch", "iteration", "loss", "w1", "b"]
    assert len(rows) == 1 + 8
    h = w.current_run.history
    for k, row in enumerate(rows[1:]):
        assert int(row[0]) == h.epoch[k] and int(row[1]) == k
        assert float(row[3]) == h.params[k, 0] and float(row[4]) == h.params[k, 1]  # exact
    run = w.current_run
    assert float(rows[-1][2]) == run.full_loss(run.params)  # the pending last loss is filled in
    reference = tmp_path / "reference.csv"
    run.history.to_csv(reference, run.parameter_names)  # the core's own writer
    assert path.read_text().splitlines()[:-1] == reference.read_text().splitlines()[:-1]
    assert "8 rows" in w.status_label.text()


def export_plot_via_dialog(qtbot, w, monkeypatch, which_text, fmt_data, path):
    save_to(monkeypatch, path)
    action(w, "actionExportPlot").trigger()
    dialog = w.findChild(QDialog, "exportPlotDialog")
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    plot_combo = dialog.findChild(QComboBox, "exportPlotCombo")
    plot_combo.setCurrentIndex(plot_combo.findText(which_text))
    format_combo = dialog.findChild(QComboBox, "exportFormatCombo")
    format_combo.setCurrentIndex(format_combo.findData(fmt_data))
    dialog.findChild(QPushButton, "exportPlotOk").click()


@pytest.mark.parametrize("which", ["Loss surface", "Loss curve", "Data and fit"])
def test_export_plot_png(qtbot, window, tmp_path, monkeypatch, which):
    step(qtbot, window, 5)
    path = tmp_path / "plot.png"
    export_plot_via_dialog(qtbot, window, monkeypatch, which, "png", path)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width >= 1600 and height > 100
    image = Image.open(path).convert("RGB")
    pixels = np.asarray(image.resize((64, 64))).reshape(-1, 3)
    assert len(np.unique(pixels, axis=0)) > 8  # a picture, not a blank page
    assert window.exports.last_error == ""


@pytest.mark.parametrize("which", ["Loss surface", "Loss curve", "Data and fit"])
def test_export_plot_svg(qtbot, window, tmp_path, monkeypatch, which):
    step(qtbot, window, 5)
    path = tmp_path / "plot.svg"
    export_plot_via_dialog(qtbot, window, monkeypatch, which, "svg", path)
    root = ET.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert len(list(root.iter("{http://www.w3.org/2000/svg}path"))) > 3


def test_export_plot_refuses_other_extensions(window, tmp_path):
    assert not window.exports.export_plot("loss", tmp_path / "plot.jpg")
    assert ".png or .svg" in window.exports.last_error
    assert not (tmp_path / "plot.jpg").exists()


def test_export_animation_gif_has_the_frames(qtbot, window, tmp_path, monkeypatch):
    w = window
    step(qtbot, w, 30)
    w.exports.animation_frames = 12
    path = tmp_path / "descent.gif"
    save_to(monkeypatch, path)
    action(w, "actionExportAnimation").trigger()
    assert w.exports.last_error == ""
    with Image.open(path) as gif:
        assert gif.format == "GIF" and gif.n_frames == 12
        assert gif.info["loop"] == 0
        first = np.asarray(gif.convert("RGB"))
        gif.seek(11)
        last = np.asarray(gif.convert("RGB"))
    assert (first != last).any()  # the path moves
    assert "12 frames" in w.status_label.text()


def test_export_animation_can_be_cancelled(qtbot, window, tmp_path, monkeypatch):
    w = window
    step(qtbot, w, 30)
    w.exports.animation_frames = 30
    path = tmp_path / "cancelled.gif"
    save_to(monkeypatch, path)

    def press_cancel():
        progress = w.exports.progress
        assert progress is not None
        progress.findChild(QPushButton).click()

    QTimer.singleShot(0, press_cancel)
    action(w, "actionExportAnimation").trigger()
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []  # no temporary file left either
    assert "cancelled" in w.status_label.text()


def test_export_animation_before_any_step_says_why(window, tmp_path):
    assert not window.exports.export_animation(tmp_path / "x.gif")
    assert "press Start or Step" in window.exports.last_error
    assert not (tmp_path / "x.gif").exists()
