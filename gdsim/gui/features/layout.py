"""The window's default layout, fitted to the screen, and View ▸ Reset layout.

The window opens at 1600×1000 or the screen's free area, whichever is smaller
(a 1280×720 projector leaves about 1280×690), with the controls on the left,
the table on the right and every feature's dock hidden.  The dock layout a
user makes is kept between launches (``sessions``), so Reset layout brings
the default one back: installed before ``sessions`` restores the saved
layout, this module keeps the default as it was built.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget

DEFAULT_SIZE = (1600, 1000)
#: (share of the window's width, most pixels) of the two docks that open with the window
DOCK_WIDTHS = {"controlsDock": (0.2, 340), "datasetDock": (0.21, 360)}
#: the surface's share of the plots' width, the fit plot's share of the right column's height
CENTRAL_SHARES = (0.56, 0.56)


def fit_to_screen(window) -> None:
    """Open at DEFAULT_SIZE, or at the screen's free area when that is smaller."""
    width, height = DEFAULT_SIZE
    screen = window.screen()
    if screen is not None:
        free = screen.availableGeometry()
        frame = window.frameGeometry().height() - window.geometry().height()
        width = min(width, free.width())
        height = min(height, free.height() - max(frame, 0))
    window.resize(max(width, window.minimumSizeHint().width()), max(height, window.minimumSizeHint().height()))


def size_docks(window) -> None:
    """The default widths of the controls and the table, and of the three plots, for the window's width."""
    width = window.width()
    docks, widths = [], []
    for name, (share, most) in DOCK_WIDTHS.items():
        dock = window.findChild(QDockWidget, name)
        if dock is not None and not dock.isHidden() and not dock.isFloating():
            docks.append(dock)
            widths.append(max(dock.minimumSizeHint().width(), min(most, int(share * width))))
    if docks:
        window.resizeDocks(docks, widths, Qt.Horizontal)
    center = window.centralWidget()
    plots = max(1, width - sum(widths))
    center.setSizes([int(CENTRAL_SHARES[0] * plots), plots - int(CENTRAL_SHARES[0] * plots)])
    right = center.widget(1)
    height = max(1, right.height() or window.height())
    right.setSizes([int(CENTRAL_SHARES[1] * height), height - int(CENTRAL_SHARES[1] * height)])


class DefaultLayout:
    """Holds the default dock state; ``reset()`` restores it at the window's current size."""

    def __init__(self, window) -> None:
        self._window = window
        fit_to_screen(window)
        size_docks(window)
        self._state = window.saveState()
        self.action = QAction("Reset layout", window, objectName="actionResetLayout")
        self.action.setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.action.setToolTip("Put the docks back where they were when gdsim was first opened")
        self.action.triggered.connect(self.reset)

    def reset(self) -> None:
        window = self._window
        window.restoreState(self._state)
        for dock in window.findChildren(QDockWidget):  # docks a later version added are hidden too
            if dock.objectName() not in DOCK_WIDTHS:
                dock.setVisible(False)
        size_docks(window)


def install(window) -> None:
    window.default_layout = DefaultLayout(window)
    menu = window.menu("&View")
    menu.addSeparator()
    menu.addAction(window.default_layout.action)
