"""Shared steps of the widget tests, done the way a user does them."""

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit


def type_into_cell(qtbot, panel, row, col, text):
    """Open the view's editor on (row, col), type ``text`` and press Enter."""
    view = panel.table
    ix = panel.model.index(row, col)
    view.setCurrentIndex(ix)
    view.edit(ix)
    editor = view.indexWidget(ix)
    if editor is None:  # fall back to whatever line edit the delegate opened
        editor = next(w for w in view.findChildren(QLineEdit) if w.isVisible())
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    QTest.keyClick(editor, Qt.Key_Backspace)
    if text:
        QTest.keyClicks(editor, text)
    QTest.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: view.indexWidget(ix) is None, timeout=2000)


def choose(box, data_or_text):
    """Pick the entry with this item data (or containing this text), as from the popup."""
    index = box.findData(data_or_text)
    if index < 0:
        index = box.findText(data_or_text, Qt.MatchContains)
    assert index >= 0, f"{data_or_text!r} not in {box.objectName()}"
    box.setCurrentIndex(index)
    box.activated.emit(index)  # what a pick from the popup also sends


def projector_window(qtbot, width=1280, height=690):
    """The main window shown at a 1280×720 projector's size less the frame (1280×690)."""
    from gdsim.gui.main_window import MainWindow

    w = MainWindow()
    w.ask_before_discarding = False
    qtbot.addWidget(w)
    w.resize(width, height)
    w.show()
    qtbot.waitExposed(w)
    return w


def window_before_show(qtbot, width=1600, height=1000):
    """(app, window): the main window at WxH with its first frame drawn, not yet shown (as
    ``gdsim --screenshot`` opens it)."""
    from PySide6.QtWidgets import QApplication

    from gdsim.gui.app import wait_for_first_frame
    from gdsim.gui.main_window import MainWindow

    app = QApplication.instance()
    window = MainWindow()
    window.ask_before_discarding = False
    qtbot.addWidget(window)
    window.resize(width, height)
    wait_for_first_frame(app, window)
    return app, window


def launch(monkeypatch, argv, on_exec):
    """``gdsim.gui.app.main(argv)`` with the real application and window, except that the
    application's ``exec()`` calls ``on_exec(window)`` with the window main() made, then closes it."""
    from gdsim.gui import app as app_module
    from gdsim.gui import main_window

    made = []

    class MainWindow(main_window.MainWindow):  # (other tests' windows may linger)
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    real_application = app_module.application

    class App:
        def __init__(self):
            self._app = real_application()

        def __getattr__(self, name):
            return getattr(self._app, name)

        def exec(self):
            window = made[-1]
            window.ask_before_discarding = False
            try:
                on_exec(window)
            finally:
                window.shutdown()
                window.close()
            return 0

    monkeypatch.setattr(main_window, "MainWindow", MainWindow)
    monkeypatch.setattr(app_module, "application", App)
    return app_module.main(argv)
