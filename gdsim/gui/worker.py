"""The training worker: drives a core TrainingRun on a QThread.

The GUI thread never computes a training step. It sends commands (start,
pause, step, new run, hyperparameter change) that the worker applies between
iterations; the worker emits ``Frame`` objects at a bounded rate (at most
``MAX_FRAMES_PER_SECOND``), however fast it steps.
"""

from __future__ import annotations

import atexit
import threading
import time
import weakref
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QObject, QThread, QTimer, Signal

from ..core import limits, remote
from ..core.training import Snapshot, TrainingRun, advance_for

MAX_FRAMES_PER_SECOND = 60
# At full speed the worker steps in slices of about this long between frames
# (and checks its command flags every 64 steps, so pause/stop answer at once).
# With the window painting a frame in about 10 ms, that is ~30 frames a
# second with the worker stepping ~70% of the time.
SLICE_SECONDS = 0.024
GUI_WAIT_SECONDS = 0.1


@dataclass(frozen=True)
class Frame:
    """What the window draws: a snapshot plus read-only views of the history rows.

    The views cover rows that the worker never writes again (the last row's
    full-dataset loss may be filled in once, from NaN to its value).
    """

    snapshot: Snapshot
    iterations: np.ndarray
    params: np.ndarray
    batch_loss: np.ndarray
    full_loss: np.ndarray
    epoch: np.ndarray
    run_id: int


