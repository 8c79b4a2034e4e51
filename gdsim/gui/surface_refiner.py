"""Computes exact loss surfaces off the GUI thread, while the window shows a preview.

A BCE or MAE surface costs O(grid² × rows): on 100,000 rows, tens of
seconds.  The tracker hands out a ``SurfaceJob``; the refiner runs it on a
Python thread (numpy releases the GIL in its large loops, so the window and
the training worker keep going) and emits ``finished`` on the GUI thread.
A newer job cancels the older one between slices of its work.

While a run steps at full speed the refiner is held: a job waits (the newest
one replacing the others) and starts when the run pauses, ends or is paced.
On a 200,000-row table an exact surface takes both cores of a small machine
for tens of seconds, the surface window moves on before it is done, and
meanwhile the window stepped 16-33 it/s (262 without it) at 0.5 frames a second.
A pca or random plane (``PlaneJob``) is not held: it is the only surface such a
plane has, the window asks for one at most once a second, and it is small
(a 61×61 plane of a 2-8-8-1 network on 200 rows: about 0.2 s of one core).
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal

from ..core.surface_tracker import PlaneJob, SurfaceJob


class SurfaceRefiner(QObject):
    finished = Signal(object, object)  # (SurfaceJob, LossSurface), on the GUI thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._held = False
        self._job: SurfaceJob | None = None  # the job in progress, or waiting while held
        self.finished.connect(self._done)  # queued: on the GUI thread, like every change of _job

    def submit(self, job: SurfaceJob | PlaneJob) -> None:
        """Compute ``job`` (cancelling the one in progress); while held, only keep a SurfaceJob
        for later."""
        self.cancel()
        self._job = job
        if not self._held or isinstance(job, PlaneJob):
            self._start(job)

    def hold(self, held: bool) -> None:
        """Hold (True) or release (False): see the module's docstring."""
        if held == self._held:
            return
        self._held = held
        job = self._job
        if job is None or isinstance(job, PlaneJob):
            return
        if held:
            self._stop.set()  # started again from the beginning on release
        else:
            self._start(job)

    @property
    def waiting(self) -> bool:
        """A job is held back (computed on release)."""
        return self._held and self._job is not None and not isinstance(self._job, PlaneJob)

    def _start(self, job: SurfaceJob) -> None:
        stop = self._stop = threading.Event()

        def work() -> None:
            surface = job.compute(should_stop=stop.is_set)
            if surface is not None and not stop.is_set():
                self.finished.emit(job, surface)

        self._thread = threading.Thread(target=work, name="gdsim-surface", daemon=True)
        self._thread.start()

    def _done(self, job: SurfaceJob, surface) -> None:
        if self._job is job:
            self._job = None

    @property
    def busy(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def computing_plane(self) -> bool:
        """A pca or random plane is being computed, or computed and not yet shown."""
        return isinstance(self._job, PlaneJob)

    def cancel(self, wait: bool = False) -> None:
        self._stop.set()
        self._job = None
        if wait and self._thread is not None:
            self._thread.join(timeout=5.0)
