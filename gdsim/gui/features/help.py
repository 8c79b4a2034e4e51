"""Help ▸ Quick start and Help ▸ About, and a one-line hint on the first launch.

The quick start says what to press first and lists the shortcuts of the
window's own actions (read from its menus when it opens, so it never goes
stale).  The hint shows in the status bar until the first run starts, once
per user (QSettings).
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QTextBrowser, QVBoxLayout

from .sessions import settings

FIRST_LAUNCH_KEY = "help/firstLaunchHintShown"
FIRST_STEPS = (
    "Pick a dataset in <b>Data</b> (the table on the right), or a test function in the "
    "<b>Problem</b> menu.",
    "Press <b>Start</b> and watch the path run down the loss surface, the loss fall and the "
    "model line fit the points.",
    "Press <b>Step</b> to take one update at a time; the Teach menu's <b>Explain the step</b> "
    "shows its arithmetic.",
    "Change the learning rate, the optimizer or the batch size on the left and press "
    "<b>Reset</b>; click the surface to start from another point.",
)


def hint_text(window) -> str:
    start = _keys(window.run_actions["start"]) if hasattr(window, "run_actions") else "F5"
    return (f"New here? Press Start ({start}) to watch gradient descent; "
            f"Help ▸ Quick start ({QKeySequence(QKeySequence.HelpContents).toString()}) lists every key.")


def shortcuts(window) -> list[tuple[str, str, str]]:
    """(menu, action, keys) of every menu action that has a shortcut, in menu order."""
    rows = []
    for top in window.menuBar().actions():
        menu = top.menu()
        if menu is None:
            continue
        for action in _menu_actions(menu):
            if action.shortcuts():
                rows.append((_plain(top.text()), _plain(action.text()), _keys(action)))
    return rows


def _menu_actions(menu):
    for action in menu.actions():
        if action.menu() is not None:
            yield from _menu_actions(action.menu())
        elif not action.isSeparator():
            yield action


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _keys(action: QAction) -> str:
    return ", ".join(k.toString(QKeySequence.NativeText) for k in action.shortcuts())


def quick_start_html(window) -> str:
    steps = "".join(f"<li>{s}</li>" for s in FIRST_STEPS)
    rows = "".join(f"<tr><td>{escape(m)}</td><td>{escape(a)}</td><td><b>{escape(k)}</b></td></tr>"
                   for m, a, k in shortcuts(window))
    return (f"<h3>First steps</h3><ol>{steps}</ol>"
            f"<h3>Shortcuts</h3><table cellpadding='3'>"
            f"<tr><th align='left'>Menu</th><th align='left'>Action</th><th align='left'>Keys</th></tr>"
            f"{rows}</table>")


class QuickStart(QDialog):
    def __init__(self, window) -> None:
        super().__init__(window, objectName="quickStartDialog")
        self.setWindowTitle("gdsim quick start")
        self.browser = QTextBrowser(objectName="quickStartText")
        self.browser.setHtml(quick_start_html(window))
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.browser)
        lay.addWidget(buttons)
        self.resize(560, 560)


class Help:
    def __init__(self, window) -> None:
        self._window = window
        menu = window.menu("&Help")
        self.quick_start_action = menu.addAction("Quick start")
        self.quick_start_action.setObjectName("actionQuickStart")
        self.quick_start_action.setShortcut(QKeySequence.HelpContents)
        self.quick_start_action.triggered.connect(self.show_quick_start)
        self.about_action = menu.addAction("About gdsim")
        self.about_action.setObjectName("actionAbout")
        self.about_action.setMenuRole(QAction.AboutRole)
        self.about_action.triggered.connect(self.show_about)
        self.dialog: QuickStart | None = None
        s = settings()
        if str(s.value(FIRST_LAUNCH_KEY, "false")).lower() != "true":
            s.setValue(FIRST_LAUNCH_KEY, True)
            s.sync()
            window.statusBar().showMessage(hint_text(window))
            window.frame_drawn.connect(self._on_frame_drawn)

    def show_quick_start(self) -> QuickStart:
        if self.dialog is None:
            self.dialog = QuickStart(self._window)
        self.dialog.browser.setHtml(quick_start_html(self._window))  # actions added since
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog

    def show_about(self) -> None:
        from ... import __version__

        box = QMessageBox(QMessageBox.Information, "About gdsim",
                          f"<b>gdsim {__version__}</b> — a gradient-descent simulator.<br>"
                          "Its numbers equal PyTorch's in float64. MIT licence.",
                          QMessageBox.Ok, self._window)
        box.setObjectName("aboutBox")
        box.setAttribute(Qt.WA_DeleteOnClose, True)
        box.open()

    def _on_frame_drawn(self, frame) -> None:
        if frame.snapshot.iteration > 0:  # the first run has started: the hint has done its job
            self._window.statusBar().clearMessage()
            self._window.frame_drawn.disconnect(self._on_frame_drawn)


def install(window) -> None:
    window.help = Help(window)
