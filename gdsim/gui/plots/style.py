"""Shared look of the plot views: colours, fonts, pens and small drawing helpers.

Everything here is chosen for a lecture-hall projector: white background,
black text, axis labels of at least 11 pt, thick lines, colour-blind friendly
qualitative colours.  The views set background and foreground *per widget*
(``apply_plot_style``) so nothing depends on global pyqtgraph configuration
done elsewhere; only antialiasing is switched on globally, on import.
"""

from __future__ import annotations

import math
import types
from typing import Iterable

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt

from . import axis_picture

pg.setConfigOptions(antialias=True)

# --------------------------------------------------------------------------- colours

BACKGROUND = "w"
FOREGROUND = "k"

#: Qualitative colours (Tableau-10 order, without grey/olive) for up to 8 race
#: paths or extra series.  All stay distinguishable on white and on the
#: surface colour map (paths are drawn with a dark outline).
PALETTE: tuple[str, ...] = (
    "#1f77b4",  # blue
    "#ff7f0e",  # orange
    "#2ca02c",  # green
    "#d62728",  # red
    "#9467bd",  # purple
    "#17becf",  # cyan
    "#e377c2",  # pink
    "#8c564b",  # brown
)

# loss view
BATCH_LOSS_COLOR = "#9ecae1"  # light blue, thin: noisy mini-batch loss
FULL_LOSS_COLOR = "#08519c"  # dark blue, thick: full-dataset loss
EPOCH_LINE_COLOR = (140, 140, 140, 80)
ANNOTATION_COLOR = "#d62728"
HOVER_COLOR = "#ff7f0e"

# surface view
SURFACE_COLORMAP = "viridis"
CONTOUR_COLOR = (255, 255, 255, 140)
PATH_COLOR = "#ffffff"
PATH_OUTLINE = (0, 0, 0, 200)
START_COLOR = "#ffffff"
CURRENT_COLOR = "#ff3b30"
OPTIMUM_COLOR = "#ffd700"

# fit view
DATA_COLOR = "#1f77b4"
CLASS_COLORS = ("#1f77b4", "#ff7f0e")  # class 0 blue, class 1 orange
MODEL_COLOR = "#d62728"
OPTIMUM_LINE_COLOR = "#2ca02c"
DIAGONAL_COLOR = (110, 110, 110)
HIGHLIGHT_COLOR = "#000000"

# --------------------------------------------------------------------------- fonts

TICK_PT = 11
LABEL_PT = 13
LABEL_MIN_PT = 9  # an axis label longer than its axis (times SCALES.text)
TITLE_PT = 14
LEGEND_PT = 11
LEGEND_MIN_PT = 7  # a legend's text in a plot too narrow for LEGEND_PT
LEGEND_MARGIN_PX = 10  # a legend's distance from the plot's edges (plots.placement.MARGIN_PX)
TEXT_PT = 11
LABEL_ROOM_PX = 6  # an axis label's margin at each end of its axis


class Scales:
    """How much larger text, lines and markers are drawn (presentation mode, zoom: see ``restyle``)."""

    text = 1.0
    lines = 1.0
    markers = 1.0
    #: opaque lines (data, path, model) are at least this wide while ``lines`` > 1
    min_line = 3.0


SCALES = Scales()


def palette_color(i: int) -> str:
    """The i-th qualitative colour (cycles after 8)."""
    return PALETTE[int(i) % len(PALETTE)]


def font(point_size: int = TEXT_PT, bold: bool = False) -> QtGui.QFont:
    f = QtGui.QFont()
    f.setPointSize(int(point_size))  # (restyle scales it from here)
    f.setBold(bold)
    return f


def pen(color, width: float = 2.0, dashed: bool = False, cosmetic: bool = True) -> QtGui.QPen:
    """A pyqtgraph pen; ``dashed`` gives a long dash pattern visible on a projector."""
    p = pg.mkPen(color, width=width)
    if dashed:
        p.setStyle(pg.QtCore.Qt.PenStyle.CustomDashLine)
        p.setDashPattern([6, 4])
    p.setCosmetic(cosmetic)
    return p


