"""Learning-rate studies: a sweep (final loss or iterations against lr) and a range test.

Analyze ▸ Learning-rate sweep… trains one run per learning rate with the
current data and settings; Analyze ▸ Learning-rate range test… runs once with
the learning rate rising exponentially every iteration.  Both are computed by
``gdsim.core.sweep`` on their own worker thread (a ``WorkerThread`` with a
frame factory), with a progress bar and Cancel, and shown in the dock
``lrSweepPanel``.  For a linear model with MSE the stability limit 2/λmax of
the Hessian is drawn as a vertical line.  The dock's tabs and plots are built
the first time it is shown.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDockWidget, QHBoxLayout, QLabel, QProgressBar, QPushButton, QScrollArea, QSpinBox,
    QTabWidget, QVBoxLayout, QWidget,
)

from ..controls.log_spin import LogSpinBox
from ..plots import style
from ..worker import WorkerThread

POINT_COLOR = style.PALETTE[0]
DIVERGED_COLOR = "#d62728"
GREW_COLOR = "#ff7f0e"
LIMIT_COLOR = "#2ca02c"
SUGGEST_COLOR = "#9467bd"
START_LINE_COLOR = (120, 120, 120)
METRIC_LABELS = {"loss": "final loss", "iterations": "iterations to converge"}


def study_frame(study, run_id):
    """Frame factory for the worker: the study's immutable snapshot, tagged with its id."""
    return run_id, study.snapshot()


def _row(*items) -> QHBoxLayout:
    """A row of widgets: a str becomes its label, None the stretch."""
    row = QHBoxLayout()
    for item in items:
        if item is None:
            row.addStretch(1)
        else:
            row.addWidget(QLabel(item) if isinstance(item, str) else item)
    return row


def _lr_spin(name: str, value: float) -> LogSpinBox:
    spin = LogSpinBox()
    spin.setObjectName(name)
    spin.setRange(1e-8, 1e3)
    spin.setValue(value)
    spin.setMinimumWidth(90)
    return spin


class LogLabelAxis(pg.AxisItem):
    """In log mode, labels only 1·10ᵏ (and 2·10ᵏ, 5·10ᵏ over a short span), as plain numbers.

    pyqtgraph labels every minor tick when few decades are visible, and the
    labels then run into each other.
    """

    def logTickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph name)
        lo, hi = sorted(self.range) if self.range else (0.0, 1.0)
        short = hi - lo <= 2.2
        out = []
        for v in values:
            x = 10.0 ** float(v) * scale
            if not math.isfinite(x) or x <= 0:
                out.append("")
                continue
            mantissa = x / 10.0 ** math.floor(math.log10(x) + 1e-9)
            wanted = (1.0, 2.0, 5.0) if short else (1.0,)
            keep = any(abs(mantissa - m) < 1e-6 * m or abs(mantissa - 10 * m) < 1e-5 for m in wanted)
            out.append(style.format_tick(x) if keep else "")
        return out


def _plot(name: str, left: str) -> pg.PlotWidget:
    plot = pg.PlotWidget(background=style.BACKGROUND, axisItems={
        "bottom": LogLabelAxis("bottom"), "left": LogLabelAxis("left")})
    plot.setObjectName(name)
    style.apply_plot_style(plot)
    item = plot.getPlotItem()
    item.showGrid(x=True, y=True, alpha=0.15)
    item.setMenuEnabled(False)
    style.label_axes(plot, "learning rate (log scale)", left)
    plot.setMinimumHeight(260)
    return plot


def _scrolling(page: QWidget) -> QScrollArea:
    area = QScrollArea(objectName=page.objectName() + "Scroll", widgetResizable=True)
    area.setFrameShape(QScrollArea.NoFrame)
    area.setWidget(page)
    area.setMinimumHeight(120)
    return area


def _log_or_nan(v):
    return math.log10(v) if v is not None and v > 0 and math.isfinite(v) else math.nan


