"""Distance to the optimum: ‖θ − θ*‖ against iteration, in a dock, and now in the status bar.

Only linear regression with MSE has a closed-form optimum θ* (least squares,
``window.surface_model.optimum``); for anything else the dock says so.  A
test function's θ* is its nearest known minimum (status bar only).  θ* and
the path are both in training units (standardised when standardisation is
on), and the axis label says which.  The plot is built the first time the dock
is shown.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QDockWidget, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ..plots import style

NO_OPTIMUM_TEXT = "No closed-form optimum for this model and loss"
CURVE_COLOR = "#6a3d9a"


class OptimumDistanceDock(QDockWidget):
    """The dock; ``update_from(iterations, params)`` redraws it for the current run."""

    def __init__(self, window) -> None:
        super().__init__("Distance to the optimum", window, objectName="optimumDistanceDock")
        self._window = window
        self._source = None  # (iterations, params) last shown
        self._sized = False

        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(4, 4, 4, 4)
        bar = QHBoxLayout()
        self.value_label = QLabel(objectName="optimumDistanceValue")
        self.value_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        bar.addWidget(self.value_label, 1)
        self.log_check = QCheckBox("log scale", objectName="optimumDistanceLogCheck")
        self.log_check.setChecked(True)
        self.log_check.toggled.connect(self._on_log_toggled)
        bar.addWidget(self.log_check)
        lay.addLayout(bar)
        self.message = QLabel(NO_OPTIMUM_TEXT, objectName="optimumDistanceMessage")
        self.message.setAlignment(Qt.AlignCenter)
        self.message.setWordWrap(True)
        font = self.message.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.message.setFont(font)
        lay.addWidget(self.message)
        self._layout = lay
        # the plot and its items: built by _ensure_plot when the dock is first shown
        # (or first has a curve to draw)
        self.plot: pg.PlotWidget | None = None
        self.curve: pg.PlotDataItem | None = None
        self.current_dot: pg.PlotDataItem | None = None
        self.setWidget(body)
        self.setMinimumWidth(320)
        self.visibilityChanged.connect(self._on_visibility)
        self._set_available(False)

    def _ensure_plot(self) -> None:
        if self.plot is not None:
            return
        self.plot = pg.PlotWidget(background=style.BACKGROUND)
        self.plot.setObjectName("optimumDistancePlot")
        style.apply_plot_style(self.plot)
        item = self.plot.getPlotItem()
        item.showGrid(x=True, y=True, alpha=0.15)
        item.setMenuEnabled(False)
        self.curve = pg.PlotDataItem(pen=style.pen(CURVE_COLOR, width=2.5), skipFiniteCheck=True)
        item.addItem(self.curve)
        self.curve.setDownsampling(auto=True, method="peak")
        self.curve.setClipToView(True)
        self.current_dot = pg.PlotDataItem(pen=None, symbol="o", symbolSize=10,
                                           symbolPen=pg.mkPen("w", width=2),
                                           symbolBrush=pg.mkBrush(style.CURRENT_COLOR))
        item.addItem(self.current_dot)
        item.setLogMode(x=False, y=self.log_check.isChecked())
        self.plot.setMinimumHeight(220)
        self.plot.setVisible(False)  # _set_available shows it
        self._layout.addWidget(self.plot, 1)

    # --- drawing ------------------------------------------------------------------------
    def _set_available(self, available: bool) -> None:
        if available:
            self._ensure_plot()
        self.message.setVisible(not available)
        if self.plot is not None:
            self.plot.setVisible(available)
        self.log_check.setEnabled(available)
        if not available:
            self.value_label.setText("")
            if self.curve is not None:
                self.curve.setData([], [])
                self.current_dot.setData([], [])

    def _units(self) -> str:
        run = self._window.current_run
        return "standardised units" if run is not None and run.standardizer is not None \
            else "data units"

    def update_from(self, iterations, params) -> None:
        self._source = (iterations, params)
        if not self.isVisible():
            return  # drawn when shown
        self._redraw()

    def _redraw(self) -> None:
        optimum = self._window.surface_model.optimum
        run = self._window.current_run
        if optimum is None or run is None or self._source is None:
            self._set_available(False)
            return
        iterations, params = self._source
        if params.shape[1] != optimum.size:
            self._set_available(False)
            return
        from ...core.compare import distance_curve  # when first drawn, not with the window

        self._set_available(True)
        log = self.log_check.isChecked()
        x, d = distance_curve(iterations, params, optimum, positive=log)
        self.curve.setData(x, d)
        self.current_dot.setData(x[-1:], d[-1:])
        style.label_axes(self.plot, "iteration", f"‖θ − θ*‖ ({self._units()})")
        if len(d):
            self.value_label.setText(f"‖θ − θ*‖ = {style.format_value(d[-1])} "
                                     f"at iteration {style.format_iteration(x[-1])}")
        else:
            self.value_label.setText("")

    def _on_log_toggled(self, log: bool) -> None:
        if self.plot is not None:
            self.plot.getPlotItem().setLogMode(x=False, y=log)
        self._redraw()

    def _on_visibility(self, visible: bool) -> None:
        if visible:
            self._ensure_plot()
            if not self._sized and not self.isFloating():
                self._sized = True
                self._window.resizeDocks([self], [380], Qt.Vertical)
            self._redraw()

    # --- window signals -----------------------------------------------------------------
    def on_run_changed(self, run) -> None:
        if run is None:
            self._source = None
            self._set_available(False)
            return
        h = run.history  # a fresh run: row 0 only, which is never rewritten
        self.update_from(np.arange(1), np.array(h.params[:1]))
        if self.plot is not None:
            self.plot.getPlotItem().enableAutoRange()

    def on_frame_drawn(self, frame) -> None:
        self.update_from(frame.iterations, frame.params)

    def on_optimum_found(self, _run) -> None:  # (a big table's, from its thread)
        if self._source is not None:
            self.update_from(*self._source)


class StatusDistance(QLabel):
    """‖θ − θ*‖ of the current parameters, beside the status line, while θ* is known."""

    def __init__(self, window) -> None:
        super().__init__(objectName="optimumDistanceStatus")
        self._window = window
        self.setToolTip("Distance from the parameters to the optimum θ* (least squares, or a test "
                        "function's nearest minimum), in the units trained on")
        self.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Preferred)
        self._template = "‖θ − θ*‖ = -8.888e-888"
        self._fit_size()
        self.setVisible(False)

    def _fit_size(self) -> None:
        # Fixed, width and height: a new value repaints the label and lays nothing out (a
        # QLabel asks its parent's layout again at every new text unless its size is fixed).
        self.setFixedSize(self.fontMetrics().horizontalAdvance(self._template) + 8, self._line_height())

    def _line_height(self) -> int:
        margins = self.contentsMargins()
        return self.fontMetrics().height() + margins.top() + margins.bottom() + 2 * self.margin()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.type() == event.Type.FontChange:
            self._fit_size()
        super().changeEvent(event)

    def distance(self, params: np.ndarray) -> float | None:
        model = self._window.surface_model
        if self._window.function is not None:
            minima = model.minima
            if minima is None or not len(minima):
                return None
            return float(np.min(np.linalg.norm(minima - np.asarray(params)[:2], axis=1)))
        optimum = model.optimum
        if optimum is None or optimum.size != np.asarray(params).size:
            return None
        return float(np.linalg.norm(np.asarray(params) - optimum))

    def show_for(self, params) -> None:
        d = None if params is None else self.distance(params)
        if d is None:
            self.setVisible(False)
            return
        self.setText(f"‖θ − θ*‖ = {style.format_value(d)}")
        self.setVisible(True)

    def on_run_changed(self, run) -> None:
        self.show_for(None if run is None else run.params)

    def on_frame_drawn(self, frame) -> None:
        self.show_for(frame.snapshot.params)


def install(window) -> None:
    dock = OptimumDistanceDock(window)
    window.add_dock(dock, Qt.RightDockWidgetArea, visible=False)
    action = dock.toggleViewAction()
    action.setObjectName("actionOptimumDistance")
    action.setText("Distance to the optimum")
    action.setToolTip("Show ‖θ − θ*‖ against iteration (linear regression with MSE)")
    window.menu("&Teach").addAction(action)
    window.run_changed.connect(dock.on_run_changed)
    window.frame_drawn.connect(dock.on_frame_drawn)
    window.optimum_found.connect(dock.on_optimum_found)
    dock.on_run_changed(window.current_run)
    window.optimum_distance_dock = dock
    status = StatusDistance(window)
    window.statusBar().addPermanentWidget(status)
    window.run_changed.connect(status.on_run_changed)
    window.frame_drawn.connect(status.on_frame_drawn)
    window.optimum_found.connect(status.on_run_changed)
    status.on_run_changed(window.current_run)
    window.optimum_distance_status = status
