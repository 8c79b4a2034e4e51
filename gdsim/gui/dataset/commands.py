"""Undoable editing of the current dataset.

:class:`DatasetDocument` owns the current :class:`~gdsim.core.dataset.Dataset`
and a :class:`QUndoStack`.  Every user edit is one small :class:`QUndoCommand`
(the style of orange-canvas-core's ``document/commands.py``).  Datasets are
immutable, so a command simply remembers the dataset before and after the
edit and swaps them; nothing is ever mutated in place.

Cell edits are the one exception: they are by far the most frequent edit and
on a 1,000,000-row table every new dataset is a fresh copy of the value
array, so :class:`SetValueCommand` keeps only ``(row, column, old, new)`` and
re-applies ``with_value`` (float64 in, float64 out: bit-exact) instead of
pinning two full copies per keystroke-and-Enter.

Edits the core refuses (:class:`~gdsim.core.dataset.DataError`) push nothing;
the document emits :attr:`DatasetDocument.edit_refused` with one sentence
instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional, Sequence, Tuple

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from gdsim.core.dataset import Dataset, DataError, parse_number

__all__ = [
    "DatasetChange",
    "DatasetDocument",
    "DatasetCommand",
    "SetValueCommand",
    "UNDO_LIMIT",
]

#: Steps kept on the undo stack (older ones are dropped).  Structural edits
#: hold whole datasets, so an unbounded stack on a huge table could pin
#: gigabytes.
UNDO_LIMIT = 200

_KEPT = " \u2014 the old value was kept."


@dataclass(frozen=True)
class DatasetChange:
    """What changed between two datasets, so views can update minimally.

    ``kind`` is one of ``"value"`` (``index`` = ``(row, col)``),
    ``"insert_rows"`` / ``"remove_rows"`` (``index`` = sorted row tuple, in
    the numbering of the larger table), ``"insert_column"`` /
    ``"remove_column"`` (``index`` = column), ``"header"`` (names or target
    changed, same shape) or ``"reset"`` (anything else).
    """

    kind: str
    before: Dataset
    after: Dataset
    index: object = None


def _inverse(kind: str) -> str:
    return {
        "insert_rows": "remove_rows",
        "remove_rows": "insert_rows",
        "insert_column": "remove_column",
        "remove_column": "insert_column",
    }.get(kind, kind)


class DatasetCommand(QUndoCommand):
    """Swap the document between two datasets (``before`` <-> ``after``)."""

    def __init__(self, document: "DatasetDocument", text: str,
                 before: Dataset, after: Dataset, kind: str = "reset",
                 index: object = None) -> None:
        super().__init__(text)
        self.document = document
        self.before = before
        self.after = after
        self.kind = kind
        self.index = index

    def redo(self) -> None:
        self.document._apply(DatasetChange(self.kind, self.before, self.after, self.index))

    def undo(self) -> None:
        self.document._apply(
            DatasetChange(_inverse(self.kind), self.after, self.before, self.index))


class SetValueCommand(QUndoCommand):
    """One cell edit, remembered as ``(row, col, old, new)`` only.

    No ``mergeWith``: like in a spreadsheet, every committed cell edit is its
    own undo step (re-entering the same value pushes nothing at all).
    """

    def __init__(self, document: "DatasetDocument", row: int, col: int,
                 old: float, new: float, after: Dataset) -> None:
        name = document.dataset.columns[col]
        super().__init__(f"Edit row {row + 1}, {name}")
        self.document = document
        self.row = row
        self.col = col
        self.old = old
        self.new = new
        self._first = after  # used by the first redo (push) only

    def _set(self, value: float) -> None:
        before = self.document.dataset
        after = self._first if self._first is not None else before.with_value(
            self.row, self.col, value)
        self._first = None
        self.document._apply(DatasetChange("value", before, after, (self.row, self.col)))

    def redo(self) -> None:
        self._set(self.new)

    def undo(self) -> None:
        self._set(self.old)


class DatasetDocument(QObject):
    """The current dataset plus its undo history.

    Signals
    -------
    dataset_changed(object)
        The new :class:`Dataset`, after every edit, undo, redo or replace.
    edit_refused(str)
        One sentence explaining why an edit was refused (nothing changed).
    changed(object)
        A :class:`DatasetChange` emitted just before ``dataset_changed``; the
        table model uses it to update only what changed.
    modified_changed(bool)
        ``is_modified`` flipped (forwarded from the stack's clean state).
    """

    dataset_changed = Signal(object)
    edit_refused = Signal(str)
    changed = Signal(object)
    modified_changed = Signal(bool)

    def __init__(self, dataset: Optional[Dataset] = None, parent: Optional[QObject] = None):
        super().__init__(parent)
        if dataset is None:
            from gdsim.core.presets import DEFAULT_PRESET, load_preset

            dataset = load_preset(DEFAULT_PRESET)
        self._dataset = dataset
        self._stack = QUndoStack(self)
        self._stack.setUndoLimit(UNDO_LIMIT)
        self._stack.cleanChanged.connect(self._on_clean_changed)

    def _on_clean_changed(self, clean: bool) -> None:
        self.modified_changed.emit(not clean)

    # -- state ---------------------------------------------------------------
    @property
    def dataset(self) -> Dataset:
        return self._dataset

    @property
    def undo_stack(self) -> QUndoStack:
        return self._stack

    @property
    def is_modified(self) -> bool:
        return not self._stack.isClean()

    def mark_saved(self) -> None:
        """Remember the current state as saved (``is_modified`` -> False)."""
        self._stack.setClean()

    def undo(self) -> None:
        self._stack.undo()

    def redo(self) -> None:
        self._stack.redo()

    def _apply(self, change: DatasetChange) -> None:
        self._dataset = change.after
        self.changed.emit(change)
        self.dataset_changed.emit(change.after)

    def _refuse(self, message: str) -> bool:
        self.edit_refused.emit(message)
        return False

    def _push(self, text: str, after: Dataset, kind: str = "reset", index: object = None) -> bool:
        self._stack.push(DatasetCommand(self, text, self._dataset, after, kind, index))
        return True

    # -- edits (each returns True when applied, False when refused) -----------
    def set_value(self, row: int, col: int, value) -> bool:
        """Set one cell from a float or from text typed by the user."""
        ds = self._dataset
        where = f"Row {row + 1}, {ds.columns[col]}" if 0 <= col < len(ds.columns) else f"Row {row + 1}"
        if not (0 <= row < ds.n_rows and 0 <= col < len(ds.columns)):
            return self._refuse(f"Row {row + 1}, column {col + 1} does not exist.")
        try:
            number = parse_number(value) if isinstance(value, str) else float(value)
            old = float(ds.values[row, col])
            if number == old and str(number) == str(old):  # same value (keeps -0.0 vs 0.0)
                return True
            after = ds.with_value(row, col, number)
        except DataError as exc:
            return self._refuse(_sentence(_located(where, str(exc)), kept=True))
        except (IndexError, TypeError, ValueError) as exc:
            return self._refuse(_sentence(f"{where}: {exc}", kept=True))
        self._stack.push(SetValueCommand(self, row, col, old, number, after))
        return True

    def insert_row(self, index: int, values: Optional[Sequence[float]] = None) -> bool:
        try:
            after = self._dataset.with_row_inserted(index, values)
        except DataError as exc:
            return self._refuse(_sentence(exc))
        return self._push(f"Add row {index + 1}", after, "insert_rows", (index,))

    def remove_rows(self, indices: Iterable[int]) -> bool:
        rows = sorted({int(i) for i in indices})
        if not rows:
            return self._refuse("Select the rows to delete first.")
        try:
            after = _remove_rows(self._dataset, rows)
        except DataError as exc:
            return self._refuse(_sentence(exc))
        text = f"Delete row {rows[0] + 1}" if len(rows) == 1 else f"Delete {len(rows)} rows"
        return self._push(text, after, "remove_rows", tuple(rows))

    def insert_column(self, index: int, name: str, values: Optional[Sequence[float]] = None) -> bool:
        try:
            after = self._dataset.with_column_inserted(index, name, values)
        except DataError as exc:
            return self._refuse(_sentence(exc))
        return self._push(f"Add column {name}", after, "insert_column", index)

    def remove_column(self, index: int) -> bool:
        try:
            name = self._dataset.columns[index]
            after = self._dataset.with_column_removed(index)
        except IndexError:
            return self._refuse("Select a column to delete first.")
        except DataError as exc:
            return self._refuse(_sentence(exc))
        return self._push(f"Delete column {name}", after, "remove_column", index)

    def rename_column(self, index: int, name: str) -> bool:
        try:
            old = self._dataset.columns[index]
            if name == old:
                return True
            after = self._dataset.with_column_renamed(index, name)
        except IndexError:
            return self._refuse("Select a column to rename first.")
        except DataError as exc:
            return self._refuse(_sentence(exc))
        return self._push(f"Rename {old} to {after.columns[index]}", after, "header")

    def set_target(self, name: str) -> bool:
        if name == self._dataset.target:
            return True
        try:
            after = self._dataset.with_target(name)
        except DataError as exc:
            return self._refuse(_sentence(exc))
        return self._push(f"Predict {name}", after, "header")

    def replace_dataset(self, dataset: Dataset, description: str = "Replace data") -> bool:
        """Swap in a whole new dataset (preset switch, CSV import): undoable."""
        current = self._dataset
        if dataset is current or (dataset.equals(current) and dataset.name == current.name):
            return True
        return self._push(description, dataset, "reset")


def _remove_rows(ds: Dataset, rows: Sequence[int]) -> Dataset:
    """``ds`` without ``rows`` (sorted, unique); the core words refusals."""
    if len(rows) == 1:
        return ds.with_row_removed(rows[0])
    n = ds.n_rows
    if rows[0] < 0 or rows[-1] >= n:
        bad = rows[0] if rows[0] < 0 else rows[-1]
        raise DataError(f"Row {bad + 1} does not exist; the table has {n} rows.")
    if len(rows) >= n:
        raise DataError("The table must keep at least one row, so not every row can be deleted.")
    # One copy however many rows go (row-by-row removal would copy a large
    # table once per selected row).
    values = np.delete(ds.values, np.asarray(rows, dtype=np.intp), axis=0)
    values.setflags(write=False)
    return Dataset(ds.columns, values, ds.target, ds.name)


def _sentence(text, kept: bool = False) -> str:
    s = str(text).strip()
    if kept:
        return s.rstrip(".") + _KEPT
    if s and s[-1] not in ".!?":
        s += "."
    return s


def _located(where: str, message: str) -> str:
    """``"Row 3, x: 'abc' is not a number."``; a message that already names
    its row is kept as is."""
    if message.startswith("Row "):
        return message
    if len(message) > 1 and message[0].isupper() and message[1].islower():
        message = message[0].lower() + message[1:]
    return f"{where}: {message}"


def _contiguous(rows: Tuple[int, ...]) -> bool:
    return bool(rows) and rows[-1] - rows[0] + 1 == len(rows)
