"""FitView: the data with the current model drawn over it.

Five presentations, switched by whichever ``show_*`` method is called last:
line fit (scatter + fitted line + dashed least-squares line), 1-D logistic
(0/1 points + sigmoid), decision boundary (two classes + line), decision
regions (a classifier's colours over the plane, ``fit_regions``, with the
points of k classes on top) and predicted vs actual (scatter + y = x).  Items are created once and updated with
``setData``, so calling a ``show_*`` method every frame is cheap.  Model
lines are added with ``ignoreBounds=True`` (the view follows the data, not a
diverging model) and clipped to a generous box before reaching Qt; the view
then widens, up to MODEL_REACH spans of the data, to show a model line that
misses the data (w = b = 0, a large step), and says "off-scale" above the
plot when even that cannot show it.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QGraphicsItem

from . import placement, style
from .fit_regions import CLASS_SYMBOLS, RegionImage, class_color

MODES = ("line_fit", "logistic_1d", "decision_boundary", "regions", "predicted_vs_actual")
#: the view widens to show the model at most this many data spans past the data on each side
MODEL_REACH = 3.0
#: the legend's corner is chosen again at most this often while the model moves (seconds)
LEGEND_EVERY_S = 0.3
#: past this many highlighted rows the mini-batch is drawn lightly (rings would bury the data)
MANY_HIGHLIGHTED = 50
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
        self._rows_bbox: tuple | None | bool = False  # _rows_box (False: not measured yet)
        self._source_key: tuple = ()  # what _same_arrays saw last
        self._source: tuple = ()
        self._entries: list[tuple[pg.GraphicsObject, str]] = []

        self.data_item = pg.PlotDataItem(
            pen=None, symbol="o", symbolSize=9, symbolPen=pg.mkPen("w", width=1),
            symbolBrush=pg.mkBrush(style.DATA_COLOR))
        self.data_item.setZValue(5)
        self.class_items: list[pg.PlotDataItem] = []  # one scatter per class (more made as needed)
        for k in range(2):
            self._class_item(k)
        # The points change only with the table: kept as a picture, they are not
        # drawn again, one by one, each time the model line over them moves
        # (200,000 rows at full speed: about 5 ms of every frame).
        self.data_item.scatter.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
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
        self._light_highlight = False

        self.plot_item.addItem(self.data_item)
        for it in self.class_items:
            self.plot_item.addItem(it)
        self.regions = RegionImage()
        self.plot_item.addItem(self.regions, ignoreBounds=True)
        self.regions.setVisible(False)
        for it in (self.model_item, self.optimum_item, self.diagonal_item, self.highlight_item):
            self.plot_item.addItem(it, ignoreBounds=True)
        self.legend = style.make_legend(self)
        placement.follow_size(self)
        # Auto-range follows the data and this invisible box: the part of the model
        # line the data's range would miss (within MODEL_REACH spans).
        self.bounds_item = pg.PlotDataItem(pen=pg.mkPen(0, 0, 0, 0))
        self.plot_item.addItem(self.bounds_item)
        self._model_box: tuple[float, float, float, float] | None = None
        self._headroom = 0.0  # room above the data for the legend, as a fraction of its height
        self._model_entry = ""  # the model's legend name ("" while it is not listed)
        self._legend_due = 0.0
        self._note = ""  # the off-scale note, shown as the plot's title (outside the data)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if event is not None and self.plotItem is not None:  # (not while pyqtgraph builds or closes it)
            style.size_axes_for_labels(self)
            self._legend_due = 0.0

    def _class_item(self, k: int) -> pg.PlotDataItem:
        """The scatter of class k's points (made, and added to the plot, on first use)."""
        while len(self.class_items) <= k:
            i = len(self.class_items)
            item = pg.PlotDataItem(pen=None, symbol=CLASS_SYMBOLS[i % len(CLASS_SYMBOLS)],
                                   symbolSize=10 if i == 0 else 11,
                                   symbolPen=pg.mkPen("w", width=1) if i == 0 else pg.mkPen("k", width=0.8),
                                   symbolBrush=pg.mkBrush(class_color(i)))
            item.setZValue(5)
            # the points change only with the table: kept as a picture (see data_item)
            item.scatter.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            if hasattr(self, "plot_item") and i >= 2:
                self.plot_item.addItem(item)
            self.class_items.append(item)
        return self.class_items[k]

    # ------------------------------------------------------------------ helpers

    def mode(self) -> str | None:
        return self._mode

    def _enter(self, mode: str, entries: list[tuple[pg.GraphicsObject, str]]) -> bool:
        """Switch to ``mode`` (legend, autorange, unused items emptied); True when it changed."""
        if mode == self._mode:
            return False
        self._entries = entries
        self._model_entry = next((name for item, name in entries if item is self.model_item), "")
        self._build_legend()
        self._mode = mode
        self.vb.enableAutoRange()
        self._set_model_box(None)
        self._show_note("")
        if mode != "regions":
            self.regions.clear_regions()
        used = {id(item) for item, _ in entries}
        for item in (self.data_item, *self.class_items, self.model_item, self.optimum_item,
                     self.diagonal_item):
            if id(item) not in used:
                item.setData([], [])
        return True

    def _listed(self) -> list[tuple[pg.GraphicsObject, str]]:
        """The mode's entries that have something drawn (the model: while it is shown)."""
        out = []
        for item, name in self._entries:
            if item is self.model_item:
                if self._model_entry:
                    out.append((item, name))
                continue
            x, _ = item.getData()
            if x is not None and len(x):
                out.append((item, name))
        return out

    def _build_legend(self) -> None:
        """List the entries with something drawn (never an empty series, e.g. a class
        no row belongs to); rebuilt only when that list changes."""
        listed = self._listed()
        if [name for _, name in listed] == [label.text for _, label in self.legend.items]:
            return
        self.legend.clear()
        for item, name in listed:
            self.legend.addItem(item, name)
        self._legend_due = 0.0

    def _list_model(self, listed: bool) -> None:
        name = next((n for item, n in self._entries if item is self.model_item), "") if listed else ""
        if name != self._model_entry:
            self._model_entry = name
            self._build_legend()

    # ------------------------------------------------------------------ the model in view

    def _show_model(self, xs, ys, name: str, widen: bool = True) -> None:
        """Draw the model curve; widen the view to show it (within MODEL_REACH data spans),
        or list it no more and say "off-scale" on the plot when it cannot be shown."""
        self._set_line(self.model_item, xs, ys)
        x, y = style.finite_xy(_f(xs), _f(ys))
        if len(x) == 0:
            self._set_model_box(None)
            self._list_model(False)
            self._show_note("no decision boundary (w1 = w2 = 0)" if name == "decision boundary" else "")
            return
        data = self._rows_box()
        if not widen or data is None:
            self._set_model_box(None)
            self._list_model(True)
            self._show_note("")
            return
        x0, x1, y0, y1 = data
        curve = np.column_stack((x, y))
        if len(style.clip_polyline(curve, (x0, x1, y0, y1))):
            self._set_model_box(None)  # it crosses the data: nothing to widen
            self._list_model(True)
            self._show_note("")
            return
        sx = (x1 - x0) or max(abs(x0), 1.0)
        sy = (y1 - y0) or max(abs(y0), 1.0)
        reach = (x0 - MODEL_REACH * sx, x1 + MODEL_REACH * sx, y0 - MODEL_REACH * sy, y1 + MODEL_REACH * sy)
        seen = style.clip_polyline(curve, reach)
        seen = seen[np.isfinite(seen).all(axis=1)] if len(seen) else seen
        if len(seen) == 0:
            self._set_model_box(None)
            self._list_model(False)
            middle = float(np.median(y))
            self._show_note(f"{name} off-scale (ŷ ≈ {style.format_value(middle)} over the data)"
                            if self._mode == "line_fit" else f"{name} off-scale")
            return
        (mx0, my0), (mx1, my1) = seen.min(axis=0), seen.max(axis=0)
        self._set_model_box((min(x0, mx0), max(x1, mx1), min(y0, my0), max(y1, my1)))
        self._list_model(True)
        self._show_note("")

    def _set_model_box(self, box) -> None:
        """The box auto-range must include besides the data; moved only when the model
        leaves it or fills less than half of it (the axes are not redrawn every frame)."""
        old = self._model_box
        if box is None:
            if old is not None:
                self._model_box = None
                self._apply_bounds()
            return
        if old is not None:
            inside = old[0] <= box[0] and box[1] <= old[1] and old[2] <= box[2] and box[3] <= old[3]
            big = (box[3] - box[2]) >= 0.5 * (old[3] - old[2]) and (box[1] - box[0]) >= 0.5 * (old[1] - old[0])
            if inside and big:
                return
        self._model_box = box
        self._apply_bounds()

    def _apply_bounds(self) -> None:
        """The invisible box: the model's part (if any) and the room above the data for the legend."""
        box = self._model_box
        if box is None and self._headroom > 0:
            box = self._rows_box()
        if box is None:
            self.bounds_item.setData([], [])
            return
        top = box[3] + self._headroom * ((box[3] - box[2]) or 1.0)
        self.bounds_item.setData([box[0], box[1]], [box[2], top])

    def _rows_box(self) -> tuple[float, float, float, float] | None:
        """(x0, x1, y0, y1) of the finite rows, or None (computed once per set of rows)."""
        if self._rows_bbox is False:
            r = self._finite_rows()
            if not len(r):
                self._rows_bbox = None
            else:
                x, y = r[:, 0], r[:, 1]
                self._rows_bbox = (float(x.min()), float(x.max()), float(y.min()), float(y.max()))
        return self._rows_bbox

    def _finite_rows(self) -> np.ndarray:
        """The finite rows: ``_rows`` itself when all are (one pass over a big table, no copy)."""
        rows = self._rows
        if np.isfinite(rows).all():
            return rows
        return rows[np.isfinite(rows[:, 0]) & np.isfinite(rows[:, 1])]

    def model_note(self) -> str:
        """The "off-scale" note over the plot ("" when the model is shown)."""
        return self._note

    def _show_note(self, text: str) -> None:
        """Say it above the data area (its title row), where it hides no point."""
        if text == self._note:
            return
        self._note = text
        style.set_title(self.plot_item, text or None, color="#b00020", points=style.TEXT_PT)
        self._legend_due = 0.0

    def _data_box(self) -> tuple[float, float, float, float]:
        """Where lines are clipped: around the rows (computed once per set of rows)."""
        if self._box is None:
            box = self._rows_box()
            self._box = (-1e6, 1e6, -1e6, 1e6) if box is None else \
                style.drawing_box(box[:2], box[2:], margin=5.0)
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
        self._rows_bbox = False  # not measured yet
        self.highlight_item.setData(pos=np.empty((0, 2)))
        self._legend_due = 0.0
        self.legend._gdsim_corner = None  # other data: room above it may serve again
        return True

    def _place_legend(self, force: bool = False) -> None:
        """Put the legend in a corner of the data area with nothing under it (points, the
        model line, the optimum line): on ``insurance`` the top left holds people with a
        car; over room made above a line of points, when that costs the data less height
        than a legend above it; above the data when a cloud (``spiral3``) fills every
        corner. Chosen again at most every LEGEND_EVERY_S as the model moves."""
        self._build_legend()
        if not placement.time_to_place(self, force, LEGEND_EVERY_S):
            return
        style.settle_ranges(self)  # measured in the range the new data gets
        lines = []
        for item in (self.model_item, self.optimum_item, self.diagonal_item):
            x, y = item.getData()
            if x is not None and len(x):
                lines.append(np.column_stack((x, y)))
        points = []
        for item in (self.data_item, *self.class_items):
            x, y = item.getData()
            if x is not None and len(x):
                points.append(np.column_stack((x, y)))
        corners = placement.CORNERS
        box = self._rows_box()
        if box is not None and self._mode != "logistic_1d":
            if self._model_box is not None:
                m = self._model_box
                box = (min(box[0], m[0]), max(box[1], m[1]), min(box[2], m[2]), max(box[3], m[3]))
            # scored on the data's own range: does every corner of it hold something?
            data_range = ((box[0], box[1]), (box[2], box[3]))
            corners = placement.make_room_for_legend(self, lines, points, data_range, cheaper_above=True)
        placement.place_in_room(self, lines, points, corners)

    def _drawn_rows(self, mask=None) -> tuple[np.ndarray, np.ndarray]:
        """x and y of the finite rows (where ``mask``), thinned to MAX_DRAWN_ROWS."""
        if mask is None:
            rows = self._finite_rows()
        else:
            rows = self._rows[np.isfinite(self._rows).all(axis=1) & mask]
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
        self._show_model(line_x, line_y, "model")
        if optimum_line is not None:
            self._set_line(self.optimum_item, optimum_line[0], optimum_line[1])
        else:
            self.optimum_item.setData([], [])
        style.label_axes(self, x_label, y_label)
        self._place_legend()

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
        self._show_model(curve_x, curve_p, "model probability", widen=False)  # always in 0..1
        style.label_axes(self, x_label, y_label)
        self._place_legend()

    def show_decision_boundary(self, x1, x2, labels, boundary=None, x_label: str = "x1",
                               y_label: str = "x2", regions: dict | None = None) -> None:
        """Points coloured by class (0 blue circles, 1 orange triangles) + boundary line, over
        the model's regions when given (``show_regions``' values, extent, classes, probability)."""
        entries = [(self.class_items[0], "class 0"), (self.class_items[1], "class 1"),
                   (self.model_item, "decision boundary")]
        entered = self._enter("decision_boundary", entries)
        changed = self._take_labelled_rows(x1, x2, labels)
        if changed or entered:
            lab = self._labels
            ok = np.isfinite(lab)
            one = lab >= 0.5
            self.class_items[0].setData(*self._drawn_rows(ok & ~one))
            self.class_items[1].setData(*self._drawn_rows(ok & one))
        if boundary is not None:
            self._show_model(boundary[0], boundary[1], "decision boundary")
        else:
            self._show_model([], [], "decision boundary")
        if regions is not None:
            self.regions.set_regions(regions["values"], tuple(float(v) for v in regions["extent"]),
                                     regions["classes"], regions["probability"])
        else:
            self.regions.clear_regions()
        style.label_axes(self, x_label, y_label)
        self._place_legend()

    def _take_labelled_rows(self, x1, x2, labels) -> bool:
        """Keep the points (x1, x2) and their class labels; True when they changed."""
        if self._same_arrays(x1, x2, labels):
            return False
        a, b, lab = _f(x1), _f(x2), _f(labels)
        n = min(len(a), len(b), len(lab))
        a, b, lab = a[:n], b[:n], lab[:n]
        labels_changed = not np.array_equal(lab, self._labels, equal_nan=True)
        changed = self._set_rows(a, b) or labels_changed
        if changed:
            self._labels = lab
        return changed

    def show_regions(self, x1, x2, labels, values, extent, classes: int, probability: bool,
                     x_label: str = "x1", y_label: str = "x2") -> None:
        """The classifier's regions (``fit_regions.RegionImage``) with each class's points on top.

        ``values`` [x index, y index] over ``extent`` (x0, x1, y0, y1): P(class 1) when
        ``probability``, else the predicted class of ``classes``."""
        changed = self._take_labelled_rows(x1, x2, labels)
        lab = self._labels
        finite = lab[np.isfinite(lab)]
        k = max(int(classes), int(finite.max()) + 1 if finite.size else 0, 2)
        if self._mode == "regions" and len(self._entries) != k:
            self._mode = None  # another number of classes: other legend entries
        entered = self._enter("regions", [(self._class_item(c), f"class {c}") for c in range(k)])
        if changed or entered:
            ok = np.isfinite(lab)
            for c in range(k):
                self.class_items[c].setData(*self._drawn_rows(ok & (np.round(lab) == c)))
        self.regions.set_regions(values, tuple(float(v) for v in extent), k, probability)
        style.label_axes(self, x_label, y_label)
        self._place_legend()

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
        self._place_legend()

    # ------------------------------------------------------------------ mini-batch

    def highlight_rows(self, indices) -> None:
        """Ring the given data rows (the current mini-batch); empty clears."""
        idx = style.as_index_array(indices)
        n = len(self._rows)
        idx = idx[(idx >= -n) & (idx < n)] if n else idx[:0]
        pts = self._rows[idx] if len(idx) else np.empty((0, 2))
        pts = pts[np.isfinite(pts).all(axis=1)] if len(pts) else pts
        light = len(pts) > MANY_HIGHLIGHTED
        if light != self._light_highlight:
            # 500 rings of 19 px bury the data: past MANY_HIGHLIGHTED, small faint rings
            self._light_highlight = light
            if light:
                self.highlight_item.setSize(11)
                self.highlight_item.setPen(pg.mkPen((0, 0, 0, 120), width=1.2))
            else:
                self.highlight_item.setSize(19)
                self.highlight_item.setPen(pg.mkPen(style.HIGHLIGHT_COLOR, width=2.5))
        if len(pts):
            self.highlight_item.setData(pos=pts)
        else:
            style.clear_data(self.highlight_item)

    def highlighted_points(self) -> np.ndarray:
        x, y = self.highlight_item.getData()
        if x is None or len(x) == 0:
            return np.empty((0, 2))
        return np.column_stack((x, y))
