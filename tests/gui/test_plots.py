"""pytest-qt tests of the three plot views (gdsim.gui.plots)."""

from __future__ import annotations


import numpy as np
import pytest
from PySide6 import QtCore
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

pg = pytest.importorskip("pyqtgraph")

from gdsim.gui.plots import FitView, LossView, SurfaceView, style  # noqa: E402
from gdsim.gui.plots.surface_view import contour_segments, downsample_path_indices  # noqa: E402


# --------------------------------------------------------------------------- helpers


def _show(qtbot, widget, size=(700, 500)):
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    QtCore.QCoreApplication.processEvents()
    return widget


def _settle(qtbot=None):
    """Let pending layout passes (axis widths) finish so mappings are final."""
    for _ in range(3):
        QtCore.QCoreApplication.processEvents()
        QTest.qWait(20)


def _viewport_pos(view, x, y) -> QtCore.QPoint:
    _settle()
    vb = view.getPlotItem().getViewBox()
    scene_pt = vb.mapViewToScene(QtCore.QPointF(x, y))
    return view.mapFromScene(scene_pt)


def _bowl_surface():
    xs = np.linspace(-2.0, 6.0, 81)
    ys = np.linspace(-4.0, 6.0, 61)
    W, B = np.meshgrid(xs, ys)
    Z = 3 * (W - 2) ** 2 + (B - 1) ** 2 + 0.1
    return Z, xs, ys


def _xy(item):
    x, y = item.getData()
    if x is None:
        return np.empty(0), np.empty(0)
    return np.asarray(x, float), np.asarray(y, float)


def _scatter_pos(item):
    x, y = item.getData()
    return np.column_stack((x, y)) if x is not None and len(x) else np.empty((0, 2))


# --------------------------------------------------------------------------- style


def test_style_palette_and_label_axes(qtbot):
    assert len(style.PALETTE) >= 8
    assert len(set(style.PALETTE)) == len(style.PALETTE)
    view = pg.PlotWidget()
    qtbot.addWidget(view)
    style.label_axes(view, "w", "loss")
    item = view.getPlotItem()
    assert item.getAxis("bottom").labelText == "w"
    assert item.getAxis("left").labelText == "loss"
    assert item.getAxis("left").labelStyle["font-size"] == f"{style.LABEL_PT}pt"
    assert style.LABEL_PT >= 11 and style.TICK_PT >= 11


def test_clip_polyline_cuts_segments_at_box():
    p = np.array([[0, 0], [0.5, 0.5], [5, 0.5], [0.2, 0.2]], float)
    out = style.clip_polyline(p, (-1, 1, -1, 1))
    fin = out[np.isfinite(out).all(axis=1)]
    assert np.all(np.abs(fin) <= 1 + 1e-12)
    assert np.isnan(out).any()  # the excursion splits the line
    np.testing.assert_array_equal(out[0], [0, 0])
    np.testing.assert_array_equal(out[-1], [0.2, 0.2])
    # a segment crossing the box with both ends far away still shows its middle
    far = np.array([[-1e200, 0.0], [1e200, 0.0]])
    out = style.clip_polyline(far, (-1, 1, -1, 1))
    np.testing.assert_allclose(out, [[-1, 0], [1, 0]])
    # all inside -> unchanged
    np.testing.assert_array_equal(style.clip_polyline(p[:2], (-1, 1, -1, 1)), p[:2])


# --------------------------------------------------------------------------- surface


def test_surface_objectname_and_set_surface(qtbot):
    view = _show(qtbot, SurfaceView())
    assert view.objectName() == "surfacePlot"
    Z, xs, ys = _bowl_surface()
    view.set_surface(Z, xs, ys, "w", "b", "MSE")
    img = view.image_item.image
    assert img.shape == Z.shape
    assert np.isfinite(img).all()
    # log colouring: monotone in the loss
    flat_z, flat_t = Z.ravel(), img.ravel()
    order = np.argsort(flat_z)
    assert np.all(np.diff(flat_t[order]) >= -1e-12)
    # image placed on the grid, view pinned to the extent
    rect = view.image_item.mapRectToParent(view.image_item.boundingRect())
    assert rect.left() == pytest.approx(xs[0] - (xs[1] - xs[0]) / 2)
    assert rect.right() == pytest.approx(xs[-1] + (xs[1] - xs[0]) / 2)
    (x0, x1), (y0, y1) = view.getPlotItem().getViewBox().viewRange()
    assert (x0, x1) == pytest.approx((xs[0], xs[-1]))
    assert (y0, y1) == pytest.approx((ys[0], ys[-1]))
    # contours: about 10 levels, all segments inside the grid
    assert len(view.contour_levels()) == 10
    cx, cy = _xy(view.contour_item)
    assert len(cx) > 0 and len(cx) % 2 == 0
    assert cx.min() >= xs[0] - 1e-9 and cx.max() <= xs[-1] + 1e-9
    # labels, title, colour bar
    item = view.getPlotItem()
    assert item.getAxis("bottom").labelText == "w"
    assert item.getAxis("left").labelText == "b"
    assert "MSE" in item.titleLabel.text
    assert view.colorbar.label_axis.labelText == "loss"


