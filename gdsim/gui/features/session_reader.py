"""Reading a big session file off the GUI thread (gdsim.gui.features.sessions uses it)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal


class SessionReader(QObject):
    """Reads and checks one session file in a child process, waiting for it on a thread.

    A thread that parsed JSON itself would hold Python's GIL for tens of
    milliseconds at a time, and the window, which takes the GIL back at every
    Qt call of a paint, would stall; the child leaves the GIL to the window
    (only the finished session, a few arrays, is unpickled here). Without child
    processes (``GDSIM_LOCAL_STEPS``) the thread reads the file itself.

    Emits ``progressed(serial, fraction)``, then ``done(serial, session, "")`` or
    ``done(serial, None, message)``; nothing after ``cancel()``, which ends the child.
    """

    progressed = Signal(int, float)
    done = Signal(int, object, str)

    def __init__(self, path: str | os.PathLike, serial: int) -> None:
        super().__init__()
        self.path, self.serial = path, serial
        self._cancelled = threading.Event()
        self._process = None
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._read, name="gdsim-session-reader", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        with self._lock:
            self._cancelled.set()
            if self._process is not None and self._process.is_alive():
                self._process.kill()

    def wait(self, timeout: float) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _read(self) -> None:
        from ...core import remote

        try:
            kind, value = self._read_in_child() if remote.enabled() else self._read_here()
        except Exception as exc:  # noqa: BLE001 - a thread's error must still reach the window
            kind, value = "error", f"Cannot open {Path(self.path).name}: {type(exc).__name__} ({exc})."
        if self._cancelled.is_set() or kind == "cancelled":
            return
        if kind == "done":
            self.done.emit(self.serial, value, "")
        else:
            self.done.emit(self.serial, None, value)

    def _read_in_child(self) -> tuple[str, object]:
        import multiprocessing

        from ...core import remote
        from ...core.session_pieces import read_in_child, read_only

        context = multiprocessing.get_context("spawn")  # fork is unsafe in a threaded Qt process
        receiving, sending = context.Pipe(duplex=False)
        process = context.Process(target=read_in_child, args=(sending, os.fspath(self.path)),
                                  daemon=True, name="gdsim-session-reader")
        with self._lock:
            if self._cancelled.is_set():
                return "cancelled", None
            try:
                remote.start_child(process)
            except (OSError, RuntimeError):
                process = None
            self._process = process
        sending.close()
        if process is None:  # no child process here: read in this thread (the window may stutter)
            receiving.close()
            return self._read_here()
        try:
            while True:
                try:
                    kind, value = receiving.recv()
                except (EOFError, OSError):
                    return "error", (f"Cannot open {Path(self.path).name}: the process reading it ended "
                                     "early (perhaps out of memory).")
                if kind == "progress":
                    self.progressed.emit(self.serial, value)
                elif kind == "done":
                    return "done", read_only(value)
                else:
                    return "error", value
        finally:
            receiving.close()
            process.join(1.0)
            if process.is_alive():
                process.kill()

    def _read_here(self) -> tuple[str, object]:
        from ...core.session import ReadCancelled, SessionError, check_session, load_session

        def progress(fraction: float) -> None:
            if self._cancelled.is_set():
                raise ReadCancelled
            self.progressed.emit(self.serial, fraction)

        try:
            session = load_session(self.path, progress=progress)
            check_session(session)
        except ReadCancelled:
            return "cancelled", None
        except SessionError as exc:
            return "error", str(exc)
        return "done", session
