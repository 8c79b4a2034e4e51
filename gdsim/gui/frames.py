"""Frame drawing: the worker's frames drawn into the surface, loss and fit plots and the
status line, in stages (one plot per turn of the event loop).

``FrameDrawing`` is a mixin of ``MainWindow``: it reads the window's views and
``_run``, and owns ``_last_frame``, the stage and surface timers and the refiner.
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np
from PySide6.QtCore import QTimer

from ..core.fit_model import run_picture
from ..core.surface_tracker import PlaneJob, SurfaceTracker
from .plots import placement, style
from .run_control import RUN_SHORTCUTS
from .status_line import accuracy_text
from .surface_refiner import SurfaceRefiner
from .worker import Frame

LOSS_FULL_RANGE_ITERATIONS = 20_000
SURFACE_COOLDOWN_MS = 1000  # also the least time between two pca/random planes
# New data of at least this many rows (a CSV import, a preset, undo) is drawn in turns
# (``drawing_in_turns``): 10⁶ rows' fit and surface at once held the window 0.3-0.6 s.
DRAW_IN_TURNS_ROWS = 200_000
PROJECTION_NOTE = "Path projected onto the plane: points off it are not on the surface."


class FrameDrawing:
    """Draws the current run's frames; see ``_frame_stages``."""

    def _init_frames(self) -> None:
        self._last_frame: Frame | None = None
        self.surface_model = SurfaceTracker()
        self._refiner = SurfaceRefiner(self)
        self._refiner.finished.connect(self._on_surface_refined)
        # a big table's least-squares optimum, solved on a thread of its own (never held)
        self._optimum_solver = SurfaceRefiner(self)
        self._optimum_solver.finished.connect(self._on_optimum_found)
        # The surface follows the run at most every SURFACE_COOLDOWN_MS, and
        # while running only as stages of a frame (computed, then shown).
        self._surface_due = False
        self._in_turns = 0  # > 0: surfaces are drawn a stage per turn (drawing_in_turns)
        self._stages = None  # the frame being drawn, a generator of stages (_frame_stages)
        self._stage_timer = QTimer(self, singleShot=True, interval=0)
        self._stage_timer.timeout.connect(self._next_stage)
        self._surface_timer = QTimer(self, singleShot=True, interval=SURFACE_COOLDOWN_MS)
        self._surface_timer.timeout.connect(self._on_surface_cooldown)

    def _redraw_surface(self, force: bool = False) -> None:
        stages = self._surface_stages(force)
        if self._in_turns:  # a stage per turn of the event loop, as a frame's
            self._stages = stages
            self._stage_timer.start()
            return
        for _ in stages:
            pass

    @contextmanager
    def drawing_in_turns(self):
        """Within the block, a surface redrawn (a new run's, say) is drawn a stage per turn of
        the event loop instead of at once: computed, shown, the fit and loss, the contours
        (opening a big session: each under 0.1 s at 10⁶ rows)."""
        self._in_turns += 1
        try:
            yield
        finally:
            self._in_turns -= 1

    def _surface_stages(self, force: bool = False):
        """Compute the surface, yield, then show it (two turns of the event loop in a frame)."""
        if self._run is None:  # the settings are invalid; the message says why
            return
        optimum_job = self.surface_model.take_optimum_job()
        if optimum_job is not None:
            self._optimum_solver.submit(optimum_job)
        surface = self.surface_model.surface(force=force, live=self.worker.is_running)
        job = self.surface_model.take_job()
        if isinstance(job, PlaneJob):  # computed on the refiner's thread, shown when it arrives
            self._refiner.submit(job)
            if surface is None:
                self.surface_view.set_title(f"{self._source.surface_title(self._run)} "
                                            f"{self.surface_model.plane_title()} (computing…)")
            return
        if surface is None:
            return
        if job is not None:
            self._refiner.submit(job)  # the exact surface replaces this preview when done
        run, tracker = self._run, self.surface_model

        def replaced() -> bool:  # another run, or another surface drawn meanwhile (a late optimum's)
            return self._run is not run or tracker.shown() is not surface

        yield True
        if replaced():
            return
        self._show_surface(surface, contours=False, first=False)
        if self._last_frame is None:  # a new run: its start in every plot
            yield True
            if replaced():
                return
            yield from self._start_stages(run)
            if replaced():
                return
        yield True  # the window paints the new colours (over the old contours) ...
        if not replaced():
            self.surface_view.draw_contours()  # ... then the new contour lines

    def _on_surface_refined(self, job, surface) -> None:
        if self._run is not None and self.surface_model.accept(job, surface):
            self._show_surface(surface)
            if isinstance(job, PlaneJob) and self._last_frame is not None:
                self._draw_path(self._last_frame)  # its coordinates on the new plane

    def _on_optimum_found(self, job, found) -> None:
        """The optimum of a big table: the window it gives, the star, the fit's dashed line
        (dropped when the run has been replaced meanwhile: other data or settings)."""
        if self._run is None or not self.surface_model.accept_optimum(job, found):
            return
        self._redraw_surface(force=True)  # (before the first frame this also draws the fit)
        if self._last_frame is not None:
            self._draw_path(self._last_frame)
            self._draw_fit(self._last_frame.snapshot.params)
        self.optimum_found.emit(self._run)

    def _show_surface(self, surface, contours: bool = True, first: bool = True) -> None:
        tracker = self.surface_model
        x_label, y_label = tracker.axis_labels(self._run.parameter_names)
        i, j = tracker.axes
        source = self._source
        title = source.surface_title(self._run)
        if tracker.on_plane:
            title += " " + tracker.plane_title()
        if surface.preview:
            # from a sample of the rows, until the exact surface arrives; kept short:
            # a long title widens the plot past its pane (the colour bar is cut off)
            title += " (preview)"
        self.surface_view.setToolTip(source.formula)
        self.surface_view.set_note(PROJECTION_NOTE if tracker.on_plane else "")
        self.surface_view.set_surface(surface.values, surface.xs, surface.ys, x_label, y_label, title,
                                      contours=contours)
        if source.known_minima:
            minima = np.array(source.known_minima)[:, [i, j]]
            self.surface_view.set_optimum(minima, "known minimum")
        else:  # (on a pca/random plane the optimum is off the plane in general: not drawn)
            opt = None if tracker.on_plane else tracker.optimum
            self.surface_view.set_optimum(None if opt is None else (opt[i], opt[j]))
        if first and self._last_frame is None:
            for _ in self._start_stages(self._run):
                pass

    def _start_stages(self, run):
        """A run before its first frame: its start point and fit, (yield) its loss and status."""
        if self._run is not run:
            return
        self.surface_view.set_path(self.surface_model.project(run.params[None, :]))
        self._draw_fit(run.params)
        yield True
        if self._run is run:
            self._draw_loss_initial()
            self._draw_status(run.snapshot())

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
        self.loss_view.set_series(*self._batch_series(h.iteration, h.batch_loss), h.iteration, h.full_loss)
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
        with placement.in_a_frame_stage():
            drawn = next(self._stages, None)
        if drawn is None:  # done (or the run was replaced)
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
        self.loss_view.set_series(*self._batch_series(frame.iterations, frame.batch_loss),
                                  frame.iterations, frame.full_loss, self._epoch_boundaries(frame), series_key=key)
        self._fix_loss_x_range()
        style.settle_ranges(self.loss_view)
        yield True
        if frame.run_id != self._run_id:
            return
        self._last_frame = frame  # (drawn, once this stage is over)
        self._draw_fit(snap.params)
        style.settle_ranges(self.fit_view)
        if self._source.applies.table:
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
        tracker = self.surface_model
        self.surface_view.set_path(tracker.project(frame.params, live=True),
                                   series_key=(frame.run_id, tracker.path_key))

    def _draw_fit(self, params: np.ndarray) -> None:
        run = self._run
        if not self._source.applies.fit_view:
            return  # no data to fit: the fit plot is hidden
        picture = run_picture(run, params, self.surface_model.optimum_original)
        view = self.fit_view
        if picture.kind == "line":
            view.show_line_fit(picture.x, picture.y, *picture.curve, picture.x_label, picture.y_label,
                               picture.optimum_curve)
        elif picture.kind == "logistic_1d":
            view.show_logistic_1d(picture.x, picture.y, *picture.curve, picture.x_label, picture.y_label)
        elif picture.kind == "regions":
            view.show_regions(picture.x, picture.y, picture.labels, x_label=picture.x_label,
                              y_label=picture.y_label, **picture.extra)
        elif picture.kind == "boundary":
            view.show_decision_boundary(picture.x, picture.y, picture.labels, picture.curve,
                                        picture.x_label, picture.y_label, picture.extra.get("regions"))
        else:
            view.show_predicted_vs_actual(picture.x, picture.y, run.dataset.target)
        if run.mode != "batch" and self._last_frame is not None:
            view.highlight_rows(self._last_frame.snapshot.batch_rows)
        else:
            view.highlight_rows([])

    def _batch_series(self, iterations: np.ndarray, batch_loss: np.ndarray):
        """The mini-batch loss to draw: none where the source has no mini-batches (a test function)."""
        if self._source.applies.batch_loss:
            return iterations, batch_loss
        return iterations[:0], batch_loss[:0]

    def _draw_status(self, snap) -> None:
        value, maximum = progress_units(snap.iteration, snap.total_iterations)
        self.progress.setMaximum(maximum)
        self.progress.setValue(value)
        self.progress.show_count(snap.iteration, snap.total_iterations)
        text = status_text(snap, self._run.parameter_names, self._source,
                           accuracy_text(self._run, snap.params, self.worker.is_running))
        color = "#1b1b1b"
        if snap.status in ("diverged", "failed"):
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
        running = self.worker.is_running
        resumable = not snap.done and snap.iteration > 0
        self.buttons["pause"].setEnabled(resumable or (running and not snap.done))
        self.buttons["pause"].setText("Resume" if resumable and not running else "Pause")