def test_surface_handles_nan_inf_and_huge_values(qtbot):
    view = _show(qtbot, SurfaceView())
    Z, xs, ys = _bowl_surface()
    Z = Z * 1e300
    Z[3, 4] = np.nan
    Z[10, :] = np.inf
    Z[0, 0] = -np.inf
    view.set_surface(Z, xs, ys, "w", "b", "bad")
    assert np.isfinite(view.image_item.image).all()
    cx, cy = _xy(view.contour_item)
    assert np.isfinite(cx).all() and np.isfinite(cy).all()
    # everything non-finite: still no crash
    view.set_surface(np.full((3, 4), np.nan), np.arange(4.0), np.arange(3.0), "w", "b", "")
    assert np.isfinite(view.image_item.image).all()
    # linear colouring option
    Z2, xs2, ys2 = _bowl_surface()
    view.set_surface(Z2, xs2, ys2, "w", "b", "lin", log_color=False)
    assert view.image_item.image.max() <= Z2.max()


def test_surface_rejects_wrong_shape(qtbot):
    view = SurfaceView()
    qtbot.addWidget(view)
    with pytest.raises(ValueError):
        view.set_surface(np.zeros((3, 3)), np.arange(4.0), np.arange(3.0), "w", "b", "")


def test_contour_segments_of_a_cone_are_circles():
    xs = np.linspace(-1, 1, 41)
    X, Y = np.meshgrid(xs, xs)
    R = np.hypot(X, Y)
    seg = contour_segments(R, xs, xs, np.array([0.5]))
    r = np.hypot(seg[:, 0], seg[:, 1])
    assert len(seg) > 40
    np.testing.assert_allclose(r, 0.5, atol=0.01)


def test_set_path_draws_line_markers_and_drops_nonfinite(qtbot):
    view = _show(qtbot, SurfaceView())
    Z, xs, ys = _bowl_surface()
    view.set_surface(Z, xs, ys, "w", "b", "")
    pts = np.array([[0, 5], [1, 3], [np.nan, 2], [1.5, 2], [np.inf, 0], [2, 1.2]], float)
    view.set_path(pts)
    x, y = _xy(view.path_item)
    np.testing.assert_array_equal(x, [0, 1, 1.5, 2])
    np.testing.assert_array_equal(y, [5, 3, 2, 1.2])
    np.testing.assert_array_equal(_scatter_pos(view.start_item), [[0, 5]])
    np.testing.assert_array_equal(_scatter_pos(view.current_item), [[2, 1.2]])
    assert len(_scatter_pos(view.dots_item)) == 4
    view.set_path(np.empty((0, 2)))
    assert len(_xy(view.path_item)[0]) == 0
    assert len(_scatter_pos(view.current_item)) == 0


def test_million_point_path_is_downsampled_fast_and_keeps_ends(qtbot):
    view = _show(qtbot, SurfaceView())
    Z, xs, ys = _bowl_surface()
    view.set_surface(Z, xs, ys, "w", "b", "")
    n = 1_000_000
    t = np.linspace(0, 1, n)
    pts = np.column_stack((2 + 3 * np.exp(-5 * t) * np.cos(40 * t),
                           1 + 4 * np.exp(-5 * t) * np.sin(40 * t)))
    pts[0] = [-1.234567, 5.4321]
    pts[-1] = [2.0000123, 0.99999]
    view.set_path(pts)
    x, y = _xy(view.path_item)
    assert 2 <= len(x) <= 5000
    assert (x[0], y[0]) == (pts[0, 0], pts[0, 1])
    assert (x[-1], y[-1]) == (pts[-1, 0], pts[-1, 1])
    np.testing.assert_array_equal(_scatter_pos(view.current_item), pts[-1:])
    assert len(view.path_points()) == n


def test_downsample_indices_keep_first_last_and_budget():
    p = np.cumsum(np.random.default_rng(1).normal(size=(20_000, 2)), axis=0)
    idx = downsample_path_indices(p, 500)
    assert idx[0] == 0 and idx[-1] == len(p) - 1
    assert len(idx) <= 500
    assert np.all(np.diff(idx) > 0)
    np.testing.assert_array_equal(downsample_path_indices(p[:10], 500), np.arange(10))


def test_diverging_path_does_not_move_view_and_is_clipped(qtbot):
    view = _show(qtbot, SurfaceView())
    Z, xs, ys = _bowl_surface()
    view.set_surface(Z, xs, ys, "w", "b", "")
    vb = view.getPlotItem().getViewBox()
    before = vb.viewRange()
    pts = np.array([[0.0, 0.0], [4.0, 2.0], [-1e10, -3e9], [1e150, 2e150]])
    view.set_path(pts)
    QtCore.QCoreApplication.processEvents()
    assert vb.viewRange() == before
    x, y = _xy(view.path_item)
    fin = np.isfinite(x) & np.isfinite(y)
    assert np.abs(x[fin]).max() < 1e3 and np.abs(y[fin]).max() < 1e3
    assert len(_scatter_pos(view.current_item)) == 0  # far away: not drawn
    assert view.offview_label.isVisible()


def test_optimum_ghost_and_race_paths(qtbot):
    view = _show(qtbot, SurfaceView())
    Z, xs, ys = _bowl_surface()
    view.set_surface(Z, xs, ys, "w", "b", "")
    view.set_optimum((2.0, 1.0))
    assert view.optimum() == (2.0, 1.0)
    assert "least-squares optimum" in view.legend_labels()
    view.set_optimum(None)
    assert view.optimum() is None
    assert "least-squares optimum" not in view.legend_labels()

    h1 = view.add_ghost_path([[0, 0], [1, 1], [np.nan, 3]], "#ff0000")
    view.add_ghost_path([[0, 1], [1, 2]], "#00ff00")
    assert len(view.ghost_paths()) == 2
    np.testing.assert_array_equal(_xy(h1)[0], [0, 1])
    assert h1 in view.getPlotItem().items
    view.clear_ghost_paths()
    assert view.ghost_paths() == []
    assert h1 not in view.getPlotItem().items

    r1 = view.add_race_path([[0, 0], [1, 1]], style.palette_color(0), "SGD")
    view.add_race_path([[0, 0], [2, 1]], style.palette_color(1), "Adam")
    assert view.legend_labels() == ["SGD", "Adam"]
    assert view.legend.isVisible()
    np.testing.assert_array_equal(_xy(r1)[1], [0, 1])
    view.clear_race_paths()
    assert view.race_paths() == []
    assert view.legend_labels() == []
    assert not view.legend.isVisible()


