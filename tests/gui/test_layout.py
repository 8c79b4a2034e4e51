"""The window on a 1280×720 projector (about 1280×690 after the frame), Reset layout, and Help."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QDockWidget

from gdsim.core.presets import list_presets
from gdsim.gui.dataset.table_model import format_value
from gdsim.gui.main_window import MainWindow

from helpers import projector_window


@pytest.fixture(autouse=True)
def own_settings(tmp_path):
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path))


@pytest.fixture
def small(qtbot):
    w = projector_window(qtbot)
    yield w
    w.shutdown()


def test_the_window_fits_1280_by_690(small):
    hint = small.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 690
    assert small.width() == 1280 and small.height() == 690
    for name in ("controlsDock", "datasetDock"):
        assert small.findChild(QDockWidget, name).isVisible()
    for plot in (small.surface_view, small.fit_view, small.loss_view):  # a useful size each
        assert plot.width() >= 250 and plot.height() >= 230, (plot, plot.size())


def _widest(fm: QFontMetrics, column: np.ndarray) -> int:
    digit = max("0123456789", key=fm.horizontalAdvance)
    texts = {format_value(float(v)) for v in np.unique(column)}
    shapes = {"".join(digit if c.isdigit() else c for c in t) for t in texts}
    return max(fm.horizontalAdvance(t) for t in shapes)


@pytest.mark.parametrize("preset", [p.id for p in list_presets() if p.id != "large-synthetic"] +
                         ["large-synthetic"])
def test_every_column_of_every_preset_is_whole_at_1280(small, qtbot, preset):
    panel = small.dataset_panel
    assert panel.load_preset(preset)
    qtbot.wait(10)
    table, hh = panel.table, panel.table.horizontalHeader()
    values = panel.document.dataset.values
    if len(values) > 200_000:
        values = np.concatenate([values[:100_000], values[np.argsort(np.abs(values), axis=0)[:50]].reshape(-1, values.shape[1])])
    fm = QFontMetrics(table.font())
    for i in range(values.shape[1]):
        assert hh.sectionSize(i) >= _widest(fm, values[:, i]), (preset, i)
        assert hh.sectionViewportPosition(i) + hh.sectionSize(i) <= table.viewport().width(), (preset, i)


def test_reset_layout_hides_feature_docks_and_docks_the_table_again(small, qtbot):
    explainer = small.findChild(QDockWidget, "stepExplainer")
    table = small.findChild(QDockWidget, "datasetDock")
    explainer.show()
    table.setFloating(True)
    action = small.findChild(type(small.run_actions["start"]), "actionResetLayout")
    assert action in small.view_menu.actions()
    action.trigger()
    qtbot.wait(10)
    assert not explainer.isVisible()
    assert table.isVisible() and not table.isFloating()
    assert small.minimumSizeHint().width() <= 1280


def test_help_lists_the_windows_own_shortcuts(small):
    from gdsim.gui.features.help import quick_start_html, shortcuts

    rows = shortcuts(small)
    keys = {a: k for _m, a, k in rows}
    assert keys["Start"] == "F5" and keys["Presentation mode"] == "Ctrl+Shift+P"
    assert "Reset layout" in keys and "Quick start" in keys
    html = quick_start_html(small)
    assert "press <b>Start</b>" in html.replace("Press", "press") and "F10" in html
    dialog = small.help.show_quick_start()
    assert dialog.isVisible()
    dialog.close()
    menus = [a.text() for a in small.menuBar().actions()]
    assert menus[-1] == "&Help"


def test_first_launch_shows_a_hint_once(qtbot):
    first = MainWindow()
    first.ask_before_discarding = False
    qtbot.addWidget(first)
    assert "Press Start (F5)" in first.statusBar().currentMessage()
    first.shutdown()
    second = MainWindow()
    second.ask_before_discarding = False
    qtbot.addWidget(second)
    assert second.statusBar().currentMessage() == ""
    second.shutdown()


def test_the_hint_goes_when_the_first_run_starts(qtbot):
    w = MainWindow()
    w.ask_before_discarding = False
    qtbot.addWidget(w)
    w.show()
    assert w.statusBar().currentMessage()
    w.step()
    qtbot.waitUntil(lambda: w.statusBar().currentMessage() == "", timeout=5000)
    w.shutdown()


def test_the_status_bar_shows_the_distance_to_the_optimum_when_known(small, qtbot):
    import numpy as np

    label = small.optimum_distance_status
    run = small.current_run  # linear regression with MSE on the default table: θ* is known
    optimum = small.surface_model.optimum
    assert label.isVisible()
    assert label.text() == f"‖θ − θ*‖ = {np.linalg.norm(run.params - optimum):.4g}"
    small.step()
    qtbot.waitUntil(lambda: small._last_frame is not None, timeout=5000)
    assert label.text() == f"‖θ − θ*‖ = {np.linalg.norm(small._last_frame.snapshot.params - optimum):.4g}"
    small.dataset_panel.load_preset("insurance")  # logistic: no closed form
    assert not label.isVisible()
    small.set_function("himmelblau")  # a test function: its nearest known minimum
    assert label.isVisible()


@pytest.mark.parametrize("preset", ["insurance", "lecture-3x-plus-2", "two-classes"])
def test_every_plot_fits_its_pane_at_1280_after_a_note_in_its_title(small, qtbot, preset):
    """At w = 0 the fit plot titles "no decision boundary (w1 = w2 = 0)"; pyqtgraph kept that
    title's width as the plot's minimum after the note went, so on insurance the plot's right
    side (x ticks, the legend's text) was cut off in a 1280-px window."""
    small.dataset_panel.load_preset(preset)
    small.step()
    qtbot.waitUntil(lambda: small._last_frame is not None and small._last_frame.snapshot.iteration >= 1,
                    timeout=5000)
    qtbot.wait(50)
    for plot in (small.surface_view, small.fit_view, small.loss_view):
        assert plot.getPlotItem().geometry().width() <= plot.width() + 0.5, (plot, preset)


def test_a_wide_import_keeps_the_window_on_the_screen(small, tmp_path):
    """Every column of a wide CSV was fitted to its values and the table made as wide as all
    of them (10,000 columns: 28 s of measuring, and a window 600,000 px wide); past
    WIDE_TABLE_COLUMNS the columns share one width and the table scrolls."""
    rng = np.random.default_rng(0)
    d = 2000
    path = tmp_path / "wide.csv"
    rows = [",".join([f"x{k}" for k in range(d)] + ["y"])]
    rows += [",".join(f"{v:.4f}" for v in rng.normal(size=d + 1)) for _ in range(5)]
    path.write_text("\n".join(rows) + "\n")
    assert small.dataset_panel.import_csv(path)
    assert small.document.dataset.n_features == d
    assert small.minimumSizeHint().width() <= 1280
    assert small.dataset_panel.table.minimumWidth() < 1000
