"""The status line: one line of text, elided at the right when the window is too narrow.

A plain QLabel asks for its whole text's width, so a long line (a run with
many parameters, a long message) either widens the window or is cut off
mid-word. ``StatusLine`` asks for little, draws "…" where the text is cut,
and shows the whole text in its tooltip. ``text()`` is always the full text.

``accuracy_text`` is the part of the line that says how many rows a
classifier gets right.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel, QStyle, QStyleOption


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
