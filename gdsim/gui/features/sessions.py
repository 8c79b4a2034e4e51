"""Sessions: save and reopen the whole state (File → Save Session, Open Session, Open Recent).

A ``.gdsim`` file (gdsim.core.session) holds the dataset bit for bit, every
setting, the speed, the surface axes and plane and the pinned runs.  Opening one that
is corrupt or foreign shows one sentence and changes nothing.  Opening
replaces the data through the undo stack (Ctrl+Z brings the old table back).
Saving (atomic) marks the document saved, so closing does not ask.

Recent files, the last folder and the window geometry are kept with
``QSettings`` (INI format, user scope, "gdsim"/"gdsim"); tests point that
location at a temporary folder with ``QSettings.setPath``. The geometry is
neither restored nor saved on the offscreen platform (no real screen there).

A big session (over ``BIG_SESSION_BYTES``) is read and checked on a thread of its
own (``SessionReader``): the status line shows the percentage read, with a
progress bar and a Cancel button beside it, while the window repaints and
the current run goes on. Once it is whole it is applied a part per turn of the
event loop (``applying_session``: the status line says "… applying", Cancel is
off), its plots drawn in turns and a big table's least-squares optimum solved on
a thread, so no turn holds the window long. A failed or cancelled read applies
nothing; a new Open cancels the read under way; a new Open or closing the window
finishes the apply under way at once.

``gdsim FILE.gdsim`` opens a session through ``apply_session`` (a big one
through ``SessionsController.open``, once the window shows).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication, QFileDialog, QHBoxLayout, QMenu, QMessageBox, QProgressBar, QPushButton, QWidget,
)

# gdsim.core.session (and json) is imported by the functions that read or write a
# file, not with the window.
if TYPE_CHECKING:
    from ...core.session import Session

MAX_RECENT = 8
# A session this large is read on a thread, with progress (2 MB: about 50 ms of reading; 10⁶ rows: 45 MB).
BIG_SESSION_BYTES = 2 * 2**20
RECENT_KEY = "recentSessions"
LAST_DIR_KEY = "lastDirectory"
GEOMETRY_KEY = "windowGeometry"
STATE_KEY = "windowState"


def file_filter() -> str:
    """The file dialogs' filter: sessions, or all files."""
    from ...core.session import EXTENSION

    return f"gdsim sessions (*{EXTENSION});;All files (*)"


def settings() -> QSettings:
    """gdsim's preferences (recent files, last folder, window geometry)."""
    return QSettings(QSettings.IniFormat, QSettings.UserScope, "gdsim", "gdsim")


def _string_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    return [str(v) for v in value if v]


def recent_files() -> list[str]:
    return _string_list(settings().value(RECENT_KEY))


def remember_recent(path: str | os.PathLike) -> list[str]:
    path = str(Path(path).resolve())
    files = [path] + [f for f in recent_files() if f != path]
    files = files[:MAX_RECENT]
    s = settings()
    s.setValue(RECENT_KEY, files)
    s.setValue(LAST_DIR_KEY, str(Path(path).parent))
    s.sync()
    return files


def forget_recent(path: str) -> None:
    s = settings()
    s.setValue(RECENT_KEY, [f for f in recent_files() if f != path])
    s.sync()


def last_directory() -> str:
    value = settings().value(LAST_DIR_KEY)
    return str(value) if value and Path(str(value)).is_dir() else ""


def _pins_of(window):
    """The window's pinned runs (duck typing: the pinned-runs feature may be absent)."""
    getter = getattr(window, "pinned_runs", None)
    if callable(getter):
        return tuple(getter())
    pins = getattr(window, "pins", None)
    for name in ("pinned_runs", "records"):
        getter = getattr(pins, name, None)
        if callable(getter):
            return tuple(getter())
    return ()


def capture_session(window) -> Session:
    """The window's current state as a Session."""
    from ...core.session import Session

    return Session(
        dataset=window.document.dataset,
        config=window.controls.config(),
        speed=float(window.controls.speed()),
        surface_axes=tuple(int(a) for a in window.surface_model.axes),
        pins=_pins_of(window),
        surface_plane=window.surface_model.plane,
    )


def apply_session(window, session: Session, path: str | os.PathLike | None = None) -> None:
    """Show ``session`` in ``window``: data (undoable), settings, speed, axes, plane, pins; marked saved.

    Everything is checked first (``check_session``): a SessionError leaves the window as it was.
    """
    for _ in applying_session(window, session, path, in_turns=False):
        pass


