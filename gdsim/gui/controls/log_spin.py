"""Number inputs for hyperparameters: compact display, log-scale stepping.

``CompactDoubleSpinBox`` is a QDoubleSpinBox that shows as few digits as the
value needs (``0.9``, ``0.999``, ``1e-08``) while keeping full precision, and
accepts typed text in any float notation (``1e-5``, ``.01``, ``0,5``).

``LogSpinBox`` adds logarithmic stepping for quantities that span decades
(learning rate, ε): the arrows, the wheel and the Up/Down keys move along a
grid of four steps per decade rounded to three significant digits,
``… 0.001, 0.00178, 0.00316, 0.00562, 0.01, 0.0178 …``; a typed value need not
be on the grid (the next step goes to the neighbouring grid value).

``LogSlider`` is an optional slider over the same grid, kept in sync with a
``LogSpinBox`` by ``LogSlider.attach``.
"""

from __future__ import annotations

import math
import re

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QComboBox, QDoubleSpinBox, QSlider, QWidget

__all__ = [
    "CompactDoubleSpinBox",
    "LogSpinBox",
    "LogSlider",
    "WheelGuard",
    "format_compact",
    "log_grid_value",
]

#: grid steps per decade of ``LogSpinBox`` and ``LogSlider``
STEPS_PER_DECADE = 4
_SIGNIFICANT = 3  # digits of a grid value: 10**(1/4) -> 1.78
_DECIMALS = 60  # QDoubleSpinBox rounds every value to this many decimals
_PARTIAL_NUMBER = re.compile(r"^[+-]?(\d*([.,]\d*)?)?([eE][+-]?\d*)?$")


def format_compact(value: float) -> str:
    """Shortest readable text for ``value``: ``0.01``, ``1e-05``, ``0.999``, ``100``."""
    if value == 0:
        return "0"
    return f"{value:.10g}"


def log_grid_value(k: int) -> float:
    """The ``k``-th grid value, 10**(k/4) rounded to three significant digits."""
    raw = 10.0 ** (k / STEPS_PER_DECADE)
    digits = _SIGNIFICANT - 1 - math.floor(math.log10(raw))
    return float(round(raw, digits))


def _grid_position(value: float) -> float:
    """Continuous grid index of ``value`` (an integer when ``value`` is on the grid)."""
    k = round(STEPS_PER_DECADE * math.log10(value))
    if math.isclose(log_grid_value(k), value, rel_tol=1e-9):
        return float(k)
    return STEPS_PER_DECADE * math.log10(value)


class WheelGuard(QObject):
    """Event filter: spin boxes, combos and sliders take the mouse wheel only when focused.

    In a scrolling panel the wheel then scrolls the panel instead of silently
    changing whatever input passes under the pointer; click (or tab) into an
    input first to wheel its value.
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Wheel and isinstance(watched, QWidget) and not watched.hasFocus():
            parent = watched.parentWidget()
            while parent is not None and not isinstance(parent, QAbstractScrollArea):
                parent = parent.parentWidget()
            if parent is not None:  # scroll the panel instead
                QCoreApplication.sendEvent(parent.verticalScrollBar(), event)
            return True
        return False

    def guard(self, widget: QWidget) -> QWidget:
        if isinstance(widget, (QAbstractSpinBox, QComboBox, QSlider)):
            widget.setFocusPolicy(Qt.StrongFocus)  # the wheel must not grab focus
        widget.installEventFilter(self)
        return widget


class CompactDoubleSpinBox(QDoubleSpinBox):
    """QDoubleSpinBox with compact text, full precision and tolerant parsing."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setDecimals(_DECIMALS)
        self.setKeyboardTracking(False)  # valueChanged on Enter / focus-out, not per keystroke
        self.setAccelerated(True)
        self.setCorrectionMode(QAbstractSpinBox.CorrectToPreviousValue)

    # -- text <-> value ----------------------------------------------------------
    def textFromValue(self, value: float) -> str:  # noqa: N802 (Qt override)
        return format_compact(value)

    def valueFromText(self, text: str) -> float:  # noqa: N802 (Qt override)
        number = self._parse(text)
        return self.value() if number is None else number

    def validate(self, text: str, pos: int):  # noqa: D401 (Qt override)
        body = self._strip(text)
        number = self._parse(text)
        if number is not None:
            if self.minimum() <= number <= self.maximum():
                return QValidator.Acceptable, text, pos
            return QValidator.Intermediate, text, pos
        if _PARTIAL_NUMBER.match(body):
            return QValidator.Intermediate, text, pos
        return QValidator.Invalid, text, pos

    def fixup(self, text: str) -> str:
        return text

    def _strip(self, text: str) -> str:
        body = text.strip()
        if self.prefix() and body.startswith(self.prefix()):
            body = body[len(self.prefix()):]
        if self.suffix() and body.endswith(self.suffix()):
            body = body[: -len(self.suffix())]
        return body.strip()

    def _parse(self, text: str) -> float | None:
        body = self._strip(text).replace(",", ".")
        try:
            number = float(body)
        except ValueError:
            return None
        return number if math.isfinite(number) else None


