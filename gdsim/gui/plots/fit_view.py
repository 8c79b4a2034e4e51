"""FitView: the data with the current model drawn over it.

Four presentations, switched by whichever ``show_*`` method is called last:
line fit (scatter + fitted line + dashed least-squares line), 1-D logistic
(0/1 points + sigmoid), decision boundary (two classes + line) and predicted
vs actual (scatter + y = x).  Items are created once and updated with
``setData``, so calling a ``show_*`` method every frame is cheap.  Model
lines are added with ``ignoreBounds=True`` (the view follows the data, not a
diverging model) and clipped to a generous box before reaching Qt.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QGraphicsItem

from . import style

MODES = ("line_fit", "logistic_1d", "decision_boundary", "predicted_vs_actual")
# About how much of the data's width and height the legend covers in a corner
LEGEND_SHARE = (0.45, 0.3)
#: at most this many data rows are drawn (evenly spaced rows of a bigger table)
MAX_DRAWN_ROWS = 5000


def _memory_key(a) -> tuple:
    """Where an array's data lives and how it is laid out (never equal for non-arrays,
    whose content may change in place)."""
    if not isinstance(a, np.ndarray):
        return (object(),)
    return (a.__array_interface__["data"][0], a.shape, a.strides, a.dtype.str)


def _f(a) -> np.ndarray:
    if a is None:
        return np.empty(0)
    return np.asarray(a, dtype=float).ravel()


class FitView(pg.PlotWidget):
    """Data + model view.

    Public attributes: ``data_item`` (scatter for line fit / logistic /
    predicted-vs-actual), ``class_items`` (two scatters for the decision
    boundary), ``model_item`` (fitted line, sigmoid or boundary),
    ``optimum_item`` (dashed least-squares line), ``diagonal_item`` (y = x),
    ``highlight_item`` (mini-batch rings), ``legend``.
    """

    def __init__(self, parent=None):
        # no context menus (built at once by pyqtgraph otherwise: ~10 ms a plot at start-up)
        super().__init__(parent=parent, background=style.BACKGROUND, enableMenu=False)
        self.setObjectName("fitPlot")
        style.apply_plot_style(self)
        self.plot_item = self.getPlotItem()
        self.vb = self.plot_item.getViewBox()
        self.plot_item.showGrid(x=True, y=True, alpha=0.15)
        self._mode: str | None = None
        self._rows = np.empty((0, 2))  # displayed position of every data row (NaN if dropped)
        self._labels = np.empty(0)  # class of every row (decision boundary)
        self._box: tuple[float, float, float, float] | None = None  # _data_box of _rows
        self._source_key: tuple = ()  # what _same_arrays saw last
        self._source: tuple = ()

        self.data_item = pg.PlotDataItem(
            pen=None, symbol="o", symbolSize=9, symbolPen=pg.mkPen("w", width=1),
            symbolBrush=pg.mkBrush(style.DATA_COLOR))
        self.data_item.setZValue(5)
        self.class_items = (
            pg.PlotDataItem(pen=None, symbol="o", symbolSize=10,
                            symbolPen=pg.mkPen("w", width=1),
                            symbolBrush=pg.mkBrush(style.CLASS_COLORS[0])),
            pg.PlotDataItem(pen=None, symbol="t1", symbolSize=11,
                            symbolPen=pg.mkPen("k", width=0.8),
                            symbolBrush=pg.mkBrush(style.CLASS_COLORS[1])),
        )
        for it in self.class_items:
            it.setZValue(5)
        # The points change only with the table: kept as a picture, they are not
        # drawn again, one by one, each time the model line over them moves
        # (200,000 rows at full speed: about 5 ms of every frame).
        for it in (self.data_item, *self.class_items):
            it.scatter.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.model_item = pg.PlotDataItem(pen=style.pen(style.MODEL_COLOR, width=3.0),
                                          connect="finite")
        self.model_item.setZValue(8)
        self.optimum_item = pg.PlotDataItem(
            pen=style.pen(style.OPTIMUM_LINE_COLOR, width=2.5, dashed=True), connect="finite")
        self.optimum_item.setZValue(7)
        self.diagonal_item = pg.PlotDataItem(
            pen=style.pen(style.DIAGONAL_COLOR, width=2.0, dashed=True))
        self.diagonal_item.setZValue(1)
        self.highlight_item = pg.ScatterPlotItem(
            size=19, symbol="o", pen=pg.mkPen(style.HIGHLIGHT_COLOR, width=2.5),
            brush=pg.mkBrush(None))
        self.highlight_item.setZValue(10)

        for it in (self.data_item, *self.class_items):
            self.plot_item.addItem(it)
        for it in (self.model_item, self.optimum_item, self.diagonal_item, self.highlight_item):
            self.plot_item.addItem(it, ignoreBounds=True)
        self.legend = style.make_legend(self)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if event is not None and self.plotItem is not None:  # (not while pyqtgraph builds or closes it)
            style.size_axes_for_labels(self)

    # ------------------------------------------------------------------ helpers

    def mode(self) -> str | None:
        return self._mode

    def _enter(self, mode: str, entries: list[tuple[pg.GraphicsObject, str]]) -> bool:
        """Switch to ``mode`` (legend, autorange, unused items emptied); True when it changed."""
        if mode == self._mode:
            return False
        self.legend.clear()
        for item, name in entries:
            self.legend.addItem(item, name)
        self._mode = mode
        self.vb.enableAutoRange()
        used = {id(item) for item, _ in entries}
        for item in (self.data_item, *self.class_items, self.model_item, self.optimum_item,
                     self.diagonal_item):
            if id(item) not in used:
                item.setData([], [])
        return True

    def _data_box(self) -> tuple[float, float, float, float]:
        """Where lines are clipped: around the rows (computed once per set of rows)."""
        if self._box is None:
            ok = np.isfinite(self._rows).all(axis=1)
            if not ok.any():
                self._box = (-1e6, 1e6, -1e6, 1e6)
            else:
                r = self._rows[ok]
                self._box = style.drawing_box((r[:, 0].min(), r[:, 0].max()),
                                              (r[:, 1].min(), r[:, 1].max()), margin=5.0)
        return self._box

    def _set_line(self, item, xs, ys) -> None:
        x, y = style.finite_xy(_f(xs), _f(ys))
        if len(x) == 0:
            item.setData([], [])
            return
        pts = style.clip_polyline(np.column_stack((x, y)), self._data_box())
        if len(pts) == 0:
            item.setData([], [])
        else:
            item.setData(pts[:, 0], pts[:, 1], connect="finite")

    def _same_arrays(self, *arrays) -> bool:
        """True when ``arrays`` are the very arrays (same memory, shape, strides, dtype)
        of the previous call: a live run hands the same table columns every frame,
        and comparing a big table element by element each frame is what this avoids.
        The arrays are kept, so their memory cannot be reused by new ones meanwhile."""
        key = tuple(_memory_key(a) for a in arrays)
        same = key == self._source_key
        self._source_key, self._source = key, arrays
        return same

    def _set_rows(self, x, y) -> bool:
        """Remember the rows' positions; False when they are the ones already shown."""
        n = min(len(x), len(y))
        rows = np.column_stack((x[:n], y[:n])) if n else np.empty((0, 2))
        if rows.shape == self._rows.shape and np.array_equal(rows, self._rows, equal_nan=True):
            return False
        self._rows = rows
        self._box = None
        self.highlight_item.setData(pos=np.empty((0, 2)))
        self._place_legend()
        return True

    def _place_legend(self) -> None:
        """Put the legend in the corner of the data with the fewest points under it.

        A legend drawn over points hides them: on ``insurance`` the top-left
        corner holds people with a car. The corner box is about the legend's
        share of the plot; the rows are counted once per table, not per frame.
        """
        ok = np.isfinite(self._rows).all(axis=1)
        rows = self._rows[ok]
        if len(rows) == 0:
            return
        (x0, y0), (x1, y1) = rows.min(axis=0), rows.max(axis=0)
        near_left = rows[:, 0] <= x0 + LEGEND_SHARE[0] * (x1 - x0)
        near_right = rows[:, 0] >= x1 - LEGEND_SHARE[0] * (x1 - x0)
        near_top = rows[:, 1] >= y1 - LEGEND_SHARE[1] * (y1 - y0)
        near_bottom = rows[:, 1] <= y0 + LEGEND_SHARE[1] * (y1 - y0)
        under = {  # (x, y) of the anchor, as fractions of the plot from its top left
            (0, 0): near_left & near_top, (1, 0): near_right & near_top,
            (0, 1): near_left & near_bottom, (1, 1): near_right & near_bottom,
        }
        corner = min(under, key=lambda c: int(under[c].sum()))  # ties: the order above
        offset = (10 if corner[0] == 0 else -10, 10 if corner[1] == 0 else -10)
        self.legend.anchor(itemPos=corner, parentPos=corner, offset=offset)

    def _drawn_rows(self, mask=None) -> tuple[np.ndarray, np.ndarray]:
        """x and y of the finite rows (where ``mask``), thinned to MAX_DRAWN_ROWS."""
        ok = np.isfinite(self._rows).all(axis=1)
        if mask is not None:
            ok &= mask
        rows = self._rows[ok]
        if len(rows) > MAX_DRAWN_ROWS:
            rows = rows[np.linspace(0, len(rows) - 1, MAX_DRAWN_ROWS).round().astype(np.int64)]
        return rows[:, 0], rows[:, 1]

    # ------------------------------------------------------------------ presentations

    def show_line_fit(self, x, y, line_x, line_y, x_label: str = "x", y_label: str = "y",
                      optimum_line=None) -> None:
        """Scatter of the data, the current fitted line, optionally the optimum (dashed)."""
        entries = [(self.data_item, "data"), (self.model_item, "model")]
        if optimum_line is not None:
            entries.append((self.optimum_item, "least-squares optimum"))
        if self._mode == "line_fit" and (optimum_line is not None) != self._has_optimum_entry():
            self._mode = None  # legend entries change
        entered = self._enter("line_fit", entries)
        if (not self._same_arrays(x, y) and self._set_rows(_f(x), _f(y))) or entered:
            self.data_item.setData(*self._drawn_rows())
        self._set_line(self.model_item, line_x, line_y)
        if optimum_line is not None:
            self._set_line(self.optimum_item, optimum_line[0], optimum_line[1])
        else:
            self.optimum_item.setData([], [])
        style.label_axes(self, x_label, y_label)

    def _has_optimum_entry(self) -> bool:
        return any(sample.item is self.optimum_item for sample, _ in self.legend.items)

    def show_logistic_1d(self, x, y, curve_x, curve_p, x_label: str = "x",
                         y_label: str = "P(y = 1)") -> None:
        """0/1 targets as points and the sigmoid probability curve."""
        entered = self._enter("logistic_1d", [(self.data_item, "data (0 / 1)"),
                                              (self.model_item, "model probability")])
        if (not self._same_arrays(x, y) and self._set_rows(_f(x), _f(y))) or entered:
            self.data_item.setData(*self._drawn_rows())
            self.vb.enableAutoRange(axis="x")
            self.vb.setYRange(-0.08, 1.08, padding=0)
        self._set_line(self.model_item, curve_x, curve_p)
        style.label_axes(self, x_label, y_label)

    def show_decision_boundary(self, x1, x2, labels, boundary=None, x_label: str = "x1",
                               y_label: str = "x2") -> None:
        """Points coloured by class (0 blue circles, 1 orange triangles) + boundary line."""
        entries = [(self.class_items[0], "class 0"), (self.class_items[1], "class 1"),
                   (self.model_item, "decision boundary")]
        entered = self._enter("decision_boundary", entries)
        changed = False
        if not self._same_arrays(x1, x2, labels):
            a, b, lab = _f(x1), _f(x2), _f(labels)
            n = min(len(a), len(b), len(lab))
            a, b, lab = a[:n], b[:n], lab[:n]
            labels_changed = not np.array_equal(lab, self._labels, equal_nan=True)
            changed = self._set_rows(a, b) or labels_changed
        if changed:
            self._labels = lab
        if changed or entered:
            lab = self._labels
            ok = np.isfinite(lab)
            one = lab >= 0.5
            self.class_items[0].setData(*self._drawn_rows(ok & ~one))
            self.class_items[1].setData(*self._drawn_rows(ok & one))
        if boundary is not None:
            self._set_line(self.model_item, boundary[0], boundary[1])
        else:
            self.model_item.setData([], [])
        style.label_axes(self, x_label, y_label)

    def show_predicted_vs_actual(self, actual, predicted, label: str = "y") -> None:
        """Scatter of (actual, predicted) with the y = x diagonal of a perfect model."""
        entered = self._enter("predicted_vs_actual", [(self.data_item, "rows"),
                                                      (self.diagonal_item, "perfect: predicted = actual")])
        if (not self._same_arrays(actual, predicted) and self._set_rows(_f(actual), _f(predicted))) \
                or entered:
            self.data_item.setData(*self._drawn_rows())
        ax, py = self._drawn_rows()
        if len(ax):
            lo = float(min(ax.min(), py.min()))
            hi = float(max(ax.max(), py.max()))
            span = max(hi - lo, 1e-12)
            d = np.array([lo - 2 * span, hi + 2 * span])
            self.diagonal_item.setData(d, d)
        else:
            self.diagonal_item.setData([], [])
        style.label_axes(self, f"actual {label}", f"predicted {label}")

    # ------------------------------------------------------------------ mini-batch

    def highlight_rows(self, indices) -> None:
        """Ring the given data rows (the current mini-batch); empty clears."""
        idx = style.as_index_array(indices)
        n = len(self._rows)
        idx = idx[(idx >= -n) & (idx < n)] if n else idx[:0]
        pts = self._rows[idx] if len(idx) else np.empty((0, 2))
        pts = pts[np.isfinite(pts).all(axis=1)] if len(pts) else pts
        self.highlight_item.setData(pos=pts)

    def highlighted_points(self) -> np.ndarray:
        x, y = self.highlight_item.getData()
        if x is None or len(x) == 0:
            return np.empty((0, 2))
        return np.column_stack((x, y))
