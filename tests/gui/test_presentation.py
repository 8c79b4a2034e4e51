"""View ▸ Presentation mode and the text zoom: larger text, thicker lines, bigger markers, undone exactly."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QFontInfo, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from gdsim.gui.app import settle
from helpers import projector_window


@pytest.fixture(autouse=True)
def own_settings(tmp_path):
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path))


_window = projector_window


def _look(w):
    """Widths, sizes and fonts that presentation mode changes."""
    sv, fv, lv = w.surface_view, w.fit_view, w.loss_view
    return {
        "path": sv.path_item.opts["pen"].widthF(),
        "model": fv.model_item.opts["pen"].widthF(),
        "full loss": lv.full_item.opts["pen"].widthF(),
        "batch loss": lv.batch_item.opts["pen"].widthF(),
        "points": fv.data_item.opts["symbolSize"],
        "status px": QFontInfo(w.status_label.font()).pixelSize(),
        "status pt": w.status_label.font().pointSizeF(),
        "controls pt": w.controls.modelCombo.font().pointSizeF(),
        "tick pt": sv.getPlotItem().getAxis("bottom").style["tickFont"].pointSizeF(),
        "label": sv.getPlotItem().getAxis("bottom").labelStyle.get("font-size"),
        "min width": w.minimumSizeHint().width(),
    }


def test_presentation_mode_enlarges_and_restores_exactly(qtbot):
    w = _window(qtbot)
    w.step()  # a path and a model line to draw
    qtbot.waitUntil(lambda: w._last_frame is not None, timeout=5000)
    before = _look(w)
    action = w.findChild(type(w.run_actions["start"]), "actionPresentationMode")
    assert action.isCheckable() and action.shortcut() == QKeySequence("Ctrl+Shift+P")
    assert action in w.view_menu.actions()
    action.trigger()
    on = _look(w)
    assert on["controls pt"] >= 1.4 * before["controls pt"]
    assert on["status px"] >= 1.4 * before["status px"] and on["status px"] >= 20
    assert on["tick pt"] >= 1.4 * before["tick pt"]
    assert on["label"] != before["label"]
    for line in ("path", "model", "full loss", "batch loss"):
        assert on[line] >= 3.0, line
    assert on["points"] > before["points"]
    assert on["min width"] <= 1280  # the projector still holds the window
    action.trigger()
    assert _look(w) == before
    w.shutdown()


def test_presentation_mode_is_remembered_and_the_shortcut_works(qtbot):
    w = _window(qtbot)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=2000)
    QTest.keyClick(w, Qt.Key_P, Qt.ControlModifier | Qt.ShiftModifier)
    assert w.presentation.on
    w.shutdown()
    again = _window(qtbot)
    assert again.presentation.on and again.presentation.action.isChecked()
    assert QFontInfo(again.status_label.font()).pixelSize() >= 20
    again.presentation.set_presentation(False)
    again.shutdown()
    assert not _window(qtbot).presentation.on


def test_zoom_scales_the_text_alone(qtbot):
    w = _window(qtbot)
    before = _look(w)
    actions = {a.objectName(): a for a in w.view_menu.actions()}
    assert actions["actionZoomIn"].shortcut() == QKeySequence("Ctrl+=")
    assert actions["actionZoomOut"].shortcut() == QKeySequence("Ctrl+-")
    assert actions["actionResetZoom"].shortcut() == QKeySequence("Ctrl+0")
    actions["actionZoomIn"].trigger()
    actions["actionZoomIn"].trigger()
    zoomed = _look(w)
    assert zoomed["controls pt"] > before["controls pt"] and zoomed["tick pt"] > before["tick pt"]
    assert zoomed["path"] == before["path"]  # lines stay as they were
    actions["actionZoomOut"].trigger()
    actions["actionResetZoom"].trigger()
    assert _look(w) == before
    w.shutdown()


def test_lines_drawn_while_on_are_thick_and_thin_again_after(qtbot):
    w = _window(qtbot)
    w.presentation.set_presentation(True)
    w.dataset_panel.load_preset("noisy-line")  # new run, new items drawn
    w.step()
    qtbot.waitUntil(lambda: w._last_frame is not None, timeout=5000)
    w.surface_view.grab()  # paints: items follow the scales before their paint
    assert w.fit_view.model_item.opts["pen"].widthF() >= 3
    w.presentation.set_presentation(False)
    assert w.fit_view.model_item.opts["pen"].widthF() == 3.0
    assert w.surface_view.path_item.opts["pen"].widthF() == 2.0
    w.shutdown()


def test_presentation_mode_scales_the_table_once_and_keeps_legends_whole(qtbot):
    """The table's bold header grew 2.25× (its size was read after the window's font had
    grown) while its rows kept their height; a legend kept its old box and its longer
    labels spilled out of the plot."""
    w = _window(qtbot)
    table = w.dataset_panel.table
    header, row = table.horizontalHeader().font().pointSizeF(), table.verticalHeader().defaultSectionSize()
    w.findChild(type(w.run_actions["start"]), "actionPresentationMode").trigger()
    qtbot.wait(50)
    assert table.horizontalHeader().font().pointSizeF() == pytest.approx(table.font().pointSizeF())
    assert table.horizontalHeader().font().pointSizeF() <= 1.6 * header
    assert table.verticalHeader().defaultSectionSize() >= 1.3 * row
    for view in (w.surface_view, w.fit_view):
        legend = view.getPlotItem().legend
        if legend is None or not legend.items or not legend.isVisible():
            continue
        box = legend.mapRectToScene(legend.boundingRect())
        widest = max(label.mapRectToScene(label.boundingRect()).width() for _s, label in legend.items)
        assert box.width() >= widest
        assert view.sceneRect().adjusted(-2, -2, 2, 2).contains(box)


@pytest.mark.parametrize("on", [False, True])
def test_the_log_loss_label_fits_beside_a_short_loss_plot(qtbot, on):
    """At 1280×690 "loss (log scale)" was cut off at the plot's top: pyqtgraph centres a label
    only when its axis is resized (not when its text grows), and presentation mode's label was
    longer than the axis."""
    w = _window(qtbot)
    w.presentation.set_presentation(on)
    w.step()
    qtbot.waitUntil(lambda: w._last_frame is not None, timeout=5000)
    view = w.loss_view
    axis = view.getPlotItem().getAxis("left")
    w.loss_log_check.setChecked(True)  # (as the axis does by itself past 2 decades)
    assert axis.labelText == "loss (log scale)"
    settle(QApplication.instance())  # (the legend's place after the step: the axis's length)
    view.grab()  # painted: presentation mode's scales apply
    label = axis.label.mapRectToScene(axis.label.boundingRect())
    plot = axis.mapRectToScene(axis.boundingRect())
    assert plot.top() - 1 <= label.top() and label.bottom() <= plot.bottom() + 1, (label, plot)
    w.presentation.set_presentation(False)
    w.shutdown()


def test_a_legend_in_a_narrow_plot_breaks_long_names_before_shrinking_its_text(qtbot):
    """At 1280×690 in presentation mode the surface's "least-squares optimum" legend had
    shrunk to 10.8 pt (smaller than with presentation mode off)."""
    from gdsim.gui.features.presentation import PRESENTATION_TEXT
    from gdsim.gui.plots import style

    w = _window(qtbot)
    w.presentation.set_presentation(True)
    w.step()
    qtbot.waitUntil(lambda: w._last_frame is not None, timeout=5000)
    w.surface_view.grab()
    legend = w.surface_view.getPlotItem().legend
    assert [label.text for _s, label in legend.items] == ["least-squares optimum"]
    size = float(legend.items[0][1].opts["size"].removesuffix("pt"))
    assert size >= style.LEGEND_PT * PRESENTATION_TEXT - 0.05
    box = legend.mapRectToScene(legend.boundingRect())
    assert w.surface_view.sceneRect().adjusted(-2, -2, 2, 2).contains(box)
    w.presentation.set_presentation(False)
    w.shutdown()


def test_translucent_hairlines_stay_hairlines(qtbot):
    """Contours and epoch lines (context, not data) keep 1 px in presentation mode: Qt draws
    1 px on its fast path; 1.5 px antialiased made the surface's contours 12 times slower."""
    w = _window(qtbot)
    w.presentation.set_presentation(True)
    w.step()
    qtbot.waitUntil(lambda: w._last_frame is not None, timeout=5000)
    w.surface_view.grab()
    w.loss_view.grab()
    assert w.surface_view.contour_item.opts["pen"].widthF() == 1.0
    assert w.loss_view.epoch_item.opts["pen"].widthF() == 1.0
    assert w.surface_view.path_item.opts["pen"].widthF() >= 3.0  # the data still grows
    w.presentation.set_presentation(False)
    w.shutdown()


@pytest.mark.parametrize("on", [False, True])
def test_the_progress_bar_holds_a_long_runs_count_at_its_font(qtbot, on):
    """Sized once at the window's first font, it broke a million-iteration run's
    "1000000 / 1000000" into two cut lines in presentation mode."""
    w = _window(qtbot)
    w.presentation.set_presentation(on)
    w.controls.epochsSpin.setValue(1_000_000)  # insurance in one batch: 1,000,000 iterations
    w.step()
    qtbot.waitUntil(lambda: w._last_frame is not None and w._last_frame.snapshot.iteration == 1, timeout=5000)
    settle(QApplication.instance())
    bar = w.progress
    assert bar.text() == "1 / 1000000"
    widest = bar.fontMetrics().horizontalAdvance("1000000 / 1000000")
    assert widest + 12 <= bar.contentsRect().width(), (widest, bar.width())
    assert w.minimumSizeHint().width() <= 1280
    w.presentation.set_presentation(False)
    w.shutdown()
