"""The main window: dataset, controls, run buttons and the three live plots.

The window owns the current ``TrainingRun`` only to hand it to the worker
thread and to read its history; every training step happens on the worker.
Its parts each have a module: run control (``run_control``), frame drawing
(``frames``) and the Problem menu (``problem_menu``); this one builds the
window and reacts to the dataset, the controls and the surface.
"""

from __future__ import annotations

from contextlib import nullcontext

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDockWidget, QHBoxLayout, QLabel, QMainWindow, QMessageBox,
    QScrollArea, QSizePolicy, QSplitter, QVBoxLayout, QWidget,
)

from ..core.dataset import Dataset
from ..core.presets import DEFAULT_PRESET, list_presets, load_preset
from ..core.source import ProblemSource, source_for
from ..core.training import TrainingConfig, TrainingRun
from .controls import ControlsPanel
from .dataset import DatasetDocument, DatasetPanel
from .frames import DRAW_IN_TURNS_ROWS, FrameDrawing
from .plots import FitView, LossView, SurfaceView
from .problem_menu import ProblemMenu
from .run_control import RunControl
from .status_line import RunProgress, StatusLine, StatusSlot

APP_TITLE = "gdsim — gradient descent simulator"
SURFACE_PLANES = (("two parameters", "params"), ("PCA of the path", "pca"),
                  ("random (filter-normalised)", "random"))
PRESETS = {p.id: p for p in list_presets()}  # each opens with its own model (xor, spiral: an MLP)


