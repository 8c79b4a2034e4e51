"""The surface plot's planes in the window: two parameters, the PCA of the path, a random plane."""

import threading
import time

import numpy as np
import pytest
from PySide6.QtWidgets import QComboBox

from gdsim.core import landscape as L
from gdsim.core import surface_tracker
from gdsim.gui.frames import PROJECTION_NOTE
from gdsim.gui.main_window import MainWindow
from helpers import choose


@pytest.fixture
def insurance(qtbot):
    """The window on the insurance table (logistic regression, 3 parameters)."""
    w = MainWindow(preset="insurance")
    w.ask_before_discarding = False
    qtbot.addWidget(w)
    w.show()
    yield w
    w.shutdown()


def plane_combo(w) -> QComboBox:
    return w.findChild(QComboBox, "landscapePlaneCombo")


def step(qtbot, w, n):
    w.worker.step(n)
    qtbot.waitUntil(lambda: w._last_frame is not None and w._last_frame.snapshot.iteration >= n, timeout=10000)


def wait_plane(qtbot, w, plane):
    qtbot.waitUntil(lambda: w.surface_model._plane is not None and w.surface_model.plane == plane
                    and not w.surface_model._plane_due, timeout=10000)


def test_the_combo_switches_planes_and_the_path_is_the_projection(qtbot, insurance):
    w = insurance
    step(qtbot, w, 30)
    assert w.surface_model.plane == "params" and w.surface_view.note() == ""
    choose(plane_combo(w), "pca")
    wait_plane(qtbot, w, "pca")
    assert w.surface_model.on_plane and not w.surface_x_combo.isVisible()
    shown = w.surface_model._plane
    history = w.run_history().params
    np.testing.assert_allclose(w.surface_view.path_points(),
                               L.project(history, shown.center, shown.d1, shown.d2), atol=1e-12)
    np.testing.assert_array_equal(shown.center, w.current_run.params)  # through the current point
    title = w.surface_view.plot_item.titleLabel.text
    assert "PCA plane" in title
    assert "of variance" in w.surface_view.plot_item.getAxis("bottom").labelText
    choose(plane_combo(w), "random")
    wait_plane(qtbot, w, "random")
    assert "random plane" in w.surface_view.plot_item.titleLabel.text
    choose(plane_combo(w), "params")
    qtbot.waitUntil(lambda: w.surface_x_combo.isVisible())
    i, j = w.surface_model.axes
    np.testing.assert_array_equal(w.surface_view.path_points(), history[:, [i, j]])


def test_the_projection_note_is_shown_only_on_pca_and_random(qtbot, insurance):
    w = insurance
    step(qtbot, w, 5)
    for plane, note in (("pca", PROJECTION_NOTE), ("params", ""), ("random", PROJECTION_NOTE), ("params", "")):
        choose(plane_combo(w), plane)
        if plane != "params":
            wait_plane(qtbot, w, plane)
        assert w.surface_view.note() == note, plane
    choose(plane_combo(w), "pca")
    wait_plane(qtbot, w, "pca")
    label = w.surface_view.note_label
    inside = label.mapRectToItem(w.surface_view.vb, label.boundingRect())
    assert inside.left() >= 0 and inside.right() <= w.surface_view.vb.width() + 1  # wrapped to the plot


def test_pca_is_recomputed_off_the_gui_thread_at_most_about_once_a_second(qtbot, insurance, monkeypatch):
    w = insurance
    calls = []
    original = surface_tracker.plane_surface

    def recording(*args, **kwargs):
        calls.append((threading.current_thread() is threading.main_thread(), time.monotonic(), args[5], args[7]))
        return original(*args, **kwargs)

    monkeypatch.setattr(surface_tracker, "plane_surface", recording)
    submitted = []
    submit = w._refiner.submit

    def submit_recording(job):
        if isinstance(job, surface_tracker.PlaneJob):
            submitted.append(time.monotonic())
        submit(job)

    monkeypatch.setattr(w._refiner, "submit", submit_recording)
    choose(plane_combo(w), "pca")
    wait_plane(qtbot, w, "pca")
    w.controls.epochsSpin.setValue(100_000)
    w.controls.epochsSpin.editingFinished.emit()
    assert w.current_run.total_iterations == 100_000
    choose(w.findChild(QComboBox, "speedCombo"), 100.0)
    calls.clear()
    submitted.clear()
    w.buttons["start"].click()
    qtbot.wait(3500)
    w.worker.pause()
    assert w.current_run.iteration > 50
    assert len(calls) >= 2, "the plane follows the run"
    running = list(calls)
    assert not any(on_main for on_main, _, _, _ in running), "a plane is never computed on the GUI thread"
    assert all(plane == "pca" and grid == 41 for _, _, plane, grid in running), running  # coarser while it moves
    gaps = np.diff(submitted[:len(running)])  # asked for once the cooldown (1 s, a coarse timer) is over
    assert len(gaps) and (gaps >= 0.95).all(), gaps
    # paused: the last plane passes through the current parameters, at the full grid
    qtbot.waitUntil(lambda: np.array_equal(w.surface_model._plane.center, w.current_run.params)
                    and w.surface_model._plane.values.shape == (61, 61), timeout=5000)
    assert not calls[-1][0]