def draw_as_segments(item):
    """Stroke a long solid line as separate segments.

    Qt strokes a polyline as one outline with joins, which is 10-30 times
    slower than drawing its segments when the line is long and crosses itself
    (a noisy loss curve, a zig-zag path): 2,000 points 3 px wide, antialiased,
    take about 40 ms one way and 2 ms the other.  Only for solid pens.
    ``item``: a PlotDataItem or a PlotCurveItem.  Exports (SVG) still get
    one path per line.
    """
    curve = getattr(item, "curve", item)
    curve.setSegmentedLineMode("on")
    set_export_mode = curve.setExportMode

    def export_as_paths(export, opts=None):
        curve.setSegmentedLineMode("off" if export else "on")
        return set_export_mode(export, opts)

    curve.setExportMode = export_as_paths
    return item


def brush(color) -> QtGui.QBrush:
    return pg.mkBrush(color)


# --------------------------------------------------------------------------- widget styling


def _plot_item(plot) -> pg.PlotItem:
    return plot.getPlotItem() if hasattr(plot, "getPlotItem") else plot


def apply_plot_style(widget: pg.PlotWidget) -> None:
    """White background, black axes, readable tick fonts (per widget)."""
    widget.setBackground(BACKGROUND)
    # The view paints its whole background itself (an opaque brush): Qt need not fill the
    # exposed area with the palette first, at every frame of a run (0.45 ms of the three).
    widget.viewport().setAttribute(QtCore.Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
    widget.viewport().setAutoFillBackground(False)
    item = _plot_item(widget)
    for name in ("left", "bottom", "right", "top"):
        axis = item.getAxis(name)
        style_axis(axis)
    item.titleLabel.opts["color"] = FOREGROUND
    # pyqtgraph makes a title's width the plot's minimum width, again at every resize, and
    # keeps it while the title is hidden: one long note ("no decision boundary (w1 = w2 = 0)")
    # pushed the plot's right side out of a 1280-px window. A title may be cut, never the plot.
    item.titleLabel.updateMin = types.MethodType(_title_min_height_only, item.titleLabel)
    # Without a scene rect of its own, Qt recomputes the scene's "growing"
    # rect from every item's bounding rect (pyqtgraph's, in Python) after each
    # change: about a third of a live frame. The view sets what is shown, so
    # the scene's rect only bounds its index; and a few items need no index.
    scene = widget.scene()
    scene.setItemIndexMethod(QtWidgets.QGraphicsScene.ItemIndexMethod.NoIndex)
    scene.setSceneRect(QtCore.QRectF(0, 0, 1, 1))


def style_axis(axis: pg.AxisItem) -> None:
    axis.setPen(pg.mkPen(FOREGROUND, width=1))
    axis.setTextPen(pg.mkPen(FOREGROUND))
    axis.setTickFont(font(TICK_PT))
    # Ticks show the values themselves, as the status line and a lecture slide
    # do: pyqtgraph would show a loss of 0.62 as 620 with "(x0.001)" in the label.
    axis.setSIPrefixEnableRanges(())
    axis.enableAutoSIPrefix(False)
    # An axis (with its grid lines across the plot) is repainted whenever any
    # curve over it changes: keep it as a picture until its ticks change.
    axis.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)
    axis_picture.use_fast_lines(axis)  # (its translucent grid lines, 30 times faster)


def set_axis_label(axis: pg.AxisItem, text: str) -> None:
    if axis.labelText == text and axis.label.isVisible():
        return  # unchanged: setting it again would lay the plot out again (every frame)
    axis.setLabel(text, color="#000000", **{"font-size": f"{LABEL_PT * SCALES.text:g}pt"})
    if not fit_axis_label(axis):
        axis.resizeEvent(None)  # pyqtgraph centres a label only when its axis is resized


