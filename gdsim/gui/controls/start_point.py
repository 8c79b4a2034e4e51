"""The start point θ₀: one spin box per parameter, or one line of values for many.

Up to ``MAX_INIT_SPINS`` parameters each has a spin box (``initSpin0``, …);
past that, one line of comma-separated values (``initEdit``) with a hint
(``initHintLabel``), applied on Enter and refused in red, keeping the old
values, unless it holds one number per parameter. A 10,000-column table built
10,000 spin boxes, which took minutes; the line takes milliseconds.

A default start (``set_default``: zeros, or a network's torch initialisation)
is shown until the user edits a value; ``is_default()`` says whether they have.
"""

from __future__ import annotations

import math
from typing import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from gdsim.core.limits import INIT_RANGE

from .log_spin import CompactDoubleSpinBox, WheelGuard
from .optimizer_panel import ERROR_STYLE

MAX_INIT_SPINS = 6


class StartPointEditor(QWidget):
    """``values()`` / ``set_values`` (no signal); ``edited`` when the user changes a value."""

    edited = Signal()

    def __init__(self, wheel_guard: WheelGuard, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("startPointEditor")
        self._wheel_guard = wheel_guard
        self._form = QFormLayout(self)
        self._form.setContentsMargins(0, 0, 0, 0)
        self._form.setVerticalSpacing(4)
        self._form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        self._names: tuple[str, ...] = ()
        self._spins: list[CompactDoubleSpinBox] = []
        self._line: QLineEdit | None = None
        self._hint: QLabel | None = None
        self._line_values: tuple[float, ...] = ()
        self._quiet = False
        self._default: tuple[float, ...] | None = None  # None: zeros

    def names(self) -> tuple[str, ...]:
        return self._names

    def set_names(self, names: Sequence[str]) -> None:
        """New inputs for ``names``; the values are kept when the count is unchanged, else zeros."""
        names = tuple(names)
        old = self.values()
        values = old if len(old) == len(names) else self._default_for(len(names))
        while self._form.rowCount():
            self._form.removeRow(0)
        self._spins, self._line, self._hint = [], None, None
        self._names = names
        if len(names) > MAX_INIT_SPINS:
            self._build_line(names)
        else:
            for i, name in enumerate(names):
                spin = CompactDoubleSpinBox(self)
                spin.setObjectName(f"initSpin{i}")
                spin.setRange(-INIT_RANGE, INIT_RANGE)
                spin.setSingleStep(0.1)
                spin.setToolTip(f"starting value of {name}")
                spin.valueChanged.connect(self._on_spin)
                self._form.addRow(name, spin)
                spin.show()
                self._wheel_guard.guard(spin)
                self._spins.append(spin)
        self.set_values(values)

    def _default_for(self, n: int) -> tuple[float, ...]:
        return self._default if self._default is not None and len(self._default) == n else (0.0,) * n

    def set_default(self, values: Sequence[float] | None) -> None:
        """The start a run takes unless the user edits it (None: zeros); shown now if the
        values shown are the previous default (no signal)."""
        shown_default = self.is_default()
        self._default = None if values is None else tuple(float(v) for v in values)
        if shown_default or not self._names:
            self.set_values(self._default_for(len(self._names)))

    def is_default(self) -> bool:
        """True while the values are the default start (not edited)."""
        return self.values() == self._default_for(len(self._names))

    def values(self) -> tuple[float, ...]:
        if self._line is not None:
            return self._line_values
        return tuple(float(s.value()) for s in self._spins)

    def set_values(self, values: Sequence[float]) -> None:
        values = tuple(float(v) for v in values)
        self._quiet = True
        try:
            if self._line is not None:
                self._line_values = values
                self._line.setText(", ".join(f"{v:g}" for v in values))
                self._line.setCursorPosition(0)  # the first values, w1 … (not the last)
                self._line.setStyleSheet("")
                self._hint.setText(self._hint_text())
            for spin, value in zip(self._spins, values):
                spin.setValue(value)
        finally:
            self._quiet = False

    def _build_line(self, names: tuple[str, ...]) -> None:
        self._hint = QLabel(self._hint_text(), self)
        self._hint.setObjectName("initHintLabel")
        self._hint.setWordWrap(True)
        line = QLineEdit(self)
        line.setObjectName("initEdit")
        line.setToolTip(f"the {len(names)} starting values {names[0]}, {names[1]}, … {names[-1]}, "
                        "separated by commas; Enter to apply")
        line.editingFinished.connect(self._on_line)
        self._form.addRow(self._hint)
        self._form.addRow(line)
        self._hint.show()
        line.show()
        self._line = line

    def _hint_text(self) -> str:
        return f"{len(self._names)} values: {self._names[0]} … {self._names[-1]}"

    def _on_spin(self, *_args: object) -> None:
        if not self._quiet:
            self.edited.emit()

    def _on_line(self) -> None:
        if self._line.text() == ", ".join(f"{v:g}" for v in self._line_values):
            return  # as shown (rounded to 6 digits): the values are kept exactly
        try:
            values = tuple(float(v) for v in self._line.text().replace(";", ",").split(",") if v.strip())
        except ValueError:
            values = ()
        n = len(self._names)
        if len(values) != n or not all(math.isfinite(v) and abs(v) <= INIT_RANGE for v in values):
            self._line.setStyleSheet(ERROR_STYLE)
            self._hint.setText(f"Enter {n} numbers between ±{INIT_RANGE:g}, separated by commas.")
            return
        changed = values != self._line_values
        self.set_values(values)
        if changed:
            self.edited.emit()
