"""Test functions in the window: pick one from the Problem menu, descend it, go back to data."""

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDockWidget, QGroupBox, QPushButton

from gdsim.core.functions import FunctionRun
from gdsim.gui.main_window import MainWindow
from helpers import choose


def make_window(qtbot):
    w = MainWindow()
    w.ask_before_discarding = False
    qtbot.addWidget(w)
    w.show()
    return w


def type_lr(qtbot, w, value):
    spin = w.controls.learningRateSpin
    spin.setValue(value)
    spin.editingFinished.emit()


def full_speed(w):
    speed = w.findChild(QComboBox, "speedCombo")
    speed.setCurrentIndex(speed.findData(0.0))


def wait_done(qtbot, w, timeout=20000):
    qtbot.waitUntil(lambda: w._last_frame is not None and w._last_frame.snapshot.done, timeout=timeout)


def test_rosenbrock_from_the_problem_menu_converges_at_its_defaults(qtbot):
    w = make_window(qtbot)
    w.findChild(object, "actionProblemRosenbrock").trigger()
    run = w.current_run
    assert run.parameter_names == ("x", "y") and run.params.tolist() == [-1.5, 2.0]
    assert not w.fit_view.isVisible() and not w.findChild(QDockWidget, "datasetDock").isVisible()
    star = w.surface_view.optimum_item.getData()
    assert (star[0].tolist(), star[1].tolist()) == ([1.0], [1.0])
    x0, x1, y0, y1 = w.surface_view.surface_extent()
    assert (x0, x1, y0, y1) == (-2.0, 2.0, -1.0, 3.0)
    # plain SGD at the function's own defaults (lr 0.01 diverged at iteration 5)
    assert run.config.optimizer == "sgd" and run.base_lr == 0.002 and run.epochs == 1000
    full_speed(w)
    qtbot.mouseClick(w.findChild(QPushButton, "startButton"), Qt.LeftButton)
    wait_done(qtbot, w)
    h = w.run_history()
    assert w.current_run.status == "finished" and len(h) == 1001
    assert w.current_run.distance_to_minimum() < 0.05
    assert len(w.surface_view.path_points()) == 1001


def test_himmelblau_marks_four_minima_and_data_comes_back(qtbot):
    w = make_window(qtbot)
    data_epochs = w.controls.config().epochs
    w.findChild(object, "actionProblemHimmelblau").trigger()
    xs, ys = w.surface_view.optimum_item.getData()
    assert len(xs) == 4
    w.surface_view.clicked.emit(1.0, -1.0)  # a click on the surface sets the start
    assert w.current_run.params.tolist() == [1.0, -1.0]
    w.findChild(object, "actionProblemData").trigger()
    assert w.current_run.parameter_names == ("w1", "b")
    assert w.fit_view.isVisible() and w.findChild(QDockWidget, "datasetDock").isVisible()
    # the data's own settings come back, not the function's start point
    assert w.current_run.params.tolist() == [0.0, 0.0] and w.controls.config().epochs == data_epochs


def test_a_typed_learning_rate_takes_effect_before_and_during_a_function_run(qtbot):
    w = make_window(qtbot)
    w.findChild(object, "actionProblemRosenbrock").trigger()
    type_lr(qtbot, w, 0.001)  # raised AttributeError ('NoneType' has no 'n_rows'); Start ran at 0.01
    assert "Error" not in w.status_label.text()
    assert w.current_run.base_lr == 0.001
    w.step()
    qtbot.waitUntil(lambda: w._last_frame is not None and w._last_frame.snapshot.iteration == 1, timeout=5000)
    assert w._last_frame.snapshot.lr == 0.001
    type_lr(qtbot, w, 0.0005)  # during the run: from the next step on
    w.step()
    qtbot.waitUntil(lambda: w._last_frame.snapshot.iteration == 2, timeout=5000)
    assert w._last_frame.snapshot.lr == 0.0005 and w.current_run.iteration == 2


def test_a_start_point_of_zero_is_where_a_function_run_starts(qtbot):
    w = make_window(qtbot)
    w.findChild(object, "actionProblemRosenbrock").trigger()
    w.controls.set_init((0.0, 0.0))  # was replaced by the function's default (−1.5, 2)
    assert w.controls.init() == (0.0, 0.0)
    assert w.current_run.params.tolist() == [0.0, 0.0]
    w.reset()
    assert w.current_run.params.tolist() == [0.0, 0.0]


def test_loading_a_preset_while_a_function_is_active_trains_the_data(qtbot):
    w = make_window(qtbot)
    w.findChild(object, "actionProblemBeale").trigger()
    assert isinstance(w.current_run, FunctionRun)
    assert w.dataset_panel.load_preset("insurance")  # raised AttributeError; kept training Beale
    run = w.current_run
    assert not isinstance(run, FunctionRun) and run.dataset.name == "insurance"
    assert w.findChild(object, "actionProblemData").isChecked()
    assert w.fit_view.isVisible() and w.controls.config().model == "logistic"
    assert run.parameter_names == w.controls.parameter_names()