def applying_session(window, session: Session, path: str | os.PathLike | None = None,
                     in_turns: bool = True):
    """``apply_session`` in turns: yields between its parts, where the window may paint and
    answer (a big session's: the dataset, the settings, the new run; each under 0.1 s at
    10⁶ rows), and the new run's plots are drawn a part per turn after it (``in_turns``:
    ``drawing_in_turns``). The first turn checks the session, and changes nothing when a
    SessionError goes out of it. Closing the generator early finishes the run's reset."""
    from contextlib import nullcontext

    from ...core.session import check_session

    check_session(session)
    window.worker.pause()
    with window.drawing_in_turns() if in_turns else nullcontext(), window.changes_at_once():
        window.document.replace_dataset(session.dataset, "Open session")
        yield
        window.controls.set_n_rows(session.dataset.n_rows)
        window.controls.set_config(session.config)
        window.controls.set_speed(session.speed)
        if session.surface_axes is not None:
            window.surface_model.axes = tuple(session.surface_axes)  # the next run keeps valid axes
        window.surface_model.plane = session.surface_plane  # (the reset draws it and sets the combo)
        window.reset()
        yield
    pins = getattr(window, "pins", None)
    add = getattr(window, "add_pin", None) or getattr(pins, "add_pin", None)
    if pins is not None and callable(getattr(pins, "clear", None)):
        pins.clear()
    if callable(add):
        for pin in session.pins:
            add(pin)
    window.document.mark_saved()
    controller = getattr(window, "sessions", None)
    if controller is not None and path is not None:
        controller.set_path(path)


