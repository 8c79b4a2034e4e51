"""Start the window: ``gdsim [FILE.csv] [--preset NAME] [--lesson NAME_OR_FILE]
[--screenshot FILE.png [--steps N]]``."""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time

from PySide6.QtCore import QObject

APP_NAME = "gdsim"
#: for the formats Qt writes (a JPEG's quality; a PNG is written by core.png)
SCREENSHOT_QUALITY = 80


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        from ..cli import UserError

        raise UserError(message)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = _Parser(prog="gdsim", description="Open the gdsim window.")
    parser.add_argument("file", nargs="?", help="a CSV file or a .gdsim session to open")
    parser.add_argument("--preset", help="open on this built-in dataset")
    parser.add_argument("--lesson", metavar="NAME_OR_FILE", help="open at a lesson (see `gdsim lessons`)")
    parser.add_argument("--screenshot", metavar="FILE.png", help="save a picture of the window and exit")
    parser.add_argument("--steps", type=int, default=0, help="with --screenshot: run N iterations first")
    parser.add_argument("--size", type=_size, default=(1600, 1000), metavar="WxH",
                        help="with --screenshot: the window's size (default 1600x1000; 1280x690 is a "
                             "1280x720 projector less the window's frame)")
    return parser.parse_args(argv)


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 1280x690, not {text!r}") from None
    if not (200 <= w <= 8000 and 200 <= h <= 8000):
        raise argparse.ArgumentTypeError(f"{text} is not a window size between 200x200 and 8000x8000")
    return w, h


# Qt warnings that say nothing to a user; the offscreen platform (``--screenshot``,
# ``animate`` without a display) prints the first on every window it shows.
_QUIET_QT_MESSAGES = frozenset({"This plugin does not support propagateSizeHints()"})


def _quiet_qt_messages() -> None:
    """Drop _QUIET_QT_MESSAGES; print every other Qt message as Qt would (a successful
    command prints nothing on stderr)."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(_mode, _context, message: str) -> None:
        if message not in _QUIET_QT_MESSAGES:
            sys.stderr.write(message + "\n")

    qInstallMessageHandler(handler)


def application():
    """The QApplication (created once) with gdsim's name and icon."""
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    _quiet_qt_messages()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    from .._resources import resource_path

    icon = resource_path("icons/gdsim.png")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    dataset = None
    session = big_session = None
    if args.file and args.file.lower().endswith(".gdsim") and not args.screenshot \
            and _session_size(args.file) > _big_session_bytes():
        big_session = args.file  # read on a thread once the window shows, with progress
    elif args.file and args.file.lower().endswith(".gdsim"):
        from ..core.session import load_session

        session = load_session(args.file)  # a bad file: one sentence, exit 2
        dataset = session.dataset
    elif args.file:
        from ..core.csvio import read_csv

        dataset = read_csv(args.file)
    if args.preset:
        from ..core.presets import load_preset

        dataset = load_preset(args.preset)
    lesson_index, lessons = 0, None
    if args.lesson:
        from ..core.lessons import load_lesson_sequence

        lesson_index, lessons = load_lesson_sequence(args.lesson)  # a bad one: one sentence, exit 2
        dataset = lessons[lesson_index].session.dataset
    app = application()
    from .main_window import MainWindow

    window = MainWindow(dataset=dataset)
    if session is not None:
        from .features.sessions import apply_session

        apply_session(window, session, args.file)
    if lessons is not None:
        window.lessons.open_lessons(lessons, lesson_index)
    if args.screenshot:
        return screenshot(app, window, args.screenshot, args.steps, args.size)
    window.show()
    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, window, gc.enable)  # paused by the command line for the start-up
    if big_session is not None:
        QTimer.singleShot(0, window, lambda: window.sessions.open(big_session))
    return app.exec()


def _session_size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0  # read at once: its one-sentence error, exit 2


def _big_session_bytes() -> int:
    from .features.sessions import BIG_SESSION_BYTES

    return BIG_SESSION_BYTES


def run_to(app, window, iterations: int, timeout: float = 120.0) -> None:
    """Let the worker take ``iterations`` steps (or finish) and draw the result."""
    run = window.current_run
    if run is None or iterations <= 0:
        return
    target = min(iterations, run.total_iterations)
    window.worker.step(target)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        app.processEvents()
        frame = window._last_frame
        if frame is not None and (frame.snapshot.iteration >= target or frame.snapshot.done):
            break
        time.sleep(0.005)
    window._redraw_surface(force=True)
    app.processEvents()