class LogSpinBox(CompactDoubleSpinBox):
    """A positive number with logarithmic steps (four per decade) and free typing.

    ``stepBy(1)`` from 0.01 gives 0.0178, ``stepBy(-1)`` gives 0.00562; from an
    off-grid value such as 0.02 the step goes to the neighbouring grid value
    (0.0316 up, 0.0178 down).  Any value in ``[minimum, maximum]`` can be typed.
    """

    def __init__(self, parent=None, minimum: float = 1e-12, maximum: float = 1e6) -> None:
        super().__init__(parent)
        self.setRange(minimum, maximum)

    def stepBy(self, steps: int) -> None:  # noqa: N802 (Qt override)
        value = self.value()
        if value <= 0:
            target = log_grid_value(self._min_k()) if steps > 0 else self.minimum()
        else:
            position = _grid_position(value)
            if position == int(position):
                k = int(position) + steps
            elif steps > 0:
                k = math.ceil(position) + steps - 1
            else:
                k = math.floor(position) + steps + 1
            target = log_grid_value(k)
        target = min(max(target, self.minimum()), self.maximum())
        if target != value:
            self.setValue(target)
            self.selectAll()

    def _min_k(self) -> int:
        return math.ceil(STEPS_PER_DECADE * math.log10(max(self.minimum(), 1e-300)) - 1e-9)


class LogSlider(QSlider):
    """A horizontal slider over the log grid between ``low`` and ``high`` (grid values)."""

    def __init__(self, low: float = 1e-5, high: float = 10.0, parent=None) -> None:
        super().__init__(Qt.Horizontal, parent)
        self.setRange(round(STEPS_PER_DECADE * math.log10(low)), round(STEPS_PER_DECADE * math.log10(high)))
        self.setSingleStep(1)
        self.setPageStep(STEPS_PER_DECADE)
        self.setTickInterval(STEPS_PER_DECADE)
        self.setTickPosition(QSlider.NoTicks)
        self._spin: LogSpinBox | None = None

    def grid_value(self) -> float:
        return log_grid_value(self.value())

    def set_from_value(self, value: float) -> None:
        """Move the handle to the grid position nearest ``value`` without emitting."""
        if value <= 0:
            k = self.minimum()
        else:
            k = round(STEPS_PER_DECADE * math.log10(value))
        blocked = self.blockSignals(True)
        self.setValue(min(max(k, self.minimum()), self.maximum()))
        self.blockSignals(blocked)

    def attach(self, spin: LogSpinBox) -> None:
        """Keep this slider and ``spin`` in sync; moving the slider sets the spin's value."""
        self._spin = spin
        self.set_from_value(spin.value())
        spin.valueChanged.connect(self.set_from_value)
        self.valueChanged.connect(self._to_spin)

    def _to_spin(self, k: int) -> None:
        if self._spin is not None and not math.isclose(self._spin.value(), log_grid_value(k), rel_tol=1e-9):
            self._spin.setValue(log_grid_value(k))
