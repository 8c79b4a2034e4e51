"""The race panel: the optimizer settings to race, a loss threshold, Start/Stop and results.

Pure widgets: the panel turns its rows into ``(label, optimizer, hyper)``
entries (parsed by gdsim.core.race) and shows results it is given; the
feature (.feature) runs the race.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QPushButton, QSizePolicy, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from ....core.optim import OPTIMIZERS, hyperparams, torch_class_name
from ....core.race import AUTO_MARGIN, AUTO_THRESHOLD, MAX_ENTRIES, MIN_ENTRIES, default_label, parse_hyper
from ....core.training import Snapshot
from ...controls import LogSpinBox
from ...plots.style import palette_color

#: the rows a new panel starts with: (optimizer, settings text)
DEFAULT_ROWS: tuple[tuple[str, str], ...] = (
    ("sgd", "lr=0.01"),
    ("adam", "lr=0.01"),
    ("sgd", "lr=0.01, momentum=0.9"),
)
DEFAULT_THRESHOLD = 1.0  # the fixed threshold offered when "auto" is unticked
RESULT_COLUMNS = ("Optimizer", "Final loss", "Iterations to threshold", "Diverged")
ERROR_STYLE = "QLineEdit { border: 2px solid #b00020; }"


def colour_icon(color: str, size: int = 14) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


def _format_loss(value: float) -> str:
    if not math.isfinite(value):
        return str(value)
    return f"{value:.4g}" if 1e-3 <= abs(value) < 1e5 or value == 0 else f"{value:.3e}"


class RacePanel(QWidget):
    """Rows of (optimizer, settings), a threshold, Start/Stop and a results table.

    Signals ``start_requested`` and ``stop_requested``; ``entries()`` gives the
    parsed rows (ValueError with one sentence naming the row when one is bad).
    """

    start_requested = Signal()
    stop_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("racePanelWidget")
        layout = QVBoxLayout(self)

        intro = QLabel("Race optimizers on the current data and settings: same start, "
                       "same mini-batches, step for step.")
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.table = QTableWidget(0, 2, self, objectName="raceEntriesTable")
        self.table.setHorizontalHeaderLabels(["Optimizer", "Settings (name=value, …)"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollPerPixel)
        layout.addWidget(self.table, 2)

        rows = QHBoxLayout()
        self.add_button = QPushButton("Add", objectName="raceAddButton")
        self.add_button.setToolTip(f"add an optimizer (up to {MAX_ENTRIES})")
        self.add_button.clicked.connect(lambda: self.add_row())
        self.remove_button = QPushButton("Remove", objectName="raceRemoveButton")
        self.remove_button.setToolTip(f"remove the selected optimizer (at least {MIN_ENTRIES} stay)")
        self.remove_button.clicked.connect(self.remove_selected_row)
        rows.addWidget(self.add_button)
        rows.addWidget(self.remove_button)
        rows.addStretch(1)
        layout.addLayout(rows)

        threshold = QHBoxLayout()
        self.threshold_check = QCheckBox("Iterations to reach loss ≤", objectName="raceThresholdCheck")
        self.threshold_check.setChecked(True)
        self.threshold_spin = LogSpinBox(minimum=1e-12, maximum=1e12)
        self.threshold_spin.setObjectName("raceThresholdSpin")
        self.threshold_spin.setValue(DEFAULT_THRESHOLD)
        self.threshold_spin.setToolTip("the first iteration whose full-dataset loss is at or below this")
        # By default the threshold comes from the race itself: a fixed "loss ≤ 1" is met at
        # the start by BCE (0.693) and never by a loss in the thousands.
        self.threshold_auto_check = QCheckBox(f"auto: best final loss + {AUTO_MARGIN:.0%}",
                                              objectName="raceThresholdAutoCheck")
        self.threshold_auto_check.setChecked(True)
        self.threshold_auto_check.setToolTip("known when the race ends: the lowest final loss of the "
                                             f"entries that did not diverge, plus {AUTO_MARGIN:.0%} of it")
        self.threshold_check.toggled.connect(self._update_threshold_widgets)
        self.threshold_auto_check.toggled.connect(self._update_threshold_widgets)
        threshold.addWidget(self.threshold_check)
        threshold.addWidget(self.threshold_spin, 1)
        threshold.addWidget(self.threshold_auto_check)
        layout.addLayout(threshold)
        self._update_threshold_widgets()

        buttons = QHBoxLayout()
        self.start_button = QPushButton("Start race", objectName="raceStartButton")
        self.start_button.clicked.connect(self.start_requested)
        self.stop_button = QPushButton("Stop", objectName="raceStopButton")
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop_requested)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        self.status_label = QLabel(objectName="raceStatusLabel")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.status_label.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Minimum)
        layout.addWidget(self.status_label)

        self.results = QTableWidget(0, len(RESULT_COLUMNS), self, objectName="raceResultsTable")
        self.results.setHorizontalHeaderLabels(list(RESULT_COLUMNS))
        self.results.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.results.verticalHeader().setVisible(False)
        self.results.setWordWrap(True)
        self.results.setTextElideMode(Qt.ElideNone)
        header = self.results.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        for col in range(1, len(RESULT_COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeToContents)
        layout.addWidget(self.results, 3)

        for optimizer, text in DEFAULT_ROWS:
            self.add_row(optimizer, text)

    # --- rows -------------------------------------------------------------------------
    def row_count(self) -> int:
        return self.table.rowCount()

    def optimizer_combo(self, row: int) -> QComboBox:
        return self.table.cellWidget(row, 0)

    def settings_edit(self, row: int) -> QLineEdit:
        return self.table.cellWidget(row, 1)

    def add_row(self, optimizer: str = "sgd", text: str | None = None) -> int:
        """Append a row (no more than MAX_ENTRIES); returns its index, or -1."""
        if self.table.rowCount() >= MAX_ENTRIES:
            return -1
        row = self.table.rowCount()
        self.table.insertRow(row)
        combo = QComboBox()
        for name in OPTIMIZERS:
            combo.addItem(torch_class_name(name), name)
        combo.setCurrentIndex(combo.findData(optimizer))
        edit = QLineEdit()
        edit.setPlaceholderText("torch defaults, e.g. lr=0.01, momentum=0.9")
        edit.setText(self._default_text(optimizer) if text is None else text)
        combo.currentIndexChanged.connect(lambda _i, c=combo, e=edit: self._on_optimizer_changed(c, e))
        edit.textChanged.connect(lambda _t, c=combo, e=edit: self._validate(c, e))
        self.table.setCellWidget(row, 0, combo)
        self.table.setCellWidget(row, 1, edit)
        self._validate(combo, edit)
        self._renumber()
        return row

    def remove_selected_row(self) -> None:
        if self.table.rowCount() <= MIN_ENTRIES:
            return
        row = self.table.currentRow()
        if row < 0:
            row = self.table.rowCount() - 1
        self.table.removeRow(row)
        self._renumber()

    def set_rows(self, rows: Sequence[tuple[str, str]]) -> None:
        self.table.setRowCount(0)
        for optimizer, text in rows:
            self.add_row(optimizer, text)

    def _renumber(self) -> None:
        for row in range(self.table.rowCount()):
            item = QTableWidgetItem(str(row + 1))
            item.setIcon(colour_icon(palette_color(row)))
            self.table.setVerticalHeaderItem(row, item)
        self.add_button.setEnabled(self.table.rowCount() < MAX_ENTRIES)
        self.remove_button.setEnabled(self.table.rowCount() > MIN_ENTRIES)

    @staticmethod
    def _default_text(optimizer: str) -> str:
        lr = next(h.default for h in hyperparams(optimizer) if h.name == "lr")
        return f"lr={lr:g}"

    def _on_optimizer_changed(self, combo: QComboBox, edit: QLineEdit) -> None:
        try:
            parse_hyper(combo.currentData(), edit.text())
        except ValueError:  # settings of the previous optimizer: start from its lr
            edit.setText(self._default_text(combo.currentData()))
        self._validate(combo, edit)

    def _validate(self, combo: QComboBox, edit: QLineEdit) -> bool:
        try:
            parse_hyper(combo.currentData(), edit.text())
        except ValueError as exc:
            edit.setStyleSheet(ERROR_STYLE)
            edit.setToolTip(str(exc))
            return False
        edit.setStyleSheet("")
        edit.setToolTip("torch's names; unset ones take torch's defaults; a pair is written 0.9/0.999")
        return True

    def entries(self) -> list[tuple[str, str, dict[str, Any]]]:
        """``(label, optimizer, hyper)`` per row; ValueError naming the first bad row."""
        out = []
        for row in range(self.table.rowCount()):
            optimizer = self.optimizer_combo(row).currentData()
            try:
                hyper = parse_hyper(optimizer, self.settings_edit(row).text())
            except ValueError as exc:
                raise ValueError(f"Row {row + 1}: {exc}") from None
            out.append((default_label(optimizer, hyper), optimizer, hyper))
        return out

    def threshold(self) -> float | str | None:
        """The loss to reach, AUTO_THRESHOLD, or None (no threshold)."""
        if not self.threshold_check.isChecked():
            return None
        if self.threshold_auto_check.isChecked():
            return AUTO_THRESHOLD
        return float(self.threshold_spin.value())

    def _update_threshold_widgets(self, *_args) -> None:
        on = self.threshold_check.isChecked() and self.threshold_check.isEnabled()
        self.threshold_auto_check.setEnabled(on)
        self.threshold_spin.setEnabled(on and not self.threshold_auto_check.isChecked())

    # --- state ------------------------------------------------------------------------
    def set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
        # The rows' own widgets are disabled, not the table, so the colour keys stay coloured.
        for row in range(self.table.rowCount()):
            self.optimizer_combo(row).setEnabled(not running)
            self.settings_edit(row).setEnabled(not running)
        for widget in (self.add_button, self.remove_button, self.threshold_check):
            widget.setEnabled(not running)
        self._update_threshold_widgets()
        if not running:
            self._renumber()

    def show_message(self, text: str, error: bool = False) -> None:
        self.status_label.setStyleSheet("color: #b00020;" if error else "")
        self.status_label.setText(text)

    def show_results(self, labels: Sequence[str], snapshots: Sequence[Snapshot],
                     reached: Sequence[int | None], threshold: float | None, done: bool,
                     auto: bool = False) -> None:
        """One row per entry: final (or current) loss, iterations to threshold, divergence.

        ``auto``: the threshold is the race's own (None until it ends)."""
        if threshold is not None:
            # two lines: a long header squeezes the optimizer's name
            header = f"Iterations to\nloss ≤ {threshold:.4g}" + (f" (best + {AUTO_MARGIN:.0%})" if auto else "")
        elif auto:
            header = f"Iterations to\nbest loss + {AUTO_MARGIN:.0%}"
        else:
            header = "Iterations to threshold"
        self.results.setHorizontalHeaderItem(1, QTableWidgetItem("Final loss" if done else "Loss now"))
        self.results.setHorizontalHeaderItem(2, QTableWidgetItem(header))
        self.results.setRowCount(len(labels))
        for row, (label, snap, hit) in enumerate(zip(labels, snapshots, reached)):
            if threshold is None and auto and not done:
                reach = "…"  # known when the race ends
            elif threshold is None:
                reach = "—"
            elif hit is not None:
                reach = str(hit)
            else:
                reach = "not reached" if snap.done else "…"
            diverged = snap.status == "diverged"
            cells = [label, _format_loss(snap.loss), reach,
                     "yes" if diverged else "no"]
            for col, text in enumerate(cells):
                item = self.results.item(row, col)
                if item is None:
                    item = QTableWidgetItem()
                    self.results.setItem(row, col, item)
                item.setText(text)
                if col:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                if diverged:
                    item.setForeground(QColor("#b00020"))
                    item.setToolTip(snap.message)
                else:
                    item.setData(Qt.ForegroundRole, None)
                    item.setToolTip(snap.message if done else "")
            self.results.item(row, 0).setIcon(colour_icon(palette_color(row)))
        self.results.resizeRowsToContents()
