"""An axis (its line, ticks, grid lines and tick labels) painted as pyqtgraph paints it, with
its straight 1-px lines filled instead of stroked.

Qt's raster engine strokes a translucent cosmetic line pixel by pixel: the 44 grid lines of
the fit plot's left axis (black at 5-15% opacity) took 6-11 ms to paint, and the bottom
axes' vertical ones 4-7 ms, a tenth of the window's first paint, and again whenever an
axis's ticks change during a run. A cosmetic, non-antialiased line from p1 to p2 covers the
pixels of the rectangle from p1 - (0.5, 0.5) to p2 + (0.5, 0.5), rounded to the device's
pixels as Qt rounds a filled rectangle; so a horizontal line is filled as that rectangle
(one span), and the vertical lines of the same height as one row of pixels stretched over
that height (one image, where filling each would be a span per line and row). The pixels
are the same (``tests/gui/test_axis_picture.py`` draws random lines both ways).

pyqtgraph keeps an axis as a QPicture until its ticks change (``axis.picture``, which it
sets to None then); here the picture holds the tick labels, and the lines are kept beside
it, drawn at each paint in the painter's own pixels.
"""

from __future__ import annotations

import math
import types

import pyqtgraph as pg
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPicture, QTransform

#: vertical lines of one height drawn as one stretched row from this many on
ROW_IMAGE_FROM = 3


def use_fast_lines(axis: pg.AxisItem) -> None:
    """Make ``axis`` paint itself with ``paint``."""
    axis.paint = types.MethodType(paint, axis)


def paint(axis: pg.AxisItem, p: QPainter, *_args) -> None:
    """``pg.AxisItem.paint``, its lines drawn by ``draw_lines``."""
    if axis.picture is None:  # (the ticks changed)
        picture = QPicture()
        painter = QPainter(picture)
        try:
            specs = axis.generateDrawSpecs(painter)  # (it sets the tick font on the painter)
            lines = []
            if specs is not None:
                axis_spec, tick_specs, text_specs = specs
                lines = [axis_spec, *tick_specs]
                painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
                painter.setPen(axis.textPen())
                painter.setClipRect(axis.boundingRect().toAlignedRect())
                for rect, flags, text in text_specs:
                    painter.drawText(rect, int(flags), text)
        finally:
            painter.end()
        axis.picture = picture
        axis._gdsim_lines = lines
    draw_lines(p, axis._gdsim_lines)
    axis.picture.play(p)


def draw_lines(p: QPainter, lines) -> None:
    """For each ``(pen, p1, p2)`` in order: ``p.setPen(pen); p.drawLine(p1, p2)`` without
    antialiasing, the same pixels drawn faster (see the module's note)."""
    p.save()
    try:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        transform = p.transform()
        if transform.type().value > QTransform.TransformationType.TxTranslate.value:
            for pen, p1, p2 in lines:  # (scaled: as pyqtgraph draws them)
                p.setPen(pen)
                p.drawLine(p1, p2)
            return
        dx, dy = transform.dx(), transform.dy()
        columns: list[tuple[QRect, QColor]] = []  # vertical lines in a row, filled together
        for pen, p1, p2 in lines:
            x1, y1, x2, y2 = p1.x(), p1.y(), p2.x(), p2.y()
            if (x1 == x2 or y1 == y2) and _fillable(pen):
                rect = _pixels(x1 + dx, y1 + dy, x2 + dx, y2 + dy)
                if rect.width() == 1 and rect.height() > 1:
                    columns.append((rect, pen.color()))
                    continue
                _fill_columns(p, columns, transform)
                p.resetTransform()
                p.fillRect(rect, pen.color())
                p.setTransform(transform)
            else:
                _fill_columns(p, columns, transform)
                p.setPen(pen)
                p.drawLine(p1, p2)
        _fill_columns(p, columns, transform)
    finally:
        p.restore()


def _fillable(pen) -> bool:
    return pen.isCosmetic() and pen.widthF() <= 1.0 and pen.style() == Qt.PenStyle.SolidLine \
        and pen.brush().style() == Qt.BrushStyle.SolidPattern


def _round(v: float) -> int:
    """Qt's qRound (half away from zero)."""
    return int(math.floor(v + 0.5)) if v >= 0.0 else int(math.ceil(v - 0.5))


def _pixels(x1: float, y1: float, x2: float, y2: float) -> QRect:
    """The device pixels a cosmetic 1-px line from (x1, y1) to (x2, y2) covers, as the rectangle
    Qt fills for the rectangle from the ends less half a pixel to the ends plus half a pixel."""
    left, top = min(x1, x2) - 0.5, min(y1, y2) - 0.5
    right, bottom = max(x1, x2) + 0.5, max(y1, y2) + 0.5
    a, b, c, d = _round(left), _round(top), _round(right), _round(bottom)
    return QRect(a, b, c - a, d - b)


def _fill_columns(p: QPainter, columns: list[tuple[QRect, QColor]], transform: QTransform) -> None:
    """Fill the one-pixel-wide ``columns`` (device pixels) and empty the list: those of one
    height as one image row stretched over it (ROW_IMAGE_FROM or more, in distinct columns),
    else one by one in order."""
    if not columns:
        return
    p.resetTransform()
    xs = [rect.left() for rect, _colour in columns]
    if len(set(xs)) != len(xs):  # (one column over another: the order of the blends counts)
        for rect, colour in columns:
            p.fillRect(rect, colour)
    else:
        rows: dict[tuple[int, int], list[tuple[int, QColor]]] = {}
        for rect, colour in columns:
            rows.setdefault((rect.top(), rect.height()), []).append((rect.left(), colour))
        for (top, height), row in rows.items():
            if len(row) < ROW_IMAGE_FROM:
                for x, colour in row:
                    p.fillRect(QRect(x, top, 1, height), colour)
                continue
            left = min(x for x, _colour in row)
            image = QImage(max(x for x, _colour in row) - left + 1, 1, QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(0)
            for x, colour in row:
                image.setPixelColor(x - left, 0, colour)
            p.drawImage(QRect(left, top, image.width(), height), image)
    p.setTransform(transform)
    columns.clear()