class TrainingWorker(QObject):
    """Owns the current TrainingRun; ``work`` runs on the training thread.

    Frames are coalesced: the worker keeps only the latest one and signals
    ``frame_ready`` when there was none waiting, so however slowly the GUI
    draws, at most one signal is queued and the GUI always draws the newest.
    """

    frame_ready = Signal()
    stopped = Signal()

    def __init__(self, frame_factory=None) -> None:
        super().__init__()
        # frame_factory(run, run_id) -> an immutable frame; the default suits a TrainingRun.
        self._frame_factory = frame_factory or training_frame
        self._cond = threading.Condition()
        self._run: TrainingRun | None = None
        self._run_id = 0
        self._running = False
        self._quit = False
        self._waiting = False  # the loop waits for a command (settled)
        self._pending_steps = 0
        self._pending_epochs = 0
        self._pending_hyper: dict[str, Any] = {}
        self._pending_epochs_total: int | None = None
        self._speed = 0.0  # iterations per second; 0 = as fast as possible
        self._dirty = False
        self._latest: Frame | None = None
        self._frame_lock = threading.Lock()
        # Handshake (opt-in): after publishing a frame the worker waits, up to
        # GUI_WAIT_SECONDS, until the GUI says it has drawn it. The training
        # thread holds Python's GIL while it steps, so without this pause the
        # GUI thread's (Python) painting is starved and the window stutters.
        self.wait_for_gui = False
        self._gui_ready = True
        # At full speed a TrainingRun steps in a child process (gdsim.core.remote),
        # so painting and stepping do not take turns at the GIL; in-process while
        # the child starts, and for good if it cannot.
        self._stepper: remote.Stepper | None = None
        self._stepper_failed = False
        self._streamed_run: TrainingRun | None = None  # the run the child is stepping
        self.child_slices = 0  # slices the child has stepped, for the curious (and tests)
        # The histories of the runs it steps are thinned past this (History.bound); tests set less.
        self.history_bytes = limits.HISTORY_BYTES

    def take_frame(self) -> Frame | None:
        """The newest frame not yet taken (GUI thread), or None."""
        with self._frame_lock:
            frame, self._latest = self._latest, None
        return frame

    def _publish(self, frame: Frame) -> None:
        with self._frame_lock:
            waiting = self._latest is not None
            self._latest = frame
        if self.wait_for_gui:
            with self._cond:
                self._gui_ready = False
        if not waiting:
            self.frame_ready.emit()

    def frame_drawn(self) -> None:
        """The GUI has drawn the last frame (GUI thread); stepping may go on."""
        with self._cond:
            self._gui_ready = True
            self._cond.notify()

    def _wait_for_gui(self) -> None:
        with self._cond:
            self._cond.wait_for(lambda: self._gui_ready or self._quit or not self._running,
                                timeout=GUI_WAIT_SECONDS)
            self._gui_ready = True

    # --- commands (any thread) ------------------------------------------------------
    def set_run(self, run: TrainingRun, run_id: int) -> None:
        bound_histories(run, self.history_bytes)
        with self._cond:
            self._run, self._run_id = run, run_id
            self._running = False
            self._pending_steps = self._pending_epochs = 0
            self._pending_hyper = {}
            self._pending_epochs_total = None
            self._dirty = True
            self._cond.notify()

    def start(self) -> None:
        with self._cond:
            self._running = True
            self._cond.notify()

    def pause(self) -> None:
        with self._cond:
            self._running = False
            self._pending_steps = self._pending_epochs = 0
            self._dirty = True  # one last frame, so the window shows where it stopped
            self._cond.notify()

    def step(self, iterations: int = 1) -> None:
        with self._cond:
            self._running = False
            self._pending_steps += iterations
            self._cond.notify()

    def step_epoch(self) -> None:
        with self._cond:
            self._running = False
            self._pending_epochs += 1
            self._cond.notify()

    def set_hyper(self, **hyper: Any) -> None:
        with self._cond:
            self._pending_hyper.update(hyper)
            self._cond.notify()

    def set_epochs(self, epochs: int) -> None:
        with self._cond:
            self._pending_epochs_total = epochs
            self._cond.notify()

    def set_speed(self, iterations_per_second: float) -> None:
        with self._cond:
            self._speed = max(0.0, float(iterations_per_second))
            self._cond.notify()

    def quit(self) -> None:
        with self._cond:
            self._quit = True
            self._running = False
            self._cond.notify()

    @property
    def is_running(self) -> bool:
        return self._running

    def _has_work(self) -> bool:
        return bool(self._quit or self._running or self._pending_steps or self._pending_epochs
                    or self._pending_hyper or self._dirty or self._pending_epochs_total)

    @property
    def settled(self) -> bool:
        """Waiting for a command with none pending: every Step and setting sent so far is done."""
        with self._cond:
            return self._waiting and not self._has_work()

    @property
    def is_stepping(self) -> bool:
        """Running, or paused with the child process not yet halted (its last slices still count)."""
        return self._running or self._streamed_run is not None

    # --- the loop (worker thread) -----------------------------------------------------
    def work(self) -> None:
        last_emit = 0.0
        self._budget_start, self._budget_done = time.perf_counter(), 0
        while True:
            with self._cond:
                while not self._has_work():
                    self._waiting = True
                    self._cond.wait()
                self._waiting = False
                halt = self._streamed_run is not None and (
                    self._quit or not self._running or self._speed > 0 or self._run is not self._streamed_run
                    or self._pending_steps or self._pending_epochs or self._pending_hyper
                    or self._pending_epochs_total)
            if halt:  # the child stops; its last slices still count (as a chunk in progress would)
                self._halt_stepper()
                continue
            with self._cond:
                if self._quit:
                    break
                run, run_id = self._run, self._run_id
                if run is None:
                    self._dirty = False
                    continue
                hyper, epochs_total = self._pending_hyper, self._pending_epochs_total
                self._pending_hyper, self._pending_epochs_total = {}, None
                steps, epochs = self._pending_steps, self._pending_epochs
                self._pending_steps = self._pending_epochs = 0
                running, speed = self._running, self._speed
                force = self._dirty or bool(epochs_total)
                self._dirty = False
            try:
                force = self._drive(run, hyper, epochs_total, steps, epochs, running, speed) or force
            except Exception as exc:  # noqa: BLE001 - any error of a step ends the run, not the thread
                self._fail(run, exc)
                force = True
            now = time.perf_counter()
            if force or now - last_emit >= 1.0 / MAX_FRAMES_PER_SECOND:
                try:
                    self._publish(self._frame_factory(run, run_id))
                except Exception:  # noqa: BLE001 - a run that cannot even be drawn: the next command may
                    pass
                last_emit = now
        remote.release(self._stepper)
        self._stepper = None
        self.stopped.emit()

    def _drive(self, run, hyper: dict, epochs_total: int | None, steps: int, epochs: int,
               running: bool, speed: float) -> bool:
        """Apply the commands taken and step ``run``; True when a frame is due at once."""
        force = False
        if hyper and hasattr(run, "set_hyper"):
            try:
                run.set_hyper(**hyper)
            except ValueError:
                pass  # the controls show the message; keep the old value
        if epochs_total and hasattr(run, "set_epochs"):
            try:
                run.set_epochs(epochs_total)
            except ValueError:
                pass
        if steps:
            run.advance(steps)
            force = True
        for _ in range(epochs):
            run.run_epoch()
            force = True
        if running:
            stepper = self._ready_stepper(run) if speed == 0 else None
            if self.wait_for_gui and not self._gui_ready and stepper is None:
                self._wait_for_gui()
            if stepper is not None:
                # The child steps on while this thread applies its slices and the GUI draws.
                self._streamed_run = run
                try:
                    stepper.next_slice(run, SLICE_SECONDS)
                    self.child_slices += 1
                except remote.StepperLost:
                    self._lose_stepper()
                if not stepper.streaming:
                    self._streamed_run = None
            elif speed > 0:
                # Paced: as many steps as the clock allows, then sleep a little.
                now = time.perf_counter()
                if self._budget_done == 0 or now - self._budget_start > 1.0:
                    self._budget_start, self._budget_done = now, 0
                due = int((now - self._budget_start) * speed) + 1 - self._budget_done
                if due > 0:
                    self._budget_done += run.advance(due)
                else:
                    time.sleep(min(0.01, 1.0 / speed / 2))
            else:
                advance_for(run, SLICE_SECONDS)  # pause and stop take effect after it
            if run.done:
                with self._cond:
                    if self._run is run:
                        self._running = False
                force = True
        return force

    def _fail(self, run, exc: Exception) -> None:
        """A step raised: the run ends as failed, saying so in one sentence; the worker waits for
        the next command (Start, Step and Reset work as before)."""
        if self._streamed_run is run:
            self._lose_stepper()  # the child's state is unknown
        if hasattr(run, "fail"):
            args = exc.args
            # (errno, text) errors, as float overflow's (34, 'Numerical result out of range'): the text
            detail = args[1] if len(args) == 2 and isinstance(args[1], str) else (str(exc) or "no message")
            run.fail(f"Stopped at iteration {run.iteration + 1}: the step raised "
                     f"{type(exc).__name__} ({detail}); press Reset to start again.")
        with self._cond:
            if self._run is run:
                self._running = False
                self._pending_steps = self._pending_epochs = 0

    # --- the child process (worker thread) ---------------------------------------------
    def _ready_stepper(self, run) -> remote.Stepper | None:
        """The child process if it can step ``run`` now; starts it the first time."""
        if type(run) is not TrainingRun or self._stepper_failed:
            return None
        if self._stepper is None:
            self._stepper = remote.acquire()
            if self._stepper is None:
                self._stepper_failed = True
                return None
        if self._stepper.lost:
            self._lose_stepper()
            return None
        return self._stepper if self._stepper.ready() else None

    def _halt_stepper(self) -> None:
        run = self._streamed_run
        try:
            self._stepper.halt(run)
        except remote.StepperLost:
            self._lose_stepper()
        self._streamed_run = None
        if run is self._run and run.done:
            with self._cond:
                self._running = False
                self._dirty = True

    def _lose_stepper(self) -> None:
        """The child failed: step in-process from here on (the run is as the last slice left it)."""
        if self._stepper is not None:
            self._stepper.close()
        self._stepper_failed, self._stepper, self._streamed_run = True, None, None

