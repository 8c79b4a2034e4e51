"""The dataset panel of the main window.

A preset picker, the editable table (a lazy :class:`DatasetTableModel` in a
:class:`QTableView`), edit buttons, a target picker, CSV import/export (also
by dropping a ``.csv`` file on the panel) and a one-line message for refused
edits.  Every change goes through the :class:`DatasetDocument`, so all of it
is undoable; :meth:`DatasetPanel.undo_action` / :meth:`redo_action` give the
main window the Edit-menu actions.

Dialogs (file pickers, the rename prompt) sit in thin ``*_interactive``
methods; the work is done by plain methods (:meth:`import_csv`,
:meth:`export_csv`, :meth:`rename_column`, ...) that tests and the main
window call directly.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Optional, Sequence

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QUrl, Qt, Signal
from PySide6.QtGui import QAction, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QGridLayout,
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QSizePolicy,
    QSpinBox,
    QStyle,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gdsim.core.dataset import Dataset, DataError
from gdsim.core.presets import MAX_ROWS

from .columns import MIN_WIDTH, share_widths, value_width
from .commands import DatasetDocument
from .table_model import DatasetTableModel

__all__ = ["DatasetPanel"]

_ERROR_STYLE = "color: #c62828;"


WIDE_TABLE_COLUMNS = 50  # past this many columns every column gets one width (see _fit_header)

class DatasetPanel(QWidget):
    """Editable view of the training data.

    Signals
    -------
    dataset_changed(object)
        The new :class:`Dataset` after any edit, undo, redo, import or preset
        switch (forwarded from the document).
    """

    dataset_changed = Signal(object)

    def __init__(self, document: Optional[DatasetDocument] = None, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self._doc = document if document is not None else DatasetDocument(parent=self)
        self._model = DatasetTableModel(self._doc, self)
        self._undo_action: Optional[QAction] = None
        self._redo_action: Optional[QAction] = None
        self._presets = _list_presets()
        self._fitted_for = None
        self._value_widths: tuple = (None, None, [])  # (values, font key, widest value of each column)
        self.setAcceptDrops(True)
        self._build()
        self._doc.dataset_changed.connect(self._on_dataset_changed)
        self._doc.dataset_changed.connect(self.dataset_changed)
        self._doc.edit_refused.connect(self.show_error)
        self._sync_combos()
        # Register the undo/redo shortcuts on the panel so they work even when
        # no main window menu hosts them.
        self.addAction(self.undo_action())
        self.addAction(self.redo_action())

    # -- construction ------------------------------------------------------------
    def _build(self) -> None:
        self.preset_combo = QComboBox(objectName="presetCombo")
        self.preset_combo.setToolTip("Load one of the lecture tables or a generated dataset")
        # narrow docks (a 1280 px projector): the combos shrink, the popup shows the full names
        self.preset_combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.preset_combo.setMinimumContentsLength(8)
        for p in self._presets:
            self.preset_combo.addItem(p.title, p.id)
            self.preset_combo.setItemData(self.preset_combo.count() - 1,
                                          p.description, Qt.ToolTipRole)
        self.preset_combo.activated.connect(self._on_preset_activated)

        self.rows_spin = QSpinBox(objectName="rowsSpin")
        self.rows_spin.setRange(1, MAX_ROWS)
        self.rows_spin.setGroupSeparatorShown(True)
        self.rows_spin.setKeyboardTracking(False)  # regenerate on Enter, not on every digit
        self.rows_spin.setAccelerated(True)
        self.rows_spin.setToolTip("How many rows the generator makes (generated presets only)")
        self.rows_spin.valueChanged.connect(self._on_rows_changed)

        self.target_combo = QComboBox(objectName="targetCombo")
        self.target_combo.setToolTip("The column the model learns to predict")
        self.target_combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.target_combo.setMinimumContentsLength(6)
        self.target_combo.activated.connect(self._on_target_activated)

        top = QGridLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.setHorizontalSpacing(4)
        top.setVerticalSpacing(2)
        top.addWidget(QLabel("Data:"), 0, 0)
        top.addWidget(self.preset_combo, 0, 1)
        top.addWidget(QLabel("rows"), 0, 2)
        top.addWidget(self.rows_spin, 0, 3)
        top.addWidget(QLabel("Predict:"), 1, 0)
        top.addWidget(self.target_combo, 1, 1, 1, 3)
        top.setColumnStretch(1, 1)

        self.table = QTableView(objectName="datasetTable")
        self.table.setModel(self._model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed
                                   | QAbstractItemView.AnyKeyPressed)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        vh = self.table.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.Fixed)  # constant cost for 1e6 rows
        vh.setDefaultSectionSize(self.fontMetrics().height() + 6)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.Interactive)
        # The header elides a long name with its own font: bold, as the target's name is drawn
        # (with a plain font it would clip the bold text instead of eliding it).
        bold = hh.font()
        bold.setBold(True)
        hh.setFont(bold)
        hh.setTextElideMode(Qt.ElideRight)
        self.table.viewport().installEventFilter(self)  # -> _fit_header on resize
        self.table.installEventFilter(self)  # ... and on a new font
        hh.setHighlightSections(False)
        hh.sectionDoubleClicked.connect(self.rename_column_interactive)

        self.add_row_button = self._button("Add row", "Insert a row below the current one",
                                           self.add_row, "addRowButton")
        self.delete_rows_button = self._button("Delete rows", "Delete the selected rows",
                                               self.delete_selected_rows, "deleteRowsButton")
        self.add_column_button = self._button("Add column", "Insert a feature column",
                                              lambda: self.add_column(), "addColumnButton")
        self.delete_column_button = self._button("Delete column", "Delete the current column",
                                                 self.delete_current_column, "deleteColumnButton")
        self.rename_column_button = self._button("Rename…", "Rename the current column (or double-click its header)",
                                                 lambda: self.rename_column_interactive(),
                                                 "renameColumnButton")
        self.import_button = self._button("Import CSV…", "Load a CSV file (or drop one here)",
                                          self.import_csv_interactive, "importCsvButton")
        self.export_button = self._button("Export CSV…", "Save the table as a CSV file",
                                          self.export_csv_interactive, "exportCsvButton")

        # Two short rows keep the panel narrow enough to leave room for the plots.
        edit_row = QGridLayout()
        edit_row.setContentsMargins(0, 0, 0, 0)
        edit_row.setSpacing(2)
        for k, b in enumerate((self.add_row_button, self.delete_rows_button, None,
                               self.add_column_button, self.delete_column_button,
                               self.rename_column_button)):
            if b is not None:
                edit_row.addWidget(b, k // 3, k % 3)
        file_row = QHBoxLayout()
        file_row.setContentsMargins(0, 0, 0, 0)
        file_row.setSpacing(2)
        # Short fixed labels; the full "Undo Load y = 2x" text is the tooltip
        # (the Edit-menu actions carry it in their text).
        stack = self._doc.undo_stack
        self.undo_button = self._button("Undo", "", stack.undo, "undoButton")
        self.redo_button = self._button("Redo", "", stack.redo, "redoButton")
        stack.canUndoChanged.connect(self.undo_button.setEnabled)
        stack.canRedoChanged.connect(self.redo_button.setEnabled)
        # Bound methods, not lambdas: Qt drops the connection when the panel goes.
        stack.undoTextChanged.connect(self._on_undo_text_changed)
        stack.redoTextChanged.connect(self._on_redo_text_changed)
        self.undo_button.setEnabled(stack.canUndo())
        self.redo_button.setEnabled(stack.canRedo())
        for b in (self.undo_button, self.redo_button):
            file_row.addWidget(b)
        file_row.addStretch(1)
        file_row.addWidget(self.import_button)
        file_row.addWidget(self.export_button)

        self.message_label = QLabel(objectName="datasetMessage")
        self.message_label.setWordWrap(True)  # a whole sentence, even in a narrow panel
        self.message_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.message_label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Minimum)
        self.message_label.setMinimumHeight(self.fontMetrics().height() + 4)

        self.delete_rows_shortcut = QAction("Delete rows", self.table)
        self.delete_rows_shortcut.setShortcut(QKeySequence.Delete)
        self.delete_rows_shortcut.setShortcutContext(Qt.WidgetShortcut)
        self.delete_rows_shortcut.triggered.connect(self.delete_selected_rows)
        self.table.addAction(self.delete_rows_shortcut)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addLayout(edit_row)
        layout.addWidget(self.table, 1)
        layout.addLayout(file_row)
        layout.addWidget(self.message_label)

    def _button(self, text: str, tip: str, slot, name: str) -> QToolButton:
        b = QToolButton(objectName=name)
        b.setText(text)
        b.setToolTip(tip)
        b.setAutoRaise(False)
        b.clicked.connect(lambda _checked=False: slot())
        return b

    # -- public state ---------------------------------------------------------------
    @property
    def document(self) -> DatasetDocument:
        return self._doc

    @property
    def model(self) -> DatasetTableModel:
        return self._model

    @property
    def dataset(self) -> Dataset:
        return self._doc.dataset

    def undo_action(self) -> QAction:
        """The stack's Undo action (Ctrl+Z), created once, for the Edit menu."""
        if self._undo_action is None:
            a = self._doc.undo_stack.createUndoAction(self, "Undo")
            a.setShortcuts(QKeySequence.Undo)
            a.setObjectName("datasetUndoAction")
            self._undo_action = a
        return self._undo_action

    def redo_action(self) -> QAction:
        """The stack's Redo action (Ctrl+Shift+Z; Ctrl+Y on Windows)."""
        if self._redo_action is None:
            a = self._doc.undo_stack.createRedoAction(self, "Redo")
            keys = list(QKeySequence.keyBindings(QKeySequence.Redo))
            shift_z = QKeySequence("Ctrl+Shift+Z")
            if shift_z not in keys:
                keys.append(shift_z)
            a.setShortcuts(keys)
            a.setObjectName("datasetRedoAction")
            self._redo_action = a
        return self._redo_action

    def highlight_rows(self, indices: Optional[Iterable[int]]) -> None:
        """Colour the rows of the current mini-batch (``None`` clears)."""
        self._model.highlight_rows(indices)

    # -- messages ----------------------------------------------------------------
    def show_error(self, text: str) -> None:
        self.message_label.setStyleSheet(_ERROR_STYLE)
        self.message_label.setText(text)
        self.message_label.setToolTip(text)

    def show_info(self, text: str) -> None:
        self.message_label.setStyleSheet("")
        self.message_label.setText(text)
        self.message_label.setToolTip(text)

    def clear_message(self) -> None:
        self.show_info("")

    # -- edits -------------------------------------------------------------------
    def _current(self):
        return self.table.currentIndex()

    def selected_rows(self) -> list[int]:
        """Rows touched by the selection (else the current row), ascending.

        Read from selection ranges, not per-cell indexes, so selecting all of
        a million-row table stays instant."""
        rows: set[int] = set()
        for rng in self.table.selectionModel().selection():
            rows.update(range(rng.top(), rng.bottom() + 1))
        if not rows and self._current().isValid():
            rows = {self._current().row()}
        return sorted(rows)

    def add_row(self, index: Optional[int] = None) -> bool:
        """Insert a row at ``index`` (default: below the current row, else at the end)."""
        if index is None:
            cur = self._current()
            index = cur.row() + 1 if cur.isValid() else self._doc.dataset.n_rows
        ok = self._doc.insert_row(index)
        if ok:
            col = max(self._current().column(), 0)
            ix = self._model.index(index, col)
            self.table.setCurrentIndex(ix)
            self.table.scrollTo(ix)
        return ok

    def delete_rows(self, indices: Iterable[int]) -> bool:
        return self._doc.remove_rows(indices)

    def delete_selected_rows(self) -> bool:
        return self._doc.remove_rows(self.selected_rows())

    def add_column(self, name: Optional[str] = None, index: Optional[int] = None) -> bool:
        """Insert a feature column (default name ``x2``, ``x3``...; default
        place: right of the current column, or just before a trailing target)."""
        ds = self._doc.dataset
        if name is None:
            name = _fresh_name(ds.columns)
        if index is None:
            cur = self._current()
            if cur.isValid():
                index = cur.column() + 1
            elif ds.columns and ds.columns[-1] == ds.target:
                index = len(ds.columns) - 1
            else:
                index = len(ds.columns)
        return self._doc.insert_column(index, name)

    def delete_column(self, index: int) -> bool:
        return self._doc.remove_column(index)

    def delete_current_column(self) -> bool:
        cur = self._current()
        if not cur.isValid():
            self.show_error("Click a cell of the column to delete first.")
            return False
        return self._doc.remove_column(cur.column())

    def rename_column(self, index: int, name: str) -> bool:
        return self._doc.rename_column(index, name.strip())

    def rename_column_interactive(self, index: Optional[int] = None) -> bool:
        """Ask for a new name (QInputDialog) and rename column ``index``."""
        if index is None:
            cur = self._current()
            if not cur.isValid():
                self.show_error("Click a cell of the column to rename first.")
                return False
            index = cur.column()
        old = self._doc.dataset.columns[index]
        name, ok = QInputDialog.getText(self, "Rename column", f"New name for {old}:", text=old)
        if not ok:
            return False
        return self.rename_column(index, name)

    def set_target(self, name: str) -> bool:
        ok = self._doc.set_target(name)
        self._sync_combos()
        return ok

    def load_preset(self, preset_id: str, rows: Optional[int] = None) -> bool:
        """Replace the data with a preset (undoable); ``rows``: how many a generator makes."""
        from gdsim.core.presets import load_preset

        title = next((p.title for p in self._presets if p.id == preset_id), preset_id)
        if rows is not None:
            title = f"{title} ({rows:,} rows)"
        try:
            ds = load_preset(preset_id, rows=rows)
        except (DataError, KeyError, OSError, ValueError) as exc:
            self.show_error(f"Could not load {title}: {exc}")
            self._sync_combos()
            return False
        ok = self._doc.replace_dataset(ds, f"Load {title}")
        self._sync_combos()
        return ok

    # -- CSV ---------------------------------------------------------------------
    def import_csv(self, path) -> bool:
        """Load ``path`` as the new data (undoable); on error show a message and
        leave the current data untouched."""
        from gdsim.core.csvio import read_csv

        path = Path(path)

        def progress(fraction: float) -> None:
            self.show_info(f"Reading {path.name}… {fraction:.0%}")
            QCoreApplication.processEvents(QEventLoop.ExcludeUserInputEvents)

        try:
            ds = read_csv(path, progress=progress)
        except (DataError, OSError, UnicodeError, ValueError) as exc:
            reason = _reason(exc)
            # Core messages usually name the file already ("The file 'x.csv' ...").
            self.show_error(reason if path.name in reason else f"Could not import {path.name}: {reason}")
            return False
        self._doc.replace_dataset(ds, f"Import {path.name}")
        self.show_info(f"Imported {ds.n_rows} rows from {path.name}.")
        return True

    def export_csv(self, path) -> bool:
        """Write the table to ``path`` (atomic); marks the document saved."""
        from gdsim.core.csvio import write_csv

        path = Path(path)
        try:
            write_csv(self._doc.dataset, path)
        except (DataError, OSError, ValueError) as exc:
            self.show_error(f"Could not save {path.name}: {_reason(exc)}")
            return False
        self._doc.mark_saved()
        self.show_info(f"Saved {self._doc.dataset.n_rows} rows to {path.name}.")
        return True

    def import_csv_interactive(self) -> bool:
        path, _ = QFileDialog.getOpenFileName(self, "Import CSV", "",
                                              "CSV files (*.csv *.tsv *.txt);;All files (*)")
        return self.import_csv(path) if path else False

    def export_csv_interactive(self) -> bool:
        name = (getattr(self._doc.dataset, "name", "") or "data")
        path, _ = QFileDialog.getSaveFileName(self, "Export CSV", _safe_filename(name) + ".csv",
                                              "CSV files (*.csv);;All files (*)")
        if not path:
            return False
        if not os.path.splitext(path)[1]:
            path += ".csv"
        return self.export_csv(path)

    # -- drag and drop -----------------------------------------------------------
    @staticmethod
    def _csv_path(urls: Sequence[QUrl]) -> Optional[str]:
        for url in urls or ():
            if isinstance(url, QUrl):
                local = url.toLocalFile() if url.isLocalFile() else ""
            else:
                local = str(url)
            if local and local.lower().endswith((".csv", ".tsv", ".txt")):
                return local
        return None

    def accept_drop(self, urls: Sequence[QUrl]) -> bool:
        """Import the first local CSV among ``urls``; False if there is none
        or it could not be read."""
        path = self._csv_path(urls)
        if path is None:
            self.show_error("Only .csv files can be dropped here.")
            return False
        return self.import_csv(path)

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        md = event.mimeData()
        if md.hasUrls() and self._csv_path(md.urls()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: N802
        self.dragEnterEvent(event)

    def dropEvent(self, event) -> None:  # noqa: N802
        md = event.mimeData()
        if md.hasUrls() and self.accept_drop(md.urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def _on_undo_text_changed(self, text: str) -> None:
        self.undo_button.setToolTip(f"Undo {text}".strip())

    def _on_redo_text_changed(self, text: str) -> None:
        self.redo_button.setToolTip(f"Redo {text}".strip())

    # -- sync --------------------------------------------------------------------
    def _on_dataset_changed(self, _ds) -> None:
        if self.message_label.styleSheet() == _ERROR_STYLE:
            self.clear_message()
        self._sync_combos()

    def _sync_combos(self) -> None:
        ds = self._doc.dataset
        tc = self.target_combo
        tc.blockSignals(True)
        if [tc.itemText(i) for i in range(tc.count())] != list(ds.columns):
            tc.clear()
            tc.addItems(list(ds.columns))
        tc.setCurrentIndex(tc.findText(ds.target, Qt.MatchExactly | Qt.MatchCaseSensitive))
        tc.blockSignals(False)

        fitted = (ds.columns, ds.target, tuple(self._needed_widths()))
        if self._fitted_for != fitted:  # keep user-dragged widths otherwise
            self._fitted_for = fitted
            self._fit_header()

        pc = self.preset_combo
        pc.blockSignals(True)
        i = _match_preset(pc, ds)
        pc.setCurrentIndex(i)
        if i < 0:
            pc.setPlaceholderText(getattr(ds, "name", "") or "Custom data")
        pc.blockSignals(False)
        generated = i >= 0 and any(p.id == pc.itemData(i) and p.kind == "generator" for p in self._presets)
        blocked = self.rows_spin.blockSignals(True)
        self.rows_spin.setValue(ds.n_rows)
        self.rows_spin.blockSignals(blocked)
        self.rows_spin.setEnabled(generated)

    def _fit_header(self) -> None:
        """Share the view's width among the columns (see ``columns``): each is at
        least as wide as its widest value, headers get the rest and are elided
        (full name in the tooltip) when even that is short; a scroll bar
        appears only when the values alone do not fit.  The user can still
        drag the sections."""
        hh = self.table.horizontalHeader()
        n = self._model.columnCount()
        if n == 0:
            return
        if n > WIDE_TABLE_COLUMNS:
            # a wide import (10,000 columns): one width for every column and a scroll bar; the
            # per-column fitting asked every cell of every column and made the table (and the
            # window) as wide as all of them together: 28 s for 10,000 columns
            self.table.setMinimumWidth(0)
            hh.setDefaultSectionSize(hh.fontMetrics().horizontalAdvance("−0.000000e+00") + 12)
            return
        font = hh.font()
        font.setBold(True)
        header_fm = QFontMetrics(font)
        pad = 2 * header_fm.horizontalAdvance("M")
        needed = self._needed_widths()
        # the dock widens to show every value (row numbers, a scroll bar and the frame beside them)
        vh = self.table.verticalHeader()
        vh_width = max(vh.sizeHint().width(), vh.width() if vh.isVisible() else 0)
        self.table.setMinimumWidth(sum(needed) + vh_width + self.table.verticalScrollBar().sizeHint().width()
                                   + 2 * self.table.frameWidth())
        wanted = [header_fm.horizontalAdvance(self._model.headerData(i, Qt.Horizontal) or "") + pad
                  for i in range(n)]
        for i, w in enumerate(share_widths(needed, wanted, self.table.viewport().width())):
            hh.resizeSection(i, w)

    def _needed_widths(self) -> list[int]:
        """Each column's widest value in pixels, with the cell's margins (cached per table and font)."""
        values = self._doc.dataset.values
        key = self.table.font().key()
        cached_values, cached_key, widths = self._value_widths
        if cached_values is not values or cached_key != key:
            fm = QFontMetrics(self.table.font())
            margin = self.table.style().pixelMetric(QStyle.PM_FocusFrameHMargin, None, self.table)
            pad = fm.horizontalAdvance("M") + 2 * margin + 2
            widths = [max(MIN_WIDTH, value_width(fm, values[:, i]) + pad) for i in range(values.shape[1])]
            self._value_widths = (values, key, widths)
        return widths

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if obj is self.table.viewport() and event.type() == QEvent.Resize:
            self._fit_header()
        elif obj is self.table and event.type() == QEvent.FontChange:  # zoom, presentation mode
            self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
            self._fit_header()
        return super().eventFilter(obj, event)

    def _on_preset_activated(self, i: int) -> None:
        pid = self.preset_combo.itemData(i)
        if pid is not None:
            self.load_preset(pid)

    def _on_rows_changed(self, rows: int) -> None:
        pid = self.preset_combo.currentData()
        if self.rows_spin.isEnabled() and pid is not None and rows != self._doc.dataset.n_rows:
            self.load_preset(pid, rows)

    def _on_target_activated(self, i: int) -> None:
        self.set_target(self.target_combo.itemText(i))


def _list_presets():
    try:
        from gdsim.core.presets import list_presets

        return tuple(list_presets())
    except Exception:  # pragma: no cover - core missing/broken: panel still edits
        return ()


def _match_preset(combo: QComboBox, ds) -> int:
    name = getattr(ds, "name", "") or ""
    for i in range(combo.count()):
        if name and (combo.itemData(i) == name or combo.itemText(i) == name):
            return i
    return -1


def _fresh_name(columns: Sequence[str]) -> str:
    taken = set(columns)
    k = 2 if "x" in taken else 1  # next to "x", "x2" reads as the second feature
    while f"x{k}" in taken:
        k += 1
    return f"x{k}"


def _safe_filename(name: str) -> str:
    keep = "".join(ch if ch.isalnum() or ch in "-_ ." else "_" for ch in name).strip()
    return keep or "data"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.rstrip(".") + "."
    s = str(exc).strip() or type(exc).__name__
    return s if s[-1] in ".!?" else s + "."
