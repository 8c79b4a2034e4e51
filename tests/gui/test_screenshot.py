"""``gdsim --screenshot`` saves the window as painted, without painting it a second time."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

from gdsim.gui.app import picture, settle, wait_for_first_frame
from gdsim.gui.main_window import MainWindow


class _PlotPaints(QObject):
    count = 0

    def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Paint and isinstance(obj.parent(), pg.PlotWidget):
            self.count += 1
        return False


def test_the_picture_is_the_painted_window_and_paints_nothing_again(qtbot):
    app = QApplication.instance()
    window = MainWindow()
    window.ask_before_discarding = False
    qtbot.addWidget(window)
    window.resize(1280, 690)
    wait_for_first_frame(app, window)
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