class SessionsController(QObject):
    """The File menu's session actions and the recent-files submenu."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self._window = window
        self.path: Path | None = None
        self.last_error = ""
        self.reading = None  # the SessionReader of the read under way
        self.applying = None  # the big session being applied, in turns (applying_session)
        self._applying_path = None
        self._apply_timer = QTimer(self, singleShot=True, interval=0)
        self._apply_timer.timeout.connect(self._apply_next)
        self._serial = 0
        self._box = None
        self._reading_text = ""
        menu = window.menu("&File")
        first = menu.actions()[0] if menu.actions() else None

        self.open_action = QAction("Open Session…", window, objectName="actionOpenSession")
        self.open_action.setShortcut(QKeySequence("Ctrl+Shift+O"))
        self.open_action.setToolTip("Open a saved session: data, settings and pinned runs")
        self.open_action.triggered.connect(self.open_interactive)
        self.save_action = QAction("Save Session", window, objectName="actionSaveSession")
        self.save_action.setShortcut(QKeySequence("Ctrl+S"))
        self.save_action.setShortcutContext(Qt.ApplicationShortcut)
        self.save_action.setToolTip("Save the data, every setting and the pinned runs")
        self.save_action.triggered.connect(self.save_interactive)
        self.save_as_action = QAction("Save Session As…", window, objectName="actionSaveSessionAs")
        self.save_as_action.triggered.connect(self.save_as_interactive)
        self.recent_menu = QMenu("Open Recent Session", window, objectName="menuRecentSessions")
        self.recent_menu.aboutToShow.connect(self.refresh_recent_menu)
        self.clear_recent_action = QAction("Clear Recent Sessions", window,
                                           objectName="actionClearRecentSessions")
        self.clear_recent_action.triggered.connect(self.clear_recent)
        if first is not None:
            menu.insertAction(first, self.open_action)
            menu.insertMenu(first, self.recent_menu)
            menu.insertAction(first, self.save_action)
            menu.insertAction(first, self.save_as_action)
            menu.insertSeparator(first)
        else:
            menu.addAction(self.open_action)
            menu.addMenu(self.recent_menu)
            menu.addAction(self.save_action)
            menu.addAction(self.save_as_action)
        window.addAction(self.save_action)
        self.refresh_recent_menu()
        self._restore_geometry()
        window.installEventFilter(self)
        QApplication.instance().aboutToQuit.connect(self._stop_reading)

    # --- public -------------------------------------------------------------------------
    def set_path(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        from ..main_window import APP_TITLE

        self._window.setWindowTitle(f"{self.path.name} — {APP_TITLE}")

    def save(self, path: str | os.PathLike) -> bool:
        """Save the session to ``path`` (atomic); False with a message when it cannot be written."""
        from ...core.session import save_session

        path = Path(path)
        window = self._window
        try:
            save_session(path, capture_session(window))
        except OSError as exc:
            self._error("Cannot save session", f"Could not save {path.name}: {exc.strerror or exc}.")
            return False
        window.document.mark_saved()
        self.set_path(path)
        remember_recent(path)
        self.refresh_recent_menu()
        window.status_label.setText(f"Saved the session to {path.name}.")
        return True

    def open(self, path: str | os.PathLike) -> bool:
        """Open a session; a bad file shows one sentence and leaves everything as it was.

        A big file is read on a thread: this returns True at once, and the session is applied
        when it is whole (``reading`` is the read under way until then). An Open cancels the
        read under way.
        """
        from ...core.session import SessionError, load_session

        self.cancel_reading(quiet=True)
        self.finish_applying()
        try:
            size = os.path.getsize(path)
        except OSError:
            size = 0
        if size > BIG_SESSION_BYTES:
            self._start_reading(path, size)
            return True
        try:
            session = load_session(path)
        except SessionError as exc:
            self._error("Cannot open session", str(exc))
            return False
        return self._apply(session, path)

    def cancel_reading(self, quiet: bool = False) -> None:
        """Stop the read under way (nothing is applied); the Cancel button's action."""
        reader, self.reading = self.reading, None
        if reader is None:
            return
        reader.cancel()
        self._end_reading()
        if not quiet:
            self._window.status_label.setText(f"Cancelled opening {Path(reader.path).name}; nothing changed.")

    def _apply(self, session: Session, path: str | os.PathLike) -> bool:
        from ...core.session import SessionError

        try:
            apply_session(self._window, session, path)
        except SessionError as exc:
            self._error("Cannot open session", str(exc))
            return False
        remember_recent(path)
        self.refresh_recent_menu()
        self.last_error = ""
        return True

    # --- reading a big session on a thread ----------------------------------------------
    def _start_reading(self, path: str | os.PathLike, size: int) -> None:
        from .session_reader import SessionReader

        self._serial += 1
        reader = SessionReader(path, self._serial)
        reader.progressed.connect(self._on_read_progress)
        reader.done.connect(self._on_read_done)
        self.reading = reader
        self._reading_text = f"Opening {Path(path).name} ({size / 2**20:,.0f} MB)…"
        box = self._reading_box()
        box.bar.setValue(0)
        box.show()
        self._window.status_label.setText(self._reading_text)
        QApplication.setOverrideCursor(Qt.BusyCursor)  # busy, but the window still answers
        reader.start()

    def _on_read_progress(self, serial: int, fraction: float) -> None:
        if self.reading is None or serial != self.reading.serial:
            return  # a cancelled read's last word
        percent = int(fraction * 100)
        self._box.bar.setValue(percent)
        self._window.status_label.setText(f"{self._reading_text} {percent} %")

    def _on_read_done(self, serial: int, session, message: str) -> None:
        reader = self.reading
        if reader is None or serial != reader.serial:
            return
        self.reading = None
        if session is None:
            self._end_reading()
            self._error("Cannot open session", message)
            return
        self._start_applying(session, reader.path)

    # --- applying a big session in turns of the event loop --------------------------------
    def _start_applying(self, session: Session, path) -> None:
        """Apply a read session a part per turn (``applying_session``), the bar full and Cancel
        off meanwhile (under a second at 10⁶ rows; the read was the part to cancel)."""
        self.applying = applying_session(self._window, session, path)
        self._applying_path = path
        box = self._reading_box()
        box.bar.setValue(100)
        box.cancel_button.setEnabled(False)
        box.show()
        self._window.status_label.setText(f"Opening {Path(path).name} … applying")
        self._apply_timer.start()

    def _apply_next(self) -> None:
        from ...core.session import SessionError

        steps = self.applying
        if steps is None:
            return
        try:
            next(steps)
        except StopIteration:
            self._applied(True)
        except SessionError as exc:
            self._applied(False)
            self._error("Cannot open session", str(exc))
        except BaseException:
            self._applied(False)  # (the box and the cursor go; the error goes on)
            raise
        else:
            self._apply_timer.start()  # the next part, after the paint this one caused

    def finish_applying(self) -> None:
        """Apply the rest of the session being applied at once (a new Open, or closing)."""
        while self.applying is not None:
            self._apply_next()
        self._apply_timer.stop()

    def _applied(self, done: bool) -> None:
        path, self.applying, self._applying_path = self._applying_path, None, None
        self._box.cancel_button.setEnabled(True)
        self._end_reading()
        if done:
            remember_recent(path)
            self.refresh_recent_menu()
            self.last_error = ""

    def _end_reading(self) -> None:
        self._box.hide()
        QApplication.restoreOverrideCursor()

    def _reading_box(self) -> QWidget:
        """The progress bar and Cancel button beside the status line (built once)."""
        if self._box is None:
            box = QWidget(objectName="sessionReadingBox")
            lay = QHBoxLayout(box)
            lay.setContentsMargins(0, 0, 0, 0)
            box.bar = QProgressBar(objectName="sessionReadingBar", maximum=100, textVisible=True)
            box.bar.setFixedWidth(160)
            box.cancel_button = QPushButton("Cancel", objectName="sessionReadingCancel")
            box.cancel_button.setToolTip("Stop opening the session; nothing changes")
            box.cancel_button.clicked.connect(lambda: self.cancel_reading())
            lay.addWidget(box.bar)
            lay.addWidget(box.cancel_button)
            self._window.statusBar().addPermanentWidget(box)
            self._box = box
        return self._box

    def save_interactive(self) -> bool:
        if self.path is not None:
            return self.save(self.path)
        return self.save_as_interactive()

    def save_as_interactive(self) -> bool:
        from ...core.session import EXTENSION

        name = self.path.name if self.path else _default_name(self._window)
        start = str(Path(last_directory() or os.getcwd()) / name)
        path, _ = QFileDialog.getSaveFileName(self._window, "Save Session", start, file_filter())
        if not path:
            return False
        if not path.lower().endswith(EXTENSION):
            path += EXTENSION
        return self.save(path)

    def open_interactive(self) -> bool:
        path, _ = QFileDialog.getOpenFileName(self._window, "Open Session", last_directory(), file_filter())
        return self.open(path) if path else False

    def recent_files(self) -> list[str]:
        return recent_files()

    def refresh_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        files = recent_files()
        for n, file in enumerate(files):
            action = menu.addAction(f"&{n + 1} {Path(file).name}")
            action.setObjectName(f"actionRecentSession{n}")
            action.setToolTip(file)
            action.setStatusTip(file)
            action.setData(file)
            action.triggered.connect(lambda _checked=False, f=file: self.open_recent(f))
        if files:
            menu.addSeparator()
            menu.addAction(self.clear_recent_action)
        else:
            empty = menu.addAction("(no recent sessions)")
            empty.setEnabled(False)
        menu.menuAction().setEnabled(True)

    def open_recent(self, path: str) -> bool:
        if not Path(path).is_file():
            forget_recent(path)
            self.refresh_recent_menu()
            self._error("Cannot open session", f"Cannot open {Path(path).name}: the file is no longer there.")
            return False
        return self.open(path)

    def clear_recent(self) -> None:
        s = settings()
        s.remove(RECENT_KEY)
        s.sync()
        self.refresh_recent_menu()

    # --- internals ----------------------------------------------------------------------
    def _error(self, title: str, text: str) -> None:
        self.last_error = text
        box = QMessageBox(QMessageBox.Warning, title, text, QMessageBox.Ok, self._window)
        box.setObjectName("sessionErrorBox")
        box.setAttribute(Qt.WA_DeleteOnClose, True)
        box.open()  # not modal-blocking: the window keeps running

    @staticmethod
    def _real_screen() -> bool:
        return QGuiApplication.platformName() not in ("offscreen", "minimal")

    def _restore_geometry(self) -> None:
        if not self._real_screen():
            return
        s = settings()
        geometry = s.value(GEOMETRY_KEY)
        if geometry is not None:
            self._window.restoreGeometry(geometry)
        state = s.value(STATE_KEY)
        if state is not None:
            self._window.restoreState(state)

    def _stop_reading(self) -> None:
        """The window closed or the app quits: cancel the read and let its thread end."""
        reader = self.reading
        self.cancel_reading(quiet=True)
        if reader is not None:
            reader.wait(2.0)

    def _after_close(self) -> None:
        if not self._window.isVisible():  # the close was not refused
            self._stop_reading()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt name)
        if obj is self._window and event.type() == QEvent.Close:
            self.finish_applying()  # (the session is whole, and saved, before the window closes)
        if obj is self._window and event.type() == QEvent.Close and self.reading is not None:
            QTimer.singleShot(0, self, self._after_close)
        if obj is self._window and event.type() == QEvent.Close and self._real_screen():
            s = settings()
            s.setValue(GEOMETRY_KEY, self._window.saveGeometry())
            s.setValue(STATE_KEY, self._window.saveState())
            s.sync()
        return False


def _default_name(window) -> str:
    from ...core.session import EXTENSION

    name = window.document.dataset.name or "session"
    safe = "".join(c if c.isalnum() or c in "-_ ." else "_" for c in name).strip() or "session"
    return safe + EXTENSION


def install(window) -> None:
    window.sessions = SessionsController(window)