class PaintFence(QObject):
    """Tells the worker when the window has painted the frame it was handed.

    Qt paints a window in passes (an UpdateRequest event each) after the
    plots change.  ``arm()`` after drawing a frame into the plots; ``release``
    is called once a turn of the event loop goes by without a paint pass.
    Until then the worker waits without holding the GIL: PySide releases the
    GIL around every Qt call and would have to win it back from a stepping
    worker (up to a switch interval, 5 ms) at each one of a paint's hundreds.
    """

    def __init__(self, window: QObject, release) -> None:
        super().__init__(window)
        self._release = release
        self._armed = False
        self._painted = False
        # A zero timer, not QTimer.singleShot(0, ...): that one is a posted
        # event and would run before the UpdateRequest events posted with it.
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self._check)
        window.installEventFilter(self)

    def arm(self) -> None:
        self._armed = True
        self._painted = False
        self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if self._armed and event.type() == QEvent.Type.UpdateRequest:
            self._painted = True
        return False

    def _check(self) -> None:
        if not self._armed:
            return
        if self._painted:  # a paint pass happened: it may have caused another
            self._painted = False
            self._timer.start()
            return
        self._armed = False
        self._release()


def bound_histories(run, history_bytes: int) -> None:
    """Bound the history of ``run``, or of each run of a race-like object (sharing the bytes)."""
    runs = getattr(run, "runs", None)
    runs = tuple(runs) if runs is not None else (run,)
    for each in runs:
        history = getattr(each, "history", None)
        if history is not None and hasattr(history, "bound"):
            history.bound(history_bytes // max(1, len(runs)) // history.row_bytes)


def training_frame(run: TrainingRun, run_id: int) -> Frame:
    h = run.history
    return Frame(
        snapshot=run.snapshot(), iterations=h.iteration, params=h.params,
        batch_loss=h.batch_loss, full_loss=h.full_loss, epoch=h.epoch, run_id=run_id,
    )


class WorkerThread(QThread):
    """Runs a TrainingWorker's loop as its thread body, and shuts it down cleanly.

    The loop needs no Qt event loop (commands arrive through a condition
    variable), so the thread's ``run`` is the loop itself; frames reach the
    GUI through queued signal connections.
    """

    def __init__(self, frame_factory=None) -> None:
        super().__init__()
        self.setObjectName("gdsim-training")
        self.worker = TrainingWorker(frame_factory)
        self.start()
        # A script that ends without closing its window must not leave a running
        # QThread behind ("QThread: Destroyed while thread is still running").
        _LIVE_THREADS.add(self)

    def run(self) -> None:
        self.worker.work()

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Stop the loop and wait for the thread; True when it ended."""
        self.worker.quit()
        ended = self.wait(timeout_ms)
        _LIVE_THREADS.discard(self)
        return ended


_LIVE_THREADS: "weakref.WeakSet[WorkerThread]" = weakref.WeakSet()


@atexit.register
def _stop_live_threads() -> None:
    for thread in list(_LIVE_THREADS):
        thread.shutdown()