def wait_for_plane(app, window, timeout: float = 60.0) -> None:
    """Until a pca or random plane being computed (on the refiner's thread) is drawn: the one
    through the last step, not the one before the run."""
    refiner = window._refiner
    deadline = time.monotonic() + timeout
    while refiner.computing_plane and time.monotonic() < deadline:
        finished = not refiner.busy  # (then its result, if any, is waiting in the event queue)
        app.processEvents()
        if finished:
            break  # drawn, or there was none (a cancelled job)
        time.sleep(0.005)


def wait_for_first_frame(app, window, timeout: float = 10.0) -> None:
    """Until the window has drawn the worker's first frame of its current run."""
    deadline = time.monotonic() + timeout
    while window.current_run is not None and window._last_frame is None \
            and time.monotonic() < deadline:
        app.processEvents()
        if window._last_frame is None:
            time.sleep(0.001)


def settle(app, max_passes: int = 100) -> None:
    """Process events until a pass delivers none.

    Painting can lay the window out again (pyqtgraph widens an axis to fit the
    tick labels it has just drawn), which asks for another paint: once a pass
    finds nothing to do, the window on the screen is final.
    """
    counter = _EventCounter()
    app.installEventFilter(counter)
    try:
        for _ in range(max_passes):
            counter.count = 0
            app.processEvents()
            if counter.count == 0:
                break
    finally:
        app.removeEventFilter(counter)


class _EventCounter(QObject):
    """Counts the events delivered to the application's objects."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        self.count += 1
        return False


def picture(app, window):
    """The window as it is on the screen, as a QPixmap.

    On the offscreen platform that is the window's backing store, already
    painted by ``settle``: reading it takes a millisecond, where
    ``QWidget.grab`` paints every widget again (25-50 ms, a tenth of the
    start-up ``--screenshot`` measures).  Elsewhere (a real or virtual X
    display, where another window may cover it) the window paints itself.
    """
    if app.platformName() == "offscreen":
        handle = window.windowHandle()
        shot = window.screen().grabWindow(window.winId()) if handle is not None and handle.isExposed() else None
        if shot is not None and shot.size() == window.size():
            return shot
    return window.grab()


def screenshot(app, window, path: str, steps: int, size: tuple[int, int] = (1600, 1000)) -> int:
    """Save a picture of the window as it opens (or after ``steps`` iterations), ``size`` large
    (or its minimum size, if larger)."""
    window.resize(*size)
    wait_for_first_frame(app, window)  # while hidden, so the first frame is not painted twice
    window.show()
    settle(app)  # the window as it opens
    if steps > 0:
        run_to(app, window, steps)
        wait_for_plane(app, window)
        settle(app)
    from ..core.atomic import atomic_write_bytes, writable_target

    writable_target(path)  # a device or folder: refused before the picture is made
    fmt = (path.rsplit(".", 1)[-1] if "." in os.path.basename(path) else "png").upper()
    data = encode_picture(picture(app, window), fmt)
    window.document.mark_saved()
    window.close()
    if data is None:
        from ..cli import UserError

        raise UserError(f"Could not save the screenshot to {path}.")
    atomic_write_bytes(path, data)  # a full disk leaves the old picture whole
    print(f"saved {path}")
    return 0


def encode_picture(pixmap, fmt: str) -> bytes | None:
    """``pixmap`` as a file of format ``fmt`` ("PNG", "JPG", ...), or None if Qt cannot write it.

    A PNG is written by ``core.png`` (in about a third of the time Qt's writer takes); other
    formats by Qt.
    """
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QImage

    image = pixmap.toImage().convertToFormat(QImage.Format.Format_RGB888)
    if fmt == "PNG" and not image.isNull():
        import numpy as np

        from ..core.png import encode_png

        height, width = image.height(), image.width()
        rows = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
        rgb = rows.reshape(height, image.bytesPerLine())[:, :3 * width].reshape(height, width, 3)
        return encode_png(rgb)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    ok = image.save(buffer, fmt, SCREENSHOT_QUALITY)
    buffer.close()
    return bytes(data.data()) if ok else None
