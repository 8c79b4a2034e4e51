"""The dataset panel, driven like a user: type into cells, click buttons,
pick combo entries, press the undo/redo shortcuts."""

from __future__ import annotations


import numpy as np
import pytest


from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl  # noqa: E402
from PySide6.QtGui import QDropEvent, QKeySequence  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QInputDialog  # noqa: E402

from gdsim.core.csvio import read_csv  # noqa: E402
from gdsim.core.dataset import Dataset  # noqa: E402
from gdsim.core.presets import DEFAULT_PRESET, list_presets, load_preset  # noqa: E402
from gdsim.gui.dataset import DatasetDocument, DatasetPanel, DatasetTableModel  # noqa: E402
from gdsim.gui.dataset.table_model import HIGHLIGHT_COLOR, TARGET_SUFFIX  # noqa: E402


# -- helpers -------------------------------------------------------------------
@pytest.fixture
def panel(qtbot):
    p = DatasetPanel()
    qtbot.addWidget(p)
    p.resize(520, 420)
    p.show()
    qtbot.waitExposed(p)
    return p


def cell(panel, row, col) -> float:
    return float(panel.document.dataset.values[row, col])

from helpers import type_into_cell  # noqa: E402


def shown(panel, row, col) -> str:
    return panel.model.data(panel.model.index(row, col), Qt.DisplayRole)


def choose(combo, text):
    """Pick ``text`` in a combo with the keyboard, as a user would."""
    i = combo.findText(text, Qt.MatchExactly)
    assert i >= 0, f"{text!r} not in {[combo.itemText(k) for k in range(combo.count())]}"
    combo.setFocus()
    QTest.keyClick(combo, Qt.Key_Home)
    for _ in range(combo.count()):
        if combo.currentIndex() == i:
            break
        QTest.keyClick(combo, Qt.Key_Down)
    assert combo.currentIndex() == i


def preset_title(preset_id):
    return next(p.title for p in list_presets() if p.id == preset_id)


def press(qtbot, widget, keyseq):
    widget.window().activateWindow()
    qtbot.waitUntil(lambda: widget.window().isActiveWindow(), timeout=2000)
    widget.setFocus()
    QTest.keySequence(widget, QKeySequence(keyseq))


def click(button):
    QTest.mouseClick(button, Qt.LeftButton)


# -- starting state -------------------------------------------------------------
def test_starts_with_the_default_preset(panel):
    expected = load_preset(DEFAULT_PRESET)
    assert panel.document.dataset.equals(expected)
    assert panel.preset_combo.objectName() == "presetCombo"
    assert panel.preset_combo.currentData() == DEFAULT_PRESET
    assert panel.table.objectName() == "datasetTable"
    assert panel.table.model() is panel.model
    assert isinstance(panel.model, DatasetTableModel)
    assert panel.target_combo.objectName() == "targetCombo"
    assert panel.target_combo.currentText() == expected.target
    assert panel.message_label.objectName() == "datasetMessage"
    assert panel.message_label.text() == ""
    assert not panel.document.is_modified
    # Every preset (lecture tables and generators) is offered, id as item data.
    ids = [panel.preset_combo.itemData(i) for i in range(panel.preset_combo.count())]
    assert ids == [p.id for p in list_presets()]


def test_headers_mark_target_and_number_rows_from_one(panel):
    m = panel.model
    ds = panel.document.dataset
    t = ds.target_index
    assert m.headerData(t, Qt.Horizontal, Qt.DisplayRole) == ds.target + TARGET_SUFFIX
    assert m.headerData(t, Qt.Horizontal, Qt.FontRole).bold()
    other = next(i for i in range(len(ds.columns)) if i != t)
    assert m.headerData(other, Qt.Horizontal, Qt.DisplayRole) == ds.columns[other]
    assert m.headerData(0, Qt.Vertical, Qt.DisplayRole) == "1"
    assert m.headerData(ds.n_rows - 1, Qt.Vertical, Qt.DisplayRole) == str(ds.n_rows)