class MainWindow(RunControl, FrameDrawing, ProblemMenu, QMainWindow):
    """``MainWindow()`` opens on the default preset, ready to press Start.

    Features beyond the basic loop (gdsim.gui.features) plug in through
    ``menu(title)``, ``add_dock(...)`` and the ``run_changed`` / ``frame_drawn``
    signals, so they live in their own modules.
    """

    run_changed = Signal(object)  # the new TrainingRun (or None when the settings are invalid)
    frame_drawn = Signal(object)  # a worker Frame, after the main plots drew it
    optimum_found = Signal(object)  # the run whose least-squares optimum arrived from its thread

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
        self.ask_before_discarding = True  # closing with unsaved edits asks first
        self._init_run_control()
        self._init_frames()

        self.document = DatasetDocument(dataset, parent=self)
        self._build_views()
        self._build_actions()
        self.resize(1600, 1000)
        self.resizeDocks([self.findChild(QDockWidget, "datasetDock")], [300], Qt.Horizontal)
        self.centralWidget().setSizes([560, 440])
        self._source = self._data_source = source_for(dataset, config)
        self.controls.set_n_rows(dataset.n_rows)
        self.controls.set_model_losses(self._source.model_losses())
        self.controls.set_parameter_names(self._source.parameter_names)
        self.controls.set_default_init(self._source.default_init, self._source.applies.network)
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

        self.surface_plane_combo = QComboBox(objectName="landscapePlaneCombo")
        for text, plane in SURFACE_PLANES:
            self.surface_plane_combo.addItem(text, plane)
        self.surface_plane_combo.setToolTip(
            "Two parameters: the others held at their current values.\n"
            "PCA of the path, or random (filter-normalised, as in Li et al. 2018): a plane through "
            "the current parameters, recomputed at most once a second while the run moves; "
            "the path is drawn as its projection onto the plane.")
        self.surface_plane_combo.currentIndexChanged.connect(self._on_surface_plane_changed)
        self.surface_plane_combo.setMinimumWidth(90)  # as wide as its text where there is room
        self.surface_x_combo = QComboBox(objectName="surfaceXCombo")
        self.surface_y_combo = QComboBox(objectName="surfaceYCombo")
        for combo in (self.surface_x_combo, self.surface_y_combo):
            combo.currentIndexChanged.connect(self._on_surface_axes_changed)
            # a network has ~100 parameters: a scrolling list of 20; and where the pane is narrow
            # (1280 px) the combos give way rather than the plots
            combo.setMaxVisibleItems(20)
            combo.setMinimumWidth(60)
        self._surface_axes_widgets = (QLabel("over"), self.surface_x_combo, QLabel("and"), self.surface_y_combo)
        surface_bar = QHBoxLayout()
        # (no "Loss surface" label: at 1280 px its width elided the plane's name; the plot's title says it)
        surface_bar.addWidget(self.surface_plane_combo)
        for widget in self._surface_axes_widgets:
            surface_bar.addWidget(widget)
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

        self.progress = RunProgress(objectName="progressBar")
        self.status_label = StatusLine(objectName="statusLabel")
        self.status_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.status_label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)  # never widens the window
        font = self.status_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.status_label.setFont(font)
        self.statusBar().addWidget(StatusSlot(self.status_label), 1)
        self.statusBar().addPermanentWidget(self.progress)

    def _build_actions(self) -> None:
        self._build_run_actions()
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
        self._build_problem_menu()
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

    # --- slots ---------------------------------------------------------------------------
    def _on_dataset_changed(self, dataset: Dataset) -> None:
        """New or edited data: a new dataset starts afresh from the start-point fields; an
        edit pauses the run, which goes on from its current parameters, with every setting kept."""
        was_running = self.worker.is_running
        on_data = self._source.applies.table
        source = source_for(dataset, self.controls.config())
        new_problem = not source.is_same_problem(self._data_source)
        run = self._run if on_data else None
        self._data_source = source
        if new_problem:
            self.dataset_panel.clear_message()  # (an import says what it read after this)
        if not on_data:
            self.set_problem(source, reset=False)  # loading data leaves a test function
        self._source = source
        self.controls.set_model_losses(source.model_losses())
        preset = PRESETS.get(dataset.name)
        if preset and new_problem:
            # A newly chosen preset brings its model (insurance is a classification table,
            # spiral a network's).
            config = self.controls.config()
            if (config.model, config.standardize) != (preset.model, preset.standardize):
                self.controls.set_config(config.replace(
                    model=preset.model, loss=None, init=None, standardize=preset.standardize))
        self.controls.set_n_rows(dataset.n_rows)
        source = self._follow_config(self.controls.config())
        init = None
        if not new_problem and run is not None and run.iteration and run.params.size == source.n_parameters:
            init = tuple(float(v) for v in run.params)
        notice = "Paused because the data changed; press Start to go on from here." \
            if was_running and init is not None else ""
        with self.drawing_in_turns() if dataset.n_rows >= DRAW_IN_TURNS_ROWS else nullcontext():
            self._reset(init=init, notice=notice)  # (a big table's plots: a part per turn)

    def _on_config_changed(self, config: TrainingConfig) -> None:
        self._reset()

    def _follow_config(self, config: TrainingConfig) -> ProblemSource:
        """The source for ``config`` (a dataset's parameters depend on the model: a network's
        are torch's), made current; the start-point inputs follow its parameters."""
        source = self._source.for_config(config)
        self._source = source
        if source.applies.table:
            self._data_source = source
        if self.controls.parameter_names() != source.parameter_names:
            self.controls.set_parameter_names(source.parameter_names)
        self.controls.set_default_init(source.default_init, source.applies.network)
        return source

    def _on_surface_clicked(self, x: float, y: float) -> None:
        """Start from the clicked point: on a pca/random plane, the parameters at that point of it."""
        if self._run is None:
            return
        tracker = self.surface_model
        if tracker.on_plane:
            point = tracker.plane_point(x, y)
            if point is None:
                return  # (the plane is still being computed)
            init = [float(v) for v in point]
        else:
            i, j = tracker.axes
            init = list(self.controls.init())
            init[i], init[j] = x, y
        self.worker.pause()
        self.controls.set_init(tuple(init))
        self._reset()

    def _on_surface_axes_changed(self) -> None:
        i, j = self.surface_x_combo.currentIndex(), self.surface_y_combo.currentIndex()
        if i < 0 or j < 0 or i == j or self._run is None:
            return
        self.surface_model.set_axes(i, j)
        if self.surface_model.on_plane:
            return  # (kept for when two parameters are chosen again)
        self._redraw_surface(force=True)
        if self._last_frame is not None:
            self._draw_path(self._last_frame)

    def _on_surface_plane_changed(self) -> None:
        plane = self.surface_plane_combo.currentData()
        for widget in self._surface_axes_widgets:
            widget.setVisible(plane == "params")
        if plane == self.surface_model.plane and self._run is not None:
            return
        self.surface_model.set_plane(plane)
        if self._run is None:
            return
        self._redraw_surface(force=True)
        if self._last_frame is not None:
            self._draw_path(self._last_frame)

    def pick_surface_parameter(self, index: int) -> None:
        """Show the surface over parameter ``index`` (x) and the current y (or, when that is
        ``index``, the current x) on the two-parameter plane."""
        run = self._run
        n = len(run.parameter_names) if run is not None else self.surface_x_combo.count()
        if not 0 <= index < n or n < 2:
            return
        i, j = self.surface_x_combo.currentIndex(), self.surface_y_combo.currentIndex()
        if j == index or j < 0:
            j = i if 0 <= i != index else (index + 1) % n
        plane = self.surface_plane_combo
        plane.blockSignals(True)
        plane.setCurrentIndex(plane.findData("params"))
        plane.blockSignals(False)
        for widget in self._surface_axes_widgets:
            widget.setVisible(True)
        if self.surface_model.on_plane:
            self.surface_model.set_plane("params")
        self.surface_y_combo.blockSignals(True)
        self.surface_y_combo.setCurrentIndex(j)
        self.surface_y_combo.blockSignals(False)
        if self.surface_x_combo.currentIndex() != index:
            self.surface_x_combo.setCurrentIndex(index)  # (pinned runs and races redraw on it)
        else:
            self._on_surface_axes_changed()

    def _on_loss_axis_changed(self, epochs: bool) -> None:
        ipe = self._run.iterations_per_epoch if self._run else 1
        self.loss_view.set_x_axis("epoch" if epochs else "iteration", ipe)
        self._fix_loss_x_range()

    def _sync_surface_axes(self, run: TrainingRun) -> None:
        """Offer the run's parameters in the axis combos and the planes that apply to it
        (a test function: two parameters only), showing the tracker's choice."""
        names = list(run.parameter_names)
        i, j = self.surface_model.axes
        for combo, index in ((self.surface_x_combo, i), (self.surface_y_combo, j)):
            combo.blockSignals(True)
            if [combo.itemText(k) for k in range(combo.count())] != names:
                combo.clear()
                combo.addItems(names)
            combo.setCurrentIndex(index)
            combo.blockSignals(False)
        planes = run.source.applies.surface_planes
        combo = self.surface_plane_combo
        items = combo.model()
        for k in range(combo.count()):
            items.item(k).setEnabled(planes or combo.itemData(k) == "params")
        combo.setEnabled(planes)
        combo.blockSignals(True)
        combo.setCurrentIndex(combo.findData(self.surface_model.plane))
        combo.blockSignals(False)
        for widget in self._surface_axes_widgets:
            widget.setVisible(not self.surface_model.on_plane)

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
        self._optimum_solver.cancel(wait=True)
        self._thread.shutdown()
