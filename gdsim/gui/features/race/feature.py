"""Teach ▸ Optimizer race: 2 to 8 optimizer settings racing on the window's data.

The panel (.panel) holds the settings; this module builds a core
``Race`` from the window's current dataset and controls, runs it on its own
``WorkerThread`` and draws every entry's path on the loss surface and its
full-dataset loss on the loss plot, each in its palette colour.  The dock is
there from the start; the panel in it is built when it is first shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QScrollArea

from ...plots.style import palette_color
from ...plots.surface_view import downsample_path_indices
from ...worker import WorkerThread

if TYPE_CHECKING:
    from ....core.race import Race, RaceSnapshot
    from .panel import RacePanel

PANEL_WIDTH = 440
#: a diverging entry's loss curve stops above this multiple of the largest starting loss
LOSS_CAP_FACTOR = 10.0
#: at most this many points of each race path are handed to the surface view
MAX_RACE_PATH_POINTS = 1500

# Threads whose shutdown timed out are kept alive here: deleting a running
# QThread aborts the program.
_STUCK_THREADS: list[WorkerThread] = []


@dataclass(frozen=True)
class RaceFrame:
    """What the race draws: the race snapshot plus read-only views of each entry's history.

    The views cover rows the worker never writes again (the last row's
    full-dataset loss may be filled in once, from NaN to its value).
    """

    snapshot: RaceSnapshot
    params: tuple[np.ndarray, ...]
    full_loss: tuple[np.ndarray, ...]
    run_id: int
    iterations: tuple[np.ndarray, ...] = ()  # each row's iteration (a thinned history's)


def race_frame(race: Race, run_id: int) -> RaceFrame:
    """The worker's frame factory for a Race (runs on the worker thread)."""
    return RaceFrame(
        snapshot=race.snapshot(),
        params=tuple(run.history.params for run in race.runs),
        full_loss=tuple(run.history.full_loss for run in race.runs),
        run_id=run_id,
        iterations=tuple(run.history.iteration for run in race.runs),
    )