def test_display_is_compact_edit_role_is_exact(panel, qtbot):
    type_into_cell(qtbot, panel, 0, 0, "0.1234567891234")
    ix = panel.model.index(0, 0)
    assert panel.model.data(ix, Qt.DisplayRole) == "0.123457"
    assert float(panel.model.data(ix, Qt.EditRole)) == 0.1234567891234
    assert cell(panel, 0, 0) == 0.1234567891234


# -- cell edits -------------------------------------------------------------------
def test_typing_into_a_cell_changes_model_and_document(panel, qtbot):
    seen = []
    panel.dataset_changed.connect(seen.append)
    before = panel.document.dataset
    type_into_cell(qtbot, panel, 1, 0, "7.5")
    assert cell(panel, 1, 0) == 7.5
    assert shown(panel, 1, 0) == "7.5"
    assert len(seen) == 1 and seen[0] is panel.document.dataset
    assert before.values[1, 0] != 7.5  # the old dataset is untouched (immutable)
    assert panel.document.is_modified
    assert panel.document.undo_stack.count() == 1
    assert panel.message_label.text() == ""


@pytest.mark.parametrize("text, words", [
    ("abc", "not a number"),
    ("", None),
    ("nan", None),
    ("1e999", None),
])
def test_bad_values_are_refused_and_old_value_kept(panel, qtbot, text, words):
    old = cell(panel, 2, 0)
    old_ds = panel.document.dataset
    refused = []
    panel.document.edit_refused.connect(refused.append)
    type_into_cell(qtbot, panel, 2, 0, text)
    assert panel.document.dataset is old_ds
    assert cell(panel, 2, 0) == old
    assert shown(panel, 2, 0) == f"{old:.6g}"
    assert panel.document.undo_stack.count() == 0
    msg = panel.message_label.text()
    assert len(refused) == 1 and msg == refused[0]
    col = old_ds.columns[0]
    assert msg.startswith(f"Row 3, {col}: ")
    assert msg.endswith("the old value was kept.")
    if words:
        assert words in msg
        assert "'abc'" in msg
    assert "c62828" in panel.message_label.styleSheet()  # shown in red
    # The next good edit clears the message.
    type_into_cell(qtbot, panel, 2, 0, "1")
    assert panel.message_label.text() == ""


def test_refusal_message_reads_like_the_spec(panel, qtbot):
    type_into_cell(qtbot, panel, 2, 0, "abc")
    col = panel.document.dataset.columns[0]
    assert panel.message_label.text() == f"Row 3, {col}: 'abc' is not a number \u2014 the old value was kept."


def test_same_value_pushes_nothing(panel, qtbot):
    old = cell(panel, 0, 0)
    type_into_cell(qtbot, panel, 0, 0, repr(old))
    assert panel.document.undo_stack.count() == 0
    assert not panel.document.is_modified


# -- undo / redo ----------------------------------------------------------------------
def test_undo_restores_and_redo_reapplies(panel, qtbot):
    original = panel.document.dataset
    type_into_cell(qtbot, panel, 0, 0, "100")
    type_into_cell(qtbot, panel, 0, 1, "-3")
    edited = panel.document.dataset
    undo, redo = panel.undo_action(), panel.redo_action()
    assert undo.isEnabled() and not redo.isEnabled()
    undo.trigger()
    assert cell(panel, 0, 1) == original.values[0, 1]
    assert cell(panel, 0, 0) == 100
    undo.trigger()
    assert panel.document.dataset.equals(original)
    assert shown(panel, 0, 0) == f"{original.values[0, 0]:.6g}"
    assert not panel.document.is_modified
    assert not undo.isEnabled() and redo.isEnabled()
    redo.trigger()
    redo.trigger()
    assert panel.document.dataset.equals(edited)
    assert shown(panel, 0, 1) == "-3"


def test_undo_redo_keyboard_shortcuts(panel, qtbot):
    undo, redo = panel.undo_action(), panel.redo_action()
    assert undo is panel.undo_action()  # created once
    assert QKeySequence(QKeySequence.Undo) in undo.shortcuts()
    assert QKeySequence("Ctrl+Z") in undo.shortcuts()
    assert QKeySequence("Ctrl+Shift+Z") in redo.shortcuts()
    original = cell(panel, 0, 0)
    type_into_cell(qtbot, panel, 0, 0, "42")
    press(qtbot, panel.table, "Ctrl+Z")
    assert cell(panel, 0, 0) == original
    press(qtbot, panel.table, "Ctrl+Shift+Z")
    assert cell(panel, 0, 0) == 42


