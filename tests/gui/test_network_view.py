"""The network view: nodes and edges for the layer sizes, edge width and colour from the weights,
tooltips and clicks naming the parameter; in the window, it follows the run and its frames."""

from types import SimpleNamespace

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QLineF, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QHelpEvent
from PySide6.QtWidgets import QApplication, QDockWidget, QToolTip

from gdsim.core.network import layout
from gdsim.core.presets import load_preset
from gdsim.core.training import TrainingConfig, TrainingRun
from gdsim.gui.features import network_view as feature
from gdsim.gui.plots.network_view import (
    MAX_EDGE_PX, MIN_EDGE_PX, NEGATIVE_COLOR, POSITIVE_COLOR, NetworkView,
)


def make_view(qtbot, sizes, theta=None, **names):
    view = NetworkView()
    qtbot.addWidget(view)
    view.resize(420, 360)
    view.set_network(sizes, **names)
    if theta is not None:
        view.set_params(theta)
    view.show()
    qtbot.waitExposed(view)
    return view


def n_params(sizes):
    return layout(sizes)[-1].bias.stop


def point_on(view, edge):
    """A point of ``edge`` where the pointer hovers that edge alone (edges cross in places)."""
    line = view.edge_line(edge)
    for t in np.linspace(0.2, 0.8, 25):
        p = QPointF(line.pointAt(t).toPoint())  # a pixel, as a mouse gives
        if view.item_at(p) == ("edge", edge):
            return p
    raise AssertionError(f"edge {edge} is hidden everywhere")


@pytest.mark.parametrize("sizes, nodes, edges", [
    ((2, 8, 8, 1), 19, 88), ((2, 16, 16, 16, 16, 3), 69, 848), ((3, 1), 4, 3), ((2, 3), 5, 6)])
def test_one_node_per_unit_and_one_edge_per_weight(qtbot, sizes, nodes, edges):
    view = make_view(qtbot, sizes, np.zeros(n_params(sizes)))
    assert (view.n_nodes, view.n_edges) == (nodes, edges)
    weights = np.concatenate([np.arange(l.weight.start, l.weight.stop) for l in layout(sizes)])
    assert sorted(view.edge_parameters().tolist()) == weights.tolist()


def test_edge_width_follows_the_size_and_colour_the_sign_of_the_weight(qtbot):
    sizes = (2, 3, 1)
    theta = np.zeros(n_params(sizes))
    # 0.weight is 3×2 (indices 0..5), 0.bias 6..8, 2.weight 9..11, 2.bias 12
    theta[[0, 1, 2, 9, 10]] = [-2.0, 1.0, 0.5, 0.0, 2.0]
    view = make_view(qtbot, sizes, theta)
    by_param = dict(zip(view.edge_parameters().tolist(), range(view.n_edges)))
    widths, colors = view.edge_widths(), view.edge_colors()
    assert widths[by_param[0]] == widths[by_param[10]] == MAX_EDGE_PX  # |w| = the net's largest
    assert widths[by_param[9]] == MIN_EDGE_PX  # w = 0
    assert widths[by_param[1]] == pytest.approx(MIN_EDGE_PX + (MAX_EDGE_PX - MIN_EDGE_PX) / 2)
    assert widths[by_param[2]] == pytest.approx(MIN_EDGE_PX + (MAX_EDGE_PX - MIN_EDGE_PX) / 4)
    assert colors[by_param[0]] == NEGATIVE_COLOR and colors[by_param[10]] == POSITIVE_COLOR
    # and that is what is painted: the thick negative edge in vermillion, the positive one in blue
    image = view.grab().toImage()
    for param, color in ((0, NEGATIVE_COLOR), (10, POSITIVE_COLOR)):
        pixel = image.pixelColor(point_on(view, by_param[param]).toPoint())
        assert pixel == QColor(color), (param, pixel.name())
    # new weights redraw: the sign flips the colour, the largest sets the scale
    theta[0], theta[10] = 4.0, -1.0
    view.set_params(theta)
    assert view.edge_colors()[by_param[0]] == POSITIVE_COLOR
    assert view.edge_widths()[by_param[10]] == pytest.approx(MIN_EDGE_PX + (MAX_EDGE_PX - MIN_EDGE_PX) / 4)


def test_node_fill_shows_the_bias_sign_and_size(qtbot):
    sizes = (2, 2, 1)
    theta = np.zeros(n_params(sizes))
    theta[0] = 1.0  # the largest |w|
    theta[4:6] = [-1.0, 0.25]  # 0.bias
    view = make_view(qtbot, sizes, theta)
    strong, weak, output = view.node_fill(2), view.node_fill(3), view.node_fill(4)
    assert strong == QColor(NEGATIVE_COLOR)
    assert weak.blue() > weak.red() and weak.lightness() > QColor(POSITIVE_COLOR).lightness()
    assert output == QColor("white")  # bias 0
    assert view.node_fill(0) != view.node_fill(2)  # an input has no bias


