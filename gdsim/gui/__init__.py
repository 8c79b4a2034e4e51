"""The Qt window: thin views over gdsim.core objects."""


def __getattr__(name):
    if name == "MainWindow":
        from .main_window import MainWindow

        return MainWindow
    raise AttributeError(f"module 'gdsim.gui' has no attribute {name!r}")
