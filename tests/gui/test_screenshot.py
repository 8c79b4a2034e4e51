"""``gdsim --screenshot`` saves the window as painted, without painting it a second time."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

from gdsim.gui.app import picture, settle
from gdsim.gui.main_window import MainWindow
from helpers import window_before_show


class _PlotPaints(QObject):
    count = 0

    def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Paint and isinstance(obj.parent(), pg.PlotWidget):
            self.count += 1
        return False


def test_the_picture_is_the_painted_window_and_paints_nothing_again(qtbot):
    app, window = window_before_show(qtbot, 1280, 690)
    window.show()
    settle(app)
    paints = _PlotPaints()
    app.installEventFilter(paints)
    try:
        shot = picture(app, window).toImage()
    finally:
        app.removeEventFilter(paints)
    assert paints.count == 0  # QWidget.grab paints the three plots again
    assert shot.size() == window.size()
    painted = window.grab().toImage()
    assert shot.convertToFormat(painted.format()) == painted
    window.shutdown()


def test_a_screenshot_after_steps_on_the_pca_plane_shows_the_plane_of_the_whole_path(qtbot, tmp_path):
    """The plane is computed on the refiner's thread: the picture waits for the one through the
    last step, not the plane fitted before the run (whose axes read "no path yet")."""
    from gdsim.core.presets import load_preset
    from gdsim.gui import app as app_module

    app = QApplication.instance()
    window = MainWindow(dataset=load_preset("xor"))
    window.ask_before_discarding = False
    qtbot.addWidget(window)
    plane = window.surface_plane_combo
    plane.setCurrentIndex(plane.findData("pca"))
    assert app_module.screenshot(app, window, str(tmp_path / "pca.png"), steps=40,
                                 size=(1280, 690)) == 0
    x_label = window.surface_view.getPlotItem().getAxis("bottom").labelText
    assert x_label.startswith("a: PC1"), x_label
    run = window.current_run
    assert run.iteration == 40
    np.testing.assert_allclose(window.surface_model.plane_surface.center, run.params)  # through the end