def test_undo_redo_buttons(panel, qtbot):
    type_into_cell(qtbot, panel, 0, 0, "9")
    click(panel.undo_button)
    assert cell(panel, 0, 0) != 9
    click(panel.redo_button)
    assert cell(panel, 0, 0) == 9


def test_undo_text_describes_the_edit(panel, qtbot):
    type_into_cell(qtbot, panel, 1, 0, "5")
    col = panel.document.dataset.columns[0]
    assert panel.document.undo_stack.undoText() == f"Edit row 2, {col}"
    assert panel.undo_action().text() == f"Undo Edit row 2, {col}"


# -- rows ---------------------------------------------------------------------------------
def test_add_and_delete_rows_with_buttons(panel, qtbot):
    n = panel.document.dataset.n_rows
    original = panel.document.dataset
    panel.table.setCurrentIndex(panel.model.index(1, 0))
    click(panel.add_row_button)
    assert panel.document.dataset.n_rows == n + 1
    assert panel.model.rowCount() == n + 1
    assert panel.table.currentIndex().row() == 2  # the new row, below row 2
    # the rows after it moved down by one
    assert np.array_equal(panel.document.dataset.values[3:], original.values[2:])
    type_into_cell(qtbot, panel, 2, 0, "6.5")
    assert cell(panel, 2, 0) == 6.5

    # select rows 1 and 3 (non-adjacent) and delete them
    sel = panel.table.selectionModel()
    panel.table.clearSelection()
    from PySide6.QtCore import QItemSelectionModel
    sel.select(panel.model.index(0, 0), QItemSelectionModel.Select)
    sel.select(panel.model.index(2, 0), QItemSelectionModel.Select)
    assert panel.selected_rows() == [0, 2]
    click(panel.delete_rows_button)
    assert panel.document.dataset.n_rows == n - 1
    assert panel.model.rowCount() == n - 1
    assert cell(panel, 0, 0) == original.values[1, 0]

    panel.undo_action().trigger()  # rows back
    assert panel.document.dataset.n_rows == n + 1
    assert cell(panel, 2, 0) == 6.5
    panel.undo_action().trigger()  # the edit
    panel.undo_action().trigger()  # the insert
    assert panel.document.dataset.equals(original)
    assert panel.model.rowCount() == n


def test_delete_key_removes_current_row(panel, qtbot):
    n = panel.document.dataset.n_rows
    panel.table.setCurrentIndex(panel.model.index(0, 0))
    press(qtbot, panel.table, "Del")
    assert panel.document.dataset.n_rows == n - 1


def test_delete_without_selection_explains(panel):
    panel.table.setCurrentIndex(panel.model.index(-1, -1))
    panel.table.clearSelection()
    assert not panel.delete_selected_rows()
    assert panel.message_label.text()


# -- columns ------------------------------------------------------------------------------
def test_add_rename_delete_column(panel, qtbot):
    ds0 = panel.document.dataset
    k = len(ds0.columns)
    panel.table.setCurrentIndex(panel.model.index(0, 0))
    click(panel.add_column_button)
    ds1 = panel.document.dataset
    assert len(ds1.columns) == k + 1 and panel.model.columnCount() == k + 1
    new_name = ds1.columns[1]
    assert new_name not in ds0.columns
    assert ds1.target == ds0.target

    # Rename through the (bypassed) dialog, like clicking the button.
    panel.table.setCurrentIndex(panel.model.index(0, 1))
    qtbot_dialog = []

    def fake_get_text(parent, title, label, *args, **kwargs):
        qtbot_dialog.append(label)
        return "Have_Car", True

    original_get_text = QInputDialog.getText
    QInputDialog.getText = staticmethod(fake_get_text)
    try:
        click(panel.rename_column_button)
    finally:
        QInputDialog.getText = original_get_text
    assert qtbot_dialog and new_name in qtbot_dialog[0]
    assert panel.document.dataset.columns[1] == "Have_Car"
    assert panel.model.headerData(1, Qt.Horizontal, Qt.DisplayRole) == "Have_Car"
    assert "Have_Car" in [panel.target_combo.itemText(i) for i in range(panel.target_combo.count())]

    # Rename directly and a refused rename (duplicate name).
    assert panel.rename_column(1, "age")
    assert panel.document.dataset.columns[1] == "age"
    assert not panel.rename_column(1, ds0.columns[0])
    assert panel.message_label.text()
    assert panel.document.dataset.columns[1] == "age"

    # Delete the current column.
    panel.table.setCurrentIndex(panel.model.index(0, 1))
    click(panel.delete_column_button)
    assert panel.document.dataset.columns == ds0.columns
    assert panel.model.columnCount() == k

    for _ in range(4):
        panel.undo_action().trigger()
    assert panel.document.dataset.equals(ds0)
    assert panel.model.columnCount() == k