# QProgressBar counts in a C int (at most 2³¹ − 1); a run can have more iterations
# (a million epochs of 6,250 mini-batches), so long runs are shown in millionths.
PROGRESS_UNITS = 1_000_000


def progress_units(iteration: int, total: int) -> tuple[int, int]:
    """(value, maximum) of the progress bar: iterations, or millionths of the run when longer."""
    total = max(1, total)
    if total <= PROGRESS_UNITS:
        return min(iteration, total), total
    return min(PROGRESS_UNITS, iteration * PROGRESS_UNITS // total), PROGRESS_UNITS


# the status line names at most this many parameters (a table may have thousands)
STATUS_PARAMETERS = 8


def status_text(snap, names, source, accuracy: str = "") -> str:
    """Where the run is, its loss and its parameters, saying which parameters the loss is at.

    In full-batch descent the loss at the newest parameters arrives with the
    next step, so after a step the line reads "loss L (before iteration k) ·
    after it: θ" rather than pairing the new θ with the old loss unsaid.
    """
    shown = ", ".join(f"{n} = {v:.4g}" for n, v in zip(names[:STATUS_PARAMETERS], snap.params))
    if len(names) > STATUS_PARAMETERS:
        shown += f", … ({len(names)} parameters)"
    if source.applies.batches:
        step = "iteration"
        parts = [f"epoch {snap.epoch}/{snap.epochs}",
                 f"iteration {snap.iteration_in_epoch} of {snap.iterations_per_epoch} in this epoch",
                 f"{snap.iteration} total"]
    else:  # one step an epoch: epochs are steps
        step = "step"
        parts = [f"step {snap.iteration} of {snap.total_iterations}"]
    loss = f"{source.loss_label} {snap.loss:.6g}"
    if accuracy:  # (at the newest parameters)
        shown = f"{accuracy} · {shown}"
    if snap.loss_iteration == snap.iteration:
        parts += [loss, shown]
    elif snap.loss_iteration == snap.iteration - 1:
        parts += [f"{loss} (before {step} {snap.iteration})", f"after it: {shown}"]
    else:
        parts += [f"{loss} (after {step} {snap.loss_iteration})", f"after {step} {snap.iteration}: {shown}"]
    return " · ".join(parts)