class LrStudyPanel(QDockWidget):
    """The dock with the sweep and range-test tabs; owns the studies' worker thread."""

    def __init__(self, window) -> None:
        super().__init__("Learning-rate studies", window)
        self.setObjectName("lrSweepPanel")
        self._main = window
        self._thread: WorkerThread | None = None
        self._study = None
        self._study_id = 0
        self._kind = ""
        self._shown_once = False
        self._range_limit = None
        self.sweep_snapshot = None
        self.range_snapshot = None
        # the tabs, and later the plots and their items: built by _ensure_plots when the
        # dock is first shown (not at start-up, when it is hidden)
        self.tabs: QTabWidget | None = None
        self.sweep_plot: pg.PlotWidget | None = None
        self.range_plot: pg.PlotWidget | None = None
        self.setMinimumWidth(560)
        self.visibilityChanged.connect(lambda visible: visible and self._ensure_plots())

    # --- construction ---------------------------------------------------------------
    def _build_sweep_tab(self) -> QWidget:
        page = QWidget(objectName="lrSweepPage")
        layout = QVBoxLayout(page)
        self.sweep_from = _lr_spin("lrSweepFromSpin", 1e-4)
        self.sweep_to = _lr_spin("lrSweepToSpin", 1.0)
        self.sweep_count = QSpinBox(objectName="lrSweepCountSpin", minimum=2, maximum=200, value=20)
        self.sweep_count.setToolTip("How many learning rates, evenly spaced on a log axis")
        layout.addLayout(_row("lr from", self.sweep_from, "to", self.sweep_to, "runs", self.sweep_count, None))
        self.metric_combo = QComboBox(objectName="lrSweepMetricCombo")
        for key, text in METRIC_LABELS.items():
            self.metric_combo.addItem(text, key)
        self.metric_combo.setToolTip("Iterations to converge: until ‖∇L‖ falls below the tolerance "
                                     "(the run's, else 1e-3)")
        self.sweep_log_y = QCheckBox("log y", objectName="lrSweepLogYCheck", checked=True)
        self.sweep_run_button = QPushButton("Run sweep", objectName="lrSweepRunButton")
        self.sweep_cancel_button = QPushButton("Cancel", objectName="lrSweepCancelButton", enabled=False)
        layout.addLayout(_row("show", self.metric_combo, self.sweep_log_y, None,
                              self.sweep_run_button, self.sweep_cancel_button))
        self.sweep_progress = QProgressBar(objectName="lrSweepProgress", minimum=0, maximum=1000)
        self.sweep_progress.setFormat("")
        layout.addWidget(self.sweep_progress)
        # the key sits above the plot, so it never hides a point
        self.sweep_key = QLabel(objectName="lrSweepKey")
        self.sweep_key.setFont(style.font(style.LEGEND_PT))
        layout.addWidget(self.sweep_key)
        self.sweep_label = QLabel(objectName="lrSweepLabel", wordWrap=True)
        self.sweep_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout.addWidget(self.sweep_label)
        self.sweep_log_y.toggled.connect(lambda _c: self._draw_sweep(self.sweep_snapshot))
        self.metric_combo.currentIndexChanged.connect(self._on_metric_changed)
        self.sweep_run_button.clicked.connect(self.start_sweep)
        self.sweep_cancel_button.clicked.connect(self.cancel)
        return page

    def _ensure_tabs(self) -> None:
        if self.tabs is not None:
            return
        self.tabs = QTabWidget(objectName="lrStudyTabs")
        # each page scrolls: on a 1280×720 projector the dock gets less than the page's height
        self.tabs.addTab(_scrolling(self._build_sweep_tab()), "Sweep")
        self.tabs.addTab(_scrolling(self._build_range_tab()), "Range test")
        self.setWidget(self.tabs)

    def _ensure_plots(self) -> None:
        """Build the tabs and both plots (once) and draw what the studies have so far."""
        if self.sweep_plot is not None:
            return
        self._ensure_tabs()
        self._build_sweep_plot()
        self._build_range_plot()
        for plot in (self.sweep_plot, self.range_plot):
            plot.show()  # now, not on the next event-loop pass, when the dock is showing already
        self._draw_sweep(self.sweep_snapshot)
        self._draw_range(self.range_snapshot)

    def _build_sweep_plot(self) -> None:
        self.sweep_plot = _plot("lrSweepPlot", "final loss")
        layout = self.sweep_label.parentWidget().layout()
        layout.insertWidget(layout.indexOf(self.sweep_label), self.sweep_plot, 1)
        item = self.sweep_plot.getPlotItem()
        self.sweep_line = pg.PlotDataItem(pen=style.pen(POINT_COLOR, 2.0), connect="finite",
                                          skipFiniteCheck=True)
        item.addItem(self.sweep_line)
        self.sweep_points = pg.PlotDataItem(pen=None, symbol="o", symbolSize=10, symbolBrush=POINT_COLOR,
                                            symbolPen=pg.mkPen("k"), name="final loss")
        item.addItem(self.sweep_points)
        self.grew_points = pg.PlotDataItem(pen=None, symbol="t1", symbolSize=14, symbolBrush=GREW_COLOR,
                                           symbolPen=pg.mkPen("k"), name="ended above its starting loss")
        item.addItem(self.grew_points)
        self.diverged_points = pg.PlotDataItem(pen=None, symbol="x", symbolSize=16, symbolBrush=DIVERGED_COLOR,
                                               symbolPen=pg.mkPen(DIVERGED_COLOR), name="diverged")
        item.addItem(self.diverged_points)
        self.start_line = pg.InfiniteLine(angle=0, pen=style.pen(START_LINE_COLOR, 1.5, dashed=True),
                                          label="starting loss", labelOpts=dict(
                                              position=0.06, color=(90, 90, 90), anchors=[(0, 1), (0, 1)]))
        item.addItem(self.start_line, ignoreBounds=True)
        self.sweep_limit_line = self._limit_line(item)

    def _limit_line(self, item) -> pg.InfiniteLine:
        line = pg.InfiniteLine(angle=90, pen=style.pen(LIMIT_COLOR, 2.5, dashed=True), label="",
                               labelOpts=dict(position=0.93, color=(20, 110, 20),
                                              fill=(255, 255, 255, 220), anchors=[(1.02, 0), (1.02, 0)]))
        line.label.setFont(style.font(style.TEXT_PT, bold=True))
        item.addItem(line, ignoreBounds=True)
        return line

    def _build_range_tab(self) -> QWidget:
        page = QWidget(objectName="lrRangePage")
        layout = QVBoxLayout(page)
        self.range_min = _lr_spin("lrRangeMinSpin", 1e-5)
        self.range_max = _lr_spin("lrRangeMaxSpin", 10.0)
        self.range_steps = QSpinBox(objectName="lrRangeStepsSpin", minimum=2, maximum=100_000, value=100)
        self.range_steps.setToolTip("Iterations K: the learning rate rises by the same factor every iteration")
        layout.addLayout(_row("lr from", self.range_min, "to", self.range_max, "iterations", self.range_steps,
                              None))
        self.range_log_y = QCheckBox("log y", objectName="lrRangeLogYCheck", checked=True)
        self.range_run_button = QPushButton("Run range test", objectName="lrRangeRunButton")
        self.range_cancel_button = QPushButton("Cancel", objectName="lrRangeCancelButton", enabled=False)
        layout.addLayout(_row("Stops when the loss exceeds 4× the best.", self.range_log_y, None,
                              self.range_run_button, self.range_cancel_button))
        self.range_progress = QProgressBar(objectName="lrRangeProgress", minimum=0, maximum=1000)
        self.range_progress.setFormat("")
        layout.addWidget(self.range_progress)
        self.range_label = QLabel(objectName="lrRangeLabel", wordWrap=True)
        self.range_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout.addWidget(self.range_label)
        self.range_log_y.toggled.connect(lambda _c: self._draw_range(self.range_snapshot))
        self.range_run_button.clicked.connect(self.start_range_test)
        self.range_cancel_button.clicked.connect(self.cancel)
        return page

    def _build_range_plot(self) -> None:
        self.range_plot = _plot("lrRangePlot", "loss after the step")
        layout = self.range_label.parentWidget().layout()
        layout.insertWidget(layout.indexOf(self.range_label), self.range_plot, 1)
        item = self.range_plot.getPlotItem()
        self.range_curve = pg.PlotDataItem(pen=style.pen(style.FULL_LOSS_COLOR, 2.5), connect="finite",
                                           skipFiniteCheck=True)
        item.addItem(self.range_curve)
        self.range_suggest_line = pg.InfiniteLine(
            angle=90, pen=style.pen(SUGGEST_COLOR, 2.0), label="",
            labelOpts=dict(position=0.08, color=(90, 40, 140), fill=(255, 255, 255, 220),
                           anchors=[(1.02, 1), (1.02, 1)]))
        self.range_suggest_line.label.setFont(style.font(style.TEXT_PT, bold=True))
        item.addItem(self.range_suggest_line, ignoreBounds=True)
        self.range_limit_line = self._limit_line(item)

    # --- running -----------------------------------------------------------------------
    @property
    def is_running(self) -> bool:
        return self._study is not None and not self._study.done

    @property
    def thread(self) -> WorkerThread | None:
        return self._thread

    def _worker(self):
        if self._thread is None:
            self._thread = WorkerThread(study_frame)
            self._thread.setObjectName("gdsim-lr-study")
            self._thread.worker.frame_ready.connect(self._on_frame_ready)
        return self._thread.worker

    def _settings(self):
        if not self._main.source.applies.table:
            raise ValueError(f"learning-rate studies run on data, not on {self._main.source.title}: "
                             "choose Problem ▸ Data first.")
        return self._main.document.dataset, self._main.controls.config()

    def _present(self) -> None:
        """Show the panel; the first time as a floating window over the main window."""
        self._ensure_plots()
        if not self.isVisible() and not self._shown_once:
            self.setFloating(True)
            w = self._main
            size = (min(1100, max(700, w.width() - 200)), min(700, max(480, w.height() - 200)))
            self.resize(*size)
            center = w.geometry().center()
            self.move(center.x() - size[0] // 2, center.y() - size[1] // 2)
        self._shown_once = True
        self.show()
        self.raise_()

    def start_sweep(self) -> None:
        from ...core.sweep import LrSweep, log_space

        self._present()
        self.tabs.setCurrentIndex(0)
        lo, hi = self.sweep_from.value(), self.sweep_to.value()
        try:
            if not lo < hi:
                raise ValueError(f"The lowest learning rate ({lo:g}) must be below the highest ({hi:g}).")
            dataset, config = self._settings()
            study = LrSweep(dataset, config, log_space(lo, hi, self.sweep_count.value()),
                            metric=self.metric_combo.currentData())
        except ValueError as exc:
            self.sweep_label.setText(f"<b>Cannot sweep:</b> {exc}")
            return
        self._launch(study, "sweep")

    def start_range_test(self) -> None:
        from ...core.sweep import LrRangeTest, stability_limit

        self._present()
        self.tabs.setCurrentIndex(1)
        try:
            dataset, config = self._settings()
            study = LrRangeTest(dataset, config, self.range_min.value(), self.range_max.value(),
                                self.range_steps.value())
            plain_gd = config.optimizer == "sgd" and not config.hyper.get("momentum")
            self._range_limit = stability_limit(dataset, config) if plain_gd else None
        except ValueError as exc:
            self.range_label.setText(f"<b>Cannot run the range test:</b> {exc}")
            return
        self._launch(study, "range")

    def _launch(self, study, kind: str) -> None:
        if self._study is not None:
            self._study.cancel()
        self._study, self._kind = study, kind
        self._study_id += 1
        self._apply(study.snapshot(), kind)
        worker = self._worker()
        worker.set_run(study, self._study_id)
        worker.start()
        self._sync_buttons()

    def cancel(self) -> None:
        """Stop the running study; the worker publishes its last snapshot."""
        if self._study is not None:
            self._study.cancel()

    def shutdown(self) -> None:
        """Stop the study and end the thread (idempotent)."""
        self.cancel()
        if self._thread is not None:
            self._thread.shutdown()

    def _sync_buttons(self) -> None:
        running = self.is_running
        self.metric_combo.setEnabled(not running)
        self.sweep_run_button.setEnabled(not running)
        self.range_run_button.setEnabled(not running)
        self.sweep_cancel_button.setEnabled(running and self._kind == "sweep")
        self.range_cancel_button.setEnabled(running and self._kind == "range")

    def _on_frame_ready(self) -> None:
        if self._thread is None:
            return
        frame = self._thread.worker.take_frame()
        if frame is None:
            return
        study_id, snap = frame
        if study_id != self._study_id:
            return
        self._apply(snap, self._kind)
        self._sync_buttons()

    def _apply(self, snap, kind: str) -> None:
        if kind == "sweep":
            self.sweep_snapshot = snap
            self._draw_sweep(snap)
        else:
            self.range_snapshot = snap
            self._draw_range(snap)

    # --- drawing: sweep ------------------------------------------------------------------
    def _draw_sweep(self, snap) -> None:
        metric = self.metric_combo.currentData() if snap is None else snap.metric
        self._set_key(metric, snap)
        if self.sweep_plot is not None:  # else drawn when the dock is first shown
            self._plot_sweep(snap, metric)
        self._sweep_status(snap)

    def _plot_sweep(self, snap, metric: str) -> None:
        log_y = self.sweep_log_y.isChecked()
        item = self.sweep_plot.getPlotItem()
        item.setLogMode(x=True, y=log_y)
        style.label_axes(self.sweep_plot, None, METRIC_LABELS[metric] + (" (log scale)" if log_y else ""))
        points = () if snap is None else snap.points
        ok_x, ok_y, grew_x, div_x = [], [], [], []
        for p in points:
            if p.diverged:
                div_x.append(p.lr)
                continue
            value = p.value(metric)
            above = (metric == "loss" and not p.loss <= p.initial_loss) or not math.isfinite(value)
            if above or (log_y and value <= 0):
                grew_x.append(p.lr)
            else:
                ok_x.append(p.lr)
                ok_y.append(value)
        start = points[0].initial_loss if points else math.nan
        if ok_y:
            top = max(ok_y)
            if metric == "loss" and math.isfinite(start):
                top = max(top, start)
        else:
            top = start if metric == "loss" and math.isfinite(start) else (snap.iterations_total / max(len(snap.lrs), 1) if snap else 1.0)
        top = top * 3.0 if log_y else top * 1.15 + 1e-12
        self.sweep_points.setData(ok_x, ok_y)
        # join consecutive converging points; break the line where a run failed
        line_x, line_y = [], []
        if points:
            value_of = dict(zip(ok_x, ok_y))
            for p in points:
                line_x.append(p.lr)
                line_y.append(value_of.get(p.lr, math.nan))
        self.sweep_line.setData(np.array(line_x, dtype=float), np.array(line_y, dtype=float))
        self.grew_points.setData(grew_x, [top] * len(grew_x))
        self.diverged_points.setData(div_x, [top] * len(div_x))
        self.start_line.setVisible(metric == "loss" and math.isfinite(start) and (not log_y or start > 0))
        if self.start_line.isVisible():
            self.start_line.setPos(_log_or_nan(start) if log_y else start)
        limit = None if snap is None else snap.limit
        self._set_limit_line(self.sweep_limit_line, limit, snap is not None and snap.plain_gd)
        if snap is not None and snap.lrs:
            lo, hi = math.log10(min(snap.lrs)), math.log10(max(snap.lrs))
            if limit is not None:
                lo, hi = min(lo, math.log10(limit)), max(hi, math.log10(limit))
            pad = max(hi - lo, 0.5) * 0.05
            item.setXRange(lo - pad, hi + pad, padding=0)
        item.enableAutoRange(axis="y")

    def _set_key(self, metric: str, snap) -> None:
        grew = "did not converge in time" if metric == "iterations" else "ended above its starting loss"
        parts = [
            f'<span style="color:{POINT_COLOR}">●</span> {METRIC_LABELS[metric]}',
            f'<span style="color:{GREW_COLOR}">▲</span> {grew} (drawn at the top)',
            f'<span style="color:{DIVERGED_COLOR}"><b>✖</b></span> diverged (drawn at the top)',
        ]
        if snap is not None and snap.limit is not None:
            parts.append(f'<span style="color:{LIMIT_COLOR}"><b>┆</b></span> 2/λmax')
        self.sweep_key.setText("&nbsp;&nbsp;&nbsp;".join(parts))

    def _on_metric_changed(self, _index: int) -> None:
        """A new metric needs new runs (iterations to converge stop at the tolerance)."""
        if self.sweep_snapshot is not None and not self.is_running:
            self.start_sweep()
        else:
            self._draw_sweep(self.sweep_snapshot)

    def _set_limit_line(self, line: pg.InfiniteLine, limit: float | None, plain_sgd: bool) -> None:
        line.setVisible(limit is not None)
        if limit is not None:
            line.setPos(math.log10(limit))
            line.label.setFormat(f"2/λmax = {limit:.3g}" + ("" if plain_sgd else " (plain-GD limit)"))

    def _sweep_status(self, snap) -> None:
        bar = self.sweep_progress
        if snap is None:
            _show_idle(bar, self.sweep_label, "Trains one run per learning rate with the current data and "
                                              "settings (Analyze ▸ Learning-rate sweep…).")
            return
        bar.setValue(int(round(1000 * snap.progress)))
        n = len(snap.points)
        if snap.status == "running" or snap.status == "ready":
            bar.setFormat(f"lr = {snap.current_lr:.3g}  ({n + 1} of {len(snap.lrs)})  %p%")
        else:
            bar.setFormat(f"{snap.status}: {n} of {len(snap.lrs)} learning rates")
        parts = []
        if snap.limit is not None:
            parts.append(f"2/λmax = {snap.limit:.4g}: above it plain full-batch gradient descent diverges.")
        diverged = [p.lr for p in snap.points if p.diverged]
        if diverged:
            parts.append(f"Diverged from lr = {min(diverged):.3g}.")
        grew = [p.lr for p in snap.points if not p.diverged and p.loss > p.initial_loss]
        if grew:
            parts.append(f"Ended above the starting loss: lr = {', '.join(f'{v:.3g}' for v in grew[:4])}"
                         + ("…" if len(grew) > 4 else "") + ".")
        finished = [p for p in snap.points if math.isfinite(p.value(snap.metric))
                    and not (snap.metric == "loss" and p.loss > p.initial_loss)]
        if finished:
            best = min(finished, key=lambda p: (p.value(snap.metric), -p.lr))
            what = ("lowest final loss" if snap.metric == "loss" else "fewest iterations")
            value = (f"{best.value(snap.metric):.4g}" if snap.metric == "loss" else f"{best.iterations}")
            parts.append(f"Best ({what}): lr = {best.lr:.3g} → {value}.")
        if snap.metric == "iterations":
            parts.append(f"Converged means ‖∇L‖ < {snap.tolerance:g}.")
        if snap.status == "cancelled":
            parts.append("Cancelled.")
        self.sweep_label.setText(" ".join(parts))

    # --- drawing: range test ---------------------------------------------------------------
    def _draw_range(self, snap) -> None:
        if self.range_plot is not None:  # else drawn when the dock is first shown
            self._plot_range(snap)
        self._range_status(snap)

    def _plot_range(self, snap) -> None:
        log_y = self.range_log_y.isChecked()
        item = self.range_plot.getPlotItem()
        item.setLogMode(x=True, y=log_y)
        style.label_axes(self.range_plot, None, "loss after the step" + (" (log scale)" if log_y else ""))
        if snap is None:
            self.range_curve.setData([], [])
            self.range_suggest_line.setVisible(False)
            self.range_limit_line.setVisible(False)
            return
        lrs, losses = style.finite_xy(snap.lrs, snap.losses)
        if log_y:
            keep = losses > 0
            lrs, losses = lrs[keep], losses[keep]
        self.range_curve.setData(lrs, losses)
        suggested = snap.suggested_lr
        self.range_suggest_line.setVisible(suggested is not None)
        if suggested is not None:
            self.range_suggest_line.setPos(math.log10(suggested))
            self.range_suggest_line.label.setFormat(f"steepest fall: lr = {suggested:.3g}")
        self._set_limit_line(self.range_limit_line, self._range_limit, True)
        item.setXRange(math.log10(snap.lr_min), math.log10(snap.lr_max), padding=0.02)
        item.enableAutoRange(axis="y")

    def _range_status(self, snap) -> None:
        bar = self.range_progress
        if snap is None:
            _show_idle(bar, self.range_label, "One run whose learning rate rises exponentially every "
                                              "iteration (Analyze ▸ Learning-rate range test…).")
            return
        suggested = snap.suggested_lr
        bar.setValue(int(round(1000 * snap.progress)))
        n = len(snap.lrs)
        if snap.done:
            bar.setFormat(f"{snap.status}: {n} of {snap.iterations} iterations")
        else:
            current = f"lr = {snap.lrs[-1]:.3g}  " if n else ""
            bar.setFormat(f"{current}({n} of {snap.iterations})  %p%")
        parts = [snap.message] if snap.message else []
        if snap.best_lr is not None:
            parts.append(f"Lowest loss at lr = {snap.best_lr:.3g}.")
        if suggested is not None:
            parts.append(f"Steepest fall at lr = {suggested:.3g} (a common pick).")
        self.range_label.setText(" ".join(parts))


class _CloseWatcher(QObject):
    """Stops the studies' thread when the main window closes."""

    def __init__(self, window, panel: LrStudyPanel) -> None:
        super().__init__(panel)
        self._panel = panel
        window.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Close:
            self._panel.shutdown()
        return False


def _show_idle(bar, label, text: str) -> None:
    """An empty progress bar and the study's one-line description."""
    bar.setValue(0)
    bar.setFormat("")
    label.setText(text)


def install(window) -> None:
    panel = LrStudyPanel(window)
    window.add_dock(panel, Qt.BottomDockWidgetArea, visible=False)
    window.lr_study_panel = panel
    menu = window.menu("&Analyze")
    sweep = QAction("Learning-rate sweep…", window, objectName="actionLrSweep")
    sweep.setStatusTip("Train once per learning rate and plot the final loss against it")
    sweep.triggered.connect(panel.start_sweep)
    menu.addAction(sweep)
    range_test = QAction("Learning-rate range test…", window, objectName="actionLrRangeTest")
    range_test.setStatusTip("One run with the learning rate rising exponentially; plot loss against lr")
    range_test.triggered.connect(panel.start_range_test)
    menu.addAction(range_test)
    panel._close_watcher = _CloseWatcher(window, panel)
    app = QCoreApplication.instance()
    if app is not None:  # quitting without closing the window also ends the thread
        app.aboutToQuit.connect(panel.shutdown)
