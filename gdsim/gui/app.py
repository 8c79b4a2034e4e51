"""Start the window: ``gdsim [FILE.csv] [--preset NAME] [--screenshot FILE.png [--steps N]]``."""

from __future__ import annotations

import argparse
import sys
import time

APP_NAME = "gdsim"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        from ..cli import UserError

        raise UserError(message)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = _Parser(prog="gdsim", description="Open the gdsim window.")
    parser.add_argument("file", nargs="?", help="a CSV file or a .gdsim session to open")
    parser.add_argument("--preset", help="open on this built-in dataset")
    parser.add_argument("--screenshot", metavar="FILE.png", help="save a picture of the window and exit")
    parser.add_argument("--steps", type=int, default=0, help="with --screenshot: run N iterations first")
    return parser.parse_args(argv)


def application():
    """The QApplication (created once) with gdsim's name and icon."""
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

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
    session = None
    if args.file and args.file.lower().endswith(".gdsim"):
        from ..core.session import load_session

        session = load_session(args.file)  # a bad file: one sentence, exit 2
        dataset = session.dataset
    elif args.file:
        from ..core.csvio import read_csv

        dataset = read_csv(args.file)
    if args.preset:
        from ..core.presets import load_preset

        dataset = load_preset(args.preset)
    app = application()
    from .main_window import MainWindow

    window = MainWindow(dataset=dataset)
    if session is not None:
        from .features.sessions import apply_session

        apply_session(window, session, args.file)
    if args.screenshot:
        return screenshot(app, window, args.screenshot, args.steps)
    window.show()
    return app.exec()


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


def screenshot(app, window, path: str, steps: int) -> int:
    window.resize(1600, 1000)
    window.show()
    app.processEvents()
    run_to(app, window, steps)
    for _ in range(5):
        app.processEvents()
        time.sleep(0.02)
    ok = window.grab().save(path)
    window.document.mark_saved()
    window.close()
    if not ok:
        from ..cli import UserError

        raise UserError(f"Could not save the screenshot to {path}.")
    print(f"saved {path}")
    return 0
