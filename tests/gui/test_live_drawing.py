"""Drawing a long live run: bounded work per frame, same picture, paint before the worker resumes."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6 import QtCore
from PySide6.QtWidgets import QWidget

from gdsim.core.decimate import LOSS_BINS, PATH_POINTS
from gdsim.gui.plots import FitView, LossView, SurfaceView, style
from gdsim.gui.worker import PaintFence
from helpers import window_before_show


def _show(qtbot, widget, size=(700, 500)):
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _xy(item):
    x, y = item.getData()
    return np.asarray(x, float), np.asarray(y, float)


def _loss(n, seed=0):
    rng = np.random.default_rng(seed)
    it = np.arange(n, dtype=float)
    full = 5 * np.exp(-it / (n / 4)) + 2  # within 2 decades, noise and all: a linear axis
    return it, full * np.clip(1 + 0.3 * rng.normal(size=n), 0.6, None) ** 2, full


def test_live_loss_curve_is_bounded_keeps_extremes_and_ends_at_the_latest(qtbot):
    view = _show(qtbot, LossView())
    it, batch, full = _loss(300_000)
    for n in (10, 5_000, 120_000, 300_000):  # frames of one live run
        view.set_series(it[:n], batch[:n], it[:n], full[:n], series_key=7)
        bx, by = _xy(view.batch_item)
        assert len(bx) <= 2 * LOSS_BINS + 2
        assert bx[-1] == n - 1 and by[-1] == batch[n - 1]
        assert by.max() == batch[:n].max() and by.min() == batch[:n].min()
        np.testing.assert_array_equal(by, batch[bx.astype(int)])  # real samples
    # the same picture as drawing the whole run at once (no key)
    live = _xy(view.full_item)
    fresh = _show(qtbot, LossView())
    fresh.set_series(it, batch, it, full)
    assert _xy(fresh.full_item)[1].max() == live[1].max()
    assert _xy(fresh.full_item)[0][-1] == live[0][-1]


def test_live_loss_axes_move_in_steps_not_every_frame(qtbot):
    view = _show(qtbot, LossView())
    it, batch, full = _loss(100_000)
    boxes = set()
    for n in range(1_000, 100_001, 1_000):
        view.set_series(it[:n], batch[:n], it[:n], full[:n], series_key=1)
        style.settle_ranges(view)
        boxes.add(tuple(np.round(np.ravel(view.getPlotItem().getViewBox().viewRange()), 9)))
    assert len(boxes) < 25  # 100 frames, a handful of ranges
    (x0, x1), _ = view.getPlotItem().getViewBox().viewRange()
    assert x0 <= 0 and x1 >= 99_999  # the whole run is in view


def test_hover_reads_the_full_resolution_series(qtbot):
    view = _show(qtbot, LossView())
    it, batch, full = _loss(50_000)
    view.set_series(it, batch, it, full, series_key=3)
    assert view._nearest_by_x(12_345.2) == 12_345  # not a decimated neighbour


def test_live_path_equals_the_path_drawn_at_once(qtbot):
    view = _show(qtbot, SurfaceView())
    xs = np.linspace(-2, 2, 41)
    view.set_surface(np.add.outer(xs ** 2, xs ** 2), xs, xs, "w", "b", "")
    t = np.linspace(0, 40, 200_000)
    path = np.column_stack((1.5 * np.exp(-t / 10) * np.cos(t), 1.5 * np.exp(-t / 10) * np.sin(t)))
    for n in (50, 3_000, 80_000, 200_000):
        view.set_path(path[:n], series_key=5)
    live = _xy(view.path_item)
    view.set_path(path)  # no key: from scratch
    once = _xy(view.path_item)
    np.testing.assert_array_equal(live[0], once[0])
    assert len(live[0]) <= PATH_POINTS + 1
    assert np.array_equal(view.path_points(), path)
    x, y = view.current_item.getData()
    assert (x[0], y[0]) == tuple(path[-1])


def test_fit_view_keeps_unchanged_data_and_thins_big_tables(qtbot, monkeypatch):
    view = _show(qtbot, FitView())
    x = np.linspace(0, 1, 20)
    y = (x > 0.5).astype(float)
    curve = (np.linspace(0, 1, 50), np.linspace(0, 1, 50))
    view.show_logistic_1d(x, y, *curve)
    calls = []
    original = view.data_item.setData
    monkeypatch.setattr(view.data_item, "setData", lambda *a, **k: (calls.append(1), original(*a, **k)))
    view.show_logistic_1d(x, y, *curve)  # a frame: only the model moved
    assert calls == []
    view.show_logistic_1d(x, 1 - y, *curve)  # new data is drawn
    assert calls == [1]
    big = np.linspace(0, 1, 100_000)
    view.show_predicted_vs_actual(big, big + 0.1)
    dx, _ = _xy(view.data_item)
    assert len(dx) == 5_000 and dx[0] == 0 and dx[-1] == 1


def test_paint_fence_releases_after_the_paint(qtbot):
    events = []

    class Canvas(QWidget):
        def paintEvent(self, event):  # noqa: N802
            events.append("paint")

    widget = _show(qtbot, Canvas(), (200, 100))
    fence = PaintFence(widget, lambda: events.append("release"))
    qtbot.wait(50)
    events.clear()
    widget.update()  # what drawing a frame into the plots does
    fence.arm()
    qtbot.waitUntil(lambda: "release" in events, timeout=2000)
    assert events[0] == "paint" and events[-1] == "release"
    # nothing to paint: released on the next turn of the event loop
    events.clear()
    fence.arm()
    qtbot.waitUntil(lambda: events == ["release"], timeout=2000)
    QtCore.QCoreApplication.processEvents()
    assert events == ["release"]


def test_moving_the_model_line_does_not_draw_the_data_points_again(qtbot):
    """The points are kept as a picture: a frame that moves the line over them only blits it."""
    import inspect
    import sys

    import pyqtgraph as pg

    view = _show(qtbot, FitView())
    x = np.linspace(0.0, 4.0, 20_000)
    y = 2.0 * x + 1.0 + np.sin(7 * x)

    def frame(k):  # one frame of a run, as the window draws it: the line moves over the points
        view.show_line_fit(x, y, [0, 4], [1 + k * 0.5, 9 - k], "x", "y")
        style.settle_ranges(view)
        QtCore.QCoreApplication.processEvents()
        view.viewport().repaint()

    for k in range(2):  # the first frames set the view's range and draw the points once
        frame(k)
    scatter, paint_file = view.data_item.scatter, inspect.getsourcefile(pg.ScatterPlotItem)
    view_range = view.plot_item.getViewBox().viewRange()
    painted = []

    def profile(f, event, arg):  # sees Qt calling the Python paint (a patched method would not)
        if event == "call" and f.f_code.co_name == "paint" and f.f_code.co_filename == paint_file:
            painted.append(f.f_locals["self"])

    sys.setprofile(profile)
    try:
        for k in range(2, 7):
            frame(k)
    finally:
        sys.setprofile(None)
    assert view.plot_item.getViewBox().viewRange() == view_range
    assert painted, "no scatter was painted at all: the test would see nothing"
    assert scatter not in painted


def test_big_surface_shows_a_preview_then_the_exact_surface(qtbot):
    from gdsim.core.presets import large_synthetic
    from gdsim.core.training import TrainingConfig
    from gdsim.gui.main_window import MainWindow

    window = MainWindow(dataset=large_synthetic(4_000, model="logistic"),
                        config=TrainingConfig(model="logistic"))
    window.ask_before_discarding = False
    qtbot.addWidget(window)
    window.show()
    title = window.surface_view.getPlotItem().titleLabel
    assert "preview" in title.text
    assert window.surface_model.surface().values.shape[0] < 128
    qtbot.waitUntil(lambda: not window.surface_model.surface().preview, timeout=60_000)
    assert "preview" not in title.text
    image = window.surface_view.image_item.image
    assert image.shape == (128, 128)
    window.close()


def test_the_exact_surface_waits_while_the_run_steps_at_full_speed(qtbot):
    from gdsim.core.presets import large_synthetic
    from gdsim.core.training import TrainingConfig
    from gdsim.gui.main_window import MainWindow

    window = MainWindow(dataset=large_synthetic(4_000, model="logistic"),
                        config=TrainingConfig(model="logistic", epochs=100_000))
    window.ask_before_discarding = False
    qtbot.addWidget(window)
    window.show()
    refiner = window._refiner
    assert window.surface_model.surface().preview and refiner.busy  # computing the exact surface
    controls = window.controls
    controls.speedCombo.setCurrentIndex(controls.speedCombo.findData(0.0))
    window.start()
    qtbot.waitUntil(lambda: not refiner.busy, timeout=10_000)  # stopped, kept for later
    assert refiner.waiting and window.worker.is_running
    assert window.surface_model.surface().preview
    window.toggle_pause()
    assert not refiner.waiting
    qtbot.waitUntil(lambda: not window.surface_model.surface().preview, timeout=60_000)
    assert window.surface_view.image_item.image.shape == (128, 128)
    window.close()


def test_a_frame_is_drawn_one_plot_per_turn_of_the_event_loop(qtbot, monkeypatch):
    from gdsim.gui.main_window import MainWindow

    window = MainWindow()
    window.ask_before_discarding = False
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    turns = [0]  # a zero timer counts the turns of the event loop
    ticker = QtCore.QTimer(interval=0)
    ticker.timeout.connect(lambda: turns.__setitem__(0, turns[0] + 1))
    ticker.start()
    calls: list[tuple[str, int]] = []
    for obj, name in ((window.surface_view, "set_path"), (window.loss_view, "set_series"),
                      (window.fit_view, "highlight_rows")):
        original = getattr(obj, name)

        def spy(*args, _name=name, _original=original, **kwargs):
            calls.append((_name, turns[0]))
            return _original(*args, **kwargs)

        monkeypatch.setattr(obj, name, spy)
    drawn = []
    window.frame_drawn.connect(drawn.append)
    window.worker.step(5)
    qtbot.waitUntil(lambda: bool(drawn), timeout=5000)
    ticker.stop()
    assert [name for name, _ in calls] == ["set_path", "set_series", "highlight_rows"]
    # the event loop (input, timers, the paint of the plot just drawn) ran in between
    assert calls[0][1] < calls[1][1] < calls[2][1], calls
    assert drawn[0].snapshot.iteration == 5
    window.shutdown()


def test_live_loss_axes_move_a_few_times_and_the_finished_curve_fills_the_plot(qtbot):
    view = _show(qtbot, LossView())
    it, batch, full = _loss(200_000)
    ranges = []
    for n in range(1000, 200_001, 1000):  # 200 frames of a live run
        view.set_series(it[:n], batch[:n], it[:n], full[:n], series_key=3)
        style.settle_ranges(view)
        ranges.append(tuple(view.getPlotItem().getViewBox().viewRange()[0]))
    moves = sum(1 for a, b in zip(ranges, ranges[1:]) if a != b)
    assert moves <= 10, moves  # the x range doubles when the curve reaches its end
    assert ranges[-1][1] >= 200_000
    view.set_series(it, batch, it, full)  # the run ended: drawn whole, without the room
    style.settle_ranges(view)
    x0, x1 = view.getPlotItem().getViewBox().viewRange()[0]
    assert x1 <= 1.35 * 200_000  # the usual quarter of room, not the live doubling


@pytest.mark.parametrize("presentation", [False, True], ids=["plain", "presentation"])
def test_the_window_paints_its_plots_once_when_it_opens(qtbot, monkeypatch, presentation):
    """The axes fit their tick labels before the first paint, so it lays no plot out again;
    and a legend placed while the window was hidden (in presentation mode, the fit's goes
    above its data) is placed once, at the show, not again after the first paint."""
    monkeypatch.setenv("GDSIM_PRESENTATION", "1" if presentation else "0")
    import pyqtgraph as pg
    from PySide6.QtCore import QEvent, QObject

    class PlotPaints(QObject):
        count = 0

        def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
            if event.type() == QEvent.Type.Paint and isinstance(obj.parent(), pg.PlotWidget):
                self.count += 1
            return False

    app, window = window_before_show(qtbot)
    paints = PlotPaints()
    app.installEventFilter(paints)
    try:
        window.show()
        for _ in range(5):  # the first paint, and whatever it causes
            app.processEvents()
            if paints.count:
                break
        first = paints.count
        for _ in range(10):
            app.processEvents()
    finally:
        app.removeEventFilter(paints)
    assert first == 3  # the surface, the loss curve and the fit
    assert paints.count == first, "a plot was laid out and painted again after the first paint"
    window.close()


@pytest.mark.parametrize("presentation", [False, True], ids=["plain", "presentation"])
def test_the_window_opens_at_its_final_layout_with_each_legend_placed_once(qtbot, monkeypatch, presentation):
    """What ``show()`` lays out is what stays: the docks at the width their contents ask in
    presentation mode's font (the hidden window's layouts had measured the old one), the
    surface beside its colour bar at its final width; so each legend is placed once, at the
    show (placements queued while hidden, or for sizes that then changed, came after)."""
    from gdsim.gui.app import settle
    from gdsim.gui.plots import placement

    monkeypatch.setenv("GDSIM_PRESENTATION", "1" if presentation else "0")
    placed = []
    place_legend = placement.place_legend

    def counted(legend, *args, **kwargs):
        placed.append(legend.parentItem())
        return place_legend(legend, *args, **kwargs)

    monkeypatch.setattr(placement, "place_legend", counted)
    app, window = window_before_show(qtbot)
    views = (window.surface_view, window.loss_view, window.fit_view)
    placed.clear()
    window.show()
    shown = [(view.size(), view.vb.size()) for view in views]
    settle(app)
    assert [(view.size(), view.vb.size()) for view in views] == shown
    assert len(placed) == 3, f"{len(placed)} placements"
    window.close()


def test_a_frame_of_the_window_run_draws_the_loss_plot_once(qtbot, monkeypatch):
    """The race asks for the window's curves at every frame; they are shown already, so the
    loss plot is not composed (and painted) a second time."""
    from gdsim.gui.main_window import MainWindow

    window = MainWindow()
    window.ask_before_discarding = False
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    renders = []
    original = window.loss_view._render
    monkeypatch.setattr(window.loss_view, "_render", lambda: (renders.append(1), original())[1])
    drawn = []
    window.frame_drawn.connect(drawn.append)
    window.worker.step(5)
    qtbot.waitUntil(lambda: bool(drawn), timeout=5000)
    assert len(renders) == 1  # set_series, and nothing else
    window.shutdown()


def test_a_live_frame_leaves_empty_items_alone(qtbot, monkeypatch):
    """A full-batch run has no epoch lines, notes or mini-batch rings: handing the empty
    items their empty data at every frame made Qt process and repaint them for nothing."""
    loss, fit = _show(qtbot, LossView()), _show(qtbot, FitView())
    fit.show_line_fit([0.0, 1.0, 2.0], [1.0, 2.0, 2.5], [0.0, 2.0], [1.0, 3.0], "x", "y")
    it, batch, full = _loss(1000)
    calls = []
    for item in (loss.epoch_item, loss.annotation_dots, fit.highlight_item):
        monkeypatch.setattr(item, "setData", lambda *a, _item=item, **k: calls.append(_item))
    for n in (100, 200, 300):
        loss.set_series(it[:n], batch[:n], it[:n], full[:n], series_key=1)
        fit.highlight_rows([])
    assert calls == []


def test_a_live_loss_axis_keeps_its_range_while_only_the_run_outgrows_it(qtbot):
    """Each time a run doubled its length the curves' box was made again, loss and all: the
    loss axis moved by a hair and drew its ticks again (a quarter of that frame)."""
    view = _show(qtbot, LossView())
    n = 64_000
    it = np.arange(n, dtype=float)
    loss = 0.3 + 0.4 * np.exp(-it / 100) - 0.01 * it / n  # settled; creeping down a little
    ranges = []
    for m in (2_000, 3_000, 5_000, 9_000, 17_000, 33_000, 64_000):
        view.set_series(it[:m], loss[:m], it[:m], loss[:m], series_key=1)
        style.settle_ranges(view)
        ranges.append(tuple(view.vb.viewRange()[1]))
    assert view.vb.viewRange()[0][1] >= n - 1  # the run's length is in view
    assert len(set(ranges)) == 1, ranges
