"""The status line: one line of text, elided at the right when the window is too narrow.

A plain QLabel asks for its whole text's width, so a long line (a run with
many parameters, a long message) either widens the window or is cut off
mid-word. ``StatusLine`` asks for little, draws "…" where the text is cut,
and shows the whole text in its tooltip. ``text()`` is always the full text.
Its text can be selected while the run stands still (``set_moving``).

``StatusSlot`` holds it in the status bar, so that a new text, 35 times a second
while a run moves, repaints the line and lays out nothing.

``RunProgress`` is the bar beside it: "iteration / total", wide enough for
that at any font (presentation mode's too).

``accuracy_text`` is the part of the line that says how many rows a
classifier gets right.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel, QProgressBar, QStyle, QStyleOption, QWidget


#: past this many rows the accuracy is measured only while the run stands still (a forward
#: pass over every row each frame would slow a big table's run)
ACCURACY_ROWS = 100_000


def accuracy_text(run, params, moving: bool) -> str:
    """"accuracy 97.5%" for a classification run (logistic, or a network with BCE or CE), else ""."""
    problem = getattr(run, "problem", None)
    if problem is None or run.y is None or (moving and run.y.shape[0] > ACCURACY_ROWS):
        return ""
    if getattr(problem, "model", "") == "linear" or problem.loss not in ("bce", "ce"):
        return ""
    accuracy = problem.accuracy(params, run.X, run.y)
    return "" if accuracy is None else f"accuracy {100 * accuracy:.1f}%"


class StatusLine(QLabel):
    def setText(self, text: str) -> None:  # noqa: N802 (Qt name)
        super().setText(text)
        self.setToolTip(text)

    def set_moving(self, moving: bool) -> None:
        """Selectable by the mouse only while the text stands still: a selectable label keeps
        its text in a document, which paints each new text a second time, and a selection
        would not outlive the next frame anyway."""
        flags = Qt.NoTextInteraction if moving else Qt.TextSelectableByMouse
        if self.textInteractionFlags() != flags:
            self.setTextInteractionFlags(flags)

    def is_elided(self) -> bool:
        return self.fontMetrics().horizontalAdvance(self.text()) > self.contentsRect().width()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(self.fontMetrics().horizontalAdvance("…") * 8, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return self.minimumSizeHint()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if not self.is_elided():
            super().paintEvent(event)  # (selectable, as a label)
            return
        painter = QPainter(self)
        option = QStyleOption()
        option.initFrom(self)
        self.style().drawPrimitive(QStyle.PE_Widget, option, painter, self)
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.ElideRight, rect.width())
        self.style().drawItemText(painter, rect, int(Qt.AlignLeft | Qt.AlignVCenter), self.palette(),
                                  self.isEnabled(), text, self.foregroundRole())


class StatusSlot(QWidget):
    """The status line's place in the status bar: the line fills it, as large as it asks.

    A QLabel asks its parent's layout again at every new text. In the status bar that
    repainted the whole bar and laid the main window out again at every frame of a
    run. The slot passes the request on only when the line's size hints changed (a
    new font), not for a new text (they do not depend on it).
    """

    def __init__(self, line: StatusLine) -> None:
        super().__init__()
        self.line = line
        line.setParent(self)
        self.setSizePolicy(line.sizePolicy())
        self._given: dict[str, QSize] = {}  # the line's size hints as the status bar last asked them

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        hint = self._given["size"] = self.line.sizeHint()
        return hint

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        hint = self._given["minimum"] = self.line.minimumSizeHint()
        return hint

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.LayoutRequest and (  # (from the line: the slot has no layout)
                self._given.get("size") != self.line.sizeHint()
                or self._given.get("minimum") != self.line.minimumSizeHint()):
            self.updateGeometry()
        return super().event(event)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self.line.setGeometry(self.rect())


class RunProgress(QProgressBar):
    """The run's progress, its text "iteration / total" ("12 / 300") on the bar.

    It asks for the width that text takes when the iteration reaches the total, at its
    current font: sized once at the window's first font, a million-iteration run's
    "1000000 / 1000000" broke into two cut lines in presentation mode. The request
    changes only with the total's number of digits, not at every frame.
    """

    PADDING_PX = 24

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._digits = 3
        self.setTextVisible(True)

    def show_count(self, iteration: int, total: int) -> None:
        """Say "iteration / total" on the bar (its value and maximum are set apart)."""
        digits = max(3, len(str(total)))
        if digits != self._digits:
            self._digits = digits
            self.updateGeometry()
        self.setFormat(f"{iteration} / {total}")

    def _text_width(self) -> int:
        widest = "0" * self._digits
        return self.fontMetrics().horizontalAdvance(f"{widest} / {widest}") + self.PADDING_PX

    # (QProgressBar's own minimumSizeHint asks sizeHint: neither calls the other's base here)
    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(self._text_width(), super().sizeHint().height())

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        base = super().sizeHint()
        return QSize(max(base.width(), self._text_width()), base.height())