def test_deleting_the_target_column_is_refused(panel):
    ds = panel.document.dataset
    panel.table.setCurrentIndex(panel.model.index(0, ds.target_index))
    click(panel.delete_column_button)
    assert panel.document.dataset is ds
    assert panel.message_label.text()
    assert panel.document.undo_stack.count() == 0


def test_change_target_with_the_combo(panel):
    ds = panel.document.dataset
    other = next(c for c in ds.columns if c != ds.target)
    choose(panel.target_combo, other)
    assert panel.document.dataset.target == other
    i = panel.document.dataset.columns.index(other)
    assert panel.model.headerData(i, Qt.Horizontal, Qt.DisplayRole) == other + TARGET_SUFFIX
    panel.undo_action().trigger()
    assert panel.document.dataset.target == ds.target
    assert panel.target_combo.currentText() == ds.target


# -- presets --------------------------------------------------------------------------
def test_preset_switch_is_undoable(panel):
    presets = [p for p in list_presets() if p.id != DEFAULT_PRESET]
    other = presets[0]
    original = panel.document.dataset
    choose(panel.preset_combo, other.title)
    assert panel.document.dataset.equals(load_preset(other.id))
    assert panel.model.rowCount() == panel.document.dataset.n_rows
    assert panel.target_combo.currentText() == panel.document.dataset.target
    assert panel.document.undo_stack.undoText().endswith(other.title)
    panel.undo_action().trigger()
    assert panel.document.dataset.equals(original)
    assert panel.preset_combo.currentData() == DEFAULT_PRESET
    panel.redo_action().trigger()
    assert panel.document.dataset.equals(load_preset(other.id))
    assert panel.preset_combo.currentData() == other.id


def test_every_preset_loads(panel):
    for p in list_presets():
        assert panel.load_preset(p.id), panel.message_label.text()
        assert panel.model.rowCount() == panel.document.dataset.n_rows
        assert panel.model.columnCount() == len(panel.document.dataset.columns)


# -- CSV ---------------------------------------------------------------------------------
def test_import_csv(panel, tmp_path):
    path = tmp_path / "cars.csv"
    path.write_text("Age,Have_Car,Have_Insurance\n21,0,0\n48,1,1\n35,1,0\n", encoding="utf-8")
    original = panel.document.dataset
    assert panel.import_csv(path)
    ds = panel.document.dataset
    assert ds.columns == ("Age", "Have_Car", "Have_Insurance")
    assert ds.n_rows == 3 and panel.model.rowCount() == 3
    assert ds.target == "Have_Insurance"
    assert panel.target_combo.currentText() == "Have_Insurance"
    assert "cars.csv" in panel.message_label.text()
    assert "c62828" not in panel.message_label.styleSheet()
    panel.undo_action().trigger()
    assert panel.document.dataset.equals(original)


@pytest.mark.parametrize("content", [
    "x,y\n1,2\n3,abc\n",
    "",
])
def test_bad_csv_leaves_data_untouched(panel, tmp_path, content):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    ds = panel.document.dataset
    assert not panel.import_csv(path)
    assert panel.document.dataset is ds
    assert panel.document.undo_stack.count() == 0
    msg = panel.message_label.text()
    assert "bad.csv" in msg
    assert "c62828" in panel.message_label.styleSheet()


def test_missing_csv_file(panel, tmp_path):
    ds = panel.document.dataset
    assert not panel.import_csv(tmp_path / "nope.csv")
    assert panel.document.dataset is ds
    assert "nope.csv" in panel.message_label.text()


