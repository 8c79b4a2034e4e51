import pytest

from gdsim.gui.main_window import MainWindow


@pytest.fixture
def window(qtbot):
    """The main window on the default preset, shown; closed and its thread stopped after."""
    w = MainWindow()
    w.ask_before_discarding = False  # pytest-qt closes it before this fixture ends
    qtbot.addWidget(w)
    w.show()
    yield w
    w.shutdown()


@pytest.fixture(autouse=True)
def _normal_plot_scales():
    """Presentation mode and zoom scale every plot through one module-level setting; a test
    that leaves them on must not enlarge the next test's plots."""
    from gdsim.gui.plots import style

    yield
    style.set_scales()