def test_a_test_function_offers_the_two_parameter_plane_only(qtbot, insurance):
    w = insurance
    choose(plane_combo(w), "pca")
    w.findChild(object, "actionProblemRosenbrock").trigger()
    combo = plane_combo(w)
    assert combo.currentData() == "params" and w.surface_model.plane == "params"
    assert not combo.isEnabled()
    enabled = {combo.itemData(k): combo.model().item(k).isEnabled() for k in range(combo.count())}
    assert enabled == {"params": True, "pca": False, "random": False}
    assert w.surface_view.note() == ""
    w.findChild(object, "actionProblemData").trigger()  # data again: every plane
    assert combo.isEnabled() and all(combo.model().item(k).isEnabled() for k in range(combo.count()))


def test_pick_surface_parameter_switches_to_two_parameters_with_that_x(qtbot, insurance):
    w = insurance
    step(qtbot, w, 3)
    choose(plane_combo(w), "random")
    wait_plane(qtbot, w, "random")
    w.surface_x_combo.setCurrentIndex(0)
    w.surface_y_combo.setCurrentIndex(2)
    w.pick_surface_parameter(1)
    assert plane_combo(w).currentData() == "params" and w.surface_model.axes == (1, 2)
    assert w.surface_view.note() == "" and w.surface_x_combo.currentIndex() == 1
    w.pick_surface_parameter(2)  # the old y: the old x becomes y
    assert w.surface_model.axes == (2, 1)
    assert (w.surface_x_combo.currentIndex(), w.surface_y_combo.currentIndex()) == (2, 1)
    np.testing.assert_array_equal(w.surface_view.path_points(), w.run_history().params[:, [2, 1]])
    w.pick_surface_parameter(7)  # no such parameter: nothing changes
    assert w.surface_model.axes == (2, 1)


def test_a_click_on_a_plane_starts_from_that_point_of_it(qtbot, insurance):
    w = insurance
    step(qtbot, w, 20)
    choose(plane_combo(w), "pca")
    wait_plane(qtbot, w, "pca")
    shown = w.surface_model._plane
    w.surface_view.clicked.emit(0.25, -0.1)
    expected = shown.center + 0.25 * shown.d1 - 0.1 * shown.d2
    np.testing.assert_allclose(w.controls.init(), expected, atol=1e-12)
    np.testing.assert_allclose(w.current_run.params, expected, atol=1e-12)
    assert w.current_run.iteration == 0


def test_a_network_run_on_every_plane(qtbot):
    """spiral opens with a 2-8-8-1 MLP: torch's names in the axis combos, its surface over two
    of them with the other 103 held, and its PCA plane; a click there starts from that point."""
    w = MainWindow(preset="spiral")
    w.ask_before_discarding = False
    qtbot.addWidget(w)
    w.show()
    try:
        names = w.current_run.parameter_names
        assert len(names) == 105 and w.surface_x_combo.count() == 105
        assert w.surface_x_combo.itemText(40) == names[40] and w.surface_x_combo.maxVisibleItems() == 20
        step(qtbot, w, 20)
        w.pick_surface_parameter(40)
        assert w.surface_model.axes[0] == 40
        qtbot.waitUntil(lambda: not w.surface_model.surface().preview, timeout=10000)
        surface = w.surface_model.surface()
        theta = w.current_run.params.copy()
        j = w.surface_model.axes[1]
        theta[40], theta[j] = surface.xs[5], surface.ys[9]
        loss = w.current_run.problem.loss_and_grad(theta, w.current_run.X, w.current_run.y)[0]
        assert surface.values[9, 5] == pytest.approx(loss, rel=1e-12)
        assert w.surface_view.plot_item.getAxis("bottom").labelText == names[40]
        choose(plane_combo(w), "pca")
        wait_plane(qtbot, w, "pca")
        shown = w.surface_model._plane
        np.testing.assert_allclose(w.surface_view.path_points(),
                                   L.project(w.run_history().params, shown.center, shown.d1, shown.d2), atol=1e-12)
        w.surface_view.clicked.emit(0.5, 0.25)
        np.testing.assert_allclose(w.current_run.params, shown.center + 0.5 * shown.d1 + 0.25 * shown.d2,
                                   atol=1e-12)
    finally:
        w.shutdown()