class RaceFeature(QObject):
    """The race action, dock and worker of one main window."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self._panel: RacePanel | None = None  # built by _ensure_panel
        self.dock = QDockWidget("Optimizer race", window, objectName="racePanel")
        self.dock.visibilityChanged.connect(lambda visible: visible and self._ensure_panel())
        window.add_dock(self.dock, Qt.RightDockWidgetArea, visible=False)
        self._tabified = False

        self.action = QAction("Optimizer race…", window, objectName="actionRace")
        self.action.setToolTip("Race 2 to 8 optimizers on the same data, start and mini-batches")
        self.action.triggered.connect(self.open)
        window.menu("&Teach").addAction(self.action)
        window.toolbar.addAction(self.action)

        self._thread: WorkerThread | None = None
        self._race: Race | None = None
        self._run_id = 0
        self._handles: list = []
        self._curves: list = []
        self._loss_cap = float("inf")
        self._last_frame: RaceFrame | None = None

        window.controls.speed_changed.connect(self._on_speed_changed)
        window.run_changed.connect(self._on_run_changed)
        window.frame_drawn.connect(self._on_window_frame)
        for combo in (window.surface_x_combo, window.surface_y_combo):
            combo.currentIndexChanged.connect(self._redraw_last)
        window.installEventFilter(self)
        window.destroyed.connect(self.shutdown)

    # --- public ---------------------------------------------------------------------------
    @property
    def panel(self) -> RacePanel:
        """The settings and results panel in the dock (built the first time it is needed)."""
        return self._ensure_panel()

    def _ensure_panel(self) -> RacePanel:
        if self._panel is None:
            from .panel import RacePanel

            self._panel = RacePanel()
            self._panel.start_requested.connect(self.start)
            self._panel.stop_requested.connect(self.stop)
            # in a scroll area: in presentation mode its rows are wider than a 1280-px
            # projector's side column
            area = QScrollArea(objectName="raceScroll", widgetResizable=True)
            area.setFrameShape(QScrollArea.NoFrame)
            area.setWidget(self._panel)
            self.dock.setWidget(area)
            self._panel.show()  # now, not on the next event-loop pass if the dock is showing
        return self._panel

    @property
    def race(self) -> Race | None:
        return self._race

    @property
    def thread(self) -> WorkerThread | None:
        return self._thread

    @property
    def last_frame(self) -> RaceFrame | None:
        return self._last_frame

    @property
    def is_running(self) -> bool:
        return self._thread is not None and self._thread.worker.is_running

    def open(self) -> None:
        """Show the panel, as a tab next to the dataset (tabified on first use: done
        before the window is shown, Qt leaves a stray tab bar at its top-left corner)."""
        data_dock = self.window.findChild(QDockWidget, "datasetDock")
        if not self._tabified and data_dock is not None and not self.dock.isFloating() \
                and self.window.dockWidgetArea(data_dock) == self.window.dockWidgetArea(self.dock):
            self.window.tabifyDockWidget(data_dock, self.dock)
            self._tabified = True
        self._ensure_panel()  # before the dock shows
        self.dock.show()
        self.dock.raise_()
        self.window.resizeDocks([self.dock], [PANEL_WIDTH], Qt.Horizontal)

    def start(self) -> None:
        """A new race of the panel's rows on the window's current data and settings."""
        from ....core.race import Race

        window = self.window
        try:
            entries = self.panel.entries()
        except ValueError as exc:
            self.panel.show_message(str(exc), error=True)
            return
        if not window.source.applies.table:
            self.panel.show_message(f"The race runs on data, not on {window.source.title}: "
                                    "choose Problem ▸ Data first.", error=True)
            return
        dataset = window.document.dataset
        config = window.controls.config()
        if config.init is not None and len(config.init) != dataset.n_features + 1:
            config = config.replace(init=None)
        try:
            race = Race(dataset, config, entries, threshold=self.panel.threshold())
        except ValueError as exc:
            self.panel.show_message(str(exc), error=True)
            return
        if window.worker.is_running:
            window.toggle_pause()  # one thing moves at a time; Resume continues the window's run
        self._stop_worker()
        self._race = race
        self._run_id += 1
        self._last_frame = None
        self._clear_drawings()
        starts = [run.history.full_loss[0] for run in race.runs]
        finite = [v for v in starts if np.isfinite(v)]
        self._loss_cap = LOSS_CAP_FACTOR * max(max(finite, default=1.0), 1e-12)
        i, j = self._axes()
        for k, (label, run) in enumerate(zip(race.labels, race.runs)):
            points = window.surface_model.project(run.history.params) if i is not None else np.empty((0, 2))
            self._handles.append(window.surface_view.add_race_path(points, palette_color(k), label))
        self._draw_losses([run.history.full_loss for run in race.runs],
                          [run.history.iteration for run in race.runs])
        window.loss_view.set_main_visible(False)  # the window's run is paused at its start
        snap = race.snapshot()
        self.panel.show_results(race.labels, snap.entries, snap.iterations_to_threshold,
                                snap.threshold, done=False, auto=snap.auto_threshold)
        thread = self._ensure_thread()
        thread.worker.set_speed(window.controls.speed())
        thread.worker.set_run(race, self._run_id)
        thread.worker.start()
        self.panel.set_running(True)
        self.panel.show_message(f"Racing {len(entries)} optimizers: iteration 0 of {race.total_iterations}.")

    def stop(self) -> None:
        if self._thread is not None:
            self._thread.worker.pause()
        self.panel.set_running(False)
        if self._race is not None and not self._race.done:
            frame = self._last_frame
            at = frame.snapshot.iteration if frame is not None else 0
            self.panel.show_message(f"Stopped at iteration {at}; Start race begins a new race.")

    def shutdown(self) -> None:
        """Stop the race thread (idempotent)."""
        thread, self._thread = self._thread, None
        if thread is not None and not thread.shutdown():
            _STUCK_THREADS.append(thread)

    # --- internals --------------------------------------------------------------------------
    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        if watched is self.window and event.type() == QEvent.Close:
            self.shutdown()
            if self._panel is not None:
                self._panel.set_running(False)
        return False

    def _ensure_thread(self) -> WorkerThread:
        if self._thread is None:
            self._thread = WorkerThread(frame_factory=race_frame)
            self._thread.setObjectName("gdsim-race")
            self._thread.worker.frame_ready.connect(self._on_frame_ready)
        return self._thread

    def _stop_worker(self) -> None:
        if self._thread is not None:
            self._thread.worker.pause()

    def _on_speed_changed(self, speed: float) -> None:
        if self._thread is not None:
            self._thread.worker.set_speed(speed)

    def _on_run_changed(self, run) -> None:
        """Drop the race when the window's data or problem no longer match it."""
        race = self._race
        if race is None:
            return
        base = race.base_config
        same = (run is not None and run.dataset is race.dataset
                and (run.config.model, run.config.loss_name, run.config.reduction, run.config.standardize)
                == (base.model, base.loss_name, base.reduction, base.standardize))
        if same:
            return
        self._stop_worker()
        self._race = None
        self._run_id += 1
        self._last_frame = None
        self._clear_drawings()
        self.panel.set_running(False)
        self.panel.show_message("The race was cleared because the data or the model changed; "
                                "press Start race to race on the new settings.")

    def _axes(self) -> tuple[int | None, int | None]:
        i, j = self.window.surface_model.axes
        race = self._race
        n = race.runs[0].params.size if race is not None else 0
        if race is None or not (0 <= i < n and 0 <= j < n):
            return None, None
        return i, j

    def _clear_drawings(self) -> None:
        self.window.surface_view.clear_race_paths()
        self._remove_curves()
        self._handles = []
        self.window.loss_view.set_main_visible(True)

    def _on_window_frame(self, _frame) -> None:
        """The window's own run moves again: its loss curves come back beside the race's."""
        if not self.is_running:
            self.window.loss_view.set_main_visible(True)

    def _remove_curves(self) -> None:
        """Take out only the race's loss curves (other features have theirs too)."""
        loss_view = self.window.loss_view
        for item in self._curves:
            loss_view.remove_extra_series(item)
        self._curves = []

    def _draw_losses(self, curves, iterations=()) -> None:
        """Each entry's full-dataset loss; a diverging one is cut where it leaves the picture
        (above LOSS_CAP_FACTOR times the largest starting loss), so the others stay readable."""
        loss_view = self.window.loss_view
        cap = self._loss_cap
        xs, ys = [], []
        for k, full in enumerate(curves):
            y = np.asarray(full, dtype=float)
            x = iterations[k][: len(y)] if k < len(iterations) else np.arange(len(y))
            with np.errstate(invalid="ignore"):
                beyond = np.flatnonzero(y > cap)
            xs.append(x[: beyond[0]] if beyond.size else x)
            ys.append(y[: beyond[0]] if beyond.size else y)
        if len(self._curves) == len(ys):
            loss_view.update_extra_series_many([(item, x, y) for item, x, y in zip(self._curves, xs, ys)])
            return
        self._remove_curves()
        for k, (label, x, y) in enumerate(zip(self._race.labels, xs, ys)):
            self._curves.append(loss_view.add_extra_series(x, y, label, palette_color(k)))

    @property
    def loss_curves(self) -> list:
        """The race's items on the loss plot, one per entry."""
        return list(self._curves)

    def _on_frame_ready(self) -> None:
        if self._thread is None:
            return
        frame = self._thread.worker.take_frame()
        if frame is None or frame.run_id != self._run_id or self._race is None:
            return
        self._last_frame = frame
        self._draw(frame)

    def _redraw_last(self, *_args) -> None:
        if self._last_frame is not None and self._last_frame.run_id == self._run_id:
            self._draw(self._last_frame)

    def _draw(self, frame: RaceFrame) -> None:
        snap = frame.snapshot
        i, j = self._axes()
        if i is not None:
            self._grow_surface(frame.params, i, j)
            for handle, params in zip(self._handles, frame.params):
                points = self.window.surface_model.project(params)  # (two columns, or on the plane)
                if len(points) > MAX_RACE_PATH_POINTS:  # up to 8 paths: keep painting cheap
                    points = points[downsample_path_indices(points, MAX_RACE_PATH_POINTS)]
                self.window.surface_view.update_race_path(handle, points)
        self._draw_losses(frame.full_loss, frame.iterations)
        self.panel.show_results(snap.labels, snap.entries, snap.iterations_to_threshold,
                                snap.threshold, snap.done, auto=snap.auto_threshold)
        text = f"Iteration {snap.iteration} of {snap.total_iterations}."
        diverged = [f"{label}: {s.message}" for label, s in zip(snap.labels, snap.entries)
                    if s.status == "diverged"]
        if snap.done:
            text = f"Race finished after {snap.iteration} iterations." + self._winner_text(snap)
            self.panel.set_running(False)
        self.panel.show_message(" ".join([text, *diverged]))

    def _grow_surface(self, params, i: int, j: int) -> None:
        """Grow the loss surface to hold every raced path (as the window's own run does)."""
        window = self.window
        corners = []
        for p in params:
            xy = p[:, [i, j]]
            xy = xy[np.isfinite(xy).all(axis=1)]
            if len(xy):
                corners += [xy.min(axis=0), xy.max(axis=0)]
        if corners and window.surface_model.include(np.array(corners)):
            window._redraw_surface()  # the window's own redraw (computed, then shown)

    @staticmethod
    def _winner_text(snap: RaceSnapshot) -> str:
        live = [(s.loss, label) for label, s in zip(snap.labels, snap.entries)
                if s.status != "diverged" and np.isfinite(s.loss)]
        if not live:
            return ""
        loss, label = min(live)
        text = f" Lowest final loss: {label} ({loss:.4g})."
        if snap.threshold is not None:
            hits = [(hit, label) for label, hit in zip(snap.labels, snap.iterations_to_threshold)
                    if hit is not None]
            if hits:
                hit, first = min(hits)
                text += f" First to loss ≤ {snap.threshold:.4g}: {first} (iteration {hit})."
        return text


def install(window) -> RaceFeature:
    feature = RaceFeature(window)
    window.race_feature = feature
    return feature
