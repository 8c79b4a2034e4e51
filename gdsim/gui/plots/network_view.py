"""The network view: a small network's units as columns of nodes and its weights as edges.

As TensorFlow Playground draws it: the inputs on the left (labelled with the
input names), the hidden layers, the outputs on the right.  An edge's width is
|w| over the net's largest |w|, its colour the sign (Okabe–Ito blue for
positive, vermillion for negative: told apart with any colour vision); a node's
fill is its bias, |b| over the net's largest |b|, in the same colours (the key
under the network says so, with both scales).  The loss surface's two
parameters are drawn dashed (``set_marked``).  Hovering an edge or node shows the
parameter's torch name and value; clicking it emits ``parameter_clicked`` with
its index in the flat parameter vector (``gdsim.core.network.layout``: torch
order, each weight row-major out × in, then the bias).

It is a plain QWidget that paints itself, not a scene of items: ``set_params``
only computes widths and colours with numpy and asks for a repaint, and the
paint draws the edges in batches of one pen each (widths rounded to
WIDTH_STEP_PX: at most about 70 pen changes however many edges; the pens are made once).  Hit tests
are vectorised distances to every segment.
"""

from __future__ import annotations

import functools
import time

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QCursor, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from ...core.network import layout
from . import style

POSITIVE_COLOR = "#0072B2"  # Okabe–Ito blue
NEGATIVE_COLOR = "#D55E00"  # Okabe–Ito vermillion
INPUT_FILL = "#e8e8e8"
NODE_OUTLINE = "#404040"
HOVER_OUTLINE = "#000000"
MIN_EDGE_PX = 0.6  # the width of a weight of 0: still a visible hairline
MAX_EDGE_PX = 6.0  # the width of the net's largest |w|
WIDTH_STEP_PX = 0.25  # edges are drawn in batches of widths this far apart
MAX_NODE_RADIUS = 11.0
MAX_UNITS_DRAWN = 64  # a layer with more units gets a message instead
HIT_SLACK_PX = 3.0  # how far from an edge's line the pointer still hovers it
_POSITIVE_RGB = np.array(QColor(POSITIVE_COLOR).getRgb()[:3])
_NEGATIVE_RGB = np.array(QColor(NEGATIVE_COLOR).getRgb()[:3])
WIDTH_TEXT = "width ∝ |w| (widest {}),"
FILL_TEXT = "fill ∝ b (darkest {})"


def _largest(values: np.ndarray) -> float:
    """The largest finite |value| (0 when there is none)."""
    finite = np.abs(values[np.isfinite(values)])
    return float(finite.max()) if finite.size else 0.0


def _dashed(width: float) -> QPen:
    pen = QPen(QColor(HOVER_OUTLINE), width, Qt.CustomDashLine)
    pen.setDashPattern([3, 3])
    pen.setCapStyle(Qt.FlatCap)
    return pen


@functools.lru_cache(maxsize=256)
def _edge_pen(key: int) -> QPen:
    """The pen of an edge of ``key`` = 2 × its width in WIDTH_STEP_PX + 1 if its weight is negative."""
    pen = QPen(QColor(NEGATIVE_COLOR if key & 1 else POSITIVE_COLOR), (key >> 1) * WIDTH_STEP_PX)
    pen.setCapStyle(Qt.FlatCap)
    return pen


def signed_text(value: float) -> str:
    """A value as the tooltip shows it, with a true minus sign: −0.412."""
    text = style.format_value(value)
    return "−" + text[1:] if text.startswith("-") else text