def test_click_on_surface_emits_parameter_coordinates(qtbot):
    view = _show(qtbot, SurfaceView())
    Z, xs, ys = _bowl_surface()
    view.set_surface(Z, xs, ys, "w", "b", "")
    vb = view.getPlotItem().getViewBox()
    target = (3.3, -1.7)
    pos = _viewport_pos(view, *target)
    with qtbot.waitSignal(view.clicked, timeout=2000) as blocker:
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
    x, y = blocker.args
    px, py = vb.viewPixelSize()
    assert abs(x - target[0]) <= 2 * px
    assert abs(y - target[1]) <= 2 * py


def test_right_click_and_drag_do_not_emit_clicked(qtbot):
    view = _show(qtbot, SurfaceView())
    Z, xs, ys = _bowl_surface()
    view.set_surface(Z, xs, ys, "w", "b", "")
    got = []
    view.clicked.connect(lambda x, y: got.append((x, y)))
    pos = _viewport_pos(view, 1.0, 1.0)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, pos)
    # close a context menu if one opened
    for w in view.findChildren(QtCore.QObject):
        if hasattr(w, "hide") and w.metaObject().className() == "QMenu":
            w.hide()
    # a drag: press, move far, release
    QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
    end = pos + QtCore.QPoint(80, 40)
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtCore import QEvent, QPointF
    move = QMouseEvent(QEvent.Type.MouseMove, QPointF(end), QPointF(view.viewport().mapToGlobal(end)),
                       Qt.MouseButton.NoButton, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QtCore.QCoreApplication.sendEvent(view.viewport(), move)
    QTest.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    QtCore.QCoreApplication.processEvents()
    assert got == []


# --------------------------------------------------------------------------- loss


def _loss_data(n=500):
    it = np.arange(n, dtype=float)
    full = 1.0 + 10.0 * np.exp(-it / 80.0)  # within 2 decades: a linear axis
    batch = full * (1 + 0.3 * np.sin(it))
    return it, batch, it.copy(), full


def test_loss_series_legend_and_filtering(qtbot):
    view = _show(qtbot, LossView())
    assert view.objectName() == "lossPlot"
    it, batch, fit, full = _loss_data()
    batch[5] = np.nan
    full[7] = np.inf
    view.set_series(it, batch, fit, full, epoch_boundaries=np.arange(0, 500, 50))
    bx, by = _xy(view.batch_item)
    fx, fy = _xy(view.full_item)
    assert len(bx) == 499 and np.isfinite(by).all()
    assert len(fx) == 499 and np.isfinite(fy).all()
    labels = [label.text for _, label in view.legend.items]
    assert labels == ["mini-batch loss", "full-dataset loss"]
    # thick full line, thin batch line
    assert view.full_item.opts["pen"].widthF() > view.batch_item.opts["pen"].widthF()
    np.testing.assert_array_equal(view.epoch_lines_x(), np.arange(0, 500, 50))
    assert view.getPlotItem().getAxis("bottom").labelText == "iteration"


def test_loss_epoch_lines_are_thinned(qtbot):
    view = _show(qtbot, LossView())
    it, batch, fit, full = _loss_data(20_000)
    view.set_series(it, batch, fit, full, epoch_boundaries=np.arange(0, 20_000, 10))
    assert 0 < len(view.epoch_lines_x()) <= 200


def test_loss_log_scale_drops_nonpositive(qtbot):
    view = _show(qtbot, LossView())
    it, batch, fit, full = _loss_data()
    batch[3] = 0.0
    batch[4] = -1.0
    view.set_series(it, batch, fit, full)
    assert len(_xy(view.batch_item)[0]) == 500
    view.set_log_scale(True)
    assert view.log_scale()
    assert len(view.batch_item.xData) == 498
    assert np.all(view.batch_item.yData > 0)
    assert "log" in view.getPlotItem().getAxis("left").labelText
    view.set_log_scale(False)
    assert len(view.batch_item.xData) == 500


def test_loss_epoch_axis(qtbot):
    view = _show(qtbot, LossView())
    it, batch, fit, full = _loss_data()
    view.set_series(it, batch, fit, full, epoch_boundaries=np.arange(0, 500, 50))
    view.set_x_axis("epoch", 50)
    fx, _ = _xy(view.full_item)
    assert fx.max() == pytest.approx(499 / 50)
    assert view.getPlotItem().getAxis("bottom").labelText == "epoch"
    np.testing.assert_allclose(view.epoch_lines_x(), np.arange(10))
    with pytest.raises(ValueError):
        view.set_x_axis("seconds", 1)
    view.set_x_axis("iteration", 1)
    assert _xy(view.full_item)[0].max() == 499


def test_loss_hover_text(qtbot):
    view = _show(qtbot, LossView())
    it, batch, fit, full = _loss_data()
    view.set_series(it, batch, fit, full)
    view.getPlotItem().getViewBox().autoRange()
    QtCore.QCoreApplication.processEvents()
    assert view.hover_text() == ""
    pos = _viewport_pos(view, 120.2, full[120])
    QTest.mouseMove(view.viewport(), pos)
    QtCore.QCoreApplication.processEvents()
    if not view.hover_text():  # platform without mouse tracking: synthetic scene move
        view.scene().sigMouseMoved.emit(view.mapToScene(pos))
    assert view.hover_text() == f"iteration 120 · loss {style.format_value(full[120])}"
    assert view.hover_label.isVisible()
    # leaving the plot area hides it
    view.scene().sigMouseMoved.emit(QtCore.QPointF(-50, -50))
    assert view.hover_text() == ""


def _click(view, x, y):
    pos = _viewport_pos(view, x, y)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
    QtCore.QCoreApplication.processEvents()


def test_loss_click_pins_and_removes_annotations(qtbot):
    view = _show(qtbot, LossView())
    it, batch, fit, full = _loss_data()
    view.set_series(it, batch, fit, full)
    view.getPlotItem().getViewBox().autoRange()
    QtCore.QCoreApplication.processEvents()
    _click(view, 100, full[100])
    assert view.annotations() == [(100.0, full[100])]
    ax, ay = _xy(view.annotation_dots)
    np.testing.assert_allclose(ax, [100])
    label = view._annotations[0]["label"]
    assert label.textItem.toPlainText() == f"iteration 100\nloss {style.format_value(full[100])}"
    _click(view, 300, full[300])
    assert [a[0] for a in view.annotations()] == [100.0, 300.0]
    # clicking far from the curve does nothing
    (x0, x1), (y0, y1) = view.getPlotItem().getViewBox().viewRange()
    _click(view, 400, y1 - 0.05 * (y1 - y0))
    assert len(view.annotations()) == 2
    # clicking the existing marker removes it
    _click(view, 100, full[100])
    assert [a[0] for a in view.annotations()] == [300.0]
    view.add_annotation(50, full[50])
    view.remove_annotation(0)
    assert view.annotations() == [(50.0, full[50])]
    view.clear_annotations()
    assert view.annotations() == []
    assert len(_xy(view.annotation_dots)[0]) == 0


def test_loss_annotations_follow_log_and_epoch(qtbot):
    view = _show(qtbot, LossView())
    it, batch, fit, full = _loss_data()
    view.set_series(it, batch, fit, full)
    view.add_annotation(200, full[200])
    view.set_log_scale(True)
    view.set_x_axis("epoch", 100)
    label = view._annotations[0]["label"]
    assert label.pos().x() == pytest.approx(2.0)
    assert label.pos().y() == pytest.approx(np.log10(full[200]))


def test_loss_extra_series(qtbot):
    view = _show(qtbot, LossView())
    h = view.add_extra_series([0, 1, 2, 3], [1.0, np.nan, 0.5, -1.0], "Adam", "#ff7f0e",
                              dashed=True)
    np.testing.assert_array_equal(_xy(h)[0], [0, 2, 3])
    assert "Adam" in [label.text for _, label in view.legend.items]
    view.set_log_scale(True)
    np.testing.assert_array_equal(h.xData, [0, 2])
    view.clear_extra_series()
    assert view.extra_series() == []
    assert "Adam" not in [label.text for _, label in view.legend.items]
    assert h not in view.getPlotItem().items


def test_loss_large_series_is_fast(qtbot):
    view = _show(qtbot, LossView())
    it, batch, fit, full = _loss_data(1_000_000)
    view.set_series(it, batch, fit[::100], full[::100])
    view.repaint()
    QtCore.QCoreApplication.processEvents()


# --------------------------------------------------------------------------- fit


def test_fit_line_fit_with_optimum(qtbot):
    view = _show(qtbot, FitView())
    assert view.objectName() == "fitPlot"
    x = np.array([0.0, 1.0, 2.0, np.nan, 4.0])
    y = np.array([1.0, 3.0, 5.0, 7.0, np.inf])
    view.show_line_fit(x, y, [0, 4], [1, 9], "x", "y", optimum_line=([0, 4], [1.0, 9.5]))
    dx, dy = _xy(view.data_item)
    np.testing.assert_array_equal(dx, [0, 1, 2])
    np.testing.assert_array_equal(_xy(view.model_item)[1], [1, 9])
    np.testing.assert_array_equal(_xy(view.optimum_item)[1], [1, 9.5])
    assert view.optimum_item.opts["pen"].style() != Qt.PenStyle.SolidLine
    labels = [label.text for _, label in view.legend.items]
    assert labels == ["data", "model", "least-squares optimum"]
    assert view.getPlotItem().getAxis("bottom").labelText == "x"
    # without optimum the dashed line disappears (also from the legend)
    view.show_line_fit([0, 1], [0, 1], [0, 1], [0, 1], "x", "y")
    assert len(_xy(view.optimum_item)[0]) == 0
    assert "least-squares optimum" not in [label.text for _, label in view.legend.items]


def test_fit_diverging_model_line_is_clipped(qtbot):
    view = _show(qtbot, FitView())
    view.show_line_fit([0, 1, 2], [0, 1, 2], [0, 2], [-1e200, 1e200], "x", "y")
    x, y = _xy(view.model_item)
    fin = np.isfinite(y)
    assert fin.any() and np.abs(y[fin]).max() < 1e3
    (x0, x1), (y0, y1) = view.getPlotItem().getViewBox().viewRange()
    QtCore.QCoreApplication.processEvents()
    assert y1 - y0 < 100  # view follows the data, not the line


def test_fit_logistic_1d(qtbot):
    view = _show(qtbot, FitView())
    cx = np.linspace(-3, 3, 50)
    view.show_logistic_1d([-2, -1, 1, 2], [0, 0, 1, 1], cx, 1 / (1 + np.exp(-cx)), "x", "P(y=1)")
    np.testing.assert_array_equal(_xy(view.data_item)[1], [0, 0, 1, 1])
    assert len(_xy(view.model_item)[0]) == 50
    assert view.mode() == "logistic_1d"
    (_, _), (y0, y1) = view.getPlotItem().getViewBox().viewRange()
    assert y0 < 0 and y1 > 1


def test_fit_decision_boundary(qtbot):
    view = _show(qtbot, FitView())
    x1 = np.array([0.0, 1.0, 2.0, 3.0, np.nan])
    x2 = np.array([0.0, 1.0, 0.0, 1.0, 1.0])
    lab = np.array([0, 1, 0, 1, 1])
    view.show_decision_boundary(x1, x2, lab, ([0, 3], [0.5, 0.5]), "f1", "f2")
    np.testing.assert_array_equal(_xy(view.class_items[0])[0], [0, 2])
    np.testing.assert_array_equal(_xy(view.class_items[1])[0], [1, 3])
    labels = [label.text for _, label in view.legend.items]
    assert labels[:2] == ["class 0", "class 1"]
    c0 = view.class_items[0].opts["symbolBrush"]
    c1 = view.class_items[1].opts["symbolBrush"]
    assert pg.mkBrush(c0).color() != pg.mkBrush(c1).color()
    np.testing.assert_array_equal(_xy(view.model_item)[1], [0.5, 0.5])
    # switching mode hides the other items
    view.show_predicted_vs_actual([1, 2, 3], [1.1, 1.9, 3.2], "price")
    assert len(_xy(view.class_items[0])[0]) == 0
    assert len(_xy(view.model_item)[0]) == 0


def test_fit_predicted_vs_actual(qtbot):
    view = _show(qtbot, FitView())
    view.show_predicted_vs_actual([1, 2, 3, np.nan], [1.1, 1.9, 3.2, 4.0], "price")
    np.testing.assert_array_equal(_xy(view.data_item)[0], [1, 2, 3])
    dx, dy = _xy(view.diagonal_item)
    np.testing.assert_array_equal(dx, dy)
    assert dx.min() <= 1 and dx.max() >= 3.2
    axis = view.getPlotItem().getAxis
    assert axis("bottom").labelText == "actual price"
    assert axis("left").labelText == "predicted price"


def test_fit_highlight_rows(qtbot):
    view = _show(qtbot, FitView())
    x = np.array([0.0, 1.0, np.nan, 3.0])
    y = np.array([0.0, 2.0, 4.0, 6.0])
    view.show_line_fit(x, y, [0, 3], [0, 6], "x", "y")
    view.highlight_rows([1, 2, 3, 99])
    np.testing.assert_array_equal(view.highlighted_points(), [[1, 2], [3, 6]])
    view.highlight_rows([])
    assert len(view.highlighted_points()) == 0
    view.highlight_rows(np.array([0]))
    np.testing.assert_array_equal(view.highlighted_points(), [[0, 0]])


def test_axes_show_the_values_themselves_not_scaled_by_an_si_prefix(qtbot):
    """A loss of 0.62 reads 0.62 on the axis, as in the status line (pyqtgraph would show 620 "(x0.001)")."""
    from gdsim.gui.plots import LossView

    view = _show(qtbot, LossView(), (500, 350))
    it = np.arange(50.0)
    loss = 0.69 - 0.0014 * it
    view.set_series(it, loss, it, loss)
    style.settle_ranges(view)
    QtCore.QCoreApplication.processEvents()
    axis = view.getPlotItem().getAxis("left")
    assert 0.5 < axis.range[0] < axis.range[1] < 0.8  # where pyqtgraph would scale by 1000
    assert axis.autoSIPrefixScale == 1.0
    assert "(x" not in axis.labelString()
    values = [v for _, ticks in axis.tickValues(*axis.range, axis.height()) for v in ticks]
    strings = axis.tickStrings(values, axis.autoSIPrefixScale * axis.scale, 0.01)
    assert any(s.startswith("0.6") for s in strings), strings


def test_the_fit_legend_goes_to_the_corner_with_no_points_under_it(qtbot):
    """On insurance the top-left corner holds points (people with a car): the legend moves off them."""
    from gdsim.core.presets import load_preset

    view = _show(qtbot, FitView(), (500, 380))
    data = load_preset("insurance")
    x, y = data.X[:, 0], data.X[:, 1]
    labels = data.y
    view.show_decision_boundary(x, y, labels, ([20, 50], [1.2, -0.2]), "Age", "Have_Car")
    style.settle_ranges(view)
    QtCore.QCoreApplication.processEvents()
    box = view.legend.mapRectToItem(view.vb.childGroup, view.legend.boundingRect())
    under = [(a, b) for a, b in zip(x, y) if box.contains(QtCore.QPointF(a, b))]
    assert under == [], f"points under the legend: {under}"


@pytest.mark.parametrize("make", [FitView, LossView, SurfaceView], ids=["fit", "loss", "surface"])
def test_a_plot_closes_without_an_error(qtbot, make, capfd):
    """pyqtgraph resizes a PlotWidget as it closes it, after dropping its PlotItem."""
    view = _show(qtbot, make(), (400, 300))
    view.close()
    QtCore.QCoreApplication.processEvents()
    assert "Error calling Python override" not in capfd.readouterr().err


# --------------------------------------------------------------------------- loss: issue 13 §3.5, §3.4


def _legend_texts(view):
    return [label.text for _, label in view.legend.items]


def test_loss_marks_iteration_0_and_a_single_step_with_symbols(qtbot):
    """Before the first step the loss is one point: it must be visible, not an empty plot."""
    view = _show(qtbot, LossView())
    view.set_series([0], [np.nan], [0], [72.0])
    x, y = _xy(view.full_item)
    assert list(x) == [0] and list(y) == [72.0]
    assert view.full_item.opts["symbol"] is not None
    view.set_series([0, 1], [np.nan, 50.0], [0, 1], [72.0, 40.0])
    assert view.full_item.opts["symbol"] is not None
    # a long series is a line without markers
    it, batch, fit, full = _loss_data()
    view.set_series(it, batch, fit, full)
    assert view.full_item.opts["symbol"] is None


def test_loss_turns_log_by_itself_past_two_decades_and_says_so(qtbot):
    view = _show(qtbot, LossView())
    it = np.arange(200.0)
    view.set_series(it, None, it, 1.0 + np.exp(-it / 50))  # 2 to 1.02: linear
    assert not view.log_scale()
    assert view.getPlotItem().getAxis("left").labelText == "loss"
    full = 72.0 * np.exp(-it / 10) + 1e-3  # 72 to 0.001: nearly 5 decades
    view.set_series(it, None, it, full)
    assert view.log_scale() and view.auto_log_scale()
    assert "log scale" in view.getPlotItem().getAxis("left").labelText
    np.testing.assert_allclose(10 ** _xy(view.full_item)[1][[0, -1]], full[[0, -1]])
    view.set_series(it, None, it, 1.0 + np.exp(-it / 50))
    assert not view.log_scale()


def test_loss_epoch_lines_are_at_least_20_px_apart(qtbot):
    view = _show(qtbot, LossView(), (700, 400))
    it = np.arange(3000.0)
    full = 1 + np.exp(-it / 500)
    view.set_series(it, full, it, full, epoch_boundaries=np.arange(5, 3000, 5))  # 599 epochs
    view.getPlotItem().getViewBox().autoRange()
    _settle()
    x = view.epoch_lines_x()
    assert len(x) > 5
    (x0, x1), _ = view.vb.viewRange()
    gap_px = np.diff(x).min() * view.vb.width() / (x1 - x0)
    assert gap_px >= 20, gap_px
    assert np.allclose(x % 5, 0)  # still on epoch boundaries


def test_a_finished_loss_curve_ends_at_the_right_edge(qtbot):
    view = _show(qtbot, LossView())
    it, batch, fit, full = _loss_data(500)
    view.set_series(it, batch, fit, full)
    style.settle_ranges(view)
    (x0, x1), _ = view.vb.viewRange()
    assert x1 <= 499 * 1.05, x1


def test_a_longer_pinned_curve_is_not_cut_off(qtbot):
    """A pinned mini-batch run has more iterations than the full-batch run after it."""
    view = _show(qtbot, LossView())
    it = np.arange(101.0)
    view.set_series(it, it * 0 + 1, it, 1 + np.exp(-it / 30))
    view.show_x_until(100)
    pinned = np.arange(301.0)
    view.add_extra_series(pinned, 1 + np.exp(-pinned / 90), "pin 1")
    style.settle_ranges(view)
    (x0, x1), _ = view.vb.viewRange()
    assert x1 >= 300


def test_the_loss_legend_lists_only_series_with_data(qtbot):
    view = _show(qtbot, LossView())
    assert _legend_texts(view) == []
    it = np.arange(50.0)
    view.set_series(it, np.full(50, np.nan), it, 1 + np.exp(-it / 10))
    assert _legend_texts(view) == ["full-dataset loss"]
    view.set_main_visible(False)  # a race draws its own curves instead
    h = view.add_extra_series(it, 1 + np.exp(-it / 5), "Adam")
    assert _legend_texts(view) == ["Adam"]
    view.remove_extra_series(h)
    view.set_main_visible(True)
    assert _legend_texts(view) == ["full-dataset loss"]


def test_the_loss_legend_moves_off_the_curve(qtbot):
    """A loss falls from the top left: the legend must not sit on the curve."""
    from gdsim.gui.plots import placement

    view = _show(qtbot, LossView(), (600, 400))
    it = np.arange(100.0)
    # rises to the top right: the default top-right corner is on the curve
    full = 1 + 3 * (it / 99) ** 4
    view.set_series(it, full, it, full)
    style.settle_ranges(view)
    _settle()
    view._place_legend(force=True)
    _settle()
    rect = view.legend.mapRectToItem(view.vb, view.legend.boundingRect())
    box = (rect.left(), rect.right(), rect.top(), rect.bottom())
    curve = placement._to_pixels(view.vb, np.column_stack(_xy(view.full_item)))
    assert placement._line_length_in(curve, box) == 0.0


def test_a_legend_placement_put_off_during_a_run_is_made_after_its_last_frame(qtbot):
    """While a run moves, a view places its legend at most every LEGEND_EVERY_S; the frame
    that came sooner (here the last one: the run stopped) is placed for when that is up."""
    from gdsim.gui.plots import loss_view, placement

    view = _show(qtbot, LossView(), (600, 400))
    view.show_x_until(100)  # (a short run: its whole length from the start, so no range moves
    it = np.arange(101.0)  # the legend: only the put-off placement can)
    falling = 1 + 3 * np.exp(-it / 8)
    view.set_series(it[:51], falling[:51], it[:51], falling[:51], series_key=1)
    style.settle_ranges(view)
    _settle()
    view._place_legend(force=True)
    assert view.legend._gdsim_corner == (1, 0)  # (top right: the curve falls from the top left)
    rising = falling.copy()
    rising[51:] = falling[50] + (falling[0] - falling[50]) * ((it[51:] - 50) / 50) ** 2  # up to the top right
    view.set_series(it, rising, it, rising, series_key=1)  # the next frame, too soon to place
    box = view.legend.mapRectToItem(view.vb, view.legend.boundingRect())
    curve = placement._to_pixels(view.vb, np.column_stack(_xy(view.full_item)))
    assert placement._line_length_in(curve, (box.left(), box.right(), box.top(), box.bottom())) > 0
    qtbot.wait(int(1000 * loss_view.LEGEND_EVERY_S) + 100)
    _settle()
    box = view.legend.mapRectToItem(view.vb, view.legend.boundingRect())
    curve = placement._to_pixels(view.vb, np.column_stack(_xy(view.full_item)))
    assert placement._line_length_in(curve, (box.left(), box.right(), box.top(), box.bottom())) == 0.0


# --------------------------------------------------------------------------- fit: issue 13 §3.3, §3.13


def _view_range(view):
    style.settle_ranges(view)
    QtCore.QCoreApplication.processEvents()
    return view.vb.viewRange()


def test_the_model_line_at_zero_weights_widens_the_fit_plot(qtbot):
    """y = 2x at w = b = 0: the model ŷ = 0 lies below every point; the plot shows both."""
    view = _show(qtbot, FitView())
    x = np.array([2.0, 3, 4, 5, 6])
    xs = np.linspace(1.7, 6.3, 50)
    view.show_line_fit(x, 2 * x, xs, 0 * xs, "x", "y")
    (_, _), (y0, y1) = _view_range(view)
    assert y0 <= 0 and y1 >= 12
    assert "model" in _legend_texts(view) and view.model_note() == ""


def test_a_model_far_off_the_data_says_off_scale_and_leaves_the_legend(qtbot):
    view = _show(qtbot, FitView())
    x = np.array([2.0, 3, 4, 5, 6])
    xs = np.linspace(1.7, 6.3, 50)
    view.show_line_fit(x, 2 * x, xs, -1e6 + xs, "x", "y")  # after a huge step
    (_, _), (y0, y1) = _view_range(view)
    assert y1 - y0 < 100  # the data stays readable
    assert "off-scale" in view.model_note()
    assert "model" not in _legend_texts(view)
    assert view.plot_item.titleLabel.isVisible()  # above the data, hiding none of it
    view.show_line_fit(x, 2 * x, xs, 2 * xs, "x", "y")  # back over the data
    assert view.model_note() == "" and "model" in _legend_texts(view)


def test_a_decision_boundary_beside_the_data_is_shown_and_none_is_said(qtbot):
    view = _show(qtbot, FitView())
    x1 = np.array([0.0, 1.0, 2.0, 3.0])
    x2 = np.array([0.0, 1.0, 0.0, 1.0])
    lab = np.array([0, 1, 0, 1])
    view.show_decision_boundary(x1, x2, lab, (np.linspace(-0.2, 3.2, 20), np.full(20, 2.5)))
    (_, _), (y0, y1) = _view_range(view)
    assert y1 >= 2.5 and "decision boundary" in _legend_texts(view)
    view.show_decision_boundary(x1, x2, lab, None)  # w1 = w2 = 0: no boundary at all
    assert "decision boundary" not in _legend_texts(view)
    assert "no decision boundary" in view.model_note()
    view.show_decision_boundary(x1, x2, 0 * lab, None)  # no row in class 1: not listed
    assert _legend_texts(view) == ["class 0"]


def test_many_highlighted_rows_are_drawn_lightly(qtbot):
    view = _show(qtbot, FitView())
    x = np.linspace(0, 10, 2000)
    view.show_line_fit(x, 2 * x, [0, 10], [0, 20], "x", "y")
    view.highlight_rows(np.arange(10))
    few_pen = view.highlight_item.opts["pen"]
    few_size = view.highlight_item.opts["size"]
    view.highlight_rows(np.arange(500))
    many_pen = view.highlight_item.opts["pen"]
    assert len(view.highlighted_points()) == 500
    assert view.highlight_item.opts["size"] < few_size
    assert many_pen.color().alpha() < few_pen.color().alpha()
    assert many_pen.widthF() < few_pen.widthF()
    view.highlight_rows(np.arange(10))
    assert view.highlight_item.opts["size"] == few_size


def test_the_off_plot_notice_fits_the_surface_and_the_legend_keeps_off_it(qtbot):
    view = _show(qtbot, SurfaceView(), (420, 420))
    xs = np.linspace(-1, 1, 30)
    view.set_surface(np.add.outer(xs ** 2, xs ** 2), xs, xs, "w", "b", "MSE loss")
    view.set_optimum((0.2, 0.1))  # the legend lists it
    _settle()
    view.set_path(np.array([[0.0, 0.0], [23.87, 9.414]]))
    _settle()
    assert "outside the plot" in view.notice()
    area = view.vb.boundingRect()
    note = view.offview_label.mapRectToItem(view.vb, view.offview_label.boundingRect())
    assert area.contains(note), (area, note)  # wrapped, not cut off at the right
    legend = view.legend.mapRectToItem(view.vb, view.legend.boundingRect())
    assert not legend.intersects(note)


def test_when_curves_fill_every_corner_the_loss_legend_gets_room_above_them(qtbot):
    """A race: one curve stays high across the plot, another falls to the bottom right."""
    from gdsim.gui.plots import placement

    view = _show(qtbot, LossView(), (420, 300))
    it = np.arange(101.0)
    view.set_main_visible(False)
    view.add_extra_series(it, 0.69 - 0.001 * it, "SGD lr=0.01")
    view.add_extra_series(it, 0.3 + 0.39 * np.exp(-it / 10), "Adam lr=0.5")
    view.add_extra_series(it, 0.3 + 0.39 * (1 - it / 100), "SGD lr=0.01, momentum=0.9")
    style.settle_ranges(view)
    _settle()
    view._place_legend(force=True)
    _settle()
    rect = view.legend.mapRectToItem(view.vb, view.legend.boundingRect())
    box = (rect.left(), rect.right(), rect.top(), rect.bottom())
    for item in view.extra_series():
        x, y = _xy(item)
        curve = placement._to_pixels(view.vb, np.column_stack((x, y)))
        assert placement._line_length_in(curve, box) == 0.0


def _crawl(n=640, length_px=290.0, view=None):
    """A path creeping ``length_px`` pixels in ``n`` steps (a long run's, as drawn)."""
    sx, sy = view.vb.viewPixelSize()
    t = np.linspace(0.0, 1.0, n)
    return np.column_stack((-1.0 + length_px * sx * t, 0.5 + 20 * sy * np.sin(6 * t)))


def test_a_creeping_path_is_stroked_about_once_a_pixel(qtbot):
    """A long run's drawn path moved a fraction of a pixel a step (all but 1 of 640 on
    insurance), and Qt stroked every step twice (line and outline) at every frame."""
    from gdsim.gui.plots.style import pixel_steps

    view = _show(qtbot, SurfaceView())
    Z, xs, ys = _bowl_surface()
    view.set_surface(Z, xs, ys, "w", "b", "")
    path = _crawl(view=view)
    view.set_path(path)
    x, y = _xy(view.path_item)
    sx, sy = view.vb.viewPixelSize()
    length_px = np.hypot(*(np.diff(path, axis=0) / (sx, sy)).T).sum()
    assert len(x) <= length_px + 2 < 0.55 * len(path)  # a point a pixel, and the ends
    assert (x[0], y[0]) == tuple(path[0]) and (x[-1], y[-1]) == tuple(path[-1])
    # every step left out lies within a pixel of the line drawn
    kept = np.column_stack((x / sx, y / sy))
    for p in path[::7] / (sx, sy):
        a, b = kept[:-1], kept[1:]
        d = b - a
        t = np.clip(np.einsum("ij,ij->i", p - a, d) / np.maximum(np.einsum("ij,ij->i", d, d), 1e-12), 0, 1)
        assert np.hypot(*(a + t[:, None] * d - p).T).min() < 1.0
    # breaks (NaN rows) and the ends of every piece are kept
    broken = np.array([[0, 0], [0.1, 0], [0.2, 0], [np.nan, np.nan], [5, 5], [5.1, 5], [9, 9]], float)
    np.testing.assert_array_equal(broken[pixel_steps(broken, (1.0, 1.0))],
                                  [[0, 0], [0.2, 0], [np.nan, np.nan], [5, 5], [9, 9]])


def test_a_path_is_thinned_again_to_a_larger_plot(qtbot):
    view = _show(qtbot, SurfaceView())
    Z, xs, ys = _bowl_surface()
    view.set_surface(Z, xs, ys, "w", "b", "")
    view.set_path(_crawl(view=view))
    small = len(_xy(view.path_item)[0])
    view.resize(view.width() * 2, view.height() * 2)
    qtbot.waitUntil(lambda: len(_xy(view.path_item)[0]) > 1.5 * small, timeout=2000)


def test_a_live_paths_frames_leave_the_start_marker_alone(qtbot, monkeypatch):
    """It is drawn from a cached picture while the path moves on; handing it to Qt again
    at every frame threw the picture away."""
    view = _show(qtbot, SurfaceView())
    Z, xs, ys = _bowl_surface()
    view.set_surface(Z, xs, ys, "w", "b", "")
    path = _crawl(view=view)
    calls = []
    monkeypatch.setattr(view.start_item, "setData", lambda *a, **k: calls.append(k))
    for n in (5, 50, 300, 640):
        view.set_path(path[:n], series_key=1)
    assert len(calls) == 1
    np.testing.assert_array_equal(calls[0]["pos"], path[:1])


def test_a_zoom_strokes_the_path_again_at_its_new_pixels(qtbot):
    """Thinned to a pixel at one zoom, the path would show its corners at ten times it."""
    view = _show(qtbot, SurfaceView())
    Z, xs, ys = _bowl_surface()
    view.set_surface(Z, xs, ys, "w", "b", "")
    path = _crawl(view=view)
    view.set_path(path)
    before = len(_xy(view.path_item)[0])
    (x0, x1), (y0, y1) = view.vb.viewRange()
    view.vb.setRange(xRange=(path[:, 0].min(), path[:, 0].min() + (x1 - x0) / 10),
                     yRange=(path[:, 1].min(), path[:, 1].min() + (y1 - y0) / 10), padding=0)
    assert len(_xy(view.path_item)[0]) > 1.5 * before


def test_a_long_loss_curve_is_stroked_about_once_a_pixel_at_any_zoom(qtbot):
    """A long run's loss fills the left of an x axis that runs to the run's end: hundreds of
    sub-pixel segments, each stroked by Qt at every frame."""
    view = _show(qtbot, LossView())
    n = 200_000
    it = np.arange(n, dtype=float)
    full = 0.3 + 0.4 * np.exp(-it / 3000)
    view.set_series(it, full, it, full, series_key=1)
    view.show_x_until(20 * n)  # (a run of 4,000,000 iterations, a twentieth done)
    style.settle_ranges(view)
    x, _ = _xy(view.full_item)
    reduced = len(view._main_drawn[2])
    assert len(x) < 0.6 * reduced and x[0] == 0 and x[-1] == n - 1
    view.vb.setXRange(0, n, padding=0)  # zoomed in twentyfold: its points are pixels apart again
    assert len(_xy(view.full_item)[0]) > 2 * len(x)