def test_hovering_an_edge_shows_its_torch_name_and_value(qtbot):
    sizes = (2, 8, 8, 1)
    theta = np.random.default_rng(1).uniform(-1, 1, n_params(sizes))
    theta[7] = -0.412  # 0.weight[3,1]: row 3 (hidden unit 3), column 1 (input x2)
    view = make_view(qtbot, sizes, theta)
    edge = view.edge_parameters().tolist().index(7)
    # the line from input x2 (node 1) to hidden unit 3 (node 2 + 3)
    assert view.edge_line(edge) == QLineF(view.node_position(1), view.node_position(2 + 3))
    p = point_on(view, edge)
    assert view.tooltip_at(p) == "0.weight[3,1] = −0.412"
    QApplication.sendEvent(view, QHelpEvent(QEvent.ToolTip, p.toPoint(), view.mapToGlobal(p.toPoint())))
    assert QToolTip.text() == "0.weight[3,1] = −0.412"
    assert view.tooltip_at(view.node_position(2 + 3)) == f"0.bias[3] = {theta[16 + 3]:.4g}".replace("-", "−")
    assert view.tooltip_at(view.node_position(1)) == "input x2"
    assert view.tooltip_at(QPointF(2, 2)) == ""
    QToolTip.hideText()


def test_a_shown_tooltip_follows_the_training(qtbot):
    sizes = (2, 3, 1)
    theta = np.zeros(n_params(sizes))
    view = make_view(qtbot, sizes, theta)
    p = view.node_position(2).toPoint()  # hidden unit 0: 0.bias[0], index 6
    qtbot.mouseMove(view, p)
    QApplication.sendEvent(view, QHelpEvent(QEvent.ToolTip, p, view.mapToGlobal(p)))
    assert QToolTip.text() == "0.bias[0] = 0"
    theta[6] = 1.5
    view.set_params(theta)
    assert QToolTip.text() == "0.bias[0] = 1.5"
    QToolTip.hideText()


def test_clicking_an_edge_or_a_node_emits_its_parameter_index(qtbot):
    sizes = (2, 8, 8, 1)
    view = make_view(qtbot, sizes, np.random.default_rng(2).uniform(-1, 1, n_params(sizes)))
    edge = view.edge_parameters().tolist().index(7)
    with qtbot.waitSignal(view.parameter_clicked, timeout=1000) as blocker:
        qtbot.mouseClick(view, Qt.LeftButton, pos=point_on(view, edge).toPoint())
    assert blocker.args == [7]
    with qtbot.waitSignal(view.parameter_clicked, timeout=1000) as blocker:
        qtbot.mouseClick(view, Qt.LeftButton, pos=view.node_position(2 + 8 + 8).toPoint())  # the output
    assert blocker.args == [n_params(sizes) - 1]  # 4.bias[0], the last parameter
    with qtbot.assertNotEmitted(view.parameter_clicked):
        qtbot.mouseClick(view, Qt.LeftButton, pos=view.node_position(0).toPoint())  # an input
        qtbot.mouseClick(view, Qt.LeftButton, pos=QPoint(2, 2))


def test_a_linear_model_is_one_layer_named_w_and_b(qtbot):
    view = make_view(qtbot, (3, 1), [0.5, -1.0, 2.0, 0.25], input_names=("a", "b", "c"), output_names=("y",),
                     parameter_names=("w1", "w2", "w3", "b"))
    assert (view.n_nodes, view.n_edges) == (4, 3)
    assert view.tooltip_at(point_on(view, 1)) == "w2 = −1"
    assert view.tooltip_at(view.node_position(3)) == "b = 0.25"
    with qtbot.waitSignal(view.parameter_clicked, timeout=1000) as blocker:
        qtbot.mouseClick(view, Qt.LeftButton, pos=view.node_position(3).toPoint())
    assert blocker.args == [3]


def test_a_message_replaces_the_network(qtbot):
    view = make_view(qtbot, (2, 4, 1), np.ones(17))
    assert view.key_text() == "w > 0 w < 0 width ∝ |w| (widest 1), fill ∝ b (darkest 1)"
    view.set_params(np.zeros(17))
    assert view.key_text() == "w > 0 w < 0 width ∝ |w| (widest 0), fill ∝ b (darkest 0)"
    view.set_message("Nothing to draw.")
    assert view.message == "Nothing to draw." and view.n_edges == 0
    assert view.item_at(QPointF(view.width() / 2, view.height() / 2)) is None
    view.set_params(np.ones(17))  # a late frame draws nothing
    assert view.n_edges == 0
    too_wide = make_view(qtbot, (500, 1))
    assert "up to 64 units" in too_wide.message