def fit_axis_label(axis: pg.AxisItem) -> bool:
    """The axis label at ``label_points``: as large as SCALES.text asks, or as fits its axis.
    True if it changed it."""
    if axis.label.isVisible() and axis.labelText:
        size = f"{label_points(axis):g}pt"
        if axis.labelStyle.get("font-size") != size:
            axis.setLabel(axis.labelText, units=axis.labelUnits or None,
                          **{**axis.labelStyle, "font-size": size})
            axis.resizeEvent(None)  # (centred on its axis again)
            return True
    return False


def label_points(axis: pg.AxisItem) -> float:
    """An axis label's size: LABEL_PT times SCALES.text, or smaller (down to LABEL_MIN_PT times
    SCALES.text) when the label is longer than its axis ("loss (log scale)" was cut off beside a
    short loss plot at 1280×720)."""
    size = LABEL_PT * SCALES.text
    length = axis.height() if axis.orientation in ("left", "right") else axis.width()
    key = (axis.labelText, size, round(length))
    cached = getattr(axis, "_gdsim_label_fit", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    fitted = size
    if length > 0:
        font = QtGui.QFont(axis.label.font())
        font.setPointSizeF(size)
        wide = QtGui.QFontMetricsF(font).horizontalAdvance(axis.labelText)
        room = length - 2 * LABEL_ROOM_PX
        if wide > room:  # in half points, so a pixel more or less does not change it
            fitted = max(LABEL_MIN_PT * SCALES.text, math.floor(2 * size * max(room, 0) / wide) / 2)
    axis._gdsim_label_fit = (key, fitted)
    return fitted


def _axes(item) -> list[pg.AxisItem]:
    """A PlotItem's four axes, or the axes of another item that has some (``axes()``)."""
    if isinstance(item, pg.PlotItem):
        return [item.getAxis(name) for name in ("left", "bottom", "right", "top")]
    return item.axes()


def size_axes_for_labels(*plots) -> None:
    """Fit the axes of ``plots`` to their tick labels now (call after a resize, before the paint).

    pyqtgraph measures an axis's tick labels while painting it; a new width
    then lays the plot out and paints it a second time (25 ms of the window's
    first paint, and once more after most resizes).
    """
    image = QtGui.QImage(1, 1, QtGui.QImage.Format.Format_ARGB32)
    painter = QtGui.QPainter(image)
    try:
        for plot in plots:
            item = _plot_item(plot)
            item.layout.activate()  # the axes' lengths, which decide their ticks and labels
            for axis in _axes(item):
                if axis.isVisible():
                    fit_axis_label(axis)
                    axis.generateDrawSpecs(painter)
            item.layout.activate()
        for plot in plots[:-1]:  # (a plot that holds the next one, as the surface holds its colour bar)
            _plot_item(plot).layout.activate()
    finally:
        painter.end()


def settle_ranges(plot) -> None:
    """Apply a pending auto-range now, not at the start of the next paint.

    pyqtgraph defers it to the paint; there it changes the view, which makes
    Qt paint the whole plot a second time.
    """
    _plot_item(plot).getViewBox().prepareForPaint()


def label_axes(plot, bottom: str | None, left: str | None) -> None:
    """Set bottom / left axis labels in the shared projector style."""
    item = _plot_item(plot)
    if bottom is not None:
        set_axis_label(item.getAxis("bottom"), bottom)
    if left is not None:
        set_axis_label(item.getAxis("left"), left)


def _title_min_height_only(label: pg.LabelItem) -> None:
    """LabelItem.updateMin without the width (see apply_plot_style)."""
    height = label.itemRect().height()
    label.setMinimumWidth(0)
    label.setMinimumHeight(height)
    label._sizeHint = {Qt.SizeHint.MinimumSize: (0, height), Qt.SizeHint.PreferredSize: (0, height),
                       Qt.SizeHint.MaximumSize: (-1, -1), Qt.SizeHint.MinimumDescent: (0, 0)}
    label.updateGeometry()


def set_title(plot, text: str | None, color: str = "#000000", points: float = TITLE_PT) -> None:
    """The plot's title (None hides it)."""
    item = _plot_item(plot)
    if text:
        item.setTitle(text, color=color, size=f"{points * SCALES.text:g}pt")
    else:
        item.setTitle(None)


def make_legend(plot, offset=(10, 10)) -> pg.LegendItem:
    """A legend with an opaque-ish white box so it stays legible over a heatmap."""
    item = _plot_item(plot)
    legend = item.addLegend(
        offset=offset,
        brush=pg.mkBrush(255, 255, 255, 215),
        pen=pg.mkPen(120, 120, 120),
        labelTextColor=FOREGROUND,
        labelTextSize=f"{LEGEND_PT * SCALES.text:g}pt",
        verSpacing=-2,
    )
    return legend


def text_item(text: str = "", color=FOREGROUND, anchor=(0, 1), fill=(255, 255, 255, 225),
              border=(120, 120, 120)) -> pg.TextItem:
    t = pg.TextItem(text, color=color, anchor=anchor, fill=pg.mkBrush(fill),
                    border=pg.mkPen(border))
    t.setFont(font(TEXT_PT))
    return t


# --------------------------------------------------------------------------- drawing helpers


def pixel_steps(points: np.ndarray, pixel) -> np.ndarray:
    """Which rows of ``points`` (k, 2, view coordinates; NaN rows break the line) are worth
    stroking at ``pixel`` (the view units of one pixel in x and y): the first row past each
    pixel of the line's length, and the ends of every piece. A long run's path creeps in
    steps of a fraction of a pixel (636 of its 637 drawn steps on ``insurance``),
    and every segment costs Qt a stroke (two with an outline); a row left out is less
    than a pixel off the line drawn. Draw again when the pixels change (a resize, a zoom)."""
    keep = np.ones(len(points), dtype=bool)
    sx, sy = (float(v) for v in pixel)
    if len(points) < 3 or not (0 < sx < np.inf and 0 < sy < np.inf):
        return keep
    d = np.diff(points, axis=0)
    with np.errstate(over="ignore", invalid="ignore"):
        step = np.hypot(d[:, 0] / sx, d[:, 1] / sy)
    step[~np.isfinite(step)] = 1.0  # at a break: a pixel on
    cell = np.floor(np.concatenate(([0.0], np.cumsum(step))))
    keep[1:] = cell[1:] != cell[:-1]
    broken = ~np.isfinite(points).all(axis=1)
    keep[:-1] |= broken[1:]  # a piece's last row
    keep |= broken
    keep[-1] = True
    return keep


def clear_data(item) -> None:
    """Empty a PlotDataItem or ScatterPlotItem, unless it is empty already: handing an empty
    one its empty data again, at every frame of a run, makes Qt process and repaint it for
    nothing."""
    if isinstance(item, pg.ScatterPlotItem):
        if len(item.data):
            item.setData(pos=np.empty((0, 2)))
    elif item.xData is not None and len(item.xData):
        item.setData([], [])


def finite_xy(x, y) -> tuple[np.ndarray, np.ndarray]:
    """Float copies of ``x`` and ``y`` with every pair containing NaN/inf removed."""
    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    n = min(x.size, y.size)
    x, y = x[:n], y[:n]
    mask = np.isfinite(x) & np.isfinite(y)
    if mask.all():
        return x.copy(), y.copy()
    return x[mask], y[mask]


def finite_points(points) -> np.ndarray:
    """(k, 2) float array of the rows of ``points`` whose both coordinates are finite.

    May return a view of the input (no copy) when every row is finite.
    """
    if points is None:
        return np.empty((0, 2))
    p = np.asarray(points, dtype=float)
    if p.size == 0:
        return np.empty((0, 2))
    p = p.reshape(-1, 2)
    mask = np.isfinite(p[:, 0])
    mask &= np.isfinite(p[:, 1])
    if mask.all():
        return p
    return p[mask]


def clip_polyline(points: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """Clip a polyline to ``box = (x0, x1, y0, y1)`` for safe drawing.

    Qt misbehaves with astronomically large coordinates (a diverging descent
    path, a model line with exploding weights), so every segment is clipped to
    a generous box around the visible region (Liang-Barsky).  Segments that
    leave the box are cut at the boundary; pieces are separated by NaN rows,
    so draw the result with ``connect="finite"``.  Input must be finite.
    """
    p = np.asarray(points, dtype=float).reshape(-1, 2)
    x0, x1, y0, y1 = box
    inside = (p[:, 0] >= x0) & (p[:, 0] <= x1) & (p[:, 1] >= y0) & (p[:, 1] <= y1)
    if inside.all():
        return p
    if len(p) < 2:
        return p[inside]
    a = p[:-1]
    d = p[1:] - a
    t0 = np.zeros(len(a))
    t1 = np.ones(len(a))
    # which boundary clipped each end (dimension, coordinate value): that
    # coordinate is then set exactly, immune to cancellation with huge input
    enter_dim = np.full(len(a), -1)
    enter_val = np.zeros(len(a))
    exit_dim = np.full(len(a), -1)
    exit_val = np.zeros(len(a))
    visible = np.ones(len(a), dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for dim, lo, hi in ((0, x0, x1), (1, y0, y1)):
            dd = d[:, dim]
            aa = a[:, dim]
            zero = dd == 0
            visible &= ~(zero & ((aa < lo) | (aa > hi)))
            ta = (lo - aa) / dd
            tb = (hi - aa) / dd
            tmin = np.where(zero, -np.inf, np.minimum(ta, tb))
            tmax = np.where(zero, np.inf, np.maximum(ta, tb))
            upd = tmin > t0
            t0 = np.where(upd, tmin, t0)
            enter_dim = np.where(upd, dim, enter_dim)
            enter_val = np.where(upd, np.where(dd > 0, lo, hi), enter_val)
            upd = tmax < t1
            t1 = np.where(upd, tmax, t1)
            exit_dim = np.where(upd, dim, exit_dim)
            exit_val = np.where(upd, np.where(dd > 0, hi, lo), exit_val)
        visible &= t0 <= t1
        visible &= np.isfinite(t0) & np.isfinite(t1)
        if not visible.any():
            return np.empty((0, 2))
        b = p[1:]
        start = np.where((t0 == 0.0)[:, None], a, a + t0[:, None] * d)
        end = np.where((t1 == 1.0)[:, None], b, a + t1[:, None] * d)
    for pt, dim_arr, val in ((start, enter_dim, enter_val), (end, exit_dim, exit_val)):
        for dim in (0, 1):
            m = dim_arr == dim
            pt[m, dim] = val[m]
        pt[:, 0] = np.clip(pt[:, 0], x0, x1)
        pt[:, 1] = np.clip(pt[:, 1], y0, y1)
    # a visible segment continues the previous one when they share an unclipped point
    prev_vis = np.concatenate(([False], visible[:-1]))
    prev_t1 = np.concatenate(([0.0], t1[:-1]))
    cont = visible & prev_vis & (prev_t1 == 1.0) & (t0 == 0.0)
    fresh = visible & ~cont
    counts = np.where(fresh, 3, np.where(cont, 1, 0))
    offsets = np.cumsum(counts) - counts
    out = np.full((int(counts.sum()), 2), np.nan)
    fi = np.nonzero(fresh)[0]
    out[offsets[fi] + 1] = start[fi]
    out[offsets[fi] + 2] = end[fi]
    ci = np.nonzero(cont)[0]
    out[offsets[ci]] = end[ci]
    return out[1:]  # drop the leading NaN separator


def drawing_box(x_range: tuple[float, float], y_range: tuple[float, float],
                margin: float = 3.0) -> tuple[float, float, float, float]:
    """The visible extent grown by ``margin`` spans on every side."""
    xa, xb = sorted(map(float, x_range))
    ya, yb = sorted(map(float, y_range))
    sx = max(xb - xa, 1e-12 * max(1.0, abs(xa)), 1e-300)
    sy = max(yb - ya, 1e-12 * max(1.0, abs(ya)), 1e-300)
    return (xa - margin * sx, xb + margin * sx, ya - margin * sy, yb + margin * sy)


def format_value(v: float) -> str:
    """Compact human number for labels: 0.01234, 1.235e+06, 42."""
    v = float(v)
    if not np.isfinite(v):
        return str(v)
    if v == 0:
        return "0"
    a = abs(v)
    if 1e-3 <= a < 1e5:
        return f"{v:.4g}"
    return f"{v:.3e}"


def format_tick(v: float) -> str:
    """Short axis-tick number: 0.05, 20, 5e7, 1.23e-5."""
    v = float(v)
    if v == 0 or not np.isfinite(v):
        return "0" if v == 0 else str(v)
    if 1e-3 <= abs(v) < 1e5:
        return f"{v:.4g}"
    text = f"{v:.3g}"
    if "e" not in text:  # e.g. 0.000614 stays as it is
        return text
    mant, exp = text.split("e")
    return f"{mant}e{int(exp)}"


def format_iteration(k: float) -> str:
    k = float(k)
    return str(int(round(k))) if abs(k - round(k)) < 1e-9 else f"{k:.4g}"


def as_index_array(indices: Iterable[int] | None) -> np.ndarray:
    if indices is None:
        return np.empty(0, dtype=np.int64)
    arr = np.asarray(list(indices) if not isinstance(indices, np.ndarray) else indices)
    if arr.size == 0:
        return np.empty(0, dtype=np.int64)
    return arr.astype(np.int64).ravel()


def plot_click_position(view, ev):
    """Scene position of a plain left click inside ``view``'s plot area (not on its
    legend), or None for any other click. ``view`` has ``vb`` and ``legend``."""
    if ev.button() != Qt.MouseButton.LeftButton or ev.double():
        return None
    pos = ev.scenePos()
    if not view.vb.sceneBoundingRect().contains(pos):
        return None
    if view.legend.isVisible() and view.legend.sceneBoundingRect().contains(pos):
        return None
    return pos


# --------------------------------------------------------------------------- scales (presentation mode)


def set_scales(text: float = 1.0, lines: float = 1.0, markers: float = 1.0) -> None:
    """Draw text, lines and markers this much larger; apply to existing plots with ``restyle``."""
    SCALES.text, SCALES.lines, SCALES.markers = float(text), float(lines), float(markers)


def _line_pen(pen, outline: bool = False):
    """``pen`` widened by SCALES.lines; an opaque line at least SCALES.min_line wide.

    Translucent hairlines (contours, epoch lines: context, not data) stay 1 px: Qt draws
    those on its fast path, where 1.5 px antialiased took a surface's contours from 2 to 7 ms
    at each refresh of the surface (presentation mode, full speed).
    """
    if pen is None or SCALES.lines == 1.0:
        return pen
    opaque = pen.color().alpha() >= 200
    if not opaque and not outline and pen.widthF() <= 1.0:
        return pen
    p = QtGui.QPen(pen)
    width = (p.widthF() or 1.0) * SCALES.lines
    if not outline and p.style() != Qt.PenStyle.NoPen and opaque:
        width = max(width, SCALES.min_line)
    p.setWidthF(width)
    return p


def _follow(item, key: str, current, scale):
    """The value ``key`` of ``item`` should have now: its base (as the view set it) scaled.

    The base is remembered on the item while a scale applies; a value the view
    set since (not the one applied here) becomes the new base.
    """
    tags = item.__dict__.setdefault("_gdsim_scaled", {})
    base, applied = tags.get(key, (current, current))
    if not _same(current, applied):
        base = current
    new = scale(base)
    tags[key] = (base, new)
    return new


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return a is b
    try:
        return bool(a == b)
    except TypeError:
        return a is b


def _marker(size):
    return size if size is None or isinstance(size, np.ndarray) else size * SCALES.markers


def restyle(widget) -> None:
    """Apply SCALES to every axis, title, legend, text, line and marker of a plot widget.

    Cheap when nothing changed, so it can run before each paint while presentation mode
    is on: an item is looked at again only when the scales or its own pens, sizes or
    fonts changed since (the objects themselves, compared by identity: a view that sets
    a pen sets a new one); a new item is styled at its first paint. At scale 1 every
    item gets back exactly the pens, sizes and fonts its view gave it.
    """
    scene = widget.scene()
    if scene is None:
        return
    scales = (SCALES.text, SCALES.lines, SCALES.markers, SCALES.min_line)
    for item in scene.items():
        kind = type(item)
        restyler = _RESTYLERS.get(kind, _UNSEEN)
        if restyler is _UNSEEN:
            restyler = _RESTYLERS[kind] = _restyler_for(kind)
        if restyler is not None:
            restyler(item, scales)


_UNSEEN = object()
_RESTYLERS: dict[type, object] = {}  # an item's class: what restyles it (None: nothing to do)


def _restyler_for(kind: type):
    for base, restyler in ((pg.PlotDataItem, _restyle_data_item), (pg.PlotCurveItem, _restyle_curve),
                           (pg.ScatterPlotItem, _restyle_scatter), (pg.AxisItem, _restyle_axis),
                           (pg.PlotItem, _restyle_title), (pg.LegendItem, _restyle_legend),
                           (pg.TextItem, _restyle_text)):
        if issubclass(kind, base):
            return restyler
    return None


def _unchanged(item, seen: tuple) -> bool:
    """True if ``item`` was last restyled with ``seen``: the scales, then its values (the same
    objects; numbers and names equal)."""
    last = item.__dict__.get("_gdsim_seen")
    return last is not None and len(last) == len(seen) and last[0] == seen[0] and all(
        a is b or (isinstance(a, _SCALARS) and isinstance(b, _SCALARS) and a == b) for a, b in zip(last[1:], seen[1:]))


_SCALARS = (int, float, str)


def _restyle_data_item(item, scales) -> None:
    opts = item.opts
    seen = (scales, opts["pen"], opts.get("shadowPen"), opts.get("symbol"), opts["symbolSize"])
    if _unchanged(item, seen):
        return
    _set_if(item, "pen", _follow(item, "pen", opts["pen"], _line_pen), item.setPen)
    if opts.get("shadowPen") is not None or "shadow" in item.__dict__.get("_gdsim_scaled", {}):
        _set_if(item, "shadowPen", _follow(item, "shadow", opts.get("shadowPen"),
                                           lambda p: _line_pen(p, True)), item.setShadowPen)
    if opts.get("symbol") is not None:
        _set_if(item, "symbolSize", _follow(item, "symbolSize", opts["symbolSize"], _marker),
                item.setSymbolSize)
    item._gdsim_seen = (scales, opts["pen"], opts.get("shadowPen"), opts.get("symbol"), opts["symbolSize"])


def _restyle_curve(item, scales) -> None:
    if isinstance(item.parentItem(), pg.PlotDataItem):
        return  # (its PlotDataItem passes it its pens)
    opts = item.opts
    if _unchanged(item, (scales, opts["pen"], opts.get("shadowPen"))):
        return
    _set_if(item, "pen", _follow(item, "pen", opts["pen"], _line_pen), item.setPen)
    _set_if(item, "shadowPen", _follow(item, "shadow", opts.get("shadowPen"), lambda p: _line_pen(p, True)),
            item.setShadowPen)
    item._gdsim_seen = (scales, opts["pen"], opts.get("shadowPen"))


def _restyle_scatter(item, scales) -> None:
    if isinstance(item.parentItem(), pg.PlotDataItem):
        return
    if _unchanged(item, (scales, item.opts["size"])):
        return
    _set_if(item, "size", _follow(item, "size", item.opts["size"], _marker), item.setSize)
    item._gdsim_seen = (scales, item.opts["size"])


def _restyle_title(item, scales) -> None:
    title = item.titleLabel
    if title.text and title.opts.get("size") != f"{TITLE_PT * SCALES.text:g}pt":
        set_title(item, title.text, color=title.opts.get("color") or "#000000")


def _restyle_legend(item, scales) -> None:
    fit_legend(item)


def _restyle_text(item, scales) -> None:
    f = item.textItem.font()
    last = item.__dict__.get("_gdsim_seen")
    if last is not None and last[0] == scales and last[1] == f:
        return
    new = _follow(item, "font", f, _scaled_font)
    if new != f:
        item.setFont(new)
    item._gdsim_seen = (scales, new)


def fit_legend(legend: pg.LegendItem) -> None:
    """Legend text SCALES.text times LEGEND_PT, but no wider than the plot it sits in: in a narrow
    plot (a 1280-px window, presentation mode) a long name first breaks onto two lines, then the
    text gets smaller, down to LEGEND_MIN_PT, rather than a legend cut off by the plot's edge."""
    parent = legend.parentItem()
    room = parent.width() - 2 * LEGEND_MARGIN_PX if parent is not None else None
    key = (SCALES.text, room, tuple(label.text for _sample, label in legend.items))
    if getattr(legend, "_gdsim_fit", None) == key:
        return
    size = LEGEND_PT * SCALES.text
    while True:
        for wrap in (False, True):
            _size_legend(legend, size, wrap)
            if not room or room <= 0 or legend.width() <= room:
                break
        else:
            if size > LEGEND_MIN_PT:
                size = max(LEGEND_MIN_PT, size * 0.9)
                continue
        break
    legend._gdsim_fit = key


def _size_legend(legend: pg.LegendItem, size: float, wrap: bool) -> None:
    text = f"{size:.3g}pt"
    legend.opts["labelTextSize"] = text
    for _sample, label in legend.items:
        if label.opts.get("size") != text or getattr(label, "_gdsim_wrapped", False) != wrap:
            name = label.text
            label.setText(_two_lines(name) if wrap else name, size=text)
            label.text = name  # the name the legend lists stays whole
            label._gdsim_wrapped = wrap
            label.resize(label.minimumSize())  # (a label only grows by itself: measure this text)
    legend.updateSize()  # the box follows its labels (its corner anchor keeps it inside)


def _two_lines(name: str) -> str:
    """``name`` broken at the space nearest its middle (as HTML), or as it is without a space."""
    spaces = [i for i, c in enumerate(name) if c == " "]
    if not spaces:
        return name
    cut = min(spaces, key=lambda i: abs(i - len(name) / 2))
    return f"{name[:cut]}<br>{name[cut + 1:]}"


def _scaled_font(base: QtGui.QFont) -> QtGui.QFont:
    f = QtGui.QFont(base)
    if base.pointSizeF() > 0:
        f.setPointSizeF(base.pointSizeF() * SCALES.text)
    return f


def _set_if(item, key: str, value, setter) -> None:
    current = item.opts.get(key)
    if not _same(current, value):
        setter(value)


def _restyle_axis(axis: pg.AxisItem, scales) -> None:
    tick = axis.style.get("tickFont")
    if tick is not None and not _unchanged(axis, (scales, tick)):
        new = _follow(axis, "tickFont", tick, _scaled_font)
        if new != tick:
            axis.setTickFont(new)
        axis._gdsim_seen = (scales, axis.style.get("tickFont"))
    fit_axis_label(axis)
