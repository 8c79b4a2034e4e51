"""A lazy Qt table model over a :class:`DatasetDocument`.

The model keeps no per-row Python objects: every cell is read from the
dataset's float64 array when the view asks for it, so a 1,000,000-row table
costs nothing beyond the array itself (plus one boolean per row for the
mini-batch highlight).
"""

from __future__ import annotations

from typing import Iterable, Optional

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from gdsim.core.dataset import format_number

from .commands import DatasetChange, DatasetDocument, _contiguous

__all__ = ["DatasetTableModel", "TARGET_SUFFIX", "HIGHLIGHT_COLOR"]

#: Appended to the target column's header text.
TARGET_SUFFIX = " (target)"
#: Background of rows in the current mini-batch.
HIGHLIGHT_COLOR = QColor(255, 224, 130)
#: Header text colour of the target column.
TARGET_COLOR = QColor(25, 103, 210)

_ALIGN = int(Qt.AlignRight | Qt.AlignVCenter)
# More than this many separate changed row ranges -> one dataChanged spanning them.
# A shuffled mini-batch of 32 rows flips about 64 scattered rows a step: announced one
# by one the view repaints only if one is on screen; spanned, it repaints every frame.
_MAX_RANGES = 256


def format_value(v: float) -> str:
    """Compact display text of one cell (``.6g``)."""
    return f"{v:.6g}"


class DatasetTableModel(QAbstractTableModel):
    """Rows x columns of the document's dataset; edits go through the document."""

    def __init__(self, document: DatasetDocument, parent=None) -> None:
        super().__init__(parent)
        self._doc = document
        self._ds = document.dataset
        self._mask = np.zeros(self._ds.n_rows, dtype=bool)
        self._brush = QBrush(HIGHLIGHT_COLOR)
        self._bold = QFont()
        self._bold.setBold(True)
        document.changed.connect(self._on_change)

    # -- read ------------------------------------------------------------------
    @property
    def document(self) -> DatasetDocument:
        return self._doc

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self._ds.n_rows

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._ds.columns)

    def data(self, index, role: int = Qt.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.DisplayRole:
            return format_value(float(self._ds.values[index.row(), index.column()]))
        if role == Qt.EditRole or role == Qt.ToolTipRole:
            # shortest text that reads back exactly ("2", "0.1", "1e-07")
            return format_number(float(self._ds.values[index.row(), index.column()]))
        if role == Qt.BackgroundRole:
            r = index.row()
            return self._brush if r < len(self._mask) and self._mask[r] else None
        if role == Qt.TextAlignmentRole:
            return _ALIGN
        return None

    def headerData(self, section: int, orientation, role: int = Qt.DisplayRole):  # noqa: N802
        if orientation == Qt.Vertical:
            if role == Qt.DisplayRole:
                return str(section + 1)
            return None
        if not 0 <= section < len(self._ds.columns):
            return None
        name = self._ds.columns[section]
        is_target = name == self._ds.target
        if role == Qt.DisplayRole:
            return name + TARGET_SUFFIX if is_target else name
        if role == Qt.FontRole and is_target:
            return self._bold
        if role == Qt.ForegroundRole and is_target:
            return QBrush(TARGET_COLOR)
        if role == Qt.ToolTipRole:
            if is_target:
                return f"{name}: the value the model predicts (target)"
            return f"{name}: input feature (double-click to rename)"
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.NoItemFlags
        return Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemIsEditable

    # -- write -------------------------------------------------------------------
    def setData(self, index, value, role: int = Qt.EditRole) -> bool:  # noqa: N802
        if role != Qt.EditRole or not index.isValid():
            return False
        return self._doc.set_value(index.row(), index.column(), value)

    # -- mini-batch highlight ----------------------------------------------------
    def highlight_rows(self, indices: Optional[Iterable[int]]) -> None:
        """Colour exactly ``indices`` (the current mini-batch); ``None`` clears.

        Cheap to call every iteration: only rows whose state flips are
        announced to the view, grouped into contiguous ranges.
        """
        new = np.zeros(len(self._mask), dtype=bool)
        if indices is not None:
            idx = np.asarray(indices if not isinstance(indices, (set, frozenset)) else list(indices),
                             dtype=np.int64).ravel()
            idx = idx[(idx >= 0) & (idx < len(new))]
            new[idx] = True
        flipped = np.flatnonzero(new != self._mask)
        self._mask = new
        if flipped.size == 0 or self.columnCount() == 0:
            return
        last = self.columnCount() - 1
        breaks = np.flatnonzero(np.diff(flipped) != 1)
        if breaks.size + 1 > _MAX_RANGES:
            self.dataChanged.emit(self.index(int(flipped[0]), 0),
                                  self.index(int(flipped[-1]), last), [Qt.BackgroundRole])
            return
        starts = np.concatenate(([flipped[0]], flipped[breaks + 1]))
        ends = np.concatenate((flipped[breaks], [flipped[-1]]))
        for a, b in zip(starts.tolist(), ends.tolist()):
            self.dataChanged.emit(self.index(a, 0), self.index(b, last), [Qt.BackgroundRole])

    def highlighted_rows(self) -> np.ndarray:
        """Row indices currently highlighted (ascending)."""
        return np.flatnonzero(self._mask)

    # -- document updates --------------------------------------------------------
    def _on_change(self, change: DatasetChange) -> None:
        old, new = self._ds, change.after
        kind, where = change.kind, change.index
        old_shape = (old.n_rows, len(old.columns))
        new_shape = (new.n_rows, len(new.columns))
        if kind == "value" and old_shape == new_shape and old.columns == new.columns:
            self._ds = new
            r, c = where
            ix = self.index(r, c)
            self.dataChanged.emit(ix, ix, [Qt.DisplayRole, Qt.EditRole, Qt.ToolTipRole])
            return
        if kind == "header" and old_shape == new_shape:
            self._ds = new
            if new_shape[1]:
                self.headerDataChanged.emit(Qt.Horizontal, 0, new_shape[1] - 1)
            return
        rows = tuple(where) if isinstance(where, tuple) else ()
        if (kind == "insert_rows" and _contiguous(rows) and new_shape[1] == old_shape[1]
                and new.n_rows == old.n_rows + len(rows)):
            self.beginInsertRows(QModelIndex(), rows[0], rows[-1])
            self._ds = new
            self._mask = np.insert(self._mask, rows[0], np.zeros(len(rows), dtype=bool))
            self.endInsertRows()
            return
        if (kind == "remove_rows" and _contiguous(rows) and new_shape[1] == old_shape[1]
                and new.n_rows == old.n_rows - len(rows)):
            self.beginRemoveRows(QModelIndex(), rows[0], rows[-1])
            self._ds = new
            self._mask = np.delete(self._mask, np.arange(rows[0], rows[-1] + 1))
            self.endRemoveRows()
            return
        if kind == "insert_column" and new_shape == (old_shape[0], old_shape[1] + 1):
            self.beginInsertColumns(QModelIndex(), where, where)
            self._ds = new
            self.endInsertColumns()
            self.headerDataChanged.emit(Qt.Horizontal, 0, new_shape[1] - 1)
            return
        if kind == "remove_column" and new_shape == (old_shape[0], old_shape[1] - 1):
            self.beginRemoveColumns(QModelIndex(), where, where)
            self._ds = new
            self.endRemoveColumns()
            if new_shape[1]:
                self.headerDataChanged.emit(Qt.Horizontal, 0, new_shape[1] - 1)
            return
        self.beginResetModel()
        self._ds = new
        self._mask = np.zeros(new.n_rows, dtype=bool)
        self.endResetModel()