# --- in the window ------------------------------------------------------------------------


def spiral_run(hidden=(8, 8)):
    return TrainingRun(load_preset("spiral"), TrainingConfig(model="mlp", hidden=hidden))


def settled(window, qtbot):
    """Wait for the window's first frame, so no frame of its own run comes after the ones a test sends."""
    qtbot.waitUntil(lambda: window._last_frame is not None, timeout=5000)
    qtbot.wait(50)


def frame(params):
    return SimpleNamespace(snapshot=SimpleNamespace(params=np.asarray(params)))


def test_the_window_draws_its_linear_model_and_a_network_run_opens_the_dock(window, qtbot):
    dock = window.findChild(QDockWidget, "networkViewDock")
    view = window.findChild(NetworkView, "networkView")
    assert dock is not None and view is dock.widget() and not dock.isVisible()
    d = window.current_run.dataset.n_features
    assert (view.n_nodes, view.n_edges) == (d + 1, d) and view._title == "linear regression, MSE"
    assert window.surface_model.axes == (0, d)  # w1 and b: outlined, and the tooltip says so
    assert view.tooltip_at(view.node_position(d)) == "b = 0 (a surface axis)"
    window.run_changed.emit(spiral_run())
    assert dock.isVisible()  # the first network run opens it
    assert (view.n_nodes, view.n_edges) == (19, 88) and view._input_names == ("x1", "x2")
    dock.hide()
    window.run_changed.emit(window.current_run)
    window.run_changed.emit(spiral_run((4,)))
    assert not dock.isVisible() and view.n_edges == 12  # once: closed, it stays closed
    window.findChild(object, "actionNetworkView").trigger()
    assert dock.isVisible()
    window.default_layout.reset()
    assert not dock.isVisible()


def test_a_window_opening_on_a_network_preset_shows_the_dock_and_reset_hides_it(qtbot):
    from helpers import projector_window

    window = projector_window(qtbot)
    assert not window.network_view_dock.isVisible()  # the default preset is linear
    window.shutdown()
    from gdsim.gui.main_window import MainWindow

    window = MainWindow(preset="spiral")
    window.ask_before_discarding = False
    qtbot.addWidget(window)
    window.resize(1280, 690)
    window.show()
    qtbot.waitExposed(window)
    dock, view = window.network_view_dock, window.network_view_dock.view
    assert dock.isVisible() and view.n_edges == 88
    qtbot.waitUntil(lambda: view.height() >= 200 and view.width() >= 220, timeout=2000)  # room for 8 units
    window.default_layout.reset()
    assert not dock.isVisible()
    window.shutdown()


def test_frames_update_the_view_at_most_every_interval_and_the_last_one_is_drawn(window, qtbot):
    dock = window.network_view_dock
    settled(window, qtbot)
    run = spiral_run()
    window.run_changed.emit(run)
    view = dock.view
    qtbot.waitExposed(view)
    first, second, third = (np.full(run.params.size, v) for v in (0.1, 0.2, 0.3))
    dock._last_drawn = -1e9
    view.last_paint_seconds = 0.001  # (not the first paint's, slow on a busy machine)
    dock.on_frame_drawn(frame(first))
    assert view._theta[0] == 0.1  # drawn at once
    dock.on_frame_drawn(frame(second))
    dock.on_frame_drawn(frame(third))
    assert view._theta[0] == 0.1  # too soon: waits for the interval
    qtbot.waitUntil(lambda: bool(view._theta[0] == 0.3), timeout=1000)
    assert dock.interval() >= feature.MIN_INTERVAL_S
    view.last_paint_seconds = 0.02
    assert dock.interval() == pytest.approx(0.02 / feature.PAINT_SHARE)
    view.last_paint_seconds = 1.0
    assert dock.interval() == feature.MAX_INTERVAL_S


def test_a_hidden_dock_draws_the_newest_frame_when_shown(window, qtbot):
    dock = window.network_view_dock
    settled(window, qtbot)
    window.run_changed.emit(spiral_run())
    dock.hide()
    params = np.full(window.network_view_dock.view.n_edges + 17, 0.7)
    dock.on_frame_drawn(frame(params))
    assert dock.view._theta[0] != 0.7
    dock.show()
    assert dock.view._theta[0] == 0.7