def test_function_mode_hides_what_does_not_apply(qtbot):
    w = make_window(qtbot)
    model_group = w.controls.findChild(QGroupBox, "modelGroup")
    label = w.controls.iterationsLabel
    assert model_group.isVisible() and label.isVisible()
    w.findChild(object, "actionProblemSaddle").trigger()
    assert not model_group.isVisible() and not label.isVisible()
    assert not w.controls.batchModeCombo.isVisible() and w.controls.epochsSpin.isVisible()
    assert not w.findChild(QDockWidget, "datasetDock").isVisible()
    w.step()
    qtbot.waitUntil(lambda: w._last_frame is not None and w._last_frame.snapshot.iteration == 1, timeout=5000)
    assert len(w.loss_view.batch_item.getData()[0] or []) == 0  # no "mini-batch loss" of a function
    assert "step 1 of 100" in w.status_label.text() and "epoch" not in w.status_label.text()
    w.findChild(object, "actionProblemData").trigger()
    assert model_group.isVisible() and label.isVisible() and w.controls.batchModeCombo.isVisible()


def test_the_step_explainer_shows_a_functions_gradient(qtbot):
    w = make_window(qtbot)
    w.findChild(object, "actionProblemRosenbrock").trigger()
    w.findChild(object, "actionStepExplainer").trigger()
    w.step()
    dock = w.findChild(QDockWidget, "stepExplainer")
    qtbot.waitUntil(lambda: "∂f/∂x" in dock.text(), timeout=5000)  # raised TypeError in explain.py
    assert "no data rows" in dock.text() and "x = x − lr × ∂L/∂x" in dock.text()


def test_an_error_in_a_step_fails_the_run_and_the_worker_goes_on(qtbot):
    w = make_window(qtbot)
    w.findChild(object, "actionProblemBeale").trigger()
    choose(w.findChild(QComboBox, "optimizerCombo"), "sgd")
    type_lr(qtbot, w, 10.0)
    w.controls.set_init((100.0, 100.0))
    full_speed(w)
    w.start()  # raised OverflowError in the worker, whose thread died: Start/Step/Reset did nothing
    wait_done(qtbot, w)
    assert w.current_run.status in ("failed", "diverged")
    assert "Ready" not in w.status_label.text()
    w.controls.set_init((1.0, 1.0))
    type_lr(qtbot, w, 0.01)
    w.step()
    qtbot.waitUntil(lambda: w._last_frame is not None and w._last_frame.snapshot.iteration == 1, timeout=5000)
    assert np.isfinite(w.current_run.params).all()


def test_the_loss_legend_lists_no_mini_batch_loss_for_a_function(qtbot):
    w = make_window(qtbot)
    labels = lambda: [label.text for _item, label in w.loss_view.legend.items]  # noqa: E731
    # before a step only the full loss at iteration 0 has a value (an empty series is not listed)
    assert labels() == ["full-dataset loss"]
    w.findChild(object, "actionProblemBowl").trigger()
    assert labels() == ["f(x, y)"]
    w.step()
    qtbot.waitUntil(lambda: w._last_frame is not None and w._last_frame.snapshot.iteration == 1, timeout=5000)
    assert labels() == ["f(x, y)"]  # a function has no mini-batch loss, even once it has stepped
    w.findChild(object, "actionProblemData").trigger()
    assert labels() == ["full-dataset loss"]
    w.step()
    qtbot.waitUntil(lambda: w._last_frame is not None and w._last_frame.snapshot.iteration == 1, timeout=5000)
    assert labels() == ["mini-batch loss", "full-dataset loss"]


def test_the_status_line_of_a_function_counts_steps(qtbot):
    w = make_window(qtbot)
    w.findChild(object, "actionProblemBeale").trigger()
    w.step()
    qtbot.waitUntil(lambda: w._last_frame is not None and w._last_frame.snapshot.iteration == 1, timeout=5000)
    f0 = w.current_run.history.full_loss[0]
    x, y = w.current_run.params
    assert f"step 1 of 1000 · f(x, y) {f0:.6g} (before step 1) · after it: x = {x:.4g}, y = {y:.4g}" \
        in w.status_label.text()
    assert w.findChild(QPushButton, "pauseButton").text() == "Resume"


def test_the_race_and_the_lr_studies_say_they_run_on_data(qtbot):
    from PySide6.QtWidgets import QDockWidget as Dock

    w = make_window(qtbot)
    w.findChild(object, "actionProblemRosenbrock").trigger()
    w.race_feature.start()  # raced the dataset's rows while Rosenbrock was shown
    assert w.race_feature.race is None
    assert "runs on data" in w.race_feature.panel.status_label.text()
    w.findChild(object, "actionLrSweep").trigger()
    sweeps = [d for d in w.findChildren(Dock) if hasattr(d, "sweep_label")]
    assert sweeps and "run on data" in sweeps[0].sweep_label.text()
