"""Computes exact loss surfaces off the GUI thread, while the window shows a preview.

A BCE or MAE surface costs O(grid² × rows): on 100,000 rows, tens of
seconds.  The tracker hands out a ``SurfaceJob``; the refiner runs it on a
Python thread (numpy releases the GIL in its large loops, so the window and
the training worker keep going) and emits ``finished`` on the GUI thread.
A newer job cancels the older one between slices of its work.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal

from ..core.surface_tracker import SurfaceJob


class SurfaceRefiner(QObject):
    finished = Signal(object, object)  # (SurfaceJob, LossSurface), on the GUI thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def submit(self, job: SurfaceJob) -> None:
        """Compute ``job`` (cancelling the one in progress)."""
        self.cancel()
        stop = self._stop = threading.Event()

        def work() -> None:
            surface = job.compute(should_stop=stop.is_set)
            if surface is not None and not stop.is_set():
                self.finished.emit(job, surface)

        self._thread = threading.Thread(target=work, name="gdsim-surface", daemon=True)
        self._thread.start()

    @property
    def busy(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def cancel(self, wait: bool = False) -> None:
        self._stop.set()
        if wait and self._thread is not None:
            self._thread.join(timeout=5.0)
