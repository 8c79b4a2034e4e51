"""The Qt window: thin views over gdsim.core objects."""

# Once imported, PySide6 hooks every later import and reads the new module's
# source file (looking for ``from __feature__ import``). The window's Qt-free
# part, numpy and gdsim.core, is imported here first and skips that: 35-50 ms
# of a start-up of about one second (paired runs).
from ..core import csvio, decimate, fit, fit_model, functions, presets, remote, standardize, surface, surface_tracker, training  # noqa: F401, I001


def __getattr__(name):
    if name == "MainWindow":
        from .main_window import MainWindow

        return MainWindow
    raise AttributeError(f"module 'gdsim.gui' has no attribute {name!r}")
