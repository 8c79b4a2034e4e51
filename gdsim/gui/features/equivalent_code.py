"""Teach ▸ Equivalent code: the current settings as a PyTorch and a Keras script.

The scripts come from gdsim.core.codegen, built from the window's dataset (or
test function) and the controls' config; the dialog shows them in two read-only
tabs with Copy and Save… buttons. While the dialog is open it follows the
settings (``run_changed``).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QTabWidget,
    QVBoxLayout, QWidget,
)

TABS = (("torch", "PyTorch", "torchCodeEdit"), ("keras", "Keras", "kerasCodeEdit"))
ORIGIN = ("Made by:   gdsim's window (Teach > Equivalent code) from its current settings.",)
INTRO = (
    "The current dataset and settings as a script, on gdsim's own mini-batches. The PyTorch "
    "one, run, prints gdsim's final parameters (to about 1e-12). The Keras 3 one runs on any "
    "backend and gives them to about 1e-7; where Keras computes something else it says so "
    "when run."
)
SAVE_NAMES = {"torch": "train_torch.py", "keras": "train_keras.py"}


def scripts_for(dataset, config, function=None) -> dict[str, str]:
    """{"torch": ..., "keras": ...} for the dataset (or test function) and config
    (ValueError when they cannot run)."""
    from ...core import codegen  # only when the dialog is opened

    if function is not None:
        return {"torch": codegen.function_script(function, config, origin=ORIGIN),
                "keras": codegen.function_keras_script(function, config, origin=ORIGIN)}
    return {
        "torch": codegen.torch_script(dataset, config, origin=ORIGIN),
        "keras": codegen.keras_script(dataset, config, origin=ORIGIN),
    }


class EquivalentCodeDialog(QDialog):
    """Two read-only code tabs, a Copy and a Save… button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("equivalentCodeDialog")
        self.setWindowTitle("Equivalent code")
        self.resize(980, 760)
        intro = QLabel(INTRO, objectName="equivalentCodeIntro")
        intro.setWordWrap(True)
        self.error_label = QLabel(objectName="equivalentCodeError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020; font-weight: bold;")
        self.error_label.hide()

        font = QFontDatabase.systemFont(QFontDatabase.FixedFont)
        font.setPointSizeF(max(font.pointSizeF(), 11.0))
        self.tabs = QTabWidget(objectName="equivalentCodeTabs")
        self.edits: dict[str, QPlainTextEdit] = {}
        for key, title, name in TABS:
            edit = QPlainTextEdit(objectName=name)
            edit.setReadOnly(True)
            edit.setFont(font)
            edit.setLineWrapMode(QPlainTextEdit.NoWrap)
            edit.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
            self.tabs.addTab(edit, title)
            self.edits[key] = edit

        self.copy_button = QPushButton("Copy", objectName="copyCodeButton")
        self.copy_button.setToolTip("Copy the visible script to the clipboard")
        self.copy_button.clicked.connect(self.copy)
        self.save_button = QPushButton("Save…", objectName="saveCodeButton")
        self.save_button.setToolTip("Save the visible script as a Python file")
        self.save_button.clicked.connect(self.ask_save)
        self.copied_label = QLabel(objectName="copiedLabel")
        self.tabs.currentChanged.connect(lambda _i: self.copied_label.clear())
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        row = QHBoxLayout()
        row.addWidget(self.copy_button)
        row.addWidget(self.save_button)
        row.addWidget(self.copied_label, 1)
        row.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.error_label)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(row)

    def current_key(self) -> str:
        return TABS[self.tabs.currentIndex()][0]

    def set_scripts(self, scripts: dict[str, str]) -> None:
        self.error_label.hide()
        self.copy_button.setEnabled(True)
        self.save_button.setEnabled(True)
        for key, edit in self.edits.items():
            if edit.toPlainText() != scripts[key]:  # keep the scroll position when unchanged
                edit.setPlainText(scripts[key])
        self.copied_label.clear()

    def set_error(self, message: str) -> None:
        self.error_label.setText(f"No script for these settings: {message}")
        self.error_label.show()
        for edit in self.edits.values():
            edit.clear()
        self.copy_button.setEnabled(False)
        self.save_button.setEnabled(False)
        self.copied_label.clear()

    def copy(self) -> None:
        text = self.edits[self.current_key()].toPlainText()
        QGuiApplication.clipboard().setText(text)
        title = TABS[self.tabs.currentIndex()][1]
        self.copied_label.setText(f"{title} script copied to the clipboard ({text.count(chr(10))} lines).")


    def ask_save(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(self, "Save script", SAVE_NAMES[self.current_key()],
                                                    "Python scripts (*.py)")
        if path:
            self.save(path)

    def save(self, path: str) -> bool:
        """Write the visible script to ``path`` atomically; say what happened under the buttons."""
        from ...core.atomic import atomic_write_text

        text = self.edits[self.current_key()].toPlainText()
        try:
            atomic_write_text(path, text)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            self.copied_label.setText(f"Could not save the script to {path}: {reason}.")
            return False
        self.copied_label.setText(f"Saved to {path}.")
        return True


class EquivalentCodeFeature(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.dialog: EquivalentCodeDialog | None = None
        self.action = QAction("Equivalent code…", window, objectName="actionEquivalentCode")
        self.action.setToolTip("The current settings as a PyTorch and a Keras script")
        self.action.triggered.connect(self.open)
        window.menu("&Teach").addAction(self.action)
        window.toolbar.addAction(self.action)
        window.run_changed.connect(self._on_run_changed)

    def open(self) -> EquivalentCodeDialog:
        if self.dialog is None:
            self.dialog = EquivalentCodeDialog(self.window)
        self.refresh()
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        return self.dialog

    def refresh(self) -> None:
        if self.dialog is None:
            return
        try:
            scripts = scripts_for(self.window.document.dataset, self.window.controls.config(),
                                  self.window.function)
        except ValueError as exc:  # DataError is a ValueError too
            self.dialog.set_error(str(exc))
        else:
            self.dialog.set_scripts(scripts)

    def _on_run_changed(self, _run) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            self.refresh()


def install(window) -> EquivalentCodeFeature:
    feature = EquivalentCodeFeature(window)
    window.equivalent_code = feature
    return feature
