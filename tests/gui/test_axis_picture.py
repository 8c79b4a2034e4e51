"""An axis's lines filled instead of stroked (gui.plots.axis_picture): the same pixels."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage, QPainter, QPen

from gdsim.gui.plots import FitView, axis_picture, style

SIZE = 240


def _pixels(image: QImage) -> np.ndarray:
    return np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes()).reshape(
        image.height(), -1).copy()


def _canvas() -> QImage:
    image = QImage(SIZE, SIZE, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor(255, 255, 255))
    return image


def _pen(alpha: int, width: float = 1.0, cosmetic: bool = True, rgb=(0, 0, 0)) -> QPen:
    pen = QPen(QColor(*rgb, alpha), width)
    pen.setCosmetic(cosmetic)
    return pen


def _random_lines(rng) -> list[tuple[QPen, QPointF, QPointF]]:
    """What an axis draws (its line, grid lines of one height per level, short ticks) and
    lines the fast path must leave to Qt (slanted, wide, not cosmetic), in random order."""
    lines = []
    top, bottom = rng.uniform(-10, SIZE - 10, 2)
    for _ in range(int(rng.integers(1, 30))):
        kind = int(rng.integers(0, 4))
        pen = _pen(int(rng.choice([12, 19, 38, 255])), rgb=tuple(int(v) for v in rng.integers(0, 256, 3)))
        if kind == 0:  # a grid line across the plot
            x = rng.uniform(-5, SIZE + 5)
            lines.append((pen, QPointF(x, top), QPointF(x, bottom)))
        elif kind == 1:  # a horizontal line
            y = rng.uniform(-5, SIZE + 5)
            x1, x2 = rng.uniform(-5, SIZE + 5, 2)
            lines.append((pen, QPointF(x1, y), QPointF(x2, y)))
        elif kind == 2:  # a tick
            x, y = rng.uniform(0, SIZE, 2)
            lines.append((_pen(255), QPointF(x, y), QPointF(x, y + 5)))
        else:
            x1, y1, x2, y2 = rng.uniform(0, SIZE, 4)
            pen = _pen(int(rng.choice([38, 255])), width=float(rng.choice([1.0, 2.0])),
                       cosmetic=bool(rng.integers(0, 2)))
            lines.append((pen, QPointF(x1, y1), QPointF(x2, y2)))
    return lines


@pytest.mark.parametrize("translation", ["whole pixels", "fractions of a pixel", "scaled"])
def test_draw_lines_draws_the_pixels_qt_strokes(qapp, translation):
    rng = np.random.default_rng({"whole pixels": 1, "fractions of a pixel": 2, "scaled": 3}[translation])
    for case in range(120):
        lines = _random_lines(rng)
        dx, dy = rng.uniform(-4, 4, 2)
        if translation == "whole pixels":
            dx, dy = round(dx), round(dy)
        stroked, filled = _canvas(), _canvas()
        for image, draw in ((stroked, None), (filled, axis_picture.draw_lines)):
            painter = QPainter(image)
            painter.translate(dx, dy)
            if translation == "scaled":
                painter.scale(1.5, 0.75)
            if draw is None:
                for pen, p1, p2 in lines:
                    painter.setPen(pen)
                    painter.drawLine(p1, p2)
            else:
                draw(painter, lines)
            painter.end()
        assert np.array_equal(_pixels(stroked), _pixels(filled)), f"case {case}: {len(lines)} lines"


def test_a_plot_paints_the_pixels_pyqtgraph_paints(qtbot):
    """The fit plot, with its translucent grid, painted by gdsim's axes and by pyqtgraph's."""
    view = FitView()
    qtbot.addWidget(view)
    view.resize(520, 380)
    view.show()
    x = np.linspace(-3, 7, 25)
    view.show_line_fit(x, x ** 2 / 5, x, 0.8 * x + 1)
    style.settle_ranges(view)
    qtbot.wait(20)
    axes = [view.getPlotItem().getAxis(name) for name in ("left", "bottom")]
    assert all(axis.grid for axis in axes)  # (what makes the lines translucent)
    assert all("paint" in axis.__dict__ for axis in axes)  # style.style_axis gave them ours
    ours = view.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    for axis in axes:
        del axis.paint  # pyqtgraph's own
        axis.picture = None
        axis.update()
    qtbot.wait(20)
    theirs = view.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    assert theirs.size() == ours.size()
    assert np.array_equal(_pixels(ours), _pixels(theirs))


def test_an_axis_draws_new_lines_when_its_ticks_change(qtbot):
    view = pg.PlotWidget()
    qtbot.addWidget(view)
    style.apply_plot_style(view)
    view.resize(300, 200)
    view.show()
    view.setXRange(0, 1, padding=0)
    qtbot.wait(20)
    axis = view.getPlotItem().getAxis("bottom")
    view.grab()
    def tick_xs():
        return sorted({round(p1.x(), 3) for _pen, p1, p2 in axis._gdsim_lines if p1.x() == p2.x()})

    before = tick_xs()
    view.setXRange(0, 7, padding=0)  # ticks at 0, 0.2, ... then at 0, 1, ...
    view.grab()
    assert tick_xs() != before