def test_clicking_a_weight_picks_it_as_a_surface_axis(window, qtbot):
    picked = []

    def pick(index):  # as the window's: the parameter becomes the surface's x axis
        picked.append(index)
        window.surface_model.axes = (index, 1)

    window.pick_surface_parameter = pick
    window.run_changed.emit(spiral_run())
    view = window.network_view_dock.view
    qtbot.waitExposed(view)
    edge = view.edge_parameters().tolist().index(5)
    qtbot.mouseClick(view, Qt.LeftButton, pos=point_on(view, edge).toPoint())
    assert picked == [5]
    assert view._marked == (5, 1)  # outlined at once


def test_the_surface_axes_are_outlined_and_follow_the_axis_combos(qtbot):
    from gdsim.gui.main_window import MainWindow

    window = MainWindow(preset="two-classes")  # logistic regression: w1, w2, b
    window.ask_before_discarding = False
    qtbot.addWidget(window)
    view = window.network_view_dock.view
    view.resize(420, 360)
    assert window.current_run.parameter_names == ("w1", "w2", "b")
    assert view._marked == window.surface_model.axes == (0, 1)
    window.surface_y_combo.setCurrentIndex(2)
    assert window.surface_model.axes == (0, 2) and view._marked == (0, 2)
    assert view.tooltip_at(view.node_position(2)).endswith("(a surface axis)")  # b
    assert view.tooltip_at(point_on(view, 1)) == "w2 = 0"
    assert view.tooltip_at(point_on(view, 0)) == "w1 = 0 (a surface axis)"
    window.shutdown()


def test_training_a_chosen_network_ends_with_its_final_weights_drawn(window, qtbot):
    from PySide6.QtWidgets import QComboBox, QPushButton

    from helpers import choose

    dock = window.network_view_dock
    choose(window.dataset_panel.findChild(QComboBox, "presetCombo"), "spiral")
    assert dock.isVisible() and dock.view.n_edges == 88  # a network preset: its network, shown
    window.controls.epochsSpin.setValue(40)
    speed = window.findChild(QComboBox, "speedCombo")
    speed.setCurrentIndex(speed.findData(0.0))
    qtbot.mouseClick(window.findChild(QPushButton, "startButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: window.current_run.done, timeout=20000)
    run = window.current_run
    assert run.iteration == 40
    qtbot.waitUntil(lambda: dock.view._theta is not None and np.array_equal(dock.view._theta, run.params),
                    timeout=3000)
    choose(window.dataset_panel.findChild(QComboBox, "presetCombo"), "spiral3")
    choose(window.controls.modelCombo, "softmax")
    view = dock.view
    assert (view.n_nodes, view.n_edges) == (5, 6) and view._output_names == ("class 0", "class 1", "class 2")
    assert view.tooltip_at(view.node_position(4)).startswith("0.bias[2] = ")


def test_presentation_mode_draws_bigger_nodes_and_text(window, qtbot):
    view = window.network_view_dock.view
    window.network_view_dock.show()
    radius, points = view.node_radius(), view.font().pointSizeF()
    window.presentation.set_presentation(True)
    assert view.font().pointSizeF() == pytest.approx(1.5 * points)
    assert view.node_radius() == pytest.approx(1.5 * radius)
    window.presentation.set_presentation(False)
    assert view.node_radius() == pytest.approx(radius)
    left = view.node_position(0).x()
    window.presentation.set_zoom(2.0)  # text alone: the input names take more room
    assert view.node_position(0).x() > left
    window.presentation.set_zoom(1.0)


def test_a_test_function_gets_one_sentence(window, qtbot):
    window.findChild(object, "actionProblemRosenbrock").trigger()
    view = window.network_view_dock.view
    assert view.message == feature.FUNCTION_TEXT and view.n_edges == 0
    window.set_function(None)
    assert view.message == "" and view.n_edges == window.current_run.dataset.n_features


def test_edges_are_painted_with_pens_made_once(qtbot):
    """Each edge's pen (its width step and sign) is made the first time and reused at every paint."""
    from gdsim.gui.plots import network_view

    rng = np.random.default_rng(3)
    view = make_view(qtbot, (2, 8, 8, 1), rng.normal(size=105))
    view.grab()
    before = network_view._edge_pen.cache_info()
    view.set_params(rng.normal(size=105) * 0.999)
    view.grab()
    view.grab()
    after = network_view._edge_pen.cache_info()
    assert after.hits > before.hits
    keys = {int(round(w / network_view.WIDTH_STEP_PX)) * 2 + int(neg)
            for w, neg in zip(view.edge_widths(), view._weights < 0)}
    for key in keys:
        pen = network_view._edge_pen(key)
        assert pen.widthF() == (key >> 1) * network_view.WIDTH_STEP_PX
        assert pen.color() == QColor(NEGATIVE_COLOR if key & 1 else POSITIVE_COLOR)
        assert pen.capStyle() == Qt.FlatCap
