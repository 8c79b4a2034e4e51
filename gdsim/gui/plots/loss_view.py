"""LossView: loss against iteration (or epoch), with hover read-out and pinned notes.

Pure display: the caller hands over the history arrays.  Two long-lived
``PlotDataItem`` s (mini-batch and full-dataset loss) are updated with
``setData`` and use ``clipToView`` + peak ``autoDownsample`` (pyqtgraph's
``scrollingPlots.py`` / ``PlotSpeedTest.py`` recipe), so a million iterations
stay fluid.  NaN/inf never reach pyqtgraph, and in log mode neither do values
<= 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore

from . import style

#: at most this many epoch boundary lines are drawn
MAX_EPOCH_LINES = 200
#: a click closer than this (pixels) to a pinned marker removes it
REMOVE_RADIUS_PX = 12.0
#: a click closer than this (pixels) to the full-dataset curve pins a note
PIN_RADIUS_PX = 30.0


def _as_float(a) -> np.ndarray:
    if a is None:
        return np.empty(0)
    return np.asarray(a, dtype=float).ravel()


class LossView(pg.PlotWidget):
    """Loss curves over the iterations.

    Public attributes: ``batch_item``, ``full_item``, ``epoch_item``,
    ``hover_label``, ``hover_dot``, ``annotation_dots``, ``legend``.
    """

    def __init__(self, parent=None):
        super().__init__(parent=parent, background=style.BACKGROUND)
        self.setObjectName("lossPlot")
        style.apply_plot_style(self)
        self.plot_item = self.getPlotItem()
        self.vb = self.plot_item.getViewBox()
        self.plot_item.showGrid(x=True, y=True, alpha=0.15)
        self.plot_item.setMenuEnabled(False)

        self._it = np.empty(0)
        self._batch = np.empty(0)
        self._full_it = np.empty(0)
        self._full = np.empty(0)
        self._epochs = np.empty(0)
        self._log = False
        self._x_mode = "iteration"
        self._ipe = 1
        self._annotations: list[dict[str, Any]] = []
        self._extras: list[dict[str, Any]] = []
        self._hover_text = ""
        self._last_hover_scene_pos: QtCore.QPointF | None = None
        # displayed full-dataset series (x in display units, y in data units)
        self._disp_full_x = np.empty(0)
        self._disp_full_y = np.empty(0)
        self._disp_full_it = np.empty(0)
        self._full_sorted = True

        fast = dict(skipFiniteCheck=True)
        self.epoch_item = pg.PlotDataItem(pen=style.pen(style.EPOCH_LINE_COLOR, width=1),
                                          connect="pairs", skipFiniteCheck=True)
        self.epoch_item.setZValue(-5)
        self.plot_item.addItem(self.epoch_item, ignoreBounds=True)
        self.batch_item = pg.PlotDataItem(pen=style.pen(style.BATCH_LOSS_COLOR, width=1.2), **fast)
        self.batch_item.setZValue(1)
        self.plot_item.addItem(self.batch_item)
        self.full_item = pg.PlotDataItem(pen=style.pen(style.FULL_LOSS_COLOR, width=3.0), **fast)
        self.full_item.setZValue(3)
        self.plot_item.addItem(self.full_item)
        for item in (self.batch_item, self.full_item):
            self._make_fast(item)

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
        self.legend.addItem(self.batch_item, "mini-batch loss")
        self.legend.addItem(self.full_item, "full-dataset loss")

        self._update_labels()
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_scene_clicked)

    @staticmethod
    def _make_fast(item: pg.PlotDataItem) -> None:
        """clipToView + peak auto-downsampling (after addItem: PlotItem.addItem resets both)."""
        item.setDownsampling(auto=True, method="peak")
        item.setClipToView(True)

    # ------------------------------------------------------------------ data in

    def set_series(self, iterations, batch_loss, full_iterations, full_loss,
                   epoch_boundaries=None) -> None:
        """Replace both curves (and the epoch boundaries, in iterations)."""
        self._it, self._batch = style.finite_xy(_as_float(iterations), _as_float(batch_loss))
        self._full_it, self._full = style.finite_xy(_as_float(full_iterations),
                                                    _as_float(full_loss))
        eb = _as_float(epoch_boundaries)
        self._epochs = eb[np.isfinite(eb)]
        self._render()

    def clear(self) -> None:  # noqa: D401 - keep PlotWidget-like name
        """Remove every series, note and overlay."""
        self._it = self._batch = self._full_it = self._full = self._epochs = np.empty(0)
        self._annotations.clear()
        self.clear_extra_series()
        self._render()

    def set_log_scale(self, enabled: bool) -> None:
        self._log = bool(enabled)
        self.plot_item.setLogMode(x=False, y=self._log)
        self._update_labels()
        self._render()

    def log_scale(self) -> bool:
        return self._log

    def set_x_axis(self, mode: str, iterations_per_epoch: int = 1) -> None:
        """``"iteration"`` or ``"epoch"`` (= iteration / iterations_per_epoch)."""
        if mode not in ("iteration", "epoch"):
            raise ValueError(f"x axis must be 'iteration' or 'epoch', not {mode!r}")
        ipe = int(iterations_per_epoch)
        if ipe < 1:
            raise ValueError("iterations_per_epoch must be >= 1")
        self._x_mode = mode
        self._ipe = ipe
        self._update_labels()
        self._render()
        self.vb.enableAutoRange()

    def x_axis_mode(self) -> str:
        return self._x_mode

    def _update_labels(self) -> None:
        bottom = "epoch" if self._x_mode == "epoch" else "iteration"
        left = "loss (log scale)" if self._log else "loss"
        style.label_axes(self, bottom, left)

    # ------------------------------------------------------------------ drawing

    def _xdisp(self, it: np.ndarray) -> np.ndarray:
        return it / self._ipe if self._x_mode == "epoch" else it

    def _ydisp(self, y: np.ndarray) -> np.ndarray:
        """Data value -> view coordinate (log10 in log mode)."""
        if self._log:
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.log10(y)
        return y

    def _visible(self, x: np.ndarray, y: np.ndarray):
        if self._log:
            m = y > 0
            if not m.all():
                return x[m], y[m]
        return x, y

    def _render(self) -> None:
        bx, by = self._visible(self._xdisp(self._it), self._batch)
        fx, fy = self._visible(self._xdisp(self._full_it), self._full)
        f_it = self._full_it[self._full > 0] if self._log else self._full_it
        self.batch_item.setData(bx, by)
        self.full_item.setData(fx, fy)
        self._disp_full_x, self._disp_full_y, self._disp_full_it = fx, fy, f_it
        self._full_sorted = bool(len(fx) < 2 or np.all(np.diff(fx) >= 0))
        self._draw_epoch_lines(np.concatenate((by, fy)))
        for extra in self._extras:
            self._draw_extra(extra)
        self._draw_annotations()
        if self._last_hover_scene_pos is not None and self.hover_label.isVisible():
            self._update_hover(self._last_hover_scene_pos)

    def _draw_epoch_lines(self, ys: np.ndarray) -> None:
        b = self._epochs
        if len(b) == 0 or len(ys) == 0:
            self.epoch_item.setData([], [])
            return
        if len(b) > MAX_EPOCH_LINES:
            step = int(np.ceil(len(b) / MAX_EPOCH_LINES))
            b = b[::step]
        x = self._xdisp(b)
        lo, hi = float(ys.min()), float(ys.max())
        if self._log:
            y0, y1 = lo / 1e3, hi * 1e3
        else:
            span = max(hi - lo, abs(hi) * 1e-6, 1e-12)
            y0, y1 = lo - 10 * span, hi + 10 * span
        xx = np.repeat(x, 2)
        yy = np.tile([y0, y1], len(x))
        self.epoch_item.setData(xx, yy, connect="pairs")

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
        self.plot_item.addItem(item)
        self._make_fast(item)
        if name:
            self.legend.addItem(item, name)
        fx, fy = style.finite_xy(_as_float(x), _as_float(y))
        extra = {"item": item, "x": fx, "y": fy, "name": name}
        self._extras.append(extra)
        self._draw_extra(extra)
        return item

    def _draw_extra(self, extra) -> None:
        x, y = self._visible(self._xdisp(extra["x"]), extra["y"])
        extra["item"].setData(x, y)

    def update_extra_series(self, handle, x, y) -> None:
        """Replace the data of one overlay added by ``add_extra_series``."""
        for extra in self._extras:
            if extra["item"] is handle:
                extra["x"], extra["y"] = style.finite_xy(_as_float(x), _as_float(y))
                self._draw_extra(extra)

    def remove_extra_series(self, handle) -> None:
        """Remove one overlay added by ``add_extra_series`` (others stay)."""
        for extra in [e for e in self._extras if e["item"] is handle]:
            self.legend.removeItem(extra["item"])
            self.plot_item.removeItem(extra["item"])
            self._extras.remove(extra)

    def clear_extra_series(self) -> None:
        for extra in list(self._extras):
            self.remove_extra_series(extra["item"])

    def extra_series(self) -> list[pg.PlotDataItem]:
        return [e["item"] for e in self._extras]

    # ------------------------------------------------------------------ hover

    def hover_text(self) -> str:
        """The text currently shown next to the cursor ('' when hidden)."""
        return self._hover_text

    def _nearest_by_x(self, vx: float) -> int | None:
        x = self._disp_full_x
        if len(x) == 0:
            return None
        if self._full_sorted:
            i = int(np.searchsorted(x, vx))
            if i <= 0:
                return 0
            if i >= len(x):
                return len(x) - 1
            return i if abs(x[i] - vx) < abs(vx - x[i - 1]) else i - 1
        return int(np.argmin(np.abs(x - vx)))

    def _on_mouse_moved(self, scene_pos) -> None:
        self._last_hover_scene_pos = QtCore.QPointF(scene_pos)
        self._update_hover(scene_pos)

    def _hide_hover(self) -> None:
        self._hover_text = ""
        self.hover_label.hide()
        self.hover_dot.setData([], [])

    def _update_hover(self, scene_pos) -> None:
        if not self.vb.sceneBoundingRect().contains(scene_pos):
            self._hide_hover()
            return
        pt = self.vb.mapSceneToView(scene_pos)
        i = self._nearest_by_x(pt.x())
        if i is None:
            self._hide_hover()
            return
        k = self._disp_full_it[i]
        v = self._disp_full_y[i]
        self._hover_text = f"iteration {style.format_iteration(k)} · loss {style.format_value(v)}"
        self.hover_label.setText(self._hover_text)
        (xr0, xr1), (yr0, yr1) = self.vb.viewRange()
        right = pt.x() > xr0 + 0.6 * (xr1 - xr0)
        high = pt.y() > yr0 + 0.75 * (yr1 - yr0)
        self.hover_label.setAnchor((1.0 if right else 0.0, 0.0 if high else 1.0))
        self.hover_label.setPos(pt.x(), pt.y())
        self.hover_label.show()
        self.hover_dot.setData([self._disp_full_x[i]], [v])

    # ------------------------------------------------------------------ annotations

    def annotations(self) -> list[tuple[float, float]]:
        """Pinned notes as (iteration, loss)."""
        return [(a["iteration"], a["value"]) for a in self._annotations]

    def add_annotation(self, iteration: float, value: float) -> None:
        if not (np.isfinite(iteration) and np.isfinite(value)):
            return
        label = style.text_item("", color=style.ANNOTATION_COLOR, anchor=(0, 1),
                                border=style.ANNOTATION_COLOR)
        label.setZValue(22)
        label.setText(f"iteration {style.format_iteration(iteration)}\n"
                      f"loss {style.format_value(value)}")
        self.plot_item.addItem(label, ignoreBounds=True)
        self._annotations.append({"iteration": float(iteration), "value": float(value),
                                  "label": label})
        self._draw_annotations()

    def remove_annotation(self, i: int) -> None:
        a = self._annotations.pop(i)
        self.plot_item.removeItem(a["label"])
        self._draw_annotations()

    def clear_annotations(self) -> None:
        for a in self._annotations:
            self.plot_item.removeItem(a["label"])
        self._annotations.clear()
        self._draw_annotations()

    def _draw_annotations(self) -> None:
        xs, ys = [], []
        xall = self._disp_full_x
        xmid = (float(xall.min()) + 0.6 * float(xall.max() - xall.min())) if len(xall) else 0.0
        for a in self._annotations:
            x = float(self._xdisp(np.array([a["iteration"]]))[0])
            v = a["value"]
            label = a["label"]
            if self._log and v <= 0:
                label.hide()
                continue
            xs.append(x)
            ys.append(v)
            vy = float(self._ydisp(np.array([v]))[0])
            label.setAnchor((1.0, 1.0) if (len(xall) and x > xmid) else (0.0, 1.0))
            label.setPos(x, vy)
            label.show()
        self.annotation_dots.setData(xs, ys)

    def _scene_xy(self, vx: float, vy: float) -> QtCore.QPointF:
        return self.vb.mapViewToScene(QtCore.QPointF(vx, vy))

    def _on_scene_clicked(self, ev) -> None:
        pos = style.plot_click_position(self, ev)
        if pos is None:
            return
        self.handle_click(pos)

    def handle_click(self, scene_pos) -> None:
        """Pin / unpin at a scene position (what a left click does)."""
        # 1) clicking an existing marker removes it
        for i, a in enumerate(self._annotations):
            if self._log and a["value"] <= 0:
                continue
            x = float(self._xdisp(np.array([a["iteration"]]))[0])
            vy = float(self._ydisp(np.array([a["value"]]))[0])
            sp = self._scene_xy(x, vy)
            if np.hypot(sp.x() - scene_pos.x(), sp.y() - scene_pos.y()) <= REMOVE_RADIUS_PX:
                self.remove_annotation(i)
                return
        # 2) otherwise pin the nearest full-dataset point within reach
        x = self._disp_full_x
        if len(x) == 0:
            return
        pt = self.vb.mapSceneToView(scene_pos)
        pw, ph = self.vb.viewPixelSize()
        if not (pw > 0 and ph > 0):
            return
        win = PIN_RADIUS_PX * pw
        if self._full_sorted:
            lo = int(np.searchsorted(x, pt.x() - win, side="left"))
            hi = int(np.searchsorted(x, pt.x() + win, side="right"))
            cand = np.arange(lo, hi)
        else:
            cand = np.nonzero(np.abs(x - pt.x()) <= win)[0]
        if len(cand) == 0:
            return
        vy = self._ydisp(self._disp_full_y[cand])
        d = np.hypot((x[cand] - pt.x()) / pw, (vy - pt.y()) / ph)
        j = int(np.argmin(d))
        if d[j] > PIN_RADIUS_PX:
            return
        i = int(cand[j])
        k = float(self._disp_full_it[i])
        v = float(self._disp_full_y[i])
        if any(a["iteration"] == k for a in self._annotations):
            return
        self.add_annotation(k, v)
