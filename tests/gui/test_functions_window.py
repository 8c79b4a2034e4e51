"""Test functions in the window: pick one from the Problem menu, descend it, go back to data."""

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QPushButton

from gdsim.gui.main_window import MainWindow


def test_rosenbrock_from_the_problem_menu(qtbot):
    w = MainWindow()
    w.ask_before_discarding = False
    qtbot.addWidget(w)
    w.show()
    w.findChild(object, "actionProblemRosenbrock").trigger()
    run = w.current_run
    assert run.parameter_names == ("x", "y") and run.params.tolist() == [-1.5, 2.0]
    assert not w.fit_view.isVisible() and not w.dataset_panel.isEnabled()
    star = w.surface_view.optimum_item.getData()
    assert (star[0].tolist(), star[1].tolist()) == ([1.0], [1.0])
    x0, x1, y0, y1 = w.surface_view.surface_extent()
    assert (x0, x1, y0, y1) == (-2.0, 2.0, -1.0, 3.0)
    optimizer = w.findChild(QComboBox, "optimizerCombo")
    optimizer.setCurrentIndex(optimizer.findData("adam"))  # plain SGD at lr 0.01 diverges here
    speed = w.findChild(QComboBox, "speedCombo")
    speed.setCurrentIndex(speed.findData(0.0))
    qtbot.mouseClick(w.findChild(QPushButton, "startButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: w._last_frame is not None and w._last_frame.snapshot.done, timeout=20000)
    h = w.run_history()
    assert len(h) == 101 and h.full_loss[-1] < h.full_loss[0]
    assert len(w.surface_view.path_points()) == 101


def test_himmelblau_marks_four_minima_and_data_comes_back(qtbot):
    w = MainWindow()
    w.ask_before_discarding = False
    qtbot.addWidget(w)
    w.show()
    w.findChild(object, "actionProblemHimmelblau").trigger()
    xs, ys = w.surface_view.optimum_item.getData()
    assert len(xs) == 4
    w.surface_view.clicked.emit(1.0, -1.0)  # a click on the surface sets the start
    assert w.current_run.params.tolist() == [1.0, -1.0]
    w.findChild(object, "actionProblemData").trigger()
    assert w.current_run.parameter_names == ("w1", "b")
    assert w.fit_view.isVisible() and w.dataset_panel.isEnabled()
    assert np.isfinite(w.current_run.params).all()