def test_export_round_trips(panel, qtbot, tmp_path):
    type_into_cell(qtbot, panel, 0, 0, "0.1")
    type_into_cell(qtbot, panel, 1, 1, "-12345.678901234567")
    assert panel.document.is_modified
    path = tmp_path / "out.csv"
    assert panel.export_csv(path)
    assert not panel.document.is_modified
    back = read_csv(path, target=panel.document.dataset.target)
    assert back.columns == panel.document.dataset.columns
    assert np.array_equal(back.values, panel.document.dataset.values)
    assert "out.csv" in panel.message_label.text()


def test_export_to_unwritable_place(panel, tmp_path):
    assert not panel.export_csv(tmp_path / "no-such-dir" / "out.csv")
    assert "out.csv" in panel.message_label.text()


def test_dropping_a_csv_imports_it(panel, tmp_path):
    path = tmp_path / "dropped.csv"
    path.write_text("a,b\n1,2\n3,4\n5,6\n", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    ev = QDropEvent(QPointF(10, 10), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    panel.dropEvent(ev)
    assert panel.document.dataset.columns == ("a", "b")
    assert panel.model.rowCount() == 3


def test_accept_drop_ignores_other_files(panel, tmp_path):
    ds = panel.document.dataset
    assert not panel.accept_drop([QUrl.fromLocalFile(str(tmp_path / "picture.png"))])
    assert panel.document.dataset is ds
    assert panel.message_label.text()


# -- highlight -------------------------------------------------------------------------
def test_highlight_rows_sets_background(panel, qtbot):
    m = panel.model
    changed = []
    m.dataChanged.connect(lambda a, b, roles: changed.append((a.row(), b.row(), list(roles))))
    panel.highlight_rows([1, 2])
    bg = m.data(m.index(1, 0), Qt.BackgroundRole)
    assert bg is not None and bg.color() == HIGHLIGHT_COLOR
    assert m.data(m.index(2, 1), Qt.BackgroundRole).color() == HIGHLIGHT_COLOR
    assert m.data(m.index(0, 0), Qt.BackgroundRole) is None
    assert changed == [(1, 2, [Qt.BackgroundRole])]
    changed.clear()
    panel.highlight_rows([2, 3])  # only rows 1 and 3 flip
    assert sorted((a, b) for a, b, _ in changed) == [(1, 1), (3, 3)]
    changed.clear()
    panel.highlight_rows([2, 3])
    assert changed == []
    panel.highlight_rows(None)
    assert m.data(m.index(2, 0), Qt.BackgroundRole) is None
    assert list(m.highlighted_rows()) == []


def test_scattered_batch_rows_are_announced_row_by_row(qtbot):
    # A shuffled mini-batch of 32 rows in a long table: each flipped row is announced
    # alone, so the table repaints only when one of them is on screen (not every frame).
    from gdsim.core.presets import large_synthetic

    m = DatasetTableModel(DatasetDocument(large_synthetic(20_000)))
    rng = np.random.default_rng(0)
    m.highlight_rows(rng.choice(20_000, 32, replace=False))
    changed = []
    m.dataChanged.connect(lambda a, b, roles: changed.append((a.row(), b.row())))
    m.highlight_rows(rng.choice(20_000, 32, replace=False))
    assert 32 < len(changed) <= 64
    assert all(b - a < 3 for a, b in changed)


# -- document API --------------------------------------------------------------------
def test_document_methods_and_refusals(qtbot):
    doc = DatasetDocument(load_preset(DEFAULT_PRESET))
    refused = []
    doc.edit_refused.connect(refused.append)
    ds0 = doc.dataset
    assert doc.set_value(0, 0, 2.5)
    assert doc.dataset.values[0, 0] == 2.5
    assert not doc.set_value(0, 0, "  ")
    assert len(refused) == 1
    assert doc.insert_row(0)
    assert doc.remove_rows([0])
    assert doc.insert_column(0, "z")
    assert not doc.insert_column(0, "z")  # duplicate name
    assert doc.rename_column(0, "zz")
    assert doc.remove_column(0)
    assert doc.replace_dataset(ds0.with_name("copy"), "Replace")
    assert doc.dataset.name == "copy"
    assert doc.is_modified
    doc.mark_saved()
    assert not doc.is_modified
    while doc.undo_stack.canUndo():
        doc.undo()
    assert doc.dataset.equals(ds0)
    assert len(refused) == 2


# -- big data ----------------------------------------------------------------------------
def _big_dataset(n):
    rng = np.random.default_rng(0)
    x = rng.normal(size=n)
    base = load_preset(DEFAULT_PRESET)
    values = np.column_stack([x, 3 * x + 2])
    return Dataset(columns=base.columns, values=values, target=base.target, name="big")


def test_million_rows_stay_fast(qtbot):
    big = _big_dataset(1_000_000)
    doc = DatasetDocument(big)
    panel = DatasetPanel(doc)
    qtbot.addWidget(panel)
    panel.resize(500, 400)
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.model.rowCount() == 1_000_000
    panel.table.scrollToBottom()
    QTest.qWait(10)
    assert panel.model.headerData(999_999, Qt.Vertical, Qt.DisplayRole) == "1000000"
    for _ in range(20):
        panel.highlight_rows(np.arange(0, 1_000_000, 37)[:32])
        panel.highlight_rows(np.arange(5, 1_000_000, 41)[:32])
    assert doc.set_value(999_999, 0, "1.5")
    assert panel.model.data(panel.model.index(999_999, 0), Qt.DisplayRole) == "1.5"
    doc.undo()
    assert float(doc.dataset.values[999_999, 0]) == big.values[999_999, 0]
    # Select 100,000 rows (one range) and delete them in one step.
    from PySide6.QtCore import QItemSelection, QItemSelectionModel
    m = panel.model
    panel.table.selectionModel().select(
        QItemSelection(m.index(10, 0), m.index(100_009, 1)), QItemSelectionModel.ClearAndSelect)
    click(panel.delete_rows_button)
    assert doc.dataset.n_rows == 900_000 and m.rowCount() == 900_000
    assert doc.dataset.values[10, 0] == big.values[100_010, 0]
    doc.undo()
    assert m.rowCount() == 1_000_000
    assert doc.dataset.equals(big)


# -- rows of a generated preset, column widths (issue 13 §1, §3.13) ---------------------
def test_rows_spin_regenerates_a_generated_preset(panel, qtbot):
    spin = panel.rows_spin
    assert not spin.isEnabled()  # a lecture table has its rows
    assert panel.load_preset("noisy-line")
    assert spin.isEnabled() and spin.value() == 50
    spin.setValue(10_000)
    ds = panel.document.dataset
    assert ds.n_rows == 10_000 and ds.equals(load_preset("noisy-line", rows=10_000))
    assert panel.preset_combo.currentData() == "noisy-line"
    panel.undo_action().trigger()
    assert panel.document.dataset.n_rows == 50 and spin.value() == 50
    assert panel.load_preset("insurance") and not spin.isEnabled() and spin.value() == 11


def test_a_long_header_is_elided_never_the_values(qtbot):
    from PySide6.QtGui import QFontMetrics

    ds = Dataset(("x", "a_very_long_column_name_indeed"),
                 np.array([[-123456.0, 1.0], [0.5, 0.000123457]]), "a_very_long_column_name_indeed")
    p = DatasetPanel(DatasetDocument(ds))
    qtbot.addWidget(p)
    p.resize(260, 300)
    p.show()
    qtbot.waitExposed(p)
    hh, fm = p.table.horizontalHeader(), QFontMetrics(p.table.font())
    assert hh.sectionSize(0) >= fm.horizontalAdvance("-123456")
    assert hh.sectionSize(1) >= fm.horizontalAdvance("0.000123457")
    assert hh.sectionViewportPosition(1) + hh.sectionSize(1) <= p.table.viewport().width()
    full = QFontMetrics(hh.font()).horizontalAdvance(p.model.headerData(1, Qt.Horizontal))
    assert hh.sectionSize(1) < full  # the header gives way (elided; the tooltip has the name)
    assert "a_very_long_column_name_indeed" in p.model.headerData(1, Qt.Horizontal, Qt.ToolTipRole)
