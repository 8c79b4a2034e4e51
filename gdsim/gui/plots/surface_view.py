"""SurfaceView: the loss surface over two parameters with the descent path on top.

Pure display: the caller computes the grid of loss values (core.surface) and
the path (the history of parameters); this widget only draws them.

Drawing recipe (after pyqtgraph's ``isocurve.py`` / ``imageAnalysis.py``
examples): one ``ImageItem`` placed with ``setRect`` for the heatmap, one
``PlotCurveItem`` with ``connect="pairs"`` holding every contour segment
(marching squares computed here, vectorised), a ``ColourBar`` whose ticks
are labelled in loss units, and one ``PlotDataItem`` per path updated with
``setData``.  The view range is pinned to the surface extent; path items are
added with ``ignoreBounds=True`` so a diverging run never blows up the view.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QGraphicsItem
from PySide6 import QtCore
from PySide6.QtCore import Qt, Signal

from ...core.decimate import PATH_POINTS, PathDecimator
from . import placement, style
from .colour_bar import ColourBar

#: at most this many points of a path are handed to Qt
MAX_PATH_POINTS = PATH_POINTS
#: at most this many small dots (iterates) are drawn on the main path
MAX_PATH_DOTS = 400
#: number of contour lines
N_CONTOURS = 10
#: the legend's corner is chosen again at most this often while a run moves (seconds)
LEGEND_EVERY_S = 0.5


# --------------------------------------------------------------------------- helpers


def downsample_path_indices(points: np.ndarray, max_points: int = MAX_PATH_POINTS,
                            box: tuple[float, float, float, float] | None = None) -> np.ndarray:
    """Indices of at most ``max_points`` rows of ``points`` (k, 2) to draw (first and last kept)."""
    return PathDecimator(max_points).indices(points[:, 0], points[:, 1], box)


def _median(a: np.ndarray) -> float:
    """np.median of a non-empty 1-D array (np.median itself imports numpy.ma, 8 ms at start-up)."""
    k = len(a) // 2
    part = np.partition(a, [k - 1, k] if len(a) % 2 == 0 else [k])
    return float((part[k - 1] + part[k]) / 2 if len(a) % 2 == 0 else part[k])


def contour_segments(t: np.ndarray, xs: np.ndarray, ys: np.ndarray,
                     levels: np.ndarray) -> np.ndarray:
    """Marching squares over the grid ``t[iy, ix]`` (finite) at ``(xs[ix], ys[iy])``.

    Returns a (2k, 2) array of segment end points in data coordinates, to be
    drawn with ``connect="pairs"``.
    """
    ny, nx = t.shape
    if nx < 2 or ny < 2 or len(levels) == 0:
        return np.empty((0, 2))
    v00 = t[:-1, :-1]
    v10 = t[:-1, 1:]
    v01 = t[1:, :-1]
    v11 = t[1:, 1:]
    iy_all, ix_all = np.mgrid[0:ny - 1, 0:nx - 1]
    ix_all = ix_all.ravel().astype(float)
    iy_all = iy_all.ravel().astype(float)
    corners_all = [c.ravel() for c in (v00, v10, v01, v11)]
    out = []
    for level in levels:
        below_all = [c < level for c in corners_all]
        # only the cells the level crosses (a thin band) get the arithmetic
        some = below_all[0] | below_all[1] | below_all[2] | below_all[3]
        every = below_all[0] & below_all[1] & below_all[2] & below_all[3]
        cells = np.nonzero(some & ~every)[0]
        if len(cells) == 0:
            continue
        a00, a10, a01, a11 = (c[cells] for c in corners_all)
        b00, b10, b01, b11 = (b[cells] for b in below_all)
        ix, iy = ix_all[cells], iy_all[cells]
        # edges: bottom (00-10), right (10-11), top (01-11), left (00-01)
        edges = ((a00, a10), (a10, a11), (a01, a11), (a00, a01))
        eb = ((b00, b10), (b10, b11), (b01, b11), (b00, b01))
        cross = np.stack([p ^ q for p, q in eb], axis=1)  # (ncell, 4)
        count = cross.sum(axis=1)
        pts = np.empty((len(ix), 4, 2))
        with np.errstate(divide="ignore", invalid="ignore"):
            fr = [np.clip(np.nan_to_num((level - va) / (vb - va), nan=0.5), 0.0, 1.0)
                  for va, vb in edges]
        pts[:, 0, 0] = ix + fr[0]
        pts[:, 0, 1] = iy
        pts[:, 1, 0] = ix + 1
        pts[:, 1, 1] = iy + fr[1]
        pts[:, 2, 0] = ix + fr[2]
        pts[:, 2, 1] = iy + 1
        pts[:, 3, 0] = ix
        pts[:, 3, 1] = iy + fr[3]
        segs = []
        two = np.nonzero(count == 2)[0]
        if len(two):
            order = np.argsort(~cross[two], axis=1, kind="stable")[:, :2]
            pa = pts[two, order[:, 0]]
            pb = pts[two, order[:, 1]]
            segs.append(np.stack((pa, pb), axis=1))
        four = np.nonzero(count == 4)[0]
        if len(four):
            centre_below = (a00[four] + a10[four] + a01[four] + a11[four]) / 4.0 < level
            same = centre_below == b00[four]
            # centre joins 00 and 11: cut corners 10 (edges 0,1) and 01 (edges 2,3)
            e1 = np.where(same, 0, 0), np.where(same, 1, 3)
            e2 = np.where(same, 2, 1), np.where(same, 3, 2)
            for ea, eb_ in (e1, e2):
                segs.append(np.stack((pts[four, ea], pts[four, eb_]), axis=1))
        if segs:
            out.append(np.concatenate(segs, axis=0).reshape(-1, 2))
    if not out:
        return np.empty((0, 2))
    seg = np.concatenate(out, axis=0)
    gx = np.interp(seg[:, 0], np.arange(nx), xs)
    gy = np.interp(seg[:, 1], np.arange(ny), ys)
    return np.column_stack((gx, gy))


def _nice_loss_ticks(vmin: float, vmax: float, to_t, t_lo: float, t_hi: float,
                     max_ticks: int = 7) -> list[tuple[float, str]]:
    """Colour-bar ticks at round loss values, placed in the (log-ish) colour space."""
    span = t_hi - t_lo
    if not (span > 0):
        return [(t_lo, style.format_tick(vmin))]
    cands = {vmin, vmax}
    top = max(abs(vmin), abs(vmax), 1e-300)
    k_hi = int(math.floor(math.log10(top))) + 1
    k_lo = k_hi - 16
    for k in range(k_lo, k_hi + 1):
        for m in (1.0, 2.0, 5.0):
            v = m * 10.0 ** k
            cands.add(v)
            cands.add(-v)
    cands.add(0.0)
    vals = np.array(sorted(c for c in cands if vmin <= c <= vmax))
    ts = to_t(vals)
    gap = span / (max_ticks + 1)
    ticks: list[tuple[float, str]] = []
    # the minimum first (always labelled), then round numbers with enough room
    chosen_t = [float(ts[0])]
    ticks.append((float(ts[0]), style.format_tick(vals[0])))
    for v, tv in zip(vals[1:], ts[1:]):
        if v == vmax:
            continue
        if all(abs(tv - c) >= gap for c in chosen_t) and abs(t_hi - tv) >= 0.3 * gap:
            chosen_t.append(float(tv))
            ticks.append((float(tv), style.format_tick(v)))
    return ticks


# --------------------------------------------------------------------------- the view


class SurfaceView(pg.PlotWidget):
    """Heatmap + contours of the loss over two parameters, with the descent path.

    Public attributes (for tests and for the main window): ``image_item``,
    ``contour_item``, ``colorbar``, ``path_item``, ``dots_item``,
    ``start_item``, ``current_item``, ``optimum_item``, ``legend``.
    """

    #: parameter coordinates of a left click on the plot area
    clicked = Signal(float, float)
    #: a new surface is shown (set_surface)
    surface_changed = Signal()

    def __init__(self, parent=None):
        # no context menus (built at once by pyqtgraph otherwise: ~10 ms a plot at start-up)
        super().__init__(parent=parent, background=style.BACKGROUND, enableMenu=False)
        self.setObjectName("surfacePlot")
        style.apply_plot_style(self)
        self.plot_item = self.getPlotItem()
        self.vb = self.plot_item.getViewBox()
        self.plot_item.showGrid(x=False, y=False)
        self.vb.disableAutoRange()
        self.viewport().setCursor(Qt.CursorShape.CrossCursor)

        self._extent: tuple[float, float, float, float] | None = None  # x0, x1, y0, y1
        self._log_color = True

        # heatmap
        self.image_item = pg.ImageItem(axisOrder="row-major")
        self.image_item.setZValue(-10)
        self.image_item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)  # like the contours
        self.plot_item.addItem(self.image_item)
        # 1 px: Qt strokes cosmetic lines up to 1 px wide with a fast path (1,600
        # segments: about 6 ms less per repaint than at 1.2 px).
        self.contour_item = pg.PlotCurveItem(pen=style.pen(style.CONTOUR_COLOR, width=1.0),
                                             connect="pairs")
        self.contour_item.setZValue(-5)
        style.draw_as_segments(self.contour_item)
        # Contours change only with the surface, but the moving path makes the
        # view repaint them every frame: keep them as a cached picture.
        self.contour_item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.plot_item.addItem(self.contour_item)
        self.image_item.setColorMap(style.SURFACE_COLORMAP)
        self.colorbar = ColourBar(style.SURFACE_COLORMAP)
        self.colorbar.attach_to(self.plot_item)
        for axis in self.colorbar.axes():
            style.style_axis(axis)
        style.set_axis_label(self.colorbar.label_axis, "loss")

        # ghost and race paths go below the main path
        self._ghosts: list[pg.PlotDataItem] = []
        self._races: list[dict[str, Any]] = []

        # main path
        self.path_item = pg.PlotDataItem(
            pen=style.pen(style.PATH_COLOR, width=2.0),
            shadowPen=style.pen(style.PATH_OUTLINE, width=4.0),
            connect="finite",
        )
        style.draw_as_segments(self.path_item)
        self.path_item.setZValue(10)
        self.plot_item.addItem(self.path_item, ignoreBounds=True)
        self.dots_item = pg.ScatterPlotItem(
            size=5, pen=pg.mkPen(0, 0, 0, 200, width=1), brush=pg.mkBrush(style.PATH_COLOR))
        self.dots_item.setZValue(11)
        # the dots and the start marker stand still while a long run's path moves on: Qt
        # draws them from a picture of them (as the contours) until they change
        self.dots_item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.plot_item.addItem(self.dots_item, ignoreBounds=True)
        self.start_item = pg.ScatterPlotItem(
            size=14, symbol="s", pen=pg.mkPen("k", width=2), brush=pg.mkBrush(style.START_COLOR))
        self.start_item.setZValue(12)
        self.start_item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.plot_item.addItem(self.start_item, ignoreBounds=True)
        self.current_item = pg.ScatterPlotItem(
            size=21, symbol="o", pen=pg.mkPen("w", width=2.5),
            brush=pg.mkBrush(style.CURRENT_COLOR))
        self.current_item.setZValue(14)
        self.plot_item.addItem(self.current_item, ignoreBounds=True)

        self.optimum_item = pg.PlotDataItem(
            [], [], pen=None, symbol="star", symbolSize=20,
            symbolPen=pg.mkPen("k", width=1.5), symbolBrush=pg.mkBrush(style.OPTIMUM_COLOR))
        self.optimum_item.setZValue(15)  # above the current marker: both stay visible
        self.plot_item.addItem(self.optimum_item, ignoreBounds=True)

        # in the data area's pixels (not the parameters'), wrapped to its width: never cut off
        self.offview_label = style.text_item("", color="#b00000", anchor=(0, 0))
        self.offview_label.setZValue(20)
        self.offview_label.hide()
        self.offview_label.setParentItem(self.vb)
        # a standing note (e.g. that the path is a projection): in a bottom corner, wrapped
        self.note_label = style.text_item("", color="#1b1b1b", anchor=(0, 0))
        self.note_label.setZValue(20)
        self.note_label.hide()
        self.note_label.setParentItem(self.vb)
        self._note_fit = None
        self.vb.sigResized.connect(self._on_data_area_resized)  # (the colour bar's width moves it too)
        self.vb.sigRangeChanged.connect(self._on_range_changed)
        self._legend_due = 0.0

        self.legend = style.make_legend(self, offset=(-10, 10))
        placement.follow_size(self)
        self.legend.hide()
        self._optimum_in_legend = False

        self.scene().sigMouseClicked.connect(self._on_scene_clicked)
        self._path_points = np.empty((0, 2))
        self._path_drawn = np.empty((0, 2))  # its rows to draw, clipped (before style.pixel_steps)
        self._path_key: object = None
        self._dots = np.empty((0, 2))  # the dots drawn
        self._start = np.empty((0, 2))  # the start marker drawn
        self._path_decimator = PathDecimator(MAX_PATH_POINTS)
        self._pending_contours = None  # (t, xs, ys, levels) until draw_contours()
        self._contour_levels = np.empty(0)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if event is not None and self.plotItem is not None:  # (not while pyqtgraph builds or closes it)
            style.size_axes_for_labels(self, self.colorbar)
            self._fit_notice()
            self._note_fit = None
            self._place_legend(force=True)

    # ------------------------------------------------------------------ surface

    def set_surface(self, values, xs, ys, x_label: str = "w", y_label: str = "b",
                    title: str = "", log_color: bool = True, contours: bool = True) -> None:
        """Show ``values[iy, ix]`` = loss at ``(xs[ix], ys[iy])`` as heatmap + contours.

        ``contours=False`` leaves the contour lines to ``draw_contours()`` (a live
        window draws them in the next turn of its event loop).
        """
        v = np.array(values, dtype=float, copy=True)
        xs = np.asarray(xs, dtype=float).ravel()
        ys = np.asarray(ys, dtype=float).ravel()
        if v.ndim != 2 or v.shape != (len(ys), len(xs)):
            raise ValueError(f"values must have shape (len(ys), len(xs)) = "
                             f"({len(ys)}, {len(xs)}), got {v.shape}")
        if len(xs) == 0 or len(ys) == 0 or not (np.isfinite(xs).all() and np.isfinite(ys).all()):
            raise ValueError("xs and ys must be non-empty and finite")
        if len(xs) > 1 and xs[-1] < xs[0]:
            xs = xs[::-1]
            v = v[:, ::-1]
        if len(ys) > 1 and ys[-1] < ys[0]:
            ys = ys[::-1]
            v = v[::-1, :]
        self._log_color = bool(log_color)

        t, t_lo, t_hi, to_t, vmin, vmax = self._colour_values(v, self._log_color)

        # place the image so pixel centres sit on the grid points
        dx = (xs[-1] - xs[0]) / (len(xs) - 1) if len(xs) > 1 else 1.0
        dy = (ys[-1] - ys[0]) / (len(ys) - 1) if len(ys) > 1 else 1.0
        if dx <= 0:
            dx = 1.0
        if dy <= 0:
            dy = 1.0
        self.image_item.setImage(t, autoLevels=False, levels=(t_lo, t_hi))
        self.image_item.setRect(QtCore.QRectF(xs[0] - dx / 2, ys[0] - dy / 2,
                                              len(xs) * dx, len(ys) * dy))
        self.colorbar.set_levels(t_lo, t_hi)
        if self._log_color:
            self.colorbar.axis.setTicks([_nice_loss_ticks(vmin, vmax, to_t, t_lo, t_hi)])
        else:
            self.colorbar.axis.setTicks(None)

        levels = np.linspace(t_lo, t_hi, N_CONTOURS + 2)[1:-1] if t_hi > t_lo else []
        self._pending_contours = (t, xs, ys, np.asarray(levels, dtype=float))
        if contours:
            self.draw_contours()

        x0, x1 = (xs[0], xs[-1]) if len(xs) > 1 else (xs[0] - 0.5, xs[0] + 0.5)
        y0, y1 = (ys[0], ys[-1]) if len(ys) > 1 else (ys[0] - 0.5, ys[0] + 0.5)
        self._extent = (float(x0), float(x1), float(y0), float(y1))
        self.vb.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        style.label_axes(self, x_label, y_label)
        style.set_title(self, title)
        # redraw paths against the new clipping box
        if len(self._path_points):
            self.set_path(self._path_points, self._path_key)
        self.surface_changed.emit()

    def set_title(self, title: str) -> None:
        style.set_title(self, title)

    def draw_contours(self) -> None:
        """Draw the contour lines of the last ``set_surface`` (if not drawn yet)."""
        if self._pending_contours is None:
            return
        t, xs, ys, levels = self._pending_contours
        self._pending_contours = None
        seg = contour_segments(t, xs, ys, levels)
        if len(seg):
            self.contour_item.setData(seg[:, 0], seg[:, 1], connect="pairs")
        else:
            self.contour_item.setData([], [])
        self._contour_levels = levels

    @staticmethod
    def _colour_values(v: np.ndarray, log_color: bool):
        finite = np.isfinite(v)
        if not finite.any():
            t = np.zeros_like(v)
            return t, 0.0, 1.0, (lambda x: np.zeros_like(np.asarray(x, float))), 0.0, 1.0
        vmin = float(v[finite].min())
        vmax = float(v[finite].max())
        if log_color:
            d = v - vmin
            pos = d[finite & (d > 0)]
            scale = 1e-3 * _median(pos) if pos.size else 1.0
            if not (scale > 0 and np.isfinite(scale)):
                scale = 1.0

            def to_t(x, _vmin=vmin, _s=scale):
                with np.errstate(over="ignore", invalid="ignore"):
                    return np.log1p(np.maximum(np.asarray(x, float) - _vmin, 0.0) / _s)

            t = to_t(v)
        else:
            hi = float(np.percentile(v[finite], 99.5))

            def to_t(x):
                return np.asarray(x, float)

            t = np.clip(v, vmin, hi)
        ok = np.isfinite(t)
        t_hi = float(t[ok].max()) if ok.any() else 1.0
        t_lo = float(t[ok].min()) if ok.any() else 0.0
        t[~ok] = t_hi  # NaN / inf / overflow are shown as "very high"
        if not t_hi > t_lo:
            t_hi = t_lo + 1.0
        return t, t_lo, t_hi, to_t, vmin, vmax

    def surface_extent(self) -> tuple[float, float, float, float] | None:
        """(x0, x1, y0, y1) of the current surface, or None."""
        return self._extent

    def contour_levels(self) -> np.ndarray:
        return self._contour_levels

    def _box(self, pts: np.ndarray | None = None) -> tuple[float, float, float, float]:
        if self._extent is not None:
            x0, x1, y0, y1 = self._extent
            return style.drawing_box((x0, x1), (y0, y1), margin=3.0)
        if pts is not None and len(pts):
            # no surface yet: use the range of the first points as reference
            head = np.clip(pts[: min(len(pts), 100)], -1e12, 1e12)
            return style.drawing_box((head[:, 0].min(), head[:, 0].max()),
                                     (head[:, 1].min(), head[:, 1].max()), margin=10.0)
        return (-1e12, 1e12, -1e12, 1e12)

    def _in_extent(self, p) -> bool:
        if self._extent is None:
            return True
        x0, x1, y0, y1 = self._extent
        return x0 <= p[0] <= x1 and y0 <= p[1] <= y1

    def _prepare_path(self, points, max_points: int = MAX_PATH_POINTS,
                      decimator: PathDecimator | None = None):
        """(finite points, the rows to draw, those rows clipped to the drawing box)."""
        if decimator is None:
            p = style.finite_points(points)
            decimator = PathDecimator(max_points)
        else:  # a live run's history: finite by construction
            p = np.asarray(points, dtype=float)
        if len(p) == 0:
            return p, p, p
        box = self._box(p)
        q = p[decimator.indices(p[:, 0], p[:, 1], box)]
        drawn = style.clip_polyline(q, box)
        return p, q, drawn

    # ------------------------------------------------------------------ main path

    def set_path(self, points, series_key=None) -> None:
        """Draw the descent path (k, 2); rows with NaN/inf are dropped.

        ``series_key``: the same (not None) key as the previous call promises
        that ``points`` extends the previous path and is finite (a live run's
        history), so each frame only measures the new steps.
        """
        if series_key is None or series_key != self._path_key:
            self._path_decimator.reset()
        self._path_key = series_key
        live = self._path_decimator if series_key is not None else None
        p, q, self._path_drawn = self._prepare_path(points, decimator=live)
        self._path_points = p
        if len(p) == 0:
            self.path_item.setData([], [])
            self.dots_item.setData([], [])
            self._dots = np.empty((0, 2))
            self.start_item.setData([], [])
            self._start = np.empty((0, 2))
            self.current_item.setData([], [])
            self.offview_label.hide()
            self._place_legend()
            return
        self._stroke_path()
        # Small dots on the first iterates inside the plotted region: there the
        # single steps are visible; later the path is a line.  Unchanged dots
        # (a long live run) are not handed to Qt again.
        dots = p[:MAX_PATH_DOTS]
        if self._extent is not None:
            x0, x1, y0, y1 = self._extent
            dots = dots[(dots[:, 0] >= x0) & (dots[:, 0] <= x1) & (dots[:, 1] >= y0) & (dots[:, 1] <= y1)]
        self._show_points(self.dots_item, "_dots", dots)
        box = self._box(p)

        def _inbox(pt):
            return box[0] <= pt[0] <= box[1] and box[2] <= pt[1] <= box[3]

        self._show_points(self.start_item, "_start", p[:1] if _inbox(p[0]) else np.empty((0, 2)))
        self.current_item.setData(pos=p[-1:] if _inbox(p[-1]) else np.empty((0, 2)))
        if not self._in_extent(p[-1]):
            text = (f"current point ({style.format_value(p[-1, 0])}, "
                    f"{style.format_value(p[-1, 1])}) is outside the plot")
            if text != self.offview_label.toPlainText():
                self.offview_label.setText(text)
                self._fit_notice()
            if not self.offview_label.isVisible():
                self.offview_label.show()
                self._legend_due = 0.0
        elif self.offview_label.isVisible():
            self.offview_label.hide()
            self._legend_due = 0.0
        self._place_legend()

    def notice(self) -> str:
        """The note on the plot ("" when none is shown)."""
        return self.offview_label.toPlainText() if self.offview_label.isVisible() else ""

    def _fit_notice(self) -> None:
        """The note wraps within the data area (at its top left) instead of running past it."""
        label = getattr(self, "offview_label", None)
        if label is None:
            return
        width = max(self.vb.width() - 2 * placement.MARGIN_PX, 80.0)
        label.textItem.setTextWidth(-1)
        if label.textItem.boundingRect().width() > width:
            label.textItem.setTextWidth(width)
        label.updateTextPos()
        label.setPos(placement.MARGIN_PX / 2, placement.MARGIN_PX / 2)

    def set_note(self, text: str) -> None:
        """A standing note on the plot ("" hides it), in the bottom corner with least under it."""
        if text == self.note() and (bool(text) == self.note_label.isVisible()):
            return
        self.note_label.setText(text)
        self.note_label.setVisible(bool(text))
        self._note_fit = None
        self._legend_due = 0.0
        self._place_legend(force=True)

    def _show_points(self, item, drawn: str, points: np.ndarray) -> None:
        """``item.setData(pos=points)`` unless ``self.<drawn>`` already holds them: the dots
        and the start of a long live run are the same at every frame, and each new setData
        threw away the picture Qt draws them from."""
        if not np.array_equal(points, getattr(self, drawn)):
            setattr(self, drawn, points.copy())
            item.setData(pos=points)

    def _stroke_path(self) -> None:
        """Hand the path's line to Qt, thinned to the data area's pixels (``style.pixel_steps``)."""
        drawn = self._path_drawn[style.pixel_steps(self._path_drawn, self.vb.viewPixelSize())]
        self.path_item.setData(drawn[:, 0], drawn[:, 1], connect="finite")

    def _on_range_changed(self) -> None:
        if len(self._path_drawn):  # thinned to the old range's pixels (a zoom, say)
            self._stroke_path()

    def _on_data_area_resized(self) -> None:
        if len(self._path_drawn):  # thinned to the old size's pixels
            self._stroke_path()
        if self.note_label.isVisible():
            self._place_legend(force=True)

    def note(self) -> str:
        """The standing note shown ("" when none)."""
        return self.note_label.toPlainText() if self.note_label.isVisible() else ""

    def _fit_note(self, lines, points) -> None:
        """Wrap the note to the data area (presentation mode enlarges its font) and put it in
        the bottom corner with the least of the path under it (placement.corner_scores)."""
        label = self.note_label
        if not label.isVisible() or self.vb.width() <= 0:
            return
        key = (label.textItem.font().pointSizeF(), self.vb.width(), self.vb.height())
        if key != self._note_fit:
            self._note_fit = key
            width = max(self.vb.width() - 2 * placement.MARGIN_PX, 80.0)
            label.textItem.setTextWidth(-1)
            if label.textItem.boundingRect().width() > width:
                label.textItem.setTextWidth(width)
            label.updateTextPos()
        r = label.boundingRect()
        size = (r.width(), r.height())
        bottom = ((0, 1), (1, 1))
        scores = placement.corner_scores(self.vb, size, lines, points, self._notice_rect(False),
                                         corners=bottom)
        corner = min(bottom, key=lambda c: scores[c])
        x0, _, y0, _ = placement.corner_rect(corner, size, (self.vb.width(), self.vb.height()),
                                             margin=placement.MARGIN_PX / 2)
        label.setPos(x0, y0)

    def _notice_rect(self, note: bool = True):
        rects = []
        for label in (self.offview_label, self.note_label) if note else (self.offview_label,):
            if label.isVisible():
                r = label.mapRectToItem(self.vb, label.boundingRect())
                rects.append((r.left(), r.right(), r.top(), r.bottom()))
        return tuple(rects)

    def _place_legend(self, force: bool = False) -> None:
        """The legend goes to the corner with least of the paths, markers and note under it
        (chosen again at most every LEGEND_EVERY_S while a run moves)."""
        if getattr(self, "_legend_due", None) is None or not (
                self.legend.isVisible() or self.note_label.isVisible()):
            return  # (a resize while pyqtgraph builds the widget)
        if not placement.time_to_place(self, force, LEGEND_EVERY_S):
            return
        lines = []
        for item in (self.path_item, *self._ghosts, *[r["line"] for r in self._races]):
            x, y = item.getData()
            if x is not None and len(x):
                lines.append(np.column_stack((x, y)))
        points = []
        for item in (self.start_item, self.current_item, self.optimum_item,
                     *[r["end"] for r in self._races]):
            x, y = item.getData()
            if x is not None and len(x):
                points.append(np.column_stack((x, y)))
        self._fit_note(lines, points)
        if self.legend.isVisible():
            placement.place_legend(self.legend, self.vb, lines, points, self._notice_rect())

    def path_points(self) -> np.ndarray:
        """The finite path points last given to ``set_path`` (not downsampled)."""
        return self._path_points

    # ------------------------------------------------------------------ optimum

    def set_optimum(self, point, label: str = "least-squares optimum") -> None:
        """Star marker(s) at the optimum (one point, or several (k, 2) for a function
        with several minima); None (or non-finite) hides them."""
        p = style.finite_points(point) if point is not None else np.empty((0, 2))
        in_legend = self._optimum_in_legend
        if in_legend and in_legend != label:
            self.legend.removeItem(self.optimum_item)
            self._optimum_in_legend = in_legend = False
        if len(p):
            self.optimum_item.setData(p[:, 0], p[:, 1])
            if not in_legend:
                self.legend.addItem(self.optimum_item, label)
                self._optimum_in_legend = label
        else:
            self.optimum_item.setData([], [])
            if in_legend:
                self.legend.removeItem(self.optimum_item)
                self._optimum_in_legend = False
        self._update_legend_visibility()

    def optimum(self) -> tuple[float, float] | None:
        x, y = self.optimum_item.getData()
        if x is None or len(x) == 0:
            return None
        return float(x[0]), float(y[0])

    # ------------------------------------------------------------------ ghosts

    def add_ghost_path(self, points, color="#ffffff") -> pg.PlotDataItem:
        """A faint earlier path (e.g. the previous run); returns its handle."""
        _, _, drawn = self._prepare_path(points)
        c = pg.mkColor(color)
        c.setAlpha(150)
        item = pg.PlotDataItem(pen=style.pen(c, width=1.6, dashed=True), connect="finite")
        item.setZValue(2)
        if len(drawn):
            item.setData(drawn[:, 0], drawn[:, 1], connect="finite")
        self.plot_item.addItem(item, ignoreBounds=True)
        self._ghosts.append(item)
        return item

    def remove_ghost_path(self, handle) -> None:
        if handle in self._ghosts:
            self._ghosts.remove(handle)
            self.plot_item.removeItem(handle)

    def clear_ghost_paths(self) -> None:
        for item in self._ghosts:
            self.plot_item.removeItem(item)
        self._ghosts.clear()

    def ghost_paths(self) -> list[pg.PlotDataItem]:
        return list(self._ghosts)

    # ------------------------------------------------------------------ race paths

    def add_race_path(self, points, color=None, name: str = "") -> pg.PlotDataItem:
        """One optimizer of a race: coloured line + end marker, listed in the legend."""
        if color is None:
            color = style.palette_color(len(self._races))
        p, _, drawn = self._prepare_path(points)
        line = pg.PlotDataItem(pen=style.pen(color, width=2.5),
                               shadowPen=style.pen((0, 0, 0, 170), width=4.5),
                               connect="finite")
        line.setZValue(5)
        if len(drawn):
            line.setData(drawn[:, 0], drawn[:, 1], connect="finite")
        end = pg.ScatterPlotItem(size=13, pen=pg.mkPen("k", width=1.5), brush=pg.mkBrush(color))
        end.setZValue(6)
        if len(p):
            box = self._box(p)
            if box[0] <= p[-1, 0] <= box[1] and box[2] <= p[-1, 1] <= box[3]:
                end.setData(pos=p[-1:])
        self.plot_item.addItem(line, ignoreBounds=True)
        self.plot_item.addItem(end, ignoreBounds=True)
        if name:
            self.legend.addItem(line, name)
        self._races.append({"line": line, "end": end, "name": name, "color": color})
        self._update_legend_visibility()
        return line

    def update_race_path(self, handle, points) -> None:
        """Replace the points of a race path returned by ``add_race_path``."""
        for race in self._races:
            if race["line"] is handle:
                p, _, drawn = self._prepare_path(points)
                if len(drawn):
                    handle.setData(drawn[:, 0], drawn[:, 1], connect="finite")
                else:
                    handle.setData([], [])
                race["end"].setData(pos=p[-1:] if len(p) else np.empty((0, 2)))
                self._place_legend()
                return

    def clear_race_paths(self) -> None:
        for race in self._races:
            self.legend.removeItem(race["line"])
            self.plot_item.removeItem(race["line"])
            self.plot_item.removeItem(race["end"])
        self._races.clear()
        self._update_legend_visibility()

    def race_paths(self) -> list[pg.PlotDataItem]:
        return [r["line"] for r in self._races]

    def legend_labels(self) -> list[str]:
        return [label.text for _, label in self.legend.items]

    def _update_legend_visibility(self) -> None:
        self.legend.setVisible(bool(self.legend.items))
        self._place_legend(force=True)

    # ------------------------------------------------------------------ clicks

    def _on_scene_clicked(self, ev) -> None:
        pos = style.plot_click_position(self, ev)
        if pos is None:
            return
        pt = self.vb.mapSceneToView(pos)
        x, y = float(pt.x()), float(pt.y())
        if np.isfinite(x) and np.isfinite(y):
            self.clicked.emit(x, y)
