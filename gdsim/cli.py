"""The ``gdsim`` command line.

``gdsim`` alone opens the window; ``gdsim train ...`` and the other
subcommands (gdsim.commands) run headless and never import Qt. Every user
error is one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import gc
import sys
from importlib import import_module
from typing import NoReturn, Sequence

from .commands import COMMANDS

USAGE_ERROR = 2
INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C


class UserError(Exception):
    """An error the user can fix; printed as one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, no usage dump
        raise UserError(message)


def _command(name: str):
    return import_module(f"gdsim.commands.{name}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="gdsim",
        description="Gradient-descent simulator. `gdsim` alone opens the window "
                    "(`gdsim [FILE] [--preset NAME] [--lesson NAME_OR_FILE] [--screenshot FILE.png [--steps N]]`).",
    )
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    for name in COMMANDS:
        module = _command(name)
        module.add_arguments(sub.add_parser(name, help=module.HELP))
    return parser


def _user_errors() -> tuple[type[BaseException], ...]:
    from .core.dataset import DataError

    return (UserError, DataError, ValueError, OSError)


# Options whose value may start with a minus sign ("--init -1.5,2").
NUMBER_LIST_OPTIONS = ("--init", "--betas", "--lrs")


def _join_negative_values(argv: list[str]) -> list[str]:
    """'--init -1.5,2' -> '--init=-1.5,2' (argparse would take -1.5,2 for an option)."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        if argv[i] in NUMBER_LIST_OPTIONS and i + 1 < len(argv) and argv[i + 1].startswith("-"):
            out.append(f"{argv[i]}={argv[i + 1]}")
            i += 2
        else:
            out.append(argv[i])
            i += 1
    return out


def main(argv: Sequence[str] | None = None) -> int:
    argv = _join_negative_values(list(sys.argv[1:] if argv is None else argv))
    try:
        if argv and argv[0] in COMMANDS or argv[:1] in (["-h"], ["--help"]):
            args = build_parser().parse_args(argv)
            return _command(args.command).run(args)
        return _open_window(argv)
    except _user_errors() as exc:
        print(f"gdsim: error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:  # Ctrl-C: one line and the shell's code for SIGINT, no traceback
        print("gdsim: interrupted", file=sys.stderr)
        return INTERRUPTED


def entry() -> NoReturn:
    """The ``gdsim`` program: ``main()``, then exit.

    After a window, exit without Python tearing Qt's objects down one by one
    (``pyqtgraph.exit`` does the same): by then the window has stopped its
    threads and written all it keeps, the teardown takes 0.1-0.2 s, and it is
    where PySide tends to crash.
    """
    code = main()
    qt = sys.modules.get("PySide6.QtWidgets")
    if qt is not None and qt.QApplication.instance() is not None:
        import atexit
        import os

        atexit._run_exitfuncs()  # noqa: SLF001 (what sys.exit would run: thread and child shutdown)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def _open_window(argv: list[str]) -> int:
    # Opening the window makes some 70,000 long-lived objects (the modules of Qt,
    # pyqtgraph and numpy, the widgets) and almost no garbage, and the cyclic
    # collector would walk them again and again (about 170 passes, a tenth of the
    # start-up).  It is paused until the window is on the screen (``gui.app.main``
    # resumes it).
    gc.disable()
    try:
        try:
            from .gui.app import main as gui_main
        except ImportError as exc:  # usually a missing system library of Qt
            raise UserError(
                f"cannot open the window ({exc}); on Debian run scripts/install-debian-deps"
            ) from None
        return gui_main(argv)
    finally:
        gc.enable()
