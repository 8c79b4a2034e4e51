"""ColourBar: the surface's colour scale, a gradient with a labelled axis beside it.

pyqtgraph's ``ColorBarItem`` is a whole PlotItem (a view box, four axes, their
menus) for one picture and one axis: a fifth of the window's plots at
start-up, and two more axes painted on every frame.  This is the part the
surface uses: the gradient, framed, and the axis on its right in the units
the caller asks for.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtGui, QtWidgets

#: the width of the gradient, in pixels
BAR_PX = 18


class _Gradient(pg.GraphicsWidget):
    """The colour map from bottom (low) to top (high), with a frame."""

    def __init__(self, colour_map: str, parent=None) -> None:
        super().__init__(parent)
        table = pg.colormap.get(colour_map).getLookupTable(nPts=256, alpha=False)
        rgb = np.ascontiguousarray(table[::-1].astype(np.uint8))  # top row: the highest value
        self._image = QtGui.QImage(rgb.data, 1, len(rgb), 3, QtGui.QImage.Format.Format_RGB888).copy()
        self.frame_pen = pg.mkPen("k", width=1)
        self.setFixedWidth(BAR_PX)
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Fixed, QtWidgets.QSizePolicy.Policy.Expanding)

    def paint(self, painter, *_args) -> None:
        rect = self.boundingRect()
        painter.drawImage(rect, self._image)
        painter.setPen(self.frame_pen)
        painter.drawRect(rect)


class ColourBar(pg.GraphicsWidget):
    """``label_axis`` (left of the gradient: its name) and ``axis`` (right: its ticks) are
    styled and labelled by the caller; ``set_levels(lo, hi)`` maps the gradient's bottom and
    top to lo and hi on ``axis``."""

    def __init__(self, colour_map: str, parent=None) -> None:
        super().__init__(parent)
        self.layout = QtWidgets.QGraphicsGridLayout()
        self.layout.setContentsMargins(0, 0, 0, 0)
        self.layout.setHorizontalSpacing(0)
        self.setLayout(self.layout)
        self.label_axis = pg.AxisItem("left", parent=self, showValues=False)
        self.label_axis.setTicks([])
        self.label_axis.setStyle(tickLength=0)
        self.gradient = _Gradient(colour_map, self)
        self.axis = pg.AxisItem("right", parent=self)
        self.axis.setRange(0.0, 1.0)
        self.layout.addItem(self.label_axis, 0, 0)
        self.layout.addItem(self.gradient, 0, 1)
        self.layout.addItem(self.axis, 0, 2)
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Fixed, QtWidgets.QSizePolicy.Policy.Expanding)

    def set_levels(self, low: float, high: float) -> None:
        self.axis.setRange(low, high)

    def axes(self) -> list[pg.AxisItem]:
        return [self.label_axis, self.axis]

    def attach_to(self, plot_item: pg.PlotItem) -> None:
        """Right of ``plot_item``'s data area (beside its right axis), as tall as the data area."""
        plot_item.layout.setColumnFixedWidth(4, 5)  # a gap between the plot and the bar
        plot_item.layout.addItem(self, 2, 5)
