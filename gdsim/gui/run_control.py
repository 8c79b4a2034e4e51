"""Run control: the worker thread, the Run menu and buttons, and what Start, Pause,
Step, Step epoch and Reset do to the current run.

``RunControl`` is a mixin of ``MainWindow``: it reads the window's ``controls``
and views, and owns ``_run``, ``_run_id``, ``_thread`` and the run buttons.
"""

from __future__ import annotations

from contextlib import contextmanager

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QPushButton, QToolBar

from ..core.training import TrainingRun
from .worker import PaintFence, WorkerThread

RUN_SHORTCUTS = {
    "start": "F5", "pause": "F6", "step": "F10", "step_epoch": "Shift+F10", "reset": "Ctrl+R",
}


class RunControl:
    """Start/pause/step/reset of the window's run, driven on a ``WorkerThread``."""

    def _init_run_control(self) -> None:
        self._run: TrainingRun | None = None
        self._run_id = 0
        self._notice = ""
        self._resets_held = 0  # inside changes_at_once()
        self._reset_due: tuple | None = None  # the last reset asked for meanwhile (its arguments)
        self._thread = WorkerThread()
        self._thread.worker.frame_ready.connect(self._on_frame_ready)
        self._thread.worker.wait_for_gui = True
        self._paint_fence = PaintFence(self, self._thread.worker.frame_drawn)

    def _build_run_actions(self) -> None:
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

    @contextmanager
    def changes_at_once(self):
        """Data, settings and speed changed together (opening a session or a lesson): the
        resets they ask for become one, the last, when the block ends (each made a run and
        drew its surface: three times for every lesson opened)."""
        self._resets_held += 1
        try:
            yield
        finally:
            self._resets_held -= 1
            if not self._resets_held and self._reset_due is not None:
                init, notice = self._reset_due
                self._reset_due = None
                self._reset(init, notice)

    def _reset(self, init: tuple[float, ...] | None = None, notice: str = "") -> None:
        """A fresh run on the current data and settings (paused, before iteration 1).

        ``notice`` is shown in the status line until the run takes a step.
        """
        if self._resets_held:
            self._reset_due = (init, notice)
            return
        self._notice = notice
        config = self.controls.config()
        source = self._follow_config(config)  # (a network's parameters follow its layers)
        config = self.controls.config()
        if init is None:
            # the start-point fields are where the run starts, (0, 0) included
            init = self.controls.init()
            if len(init) != source.n_parameters:
                init = source.default_init
            elif init == (source.default_init or (0.0,) * len(init)):
                init = None  # the source's own default (zeros, or a network's torch init)
        config = config.replace(init=init)
        try:
            run = source.make_run(config)
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
        self.status_label.set_moving(running)
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

    def _on_hyper_changed(self, hyper: dict) -> None:
        if self._run is None:
            self._reset()
            return
        try:
            self._source.check(self._config.with_hyper(**hyper))
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

    def _speed_changed(self, speed: float) -> None:
        self.worker.set_speed(speed)
        self._hold_refiner()
