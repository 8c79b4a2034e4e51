"""The main window: dataset, controls, run buttons and the three live plots.

The window owns the current ``TrainingRun`` only to hand it to the worker
thread and to read its history; every training step happens on the worker.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDockWidget, QHBoxLayout, QLabel, QMainWindow, QMessageBox,
    QProgressBar, QPushButton, QScrollArea, QSizePolicy, QSplitter, QToolBar, QVBoxLayout,
    QWidget,
)

from ..core.dataset import Dataset
from ..core.fit import fit_picture
from ..core.functions import FUNCTIONS, FunctionRun, make_function
from ..core.presets import DEFAULT_PRESET, list_presets, load_preset
from ..core.surface_tracker import SurfaceTracker
from ..core.training import TrainingConfig, TrainingRun
from .controls import ControlsPanel
from .dataset import DatasetDocument, DatasetPanel
from .plots import FitView, LossView, SurfaceView, style
from .surface_refiner import SurfaceRefiner
from .worker import Frame, PaintFence, WorkerThread

APP_TITLE = "gdsim — gradient descent simulator"
# The window offers linear and logistic models only (networks come later): a
# network preset opens with logistic regression (sine, a regression, with linear).
PRESETS = {p.id: p if p.model in ("linear", "logistic")
           else replace(p, model="linear" if p.id == "sine" else "logistic") for p in list_presets()}
LOSS_FULL_RANGE_ITERATIONS = 20_000
SURFACE_COOLDOWN_MS = 1000
RUN_SHORTCUTS = {
    "start": "F5", "pause": "F6", "step": "F10", "step_epoch": "Shift+F10", "reset": "Ctrl+R",
}


class MainWindow(QMainWindow):
    """``MainWindow()`` opens on the default preset, ready to press Start.

    Features beyond the basic loop (gdsim.gui.features) plug in through
    ``menu(title)``, ``add_dock(...)`` and the ``run_changed`` / ``frame_drawn``
    signals, so they live in their own modules.
    """

    run_changed = Signal(object)  # the new TrainingRun (or None when the settings are invalid)
    frame_drawn = Signal(object)  # a worker Frame, after the main plots drew it

    def __init__(self, dataset: Dataset | None = None, config: TrainingConfig | None = None,
                 preset: str | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_TITLE)
        self.setAcceptDrops(True)
        if dataset is None:
            dataset = load_preset(preset or DEFAULT_PRESET)
        if config is None:
            preset_info = PRESETS.get(dataset.name)
            config = TrainingConfig(model=preset_info.model, standardize=preset_info.standardize) \
                if preset_info else TrainingConfig()
        self._config = config
        self._run: TrainingRun | None = None
        self._run_id = 0
        self._last_frame: Frame | None = None
        self._notice = ""
        self._function = None  # a ClassicFunction while the problem is a test function
        self.ask_before_discarding = True  # closing with unsaved edits asks first
        self._thread = WorkerThread()
        self._thread.worker.frame_ready.connect(self._on_frame_ready)
        self._thread.worker.wait_for_gui = True
        self._paint_fence = PaintFence(self, self._thread.worker.frame_drawn)
        self.surface_model = SurfaceTracker()
        self._refiner = SurfaceRefiner(self)
        self._refiner.finished.connect(self._on_surface_refined)
        # The surface follows the run at most every SURFACE_COOLDOWN_MS, and
        # while running only as stages of a frame (computed, then shown).
        self._surface_due = False
        self._stages = None  # the frame being drawn, a generator of stages (_frame_stages)
        self._stage_timer = QTimer(self, singleShot=True, interval=0)
        self._stage_timer.timeout.connect(self._next_stage)
        self._surface_timer = QTimer(self, singleShot=True, interval=SURFACE_COOLDOWN_MS)
        self._surface_timer.timeout.connect(self._on_surface_cooldown)

        self.document = DatasetDocument(dataset, parent=self)
        self._build_views()
        self._build_actions()
        self.resize(1600, 1000)
        self.resizeDocks([self.findChild(QDockWidget, "datasetDock")], [300], Qt.Horizontal)
        self.centralWidget().setSizes([560, 440])
        self.controls.set_n_rows(dataset.n_rows)
        self.controls.set_parameter_names(self._parameter_names(dataset))
        self.controls.set_config(config)
        self._speed_changed(self.controls.speed())
        self._reset()
        from .features import install_features

        install_features(self)

    # --- construction -------------------------------------------------------------------
    def _build_views(self) -> None:
        self.dataset_panel = DatasetPanel(self.document)
        self.dataset_panel.dataset_changed.connect(self._on_dataset_changed)
        self.controls = ControlsPanel(self._config)
        self.controls.config_changed.connect(self._on_config_changed)
        self.controls.hyper_changed.connect(self._on_hyper_changed)
        self.controls.speed_changed.connect(self._speed_changed)

        self.surface_view = SurfaceView()
        self.surface_view.clicked.connect(self._on_surface_clicked)
        self.surface_view.setToolTip("Click to start the descent from that point")
        self.loss_view = LossView()
        self.fit_view = FitView()

        self.surface_x_combo = QComboBox(objectName="surfaceXCombo")
        self.surface_y_combo = QComboBox(objectName="surfaceYCombo")
        for combo in (self.surface_x_combo, self.surface_y_combo):
            combo.currentIndexChanged.connect(self._on_surface_axes_changed)
        surface_bar = QHBoxLayout()
        surface_bar.addWidget(QLabel("Loss surface over"))
        surface_bar.addWidget(self.surface_x_combo)
        surface_bar.addWidget(QLabel("and"))
        surface_bar.addWidget(self.surface_y_combo)
        surface_bar.addStretch(1)  # (clicking the surface sets the start point: its tooltip says so)
        surface_box = QWidget()
        lay = QVBoxLayout(surface_box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(surface_bar)
        lay.addWidget(self.surface_view, 1)

        self.loss_log_check = QCheckBox("log scale", objectName="lossLogCheck")
        self.loss_log_check.toggled.connect(self.loss_view.set_log_scale)
        self.loss_epoch_check = QCheckBox("x axis in epochs", objectName="lossEpochAxisCheck")
        self.loss_epoch_check.toggled.connect(self._on_loss_axis_changed)
        loss_bar = QHBoxLayout()
        loss_bar.addStretch(1)  # (the plot's axes say "loss" and "iteration")
        loss_bar.addWidget(self.loss_log_check)
        loss_bar.addWidget(self.loss_epoch_check)
        loss_box = QWidget()
        lay = QVBoxLayout(loss_box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(loss_bar)
        lay.addWidget(self.loss_view, 1)

        right = QSplitter(Qt.Vertical)
        right.addWidget(self.fit_view)
        right.addWidget(loss_box)
        center = QSplitter(Qt.Horizontal)
        center.addWidget(surface_box)
        center.addWidget(right)
        center.setStretchFactor(0, 3)
        center.setStretchFactor(1, 2)
        self.setCentralWidget(center)

        controls_scroll = QScrollArea()
        controls_scroll.setWidget(self.controls)
        controls_scroll.setWidgetResizable(True)
        controls_scroll.setMinimumWidth(self.controls.minimumWidth() + 20)  # the column and a scroll bar
        dock = QDockWidget("Model and optimizer", self, objectName="controlsDock")
        dock.setWidget(controls_scroll)
        dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable)
        self.addDockWidget(Qt.LeftDockWidgetArea, dock)
        dock = QDockWidget("Dataset", self, objectName="datasetDock")
        dock.setWidget(self.dataset_panel)
        dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable)
        self.addDockWidget(Qt.RightDockWidgetArea, dock)

        self.progress = QProgressBar(objectName="progressBar")
        self.progress.setMaximumWidth(260)
        self.progress.setMinimumWidth(self.progress.fontMetrics().horizontalAdvance("0000000000 / 0000000000") + 24)
        self.progress.setTextVisible(True)
        self.status_label = QLabel(objectName="statusLabel")
        self.status_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.status_label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)  # never widens the window
        font = self.status_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.status_label.setFont(font)
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.progress)

    def _build_actions(self) -> None:
        bar = self.toolbar = QToolBar("Run", self, objectName="runToolbar")
        bar.setMovable(False)
        self.addToolBar(Qt.TopToolBarArea, bar)
        run_menu = self.menuBar().addMenu("&Run")
        self.buttons: dict[str, QPushButton] = {}
        specs = [
            ("start", "Start", "startButton", self.start),
            ("pause", "Pause", "pauseButton", self.toggle_pause),
            ("step", "Step", "stepButton", self.step),
            ("step_epoch", "Step epoch", "stepEpochButton", self.step_epoch),
            ("reset", "Reset", "resetButton", self.reset),
        ]
        self.run_actions: dict[str, QAction] = {}
        for key, text, name, slot in specs:
            shortcut = QKeySequence(RUN_SHORTCUTS[key])
            action = QAction(text, self, objectName=f"action{name[0].upper()}{name[1:-6]}")
            action.setShortcut(shortcut)
            action.setShortcutContext(Qt.ApplicationShortcut)
            action.triggered.connect(slot)
            run_menu.addAction(action)
            button = QPushButton(text, objectName=name)
            button.setToolTip(f"{text} ({shortcut.toString()})")
            button.clicked.connect(action.trigger)
            bar.addWidget(button)
            self.buttons[key] = button
            self.run_actions[key] = action
        self.addAction(self.run_actions["start"])

        file_menu = self.menuBar().addMenu("&File")
        for text, slot, shortcut in (
            ("Import CSV…", self.dataset_panel.import_csv_interactive, QKeySequence.Open),
            ("Export CSV…", self.dataset_panel.export_csv_interactive, QKeySequence.SaveAs),
        ):
            action = file_menu.addAction(text)
            action.setShortcut(shortcut)
            action.triggered.connect(slot)
        file_menu.addSeparator()
        quit_action = file_menu.addAction("Quit")
        quit_action.setShortcut(QKeySequence.Quit)
        quit_action.triggered.connect(self.close)
        edit_menu = self.menuBar().addMenu("&Edit")
        edit_menu.addAction(self.dataset_panel.undo_action())
        edit_menu.addAction(self.dataset_panel.redo_action())
        problem_menu = self.menuBar().addMenu("&Problem")
        self.problem_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        for key, text in [("data", "Data (the dataset table)")] + [
                (n, make_function(n).title) for n in FUNCTIONS]:
            action = QAction(text, self, objectName=f"actionProblem{key.capitalize()}", checkable=True)
            action.setData(key)
            action.setChecked(key == "data")
            group.addAction(action)
            action.triggered.connect(lambda _c=False, k=key: self.set_function(None if k == "data" else k))
            problem_menu.addAction(action)
            self.problem_actions[key] = action
        problem_menu.addSeparator()
        condition = problem_menu.addAction("Bowl condition number…")
        condition.setObjectName("actionBowlCondition")
        condition.triggered.connect(self._ask_bowl_condition)
        self.view_menu = self.menuBar().addMenu("&View")
        for dock in self.findChildren(QDockWidget):
            self.view_menu.addAction(dock.toggleViewAction())

    # --- public -------------------------------------------------------------------------
    def menu(self, title: str):
        """The top-level menu called ``title`` (e.g. "&Teach"), created on first use."""
        for action in self.menuBar().actions():
            if action.menu() is not None and action.text() == title:
                return action.menu()
        return self.menuBar().addMenu(title)

    def add_dock(self, dock: QDockWidget, area=Qt.RightDockWidgetArea, visible: bool = False) -> None:
        """Add a feature's dock, hidden until its toggle action shows it."""
        self.addDockWidget(area, dock)
        dock.setVisible(visible)
        self.view_menu.addAction(dock.toggleViewAction())

    def run_history(self):
        """The current run's core ``History`` (read it; the worker appends to it)."""
        return None if self._run is None else self._run.history

    @property
    def current_run(self) -> TrainingRun | None:
        return self._run

    @property
    def worker(self):
        return self._thread.worker

    def start(self) -> None:
        if self._run is None:
            return
        if self._run.done:
            self._reset()
        self.worker.start()
        self._set_running(True)

    def toggle_pause(self) -> None:
        if self.worker.is_running:
            self.worker.pause()
            self._set_running(False)
        elif self._run is not None and not self._run.done and self._run.iteration > 0:
            self.start()

    def step(self) -> None:
        if self._run is not None and not self._run.done:
            self.worker.step(1)
            self._set_running(False)

    def step_epoch(self) -> None:
        if self._run is not None and not self._run.done:
            self.worker.step_epoch()
            self._set_running(False)

    def reset(self) -> None:
        self._reset()

    def set_function(self, name: str | None, condition: float | None = None, reset: bool = True) -> None:
        """Descend a classic test function (name from gdsim.core.functions), or the data (None)."""
        self.worker.pause()
        self._function = None if name is None else make_function(name, condition)
        is_function = self._function is not None
        self.fit_view.setVisible(not is_function)
        self.dataset_panel.setEnabled(not is_function)
        for combo in (self.surface_x_combo, self.surface_y_combo):
            combo.setEnabled(not is_function)
        names = ("x", "y") if is_function else self._parameter_names(self.document.dataset)
        self.controls.set_parameter_names(names)
        if is_function:
            self.controls.set_init(self._function.init, emit=False)
        for action in self.problem_actions.values():
            action.setChecked(action.data() == (name or "data"))
        if reset:
            self._reset()

    @property
    def function(self):
        return self._function

    # --- runs ------------------------------------------------------------------------------
    def _parameter_names(self, dataset: Dataset) -> tuple[str, ...]:
        return tuple(f"w{i + 1}" for i in range(dataset.n_features)) + ("b",)

    def _reset(self, init: tuple[float, ...] | None = None, notice: str = "") -> None:
        """A fresh run on the current data and settings (paused, before iteration 1).

        ``notice`` is shown in the status line until the run takes a step.
        """
        self._notice = notice
        dataset = self.document.dataset
        config = self.controls.config()
        if init is not None:
            config = config.replace(init=init)
        n_params = 2 if self._function is not None else dataset.n_features + 1
        if config.init is not None and len(config.init) != n_params:
            config = config.replace(init=None)
        try:
            if self._function is not None:
                run = FunctionRun(self._function, config)
            else:
                run = TrainingRun(dataset, config)
        except ValueError as exc:
            self._run = None
            self._run_id += 1
            self._surface_timer.stop()
            self._surface_due = False
            self._refiner.cancel()
            self.worker.pause()
            self._show_error(str(exc))
            self.run_changed.emit(None)
            return
        self._config = config
        self._run = run
        self._run_id += 1
        self._last_frame = None
        self.worker.set_run(run, self._run_id)
        self._set_running(False)
        self.surface_model.set_run(run)
        self._sync_surface_axes(run)
        self._redraw_surface(force=True)
        self.loss_view.set_x_axis("epoch" if self.loss_epoch_check.isChecked() else "iteration",
                                  run.iterations_per_epoch)
        self.run_changed.emit(run)

    def _set_running(self, running: bool) -> None:
        run = self._run
        resumable = run is not None and run.iteration > 0 and not run.done
        self.buttons["pause"].setText("Resume" if resumable and not running else "Pause")
        self.buttons["pause"].setEnabled(running or resumable)
        self.controls.set_running(running)
        self._hold_refiner()

    def _hold_refiner(self) -> None:
        """No exact surface is computed while the run steps at full speed (see SurfaceRefiner)."""
        self._refiner.hold(self.controls.is_running() and self.controls.speed() == 0)

    def _set_status(self, text: str, color: str) -> None:
        if self.status_label.property("textColor") != color:  # restyling lays the window out again
            self.status_label.setProperty("textColor", color)
            self.status_label.setStyleSheet(f"color: {color};")
        self.status_label.setText(text)

    def _show_error(self, text: str) -> None:
        self._set_status(text, "#b00020")
        for key in ("start", "pause", "step", "step_epoch"):
            self.buttons[key].setEnabled(False)

    # --- slots ---------------------------------------------------------------------------
    def _on_dataset_changed(self, dataset: Dataset) -> None:
        if self._function is not None:
            self.set_function(None, reset=False)
        was_running = self.worker.is_running
        previous = self._run.dataset if self._run is not None else None
        preset = PRESETS.get(dataset.name)
        if preset and (previous is None or previous.name != dataset.name):
            # A newly chosen preset brings its model (insurance is a classification table).
            config = self.controls.config()
            if (config.model, config.standardize) != (preset.model, preset.standardize):
                self.controls.set_config(config.replace(
                    model=preset.model, loss=None, init=None, standardize=preset.standardize))
        self.controls.set_n_rows(dataset.n_rows)
        names = self._parameter_names(dataset)
        same_shape = self._run is not None and self._run.dataset.n_features == dataset.n_features
        if self.controls.parameter_names() != names:
            self.controls.set_parameter_names(names)
        # Editing pauses a run; it goes on from the current parameters on the new data.
        init = tuple(float(v) for v in self._run.params) if same_shape and self._run.iteration else None
        notice = "Paused because the data changed; press Start to go on from here." if was_running else ""
        self._reset(init=init, notice=notice)

    def _on_config_changed(self, config: TrainingConfig) -> None:
        self._reset()

    def _on_hyper_changed(self, hyper: dict) -> None:
        if self._run is None:
            self._reset()
            return
        try:
            self._config.with_hyper(**hyper).check(self._run.dataset)
        except ValueError as exc:
            self.status_label.setText(str(exc))
            return
        self._config = self._config.with_hyper(**hyper)
        if self._run.iteration == 0 and not self.worker.is_running:
            self._reset()
        else:
            self.worker.set_hyper(**hyper)
        epochs = self.controls.config().epochs
        if epochs != self._run.epochs:
            self.worker.set_epochs(epochs)

    def _ask_bowl_condition(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        value, ok = QInputDialog.getDouble(self, "Bowl", "Condition number κ (≥ 1):", 10.0, 1.0, 1e6, 2)
        if ok:
            self.set_function("bowl", value)

    def _speed_changed(self, speed: float) -> None:
        self.worker.set_speed(speed)
        self._hold_refiner()

    def _on_surface_clicked(self, x: float, y: float) -> None:
        if self._run is None:
            return
        i, j = self.surface_model.axes
        init = list(self.controls.config().init or np.zeros(self._run.params.size))
        init[i], init[j] = x, y
        self.worker.pause()
        self.controls.set_init(tuple(init))
        self._reset()

    def _on_surface_axes_changed(self) -> None:
        i, j = self.surface_x_combo.currentIndex(), self.surface_y_combo.currentIndex()
        if i < 0 or j < 0 or i == j or self._run is None:
            return
        self.surface_model.set_axes(i, j)
        self._redraw_surface(force=True)
        if self._last_frame is not None:
            self._draw_path(self._last_frame)

    def _on_loss_axis_changed(self, epochs: bool) -> None:
        ipe = self._run.iterations_per_epoch if self._run else 1
        self.loss_view.set_x_axis("epoch" if epochs else "iteration", ipe)
        self._fix_loss_x_range()

    def _sync_surface_axes(self, run: TrainingRun) -> None:
        """Offer the run's parameters in the axis combos, showing the tracker's axes."""
        names = list(run.parameter_names)
        i, j = self.surface_model.axes
        for combo, index in ((self.surface_x_combo, i), (self.surface_y_combo, j)):
            combo.blockSignals(True)
            if [combo.itemText(k) for k in range(combo.count())] != names:
                combo.clear()
                combo.addItems(names)
            combo.setCurrentIndex(index)
            combo.blockSignals(False)

    # --- drawing -------------------------------------------------------------------------
    def _redraw_surface(self, force: bool = False) -> None:
        for _ in self._surface_stages(force):
            pass

    def _surface_stages(self, force: bool = False):
        """Compute the surface, yield, then show it (two turns of the event loop in a frame)."""
        if self._run is None:  # the settings are invalid; the message says why
            return
        surface = self.surface_model.surface(force=force)
        if surface is None:
            return
        job = self.surface_model.take_job()
        if job is not None:
            self._refiner.submit(job)  # the exact surface replaces this preview when done
        run = self._run
        yield True
        if self._run is not run:
            return
        self._show_surface(surface, contours=False)
        yield True  # the window paints the new colours (over the old contours) ...
        if self._run is run:
            self.surface_view.draw_contours()  # ... then the new contour lines

    def _on_surface_refined(self, job, surface) -> None:
        if self._run is not None and self.surface_model.accept(job, surface):
            self._show_surface(surface)

    def _show_surface(self, surface, contours: bool = True) -> None:
        names = self._run.parameter_names
        i, j = self.surface_model.axes
        if self._function is not None:
            title = self._function.title  # the formula is in the surface's tooltip
            self.surface_view.setToolTip(self._function.formula)
            self.surface_view.set_surface(surface.values, surface.xs, surface.ys, "x", "y", title,
                                          contours=contours)
            minima = self.surface_model.minima
            self.surface_view.set_optimum(minima if len(minima) else None, "known minimum")
        else:
            title = f"{self._run.problem.loss.upper()} loss"
            if surface.preview:
                # from a sample of the rows, until the exact surface arrives; kept short:
                # a long title widens the plot past its pane (the colour bar is cut off)
                title += " (preview)"
            self.surface_view.set_surface(surface.values, surface.xs, surface.ys, names[i], names[j], title,
                                          contours=contours)
            opt = self.surface_model.optimum
            self.surface_view.set_optimum(None if opt is None else (opt[i], opt[j]))
        if self._last_frame is None:
            p = self._run.params
            self.surface_view.set_path(np.array([[p[i], p[j]]]))
            self._draw_fit(self._run.params)
            self._draw_loss_initial()
            self._draw_status(self._run.snapshot())

    def _follow_surface(self, params: np.ndarray):
        """Redraw the surface if the parameters left it, at most every SURFACE_COOLDOWN_MS
        (in stages: see _surface_stages)."""
        if self.surface_model.follow(params):
            self._surface_due = True
        if self._surface_due and not self._surface_timer.isActive():
            self._surface_due = False
            self._surface_timer.start()
            yield from self._surface_stages()
            yield True

    def _on_surface_cooldown(self) -> None:
        if self._surface_due and not self.worker.is_running:  # else the next frame redraws it
            self._surface_due = False
            self._redraw_surface()

    def _draw_loss_initial(self) -> None:
        h = self._run.history
        self.loss_view.set_series(h.iteration, h.batch_loss, h.iteration, h.full_loss)
        self._fix_loss_x_range()

    def _fix_loss_x_range(self) -> None:
        """Short runs show their whole length from the start, so the curve fills in."""
        run = self._run
        if run is None or run.total_iterations > LOSS_FULL_RANGE_ITERATIONS:
            return
        end = run.total_iterations
        if self.loss_epoch_check.isChecked():
            end /= run.iterations_per_epoch
        self.loss_view.show_x_until(end)

    def _on_frame_ready(self) -> None:
        """Draw the worker's newest frame, one plot per turn of the event loop.

        Each stage runs in its own turn (a zero timer: after the paint the
        previous stage caused, and after any other waiting event), so no
        single event holds the window for a whole frame. A frame that arrives
        meanwhile waits and is taken when this one is done.
        """
        if self._stages is None and not self._stage_timer.isActive():
            self._stage_timer.start()

    def _next_stage(self) -> None:
        if self._stages is None:
            frame = self.worker.take_frame()
            if frame is None:
                self._paint_fence.arm()  # the worker steps on once the plots are painted
                return
            self._stages = self._frame_stages(frame)
        if next(self._stages, None) is None:  # done (or the run was replaced)
            self._stages = None
        self._stage_timer.start()  # the next stage, or the next frame, or arming the fence

    def _on_frame(self, frame: Frame) -> None:
        """Draw a frame all at once."""
        for _ in self._frame_stages(frame):
            pass

    def _frame_stages(self, frame: Frame):
        """Draw ``frame``; yields (True) after each plot, between which the window paints."""
        if frame.run_id != self._run_id or self._run is None:
            return  # from a run that has been replaced
        snap = frame.snapshot
        yield from self._follow_surface(snap.params)
        if frame.run_id != self._run_id:
            return
        self._draw_path(frame)
        style.settle_ranges(self.surface_view)
        yield True
        if frame.run_id != self._run_id:
            return
        # a live series while the run goes on (drawn incrementally); the end is drawn whole
        key = None if snap.done else frame.run_id
        self.loss_view.set_series(frame.iterations, frame.batch_loss, frame.iterations, frame.full_loss,
                                  self._epoch_boundaries(frame), series_key=key)
        self._fix_loss_x_range()
        style.settle_ranges(self.loss_view)
        yield True
        if frame.run_id != self._run_id:
            return
        self._last_frame = frame  # (drawn, once this stage is over)
        self._draw_fit(snap.params)
        style.settle_ranges(self.fit_view)
        if self._function is None:
            self.dataset_panel.highlight_rows(snap.batch_rows if self._run.mode != "batch" else [])
        self._draw_status(snap)
        if snap.done:
            self._set_running(False)
            self.buttons["pause"].setEnabled(False)
        self.frame_drawn.emit(frame)

    def _epoch_boundaries(self, frame: Frame) -> np.ndarray | None:
        ipe = frame.snapshot.iterations_per_epoch
        if ipe <= 1:
            return None
        return np.arange(ipe, frame.snapshot.iteration + 1, ipe)

    def _draw_path(self, frame: Frame) -> None:
        i, j = self.surface_model.axes
        self.surface_view.set_path(_column_pair(frame.params, i, j), series_key=frame.run_id)

    def _draw_fit(self, params: np.ndarray) -> None:
        run = self._run
        if self._function is not None:
            return  # no data to fit: the fit plot is hidden
        theta = run.standardizer.params_to_original(params) if run.standardizer else params
        optimum = self.surface_model.optimum_original
        picture = fit_picture(run.dataset, run.problem, theta, optimum)
        view = self.fit_view
        if picture.kind == "line":
            view.show_line_fit(picture.x, picture.y, *picture.curve, picture.x_label, picture.y_label,
                               picture.optimum_curve)
        elif picture.kind == "logistic_1d":
            view.show_logistic_1d(picture.x, picture.y, *picture.curve, picture.x_label, picture.y_label)
        elif picture.kind == "boundary":
            view.show_decision_boundary(picture.x, picture.y, picture.labels, picture.curve,
                                        picture.x_label, picture.y_label)
        else:
            view.show_predicted_vs_actual(picture.x, picture.y, run.dataset.target)
        if run.mode != "batch" and self._last_frame is not None:
            view.highlight_rows(self._last_frame.snapshot.batch_rows)
        else:
            view.highlight_rows([])

    def _draw_status(self, snap) -> None:
        run = self._run
        value, maximum = progress_units(snap.iteration, snap.total_iterations)
        self.progress.setMaximum(maximum)
        self.progress.setValue(value)
        self.progress.setFormat(f"{snap.iteration} / {snap.total_iterations}")
        names = run.parameter_names
        params = ", ".join(f"{n} = {v:.4g}" for n, v in zip(names, snap.params))
        parts = [
            f"epoch {snap.epoch}/{snap.epochs}",
            f"iteration {snap.iteration_in_epoch} of {snap.iterations_per_epoch} in this epoch",
            f"{snap.iteration} total",
            f"loss {snap.loss:.6g}",
            params,
        ]
        text = " · ".join(parts)
        color = "#1b1b1b"
        if snap.status == "diverged":
            text = f"{snap.message}  ({text})"
            color = "#b00020"
        elif snap.done:
            text = f"{snap.message} {text}"
            color = "#0b6e2e"
        elif snap.iteration == 0:
            text = f"{self._notice or 'Ready: press Start (' + RUN_SHORTCUTS['start'] + ').'} {text}"
        self._set_status(text, color)
        for key in ("start", "step", "step_epoch"):
            self.buttons[key].setEnabled(True)
        self.buttons["pause"].setEnabled(not snap.done and (snap.iteration > 0 or self.worker.is_running))

    # --- drag and drop: a CSV dropped anywhere on the window is imported ---------------
    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if self.dataset_panel.accept_drop(event.mimeData().urls()):
            event.acceptProposedAction()

    # --- closing ------------------------------------------------------------------------
    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if self.document.is_modified and not self._confirm_discard():
            event.ignore()
            return
        self.shutdown()
        super().closeEvent(event)

    def _confirm_discard(self) -> bool:
        if not self.isVisible() or not self.ask_before_discarding:
            return True
        answer = QMessageBox.question(
            self, "Unsaved data", "The dataset has unsaved edits. Close anyway and lose them?",
            QMessageBox.Discard | QMessageBox.Cancel, QMessageBox.Cancel,
        )
        return answer == QMessageBox.Discard

    def shutdown(self) -> None:
        """Stop the training and surface threads (idempotent)."""
        self._refiner.cancel(wait=True)
        self._thread.shutdown()


def _column_pair(a: np.ndarray, i: int, j: int) -> np.ndarray:
    """``a[:, [i, j]]`` as a view (no copy of a long history) when i != j."""
    if i == j:
        return a[:, [i, j]]
    stop = j + 1 if j > i else (j - 1 if j > 0 else None)
    return a[:, i:stop:j - i]


# QProgressBar counts in a C int (at most 2³¹ − 1); a run can have more iterations
# (a million epochs of 6,250 mini-batches), so long runs are shown in millionths.
PROGRESS_UNITS = 1_000_000


def progress_units(iteration: int, total: int) -> tuple[int, int]:
    """(value, maximum) of the progress bar: iterations, or millionths of the run when longer."""
    total = max(1, total)
    if total <= PROGRESS_UNITS:
        return min(iteration, total), total
    return min(PROGRESS_UNITS, iteration * PROGRESS_UNITS // total), PROGRESS_UNITS
