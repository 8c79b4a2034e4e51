"""LossView: loss against iteration (or epoch), with hover read-out and pinned notes.

Pure display: the caller hands over the history arrays.  Two long-lived
``PlotDataItem`` s (mini-batch and full-dataset loss) are updated with
``setData``.  They draw a reduced copy of the series (the minimum and maximum
of each bin of iterations, ``gdsim.core.decimate``) of at most a few thousand
points; a live run passes ``series_key`` so each frame reduces only the new
iterations, and a million iterations stay fluid.  Hover and pinning read the
full-resolution series (``loss_pointer``).  NaN/inf never reach pyqtgraph,
and in log mode neither do values <= 0.

Issue 13's projector fixes: a lone point (iteration 0, one Step) is drawn as a
marker; the y axis turns logarithmic by itself past 2 decades and says so;
epoch lines are thinned to at least MIN_EPOCH_SPACING_PX apart; a finished
run ends at the right edge; the legend lists only series with data and sits
where the least curve is under it (room is made above the curves otherwise).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore

from ...core.decimate import PeakDecimator
from . import placement, style
from .loss_pointer import LossPointer

#: at most this many epoch boundary lines are drawn
MAX_EPOCH_LINES = 200
#: epoch lines closer than this (pixels) are thinned to every 2nd, 5th, 10th, ... epoch
MIN_EPOCH_SPACING_PX = 20.0
#: a series of at most this many drawn points also marks each point (iteration 0, one Step)
MAX_MARKED_POINTS = 40
#: the legend's corner is chosen again at most this often during a live run (seconds)
LEGEND_EVERY_S = 0.5
#: the y axis turns logarithmic by itself when the loss spans more than this ratio (2 decades) ...
AUTO_LOG_ON = 100.0
#: ... and linear again when it spans less than this (no flicker in between)
AUTO_LOG_OFF = 30.0


#: How far the auto-range box reaches past the data, as a fraction of its span:
#: a live series doubles it when it fills up, so a long run moves its axes (an
#: expensive repaint: ticks, labels, grid) a few times, not every second.
X_GROWTH_LIVE = 1.0
X_GROWTH = 0.0  # a finished series ends at its last iteration


def _as_float(a) -> np.ndarray:
    if a is None:
        return np.empty(0)
    return np.asarray(a, dtype=float).ravel()


def _flat(a) -> np.ndarray:
    return np.empty(0) if a is None else np.asarray(a).ravel()


class LossView(LossPointer, pg.PlotWidget):
    """Loss curves over the iterations.

    Public attributes: ``batch_item``, ``full_item``, ``epoch_item``,
    ``hover_label``, ``hover_dot``, ``annotation_dots``, ``legend``.
    """

    def __init__(self, parent=None):
        # no context menus (built at once by pyqtgraph otherwise: ~10 ms a plot at start-up)
        super().__init__(parent=parent, background=style.BACKGROUND, enableMenu=False)
        self.setObjectName("lossPlot")
        style.apply_plot_style(self)
        self.plot_item = self.getPlotItem()
        self.vb = self.plot_item.getViewBox()
        self.plot_item.showGrid(x=True, y=True, alpha=0.15)

        self._it = np.empty(0)
        self._batch = np.empty(0)
        self._full_it = np.empty(0)
        self._full = np.empty(0)
        self._epochs = np.empty(0)
        self._log = False  # what the user asked for (the "log scale" box)
        self._auto_log = False  # switched on by the loss's span (AUTO_LOG_ON)
        self._applied_log = False
        self._main_visible = True
        self._x_end: float | None = None  # the run's last iteration, when the caller gives it
        self._legend_names: list[str] = []
        self._series_names: tuple[str | None, str] = ("mini-batch loss", "full-dataset loss")
        self._legend_due = 0.0
        self._marked: dict[int, bool] = {}
        self._headroom = 0.0  # room above the curves for the legend, as a fraction of their span
        self._main_raw = self._main_drawn = (np.empty(0),) * 4
        self._epoch_ys = np.empty(0)
        self._x_mode = "iteration"
        self._ipe = 1
        self._annotations: list[dict[str, Any]] = []
        self._extras: list[dict[str, Any]] = []
        self._hover_text = ""
        self._last_hover_scene_pos: QtCore.QPointF | None = None
        self._series_key: object = None
        self._batch_peaks = PeakDecimator()
        self._full_peaks = PeakDecimator()
        self._full_display_cache: tuple | None = None

        fast = dict(skipFiniteCheck=True)
        self.epoch_item = pg.PlotDataItem(pen=style.pen(style.EPOCH_LINE_COLOR, width=1),
                                          connect="pairs", skipFiniteCheck=True)
        self.epoch_item.setZValue(-5)
        self.plot_item.addItem(self.epoch_item, ignoreBounds=True)
        # 1 px: Qt's fast path for cosmetic lines (a noisy mini-batch curve at 1.2 px: ~50 ms a repaint)
        self.batch_item = pg.PlotDataItem(pen=style.pen(style.BATCH_LOSS_COLOR, width=1.0), **fast)
        self.batch_item.setZValue(1)
        self.plot_item.addItem(self.batch_item, ignoreBounds=True)
        self.full_item = pg.PlotDataItem(pen=style.pen(style.FULL_LOSS_COLOR, width=3.0), **fast)
        self.full_item.setZValue(3)
        self.plot_item.addItem(self.full_item, ignoreBounds=True)
        # Auto-range follows this invisible box around the two curves, not the
        # curves themselves: it changes in steps, so the axes are not redrawn
        # at every frame of a live run.
        self.bounds_item = pg.PlotDataItem(pen=pg.mkPen(0, 0, 0, 0))
        self.plot_item.addItem(self.bounds_item)
        self._bounds: tuple[float, float, float, float] | None = None  # view coordinates
        for item in (self.batch_item, self.full_item):
            style.draw_as_segments(item)

        self.annotation_dots = pg.PlotDataItem(
            pen=None, symbol="o", symbolSize=12, symbolPen=pg.mkPen("w", width=2),
            symbolBrush=pg.mkBrush(style.ANNOTATION_COLOR))
        self.annotation_dots.setZValue(20)
        self.plot_item.addItem(self.annotation_dots, ignoreBounds=True)

        self.hover_dot = pg.PlotDataItem(
            pen=None, symbol="o", symbolSize=11, symbolPen=pg.mkPen(style.HOVER_COLOR, width=2.5),
            symbolBrush=None)
        self.hover_dot.setZValue(25)
        self.plot_item.addItem(self.hover_dot, ignoreBounds=True)
        self.hover_label = style.text_item("", anchor=(0, 1))
        self.hover_label.setZValue(30)
        self.hover_label.hide()
        self.plot_item.addItem(self.hover_label, ignoreBounds=True)

        self.legend = style.make_legend(self, offset=(-10, 10))
        placement.follow_size(self)
        self._sync_legend()

        self._update_labels()
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_scene_clicked)
        self.vb.sigXRangeChanged.connect(self._on_x_range_changed)
        self.vb.sigRangeChanged.connect(self._on_pixels_changed)
        self.vb.sigResized.connect(self._on_pixels_changed)

    @staticmethod
    def _make_fast(item: pg.PlotDataItem) -> None:
        """clipToView + peak auto-downsampling (after addItem: PlotItem.addItem resets both)."""
        item.setDownsampling(auto=True, method="peak")
        item.setClipToView(True)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if event is not None and self.plotItem is not None:  # (not while pyqtgraph builds or closes it)
            style.size_axes_for_labels(self)

    # ------------------------------------------------------------------ data in

    def set_series(self, iterations, batch_loss, full_iterations, full_loss,
                   epoch_boundaries=None, series_key=None) -> None:
        """Replace both curves (and the epoch boundaries, in iterations).

        ``series_key``: the same (not None) key as the previous call promises
        that the new arrays extend the previous ones (only their last element
        may differ), so only the new iterations are reduced: a live run.
        Iterations must increase.
        """
        if series_key is None or series_key != self._series_key:
            self._batch_peaks.reset()
            self._full_peaks.reset()
        if series_key != self._series_key:
            self._bounds = None  # e.g. a live run's roomy range becomes the finished run's
        self._series_key = series_key
        self._x_end = None  # until the caller fixes it again (show_x_until)
        # Iterations stay as given (often integers): only the drawn ones are made floats,
        # not a live run's whole history every frame.
        self._it, self._batch = _flat(iterations), _as_float(batch_loss)
        self._full_it, self._full = _flat(full_iterations), _as_float(full_loss)
        eb = _as_float(epoch_boundaries)
        self._epochs = eb[np.isfinite(eb)]
        self._render()

    def clear(self) -> None:  # noqa: D401 - keep PlotWidget-like name
        """Remove every series, note and overlay."""
        self._it = self._batch = self._full_it = self._full = self._epochs = np.empty(0)
        self._series_key = None
        self._batch_peaks.reset()
        self._full_peaks.reset()
        self._annotations.clear()
        self.clear_extra_series()
        self._render()

    def set_log_scale(self, enabled: bool) -> None:
        """Always a log y axis (True), or only when the loss spans more than 2 decades (False)."""
        self._log = bool(enabled)
        self._apply_log_mode()
        self._render()

    def log_scale(self) -> bool:
        """True while the y axis is logarithmic (asked for, or switched on by the loss's span)."""
        return self._y_log

    def auto_log_scale(self) -> bool:
        """True while the y axis is logarithmic only because the loss spans > 2 decades."""
        return self._auto_log and not self._log

    @property
    def _y_log(self) -> bool:
        return self._log or self._auto_log

    def _apply_log_mode(self) -> None:
        if self._applied_log != self._y_log:
            self._applied_log = self._y_log
            self._bounds = None
            self.plot_item.setLogMode(x=False, y=self._y_log)
        self._update_labels()

    def set_x_axis(self, mode: str, iterations_per_epoch: int = 1) -> None:
        """``"iteration"`` or ``"epoch"`` (= iteration / iterations_per_epoch)."""
        if mode not in ("iteration", "epoch"):
            raise ValueError(f"x axis must be 'iteration' or 'epoch', not {mode!r}")
        ipe = int(iterations_per_epoch)
        if ipe < 1:
            raise ValueError("iterations_per_epoch must be >= 1")
        self._x_mode = mode
        self._ipe = ipe
        self._bounds = None
        self._x_end = None
        self._update_labels()
        self._render()
        self.vb.enableAutoRange()

    def x_axis_mode(self) -> str:
        return self._x_mode

    def show_x_until(self, end: float) -> None:
        """Fix the x axis from 0 to ``end`` (display units: a short run's whole length, so
        its curve fills in), or further when an overlay (a pinned run) is longer."""
        self._x_end = float(end)
        self._apply_x_end()

    def _apply_x_end(self) -> None:
        if self._x_end is None:
            return
        end = self._x_end
        for extra in self._extras:
            if len(extra["x"]):
                end = max(end, float(self._xdisp(extra["x"][-1:])[0]))
        self.vb.setXRange(0, max(end, 1.0), padding=0.02)

    def _update_labels(self) -> None:
        bottom = "epoch" if self._x_mode == "epoch" else "iteration"
        if self._log or self._auto_log:
            # (switched on by itself, the "log scale" box stays unticked; the label is short
            # enough for the plot's height at 1280×720)
            left = "loss (log scale)"
        else:
            left = "loss"
        style.label_axes(self, bottom, left)

    # ------------------------------------------------------------------ drawing

    def _xdisp(self, it: np.ndarray) -> np.ndarray:
        return it / self._ipe if self._x_mode == "epoch" else it

    def _ydisp(self, y: np.ndarray) -> np.ndarray:
        """Data value -> view coordinate (log10 in log mode)."""
        if self._y_log:
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.log10(y)
        return y

    def _visible(self, x: np.ndarray, y: np.ndarray):
        if self._y_log:
            m = y > 0
            if not m.all():
                return x[m], y[m]
        return x, y

    def _reduced(self, peaks: PeakDecimator, it: np.ndarray, y: np.ndarray):
        """The drawn points of one series: (x in display units, y), finite, at most a few thousand."""
        n = min(len(it), len(y))
        pos, val = peaks.update(y[:n])
        x = it[pos].astype(float)
        ok = np.isfinite(x)
        return self._xdisp(x[ok]), val[ok]

    def _update_auto_log(self, ys: np.ndarray) -> bool:
        """Turn the y axis logarithmic when the loss spans more than AUTO_LOG_ON (2 decades):
        on a linear axis a curve falling from 70 to 0.01 is flat after a few iterations.
        True when the axis changed."""
        positive = ys[np.isfinite(ys) & (ys > 0)] if len(ys) else ys
        auto = False
        if len(positive) >= 2:
            ratio = float(positive.max()) / float(positive.min())
            auto = ratio > (AUTO_LOG_OFF if self._auto_log else AUTO_LOG_ON)
        if auto == self._auto_log:
            return False
        was = self._y_log
        self._auto_log = auto
        self._apply_log_mode()
        return was != self._y_log

    def _set_marked(self, item: pg.PlotDataItem, n: int) -> None:
        """A marker on each point of a short series: one point (iteration 0) has no line to draw."""
        marked = 0 < n <= MAX_MARKED_POINTS
        if self._marked.get(id(item)) == marked:
            return
        self._marked[id(item)] = marked
        if marked:
            color = item.opts["pen"].color()
            size = 9 if item is self.full_item else 6
            item.setSymbol("o")
            item.setSymbolSize(size)
            item.setSymbolBrush(pg.mkBrush(color))
            item.setSymbolPen(pg.mkPen("w", width=1))
        else:
            item.setSymbol(None)

    def _render(self) -> None:
        self._full_display_cache = None
        bx, by = self._reduced(self._batch_peaks, self._it, self._batch)
        fx, fy = self._reduced(self._full_peaks, self._full_it, self._full)
        if not self._main_visible:
            bx = by = fx = fy = np.empty(0)
        self._main_raw = (bx, by, fx, fy)
        self._compose(main=True, extras=True)

    def _compose(self, main: bool, extras: bool = False) -> None:
        """Axis mode, curves, legend, range, epoch lines and notes from the reduced series.

        ``main``: the window's two curves changed; ``extras``: draw every overlay again.
        """
        bx, by, fx, fy = self._main_raw
        extra_ys = [e["y"] for e in self._extras]
        if self._update_auto_log(np.concatenate((by, fy, *extra_ys))):
            main = extras = True
        if main:
            vbx, vby = self._visible(bx, by)
            vfx, vfy = self._visible(fx, fy)
            self._set_marked(self.batch_item, len(vbx))
            self._set_marked(self.full_item, len(vfx))
            self._main_drawn = (vbx, vby, vfx, vfy)
            self._stroke_curves()
        vbx, vby, vfx, vfy = self._main_drawn
        drawn_x, drawn_y = [vbx, vfx], [vby, vfy]
        for extra in self._extras:
            x, y = self._draw_extra(extra) if extras else self._visible(self._xdisp(extra["x"]), extra["y"])
            drawn_x.append(x)
            drawn_y.append(y)
        self._sync_legend()
        if extras or not main:
            self._apply_x_end()
        ys = np.concatenate(drawn_y)
        self._update_bounds(np.concatenate(drawn_x), ys)
        self._draw_epoch_lines(ys)
        if main:
            self._draw_annotations()
            if self._last_hover_scene_pos is not None and self.hover_label.isVisible():
                self._update_hover(self._last_hover_scene_pos)
        self._place_legend()

    def _stroke_curves(self) -> None:
        """Hand the two curves to Qt, thinned to the data area's pixels (``style.pixel_steps``;
        a marked point is drawn however close); again when the pixels change."""
        vbx, vby, vfx, vfy = self._main_drawn
        for item, x, y in ((self.batch_item, vbx, vby), (self.full_item, vfx, vfy)):
            if len(x) > MAX_MARKED_POINTS:
                keep = style.pixel_steps(np.column_stack((x, self._ydisp(y))), self.vb.viewPixelSize())
                x, y = x[keep], y[keep]
            item.setData(x, y)

    def _on_pixels_changed(self) -> None:
        if len(self._main_drawn[0]) or len(self._main_drawn[2]):
            self._stroke_curves()

    # ------------------------------------------------------------------ legend

    def set_series_names(self, batch: str | None, full: str) -> None:
        """The legend's names of the two curves; ``batch`` None: never listed (no mini-batches)."""
        self._series_names = (batch, full)
        self._sync_legend()

    def _sync_legend(self) -> None:
        """List exactly the series that have something drawn (never an empty one)."""
        entries = []
        for item, name in zip((self.batch_item, self.full_item), self._series_names):
            x, _ = item.getData()
            if name is not None and x is not None and len(x):
                entries.append((item, name))
        entries += [(e["item"], e["name"]) for e in self._extras if e["name"] and len(e["x"])]
        names = [name for _, name in entries]
        if names == self._legend_names and len(self.legend.items) == len(entries):
            return
        self.legend.clear()
        for item, name in entries:
            self.legend.addItem(item, name)
        self._legend_names = names
        self.legend.setVisible(bool(entries))
        self._legend_due = 0.0

    def _place_legend(self, force: bool = False) -> None:
        """The legend goes to the corner of the plot with the least curve under it
        (measured at most every LEGEND_EVERY_S during a live run)."""
        if not placement.time_to_place(self, force or self._series_key is None, LEGEND_EVERY_S):
            return
        style.settle_ranges(self)  # the range auto-ranging gives the new data (else the old one)
        # (getData gives view coordinates: log10 of the loss in log mode, where mapping it
        # again scored the legend against curves squeezed into the bottom of the plot)
        lines = [np.column_stack(item.getData()) for item in
                 (self.batch_item, self.full_item, *self.extra_series())
                 if item.getData()[0] is not None and len(item.getData()[0])]
        # a marked point is a point (a single one has no length)
        points = [ln for ln in lines if len(ln) <= MAX_MARKED_POINTS]
        corners = placement.CORNERS
        if self._bounds is not None and self.legend.items:
            # scored on the curves' own range: does every corner of it hold some curve?
            data_range = (self.vb.viewRange()[0], self._bounds[2:4])
            corners = placement.make_room_for_legend(self, lines, points, data_range)
        placement.place_in_room(self, lines, points, corners)

    def set_main_visible(self, visible: bool) -> None:
        """Show or hide the window's own two curves (hidden while a race is drawn instead)."""
        if bool(visible) == self._main_visible:
            return  # (the race asks at every frame of the window's run: a second render and paint)
        self._main_visible = bool(visible)
        self._render()

    def _update_bounds(self, xs: np.ndarray, ys: np.ndarray) -> None:
        """Move the auto-range box only when the curves leave it or fill less than half of it."""
        if len(xs) == 0:
            self._bounds = None
            self.bounds_item.setData([], [])
            return
        vy = self._ydisp(ys)
        x0, x1, y0, y1 = float(xs.min()), float(xs.max()), float(vy.min()), float(vy.max())
        # a flat curve (a single point) still gets a readable range: ±5% of its value
        min_y_span = max(0.1 * max(abs(y0), abs(y1)), 1e-12)
        box = self._bounds
        x_fits = box is not None and _fits((x0, x1), box[0:2], 1.0)
        y_fits = box is not None and _fits((y0, y1), box[2:4], min_y_span)
        if x_fits and y_fits:
            return
        x_span = max(x1 - x0, 1.0)
        growth = X_GROWTH if self._series_key is None else X_GROWTH_LIVE
        if y_fits:  # only the run's length outgrew the box: the loss axis keeps its range (and
            # its ticks, whose drawing was a quarter of such a frame, every time the run doubled)
            y_lo, y_hi = box[2:4]
        else:
            y_span = max(y1 - y0, min_y_span)
            mid = (y0 + y1) / 2
            y_lo, y_hi = min(y0, mid - y_span / 2) - 0.1 * y_span, max(y1, mid + y_span / 2) + 0.1 * y_span
        box = (x0, x1 + growth * x_span, y_lo, y_hi)
        self._bounds = box
        self._apply_bounds()

    def _apply_bounds(self) -> None:
        """The invisible box auto-range follows: the curves' box, and room above it for
        the legend when every corner of the curves' box holds some curve."""
        box = self._bounds
        if box is None:
            self.bounds_item.setData([], [])
            return
        top = box[3] + self._headroom * (box[3] - box[2])
        low, high = (10.0 ** box[2], 10.0 ** top) if self._y_log else (box[2], top)
        self.bounds_item.setData([box[0], box[1]], [low, high])

    def _draw_epoch_lines(self, ys: np.ndarray | None = None) -> None:
        """Grey lines at epoch boundaries, thinned to every 2nd, 5th, 10th, ... epoch when
        they would be closer than MIN_EPOCH_SPACING_PX (a grey wash otherwise)."""
        if ys is None:
            ys = self._epoch_ys
        self._epoch_ys = ys
        b = self._epochs
        if len(b) == 0 or len(ys) == 0:
            style.clear_data(self.epoch_item)
            return
        x = self._xdisp(b)
        step = _nice_step(max(len(b) / MAX_EPOCH_LINES, self._epochs_per_spacing(x)))
        if step > 1:
            # every step-th epoch (epochs step, 2·step, ...), not every step-th line drawn
            number = np.rint(b / max(self._epoch_length(b), 1e-300)).astype(np.int64)
            x = x[number % step == 0]
        if len(x) == 0:
            style.clear_data(self.epoch_item)
            return
        lo, hi = float(ys.min()), float(ys.max())
        if self._y_log:
            y0, y1 = lo / 1e3, hi * 1e3
        else:
            span = max(hi - lo, abs(hi) * 1e-6, 1e-12)
            y0, y1 = lo - 10 * span, hi + 10 * span
        xx = np.repeat(x, 2)
        yy = np.tile([y0, y1], len(x))
        self.epoch_item.setData(xx, yy, connect="pairs")

    @staticmethod
    def _epoch_length(b: np.ndarray) -> float:
        """Iterations between two boundaries (the first boundary when there is one)."""
        return float(b[1] - b[0]) if len(b) > 1 else float(b[0])

    def _epochs_per_spacing(self, x: np.ndarray) -> float:
        """How many epochs fit in MIN_EPOCH_SPACING_PX at the current zoom (1 when unknown)."""
        (x0, x1), _ = self.vb.viewRange()
        width = self.vb.width()
        if len(x) < 2 or width <= 0 or x1 <= x0:
            return 1.0
        gap_px = (float(x[1] - x[0])) * width / (x1 - x0)
        return MIN_EPOCH_SPACING_PX / gap_px if gap_px > 0 else 1.0

    def _on_x_range_changed(self, *_args) -> None:
        if len(self._epochs):
            self._draw_epoch_lines()

    def epoch_lines_x(self) -> np.ndarray:
        """x positions (display units) of the drawn epoch boundary lines."""
        x, _ = self.epoch_item.getData()
        return np.empty(0) if x is None else np.asarray(x)[::2]

    # ------------------------------------------------------------------ extra series

    def add_extra_series(self, x, y, name: str, color=None, dashed: bool = False):
        """Overlay another curve (x in iterations); returns a handle."""
        if color is None:
            color = style.palette_color(2 + len(self._extras))
        item = pg.PlotDataItem(pen=style.pen(color, width=2.0, dashed=dashed),
                               skipFiniteCheck=True)
        item.setZValue(2)
        self.plot_item.addItem(item, ignoreBounds=True)  # the range box includes it (_compose)
        self._make_fast(item)
        if not dashed:
            style.draw_as_segments(item)
        fx, fy = style.finite_xy(_as_float(x), _as_float(y))
        extra = {"item": item, "x": fx, "y": fy, "name": name}
        self._extras.append(extra)
        self._draw_extra(extra)
        self._compose(main=False)
        return item

    def _draw_extra(self, extra) -> tuple[np.ndarray, np.ndarray]:
        x, y = self._visible(self._xdisp(extra["x"]), extra["y"])
        extra["item"].setData(x, y)
        return x, y

    def update_extra_series(self, handle, x, y) -> None:
        """Replace the data of one overlay added by ``add_extra_series``."""
        self.update_extra_series_many([(handle, x, y)])

    def update_extra_series_many(self, updates) -> None:
        """Replace the data of several overlays at once: ``[(handle, x, y), ...]``."""
        for handle, x, y in updates:
            for extra in self._extras:
                if extra["item"] is handle:
                    extra["x"], extra["y"] = style.finite_xy(_as_float(x), _as_float(y))
                    self._draw_extra(extra)
        self._compose(main=False)

    def remove_extra_series(self, handle) -> None:
        """Remove one overlay added by ``add_extra_series`` (others stay)."""
        for extra in [e for e in self._extras if e["item"] is handle]:
            self.legend.removeItem(extra["item"])
            self.plot_item.removeItem(extra["item"])
            self._extras.remove(extra)
        self._compose(main=False)

    def clear_extra_series(self) -> None:
        for extra in list(self._extras):
            self.remove_extra_series(extra["item"])

    def extra_series(self) -> list[pg.PlotDataItem]:
        return [e["item"] for e in self._extras]


def _nice_step(at_least: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, ... that is at least ``at_least``."""
    decade = 1
    while True:
        for m in (1, 2, 5):
            if decade * m >= at_least:
                return decade * m
        decade *= 10


def _fits(data: tuple[float, float], box: tuple[float, float], min_span: float) -> bool:
    """``data`` (lo, hi) lies inside ``box`` and spans at least half of it (or of ``min_span``)."""
    span = max(data[1] - data[0], min_span)
    return box[0] <= data[0] and data[1] <= box[1] and span >= 0.5 * (box[1] - box[0])