class NetworkView(QWidget):
    """``set_network(sizes, input_names, output_names)``, then ``set_params(theta)`` as it trains."""

    parameter_clicked = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("networkView")
        self.setMouseTracking(True)
        self.setMinimumSize(220, 160)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setAttribute(Qt.WA_OpaquePaintEvent)
        self._message = ""
        self._title = ""
        self._sizes: tuple[int, ...] = ()
        self._input_names: tuple[str, ...] = ()
        self._output_names: tuple[str, ...] = ()
        self._param_names: tuple[str, ...] = ()
        self._edge_param = np.empty(0, dtype=np.intp)  # the parameter of every edge
        self._edge_ends = np.empty((0, 2), dtype=np.intp)  # (source node, target node)
        self._node_bias = np.empty(0, dtype=np.intp)  # the bias parameter of every node; −1: an input
        self._theta: np.ndarray | None = None
        self._weights = np.empty(0)
        self._biases = np.empty(0)
        self._scale = 0.0  # the net's largest |w|
        self._bias_scale = 0.0  # the net's largest |b|
        self._geometry = None  # (node centres, radius, edge segments, QLineFs, label font), for the size
        self._hover: tuple[str, int] | None = None  # ("edge" | "node", index)
        self._marked: tuple[int, ...] = ()  # parameters outlined (the loss surface's axes)
        self.last_paint_seconds = 0.0

    # --- model --------------------------------------------------------------------------
    def set_network(self, sizes, input_names=(), output_names=(), parameter_names=None, title: str = "") -> None:
        """Draw a network of layer ``sizes`` (inputs first); ``parameter_names`` default to torch's."""
        sizes = tuple(int(n) for n in sizes)
        layers = layout(sizes)
        self._sizes = sizes
        self._input_names = tuple(input_names) or tuple(f"x{i + 1}" for i in range(sizes[0]))
        self._output_names = tuple(output_names) or tuple(f"out {i}" for i in range(sizes[-1]))
        if parameter_names is None:
            parameter_names = [f"{2 * i}.{kind}[{idx}]" for i, layer in enumerate(layers)
                               for kind, idx in
                               [("weight", f"{r},{c}") for r in range(layer.n_out) for c in range(layer.n_in)]
                               + [("bias", f"{r}") for r in range(layer.n_out)]]
        self._param_names = tuple(parameter_names)
        first = np.cumsum((0,) + sizes)  # the first node of every layer
        params, ends = [], []
        bias = np.full(first[-1], -1, dtype=np.intp)
        for i, layer in enumerate(layers):
            r, c = np.divmod(np.arange(layer.n_out * layer.n_in), layer.n_in)
            params.append(layer.weight.start + r * layer.n_in + c)
            ends.append(np.column_stack([first[i] + c, first[i + 1] + r]))
            bias[first[i + 1]:first[i + 2]] = np.arange(layer.bias.start, layer.bias.stop)
        self._edge_param = np.concatenate(params)
        self._edge_ends = np.concatenate(ends)
        self._node_bias = bias
        self._title = title
        self._message = "" if max(sizes) <= MAX_UNITS_DRAWN else (
            f"The network view draws up to {MAX_UNITS_DRAWN} units a layer; this model has "
            f"{'-'.join(map(str, sizes))}.")
        self._theta = None
        self._weights = np.zeros(len(self._edge_param))
        self._biases = np.zeros(len(bias))
        self._hover = None
        self._geometry = None
        self.update()

    def set_message(self, text: str) -> None:
        """Show one sentence instead of a network (e.g. for a test function); "" shows the network."""
        self._message = text
        if text:
            self._sizes = ()
            self._edge_param = np.empty(0, dtype=np.intp)
            self._edge_ends = np.empty((0, 2), dtype=np.intp)
            self._node_bias = np.empty(0, dtype=np.intp)
            self._geometry = None
            self._hover = None
        self.update()

    def set_marked(self, indices) -> None:
        """Outline these parameters (dashed), e.g. the two the loss surface is drawn over."""
        marked = tuple(int(i) for i in indices)
        if marked != self._marked:
            self._marked = marked
            self.update()

    @property
    def message(self) -> str:
        return self._message

    def set_params(self, theta) -> None:
        """The weights and biases to draw: ``theta`` in the flat order of ``set_network``'s layout."""
        theta = np.asarray(theta, dtype=np.float64)
        if not self._sizes or theta.shape[0] <= int(self._edge_param.max(initial=-1)):
            return
        self._theta = theta
        self._weights = theta[self._edge_param]
        self._biases = np.where(self._node_bias >= 0, theta[np.maximum(self._node_bias, 0)], 0.0)
        self._scale = _largest(self._weights)
        self._bias_scale = _largest(self._biases)
        if self._hover is not None and QToolTip.isVisible():
            QToolTip.showText(QCursor.pos(), self._hover_text(self._hover), self)  # the live value
        self.update()

    @property
    def n_nodes(self) -> int:
        return len(self._node_bias)

    @property
    def n_edges(self) -> int:
        return len(self._edge_param)

    def edge_parameters(self) -> np.ndarray:
        """The flat-vector index of every edge, in drawing order."""
        return self._edge_param.copy()

    def edge_widths(self) -> np.ndarray:
        """Every edge's width in pixels (before presentation mode's scale): |w| over the net's largest."""
        ratio = np.abs(np.nan_to_num(self._weights)) / (self._scale or 1.0)
        return MIN_EDGE_PX + (MAX_EDGE_PX - MIN_EDGE_PX) * np.clip(ratio, 0.0, 1.0)

    def edge_colors(self) -> list[str]:
        """Every edge's colour: POSITIVE_COLOR for w ≥ 0, NEGATIVE_COLOR for w < 0."""
        return [NEGATIVE_COLOR if w < 0 else POSITIVE_COLOR for w in self._weights]

    def node_fill(self, node: int) -> QColor:
        """A node's fill: white mixed with its bias's sign colour by |b| over the net's largest |b|
        (an input: grey)."""
        return QColor.fromRgb(int(self._node_fills()[node]))

    def _node_fills(self) -> np.ndarray:
        """Every node's fill as 0xRRGGBB (see ``node_fill``)."""
        b = np.nan_to_num(self._biases)
        share = np.minimum(np.abs(b) / (self._bias_scale or 1.0), 1.0)[:, None]
        rgb = np.where((b < 0)[:, None], _NEGATIVE_RGB, _POSITIVE_RGB)
        rgb = np.rint(255 + (rgb - 255) * share).astype(np.int64)
        fills = (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]
        return np.where(self._node_bias < 0, QColor(INPUT_FILL).rgb() & 0xFFFFFF, fills)

    # --- geometry -----------------------------------------------------------------------
    def _layout(self):
        if self._geometry is not None:
            return self._geometry
        fm = QFontMetricsF(self.font())
        line = fm.height()
        names_left = max((fm.horizontalAdvance(n) for n in self._input_names), default=0.0)
        names_right = max((fm.horizontalAdvance(n) for n in self._output_names), default=0.0)
        top = 6 + (line + 4 if self._title else 0)
        # the layer labels and the key below
        bottom = self.height() - 8 - (1 + len(self._key_rows(fm))) * line - 6
        left, right = 10 + names_left + 8, self.width() - 10 - names_right - 8
        height = max(bottom - top, 10.0)
        spacing = min(height / max(self._sizes), 3.2 * MAX_NODE_RADIUS * style.SCALES.markers)
        radius = max(2.0, min(MAX_NODE_RADIUS * style.SCALES.markers, 0.36 * spacing))
        left += radius
        right -= radius
        xs = np.linspace(left, max(right, left + 1), len(self._sizes))
        centres = np.concatenate([
            np.column_stack([np.full(n, x), top + height / 2 + (np.arange(n) - (n - 1) / 2) * spacing])
            for x, n in zip(xs, self._sizes)])
        segments = np.column_stack([centres[self._edge_ends[:, 0]], centres[self._edge_ends[:, 1]]])
        lines = [QLineF(*s) for s in segments.tolist()]
        self._geometry = (centres, radius, segments, lines, xs, bottom)
        return self._geometry

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self._geometry = None
        super().resizeEvent(event)

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.type() == event.Type.FontChange:
            self._geometry = None
        super().changeEvent(event)

    def node_radius(self) -> float:
        return float(self._layout()[1])

    def node_position(self, node: int) -> QPointF:
        return QPointF(*self._layout()[0][node])

    def edge_line(self, edge: int) -> QLineF:
        """Where ``edge`` is drawn: from its input unit to its output unit."""
        return QLineF(self._layout()[3][edge])

    def item_at(self, pos: QPointF) -> tuple[str, int] | None:
        """("node", i) for a node under ``pos``, else ("edge", k) for the nearest edge within reach, else None."""
        if self._message or not self._sizes:
            return None
        centres, radius, segments, _lines, _xs, _bottom = self._layout()
        p = np.array([pos.x(), pos.y()])
        d_nodes = np.hypot(*(centres - p).T)
        node = int(np.argmin(d_nodes))
        if d_nodes[node] <= radius + 1:
            return ("node", node)
        a, b = segments[:, :2], segments[:, 2:]
        ab = b - a
        t = np.clip(((p - a) * ab).sum(1) / np.maximum((ab * ab).sum(1), 1e-12), 0.0, 1.0)
        d = np.hypot(*(a + t[:, None] * ab - p).T)
        reach = self.edge_widths() * style.SCALES.lines / 2 + HIT_SLACK_PX
        d = np.where(d <= reach, d, np.inf)
        edge = int(np.argmin(d))
        return ("edge", edge) if np.isfinite(d[edge]) else None

    def parameter_at(self, pos: QPointF) -> int | None:
        """The flat-vector index of the weight or bias under ``pos`` (None: nothing, or an input)."""
        item = self.item_at(pos)
        if item is None:
            return None
        kind, k = item
        index = int(self._edge_param[k]) if kind == "edge" else int(self._node_bias[k])
        return index if index >= 0 else None

    def _hover_text(self, item: tuple[str, int]) -> str:
        kind, k = item
        if kind == "node" and self._node_bias[k] < 0:
            return f"input {self._input_names[k]}"
        index = int(self._edge_param[k]) if kind == "edge" else int(self._node_bias[k])
        name = self._param_names[index] if index < len(self._param_names) else f"θ[{index}]"
        text = name if self._theta is None else f"{name} = {signed_text(self._theta[index])}"
        return text + (" (a surface axis)" if index in self._marked else "")

    def tooltip_at(self, pos: QPointF) -> str:
        """What hovering ``pos`` shows: "0.weight[3,1] = −0.412", or "" over nothing."""
        item = self.item_at(pos)
        return "" if item is None else self._hover_text(item)

    # --- events -------------------------------------------------------------------------
    def event(self, event) -> bool:
        if event.type() == event.Type.ToolTip:
            text = self.tooltip_at(QPointF(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 (Qt name)
        item = self.item_at(event.position())
        if item != self._hover:
            self._hover = item
            self.setCursor(Qt.PointingHandCursor if item is not None and self.parameter_at(event.position())
                           is not None else Qt.ArrowCursor)
            self.update()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if self._hover is not None:
            self._hover = None
            self.update()
        super().leaveEvent(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.button() == Qt.LeftButton:
            index = self.parameter_at(event.position())
            if index is not None:
                self.parameter_clicked.emit(index)
                event.accept()
                return
        super().mousePressEvent(event)

    # --- painting -----------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        start = time.thread_time()  # the GUI thread's own time (not waits for the trainer's GIL)
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("white"))
        p.setRenderHint(QPainter.Antialiasing)
        if self._message or not self._sizes:
            p.setPen(QColor(style.FOREGROUND))
            p.drawText(QRectF(self.rect()).adjusted(12, 12, -12, -12), Qt.AlignCenter | Qt.TextWordWrap,
                       self._message)
            p.end()
            return
        self._paint_edges(p)
        self._paint_nodes(p)
        self._paint_text(p)
        p.end()
        self.last_paint_seconds = time.thread_time() - start

    def _paint_edges(self, p: QPainter) -> None:
        lines = self._layout()[3]
        widths = self.edge_widths() * style.SCALES.lines
        negative = self._weights < 0
        key = np.round(widths / WIDTH_STEP_PX).astype(np.intp) * 2 + negative  # (width step, sign)
        order = np.argsort(key, kind="stable")  # thin edges first: the strong ones lie on top
        drawn = -1
        for k, pen in zip(order.tolist(), key[order].tolist()):
            if pen != drawn:  # one pen per batch of edges (a line at a time: faster than drawLines's lists)
                p.setPen(_edge_pen(pen))
                drawn = pen
            p.drawLine(lines[k])
        for k in np.flatnonzero(np.isin(self._edge_param, self._marked)).tolist() if self._marked else ():
            p.setPen(_dashed(1.5 * style.SCALES.lines))  # a dashed line along the edge
            p.drawLine(lines[k])
        if self._hover is not None and self._hover[0] == "edge":
            k = self._hover[1]
            p.setPen(QPen(QColor(HOVER_OUTLINE), widths[k] + 3))
            p.drawLine(lines[k])
            p.setPen(QPen(QColor(NEGATIVE_COLOR if negative[k] else POSITIVE_COLOR), widths[k]))
            p.drawLine(lines[k])

    def _paint_nodes(self, p: QPainter) -> None:
        centres, radius = self._layout()[:2]
        outline = QPen(QColor(NODE_OUTLINE), 1.0 * style.SCALES.lines)
        hovered = self._hover[1] if self._hover is not None and self._hover[0] == "node" else -1
        p.setPen(outline)
        for i, ((x, y), rgb) in enumerate(zip(centres.tolist(), self._node_fills().tolist())):
            if i == hovered:
                p.setPen(QPen(QColor(HOVER_OUTLINE), 2.5 * style.SCALES.lines))
            p.setBrush(QColor.fromRgb(rgb))
            p.drawEllipse(QPointF(x, y), radius, radius)
            if i == hovered:
                p.setPen(outline)
        p.setBrush(Qt.NoBrush)
        for i in np.flatnonzero(np.isin(self._node_bias, self._marked)).tolist() if self._marked else ():
            p.setPen(_dashed(1.5 * style.SCALES.lines))
            p.drawEllipse(QPointF(*centres[i]), radius + 3, radius + 3)

    def _paint_text(self, p: QPainter) -> None:
        centres, radius, _segments, _lines, xs, bottom = self._layout()
        fm = QFontMetricsF(self.font())
        line = fm.height()
        p.setPen(QColor(style.FOREGROUND))
        if self._title:
            p.drawText(QRectF(0, 4, self.width(), line), Qt.AlignHCenter,
                       fm.elidedText(self._title, Qt.ElideRight, self.width() - 8))
        for name, (x, y) in zip(self._input_names, centres[:self._sizes[0]].tolist()):
            p.drawText(QRectF(0, y - line / 2, x - radius - 6, line), Qt.AlignRight | Qt.AlignVCenter, name)
        for name, (x, y) in zip(self._output_names, centres[-self._sizes[-1]:].tolist()):
            p.drawText(QRectF(x + radius + 6, y - line / 2, self.width(), line), Qt.AlignLeft | Qt.AlignVCenter,
                       name)
        n = len(self._sizes)
        labels = ["inputs"] + [f"hidden {i}" for i in range(1, n - 1)] + ["outputs" if self._sizes[-1] > 1
                                                                           else "output"]
        spacing = (xs[1] - xs[0]) if n > 1 else self.width()
        if max(fm.horizontalAdvance(t) for t in labels) > spacing - 4:  # columns too close: short names
            labels = ["in"] + [f"h{i}" for i in range(1, n - 1)] + ["out"]
        p.setPen(QColor("#505050"))
        for x, label in zip(xs.tolist(), labels):
            p.drawText(QRectF(x - spacing / 2, bottom + 2, spacing, line), Qt.AlignHCenter, label)
        self._paint_key(p, bottom + 4 + line, line, fm)

    def _key_rows(self, fm: QFontMetricsF) -> list[list[tuple[str | None, str]]]:
        """The key (which colour is which sign, what width and fill mean), wrapped to the view's
        width: the rows are chosen for the longest numbers, so they do not jump as values change."""
        parts = [(POSITIVE_COLOR, "w > 0"), (NEGATIVE_COLOR, "w < 0"),
                 (None, WIDTH_TEXT.format(signed_text(self._scale))),
                 (None, FILL_TEXT.format(signed_text(self._bias_scale)))]
        longest = parts[:2] + [(None, WIDTH_TEXT.format("8.888e+88")), (None, FILL_TEXT.format("8.888e+88"))]
        rows, row = [], []
        for i in range(len(parts)):
            if row and self._row_width([longest[j] for j in row + [i]], fm) > self.width() - 12:
                rows.append(row)
                row = []
            row.append(i)
        return [[parts[i] for i in r] for r in rows + [row]]

    def key_text(self) -> str:
        """The key's words, in one line."""
        return " ".join(text for row in self._key_rows(QFontMetricsF(self.font())) for _c, text in row)

    @staticmethod
    def _row_width(parts, fm: QFontMetricsF) -> float:
        sample = 1.6 * fm.height()
        return sum((sample + 4 if color else 0) + fm.horizontalAdvance(text) + 12 for color, text in parts) - 12

    def _paint_key(self, p: QPainter, y: float, line: float, fm: QFontMetricsF) -> None:
        sample = 1.6 * line
        for row in self._key_rows(fm):
            x = max(6.0, (self.width() - self._row_width(row, fm)) / 2)
            for color, text in row:
                if color:
                    p.setPen(QPen(QColor(color), 3.5 * style.SCALES.lines))
                    p.drawLine(QPointF(x, y + line / 2), QPointF(x + sample, y + line / 2))
                    x += sample + 4
                p.setPen(QColor(style.FOREGROUND))
                p.drawText(QRectF(x, y, self.width(), line), Qt.AlignLeft | Qt.AlignVCenter, text)
                x += fm.horizontalAdvance(text) + 12
            y += line
