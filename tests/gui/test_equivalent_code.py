"""Teach ▸ Equivalent code, driven through the real window: action, tabs, Copy."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication, QComboBox, QDialog, QLabel, QPlainTextEdit, QPushButton, QTabWidget,
)

from gdsim.core.codegen import keras_script, torch_script
from gdsim.gui.features.equivalent_code import ORIGIN


def open_dialog(qtbot, w) -> QDialog:
    action = w.findChild(QAction, "actionEquivalentCode")
    assert action is not None
    action.trigger()
    dialog = w.findChild(QDialog, "equivalentCodeDialog")
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=3000)
    return dialog


def choose(box: QComboBox, data):
    index = box.findData(data)
    assert index >= 0, f"{data!r} not in {box.objectName()}"
    box.setCurrentIndex(index)
    box.activated.emit(index)


def click_tab(qtbot, dialog, title):
    tabs = dialog.findChild(QTabWidget)
    bar = tabs.tabBar()
    index = next(i for i in range(tabs.count()) if tabs.tabText(i) == title)
    qtbot.mouseClick(bar, Qt.LeftButton, pos=bar.tabRect(index).center())
    qtbot.waitUntil(lambda: tabs.currentIndex() == index, timeout=2000)


def test_action_is_in_the_teach_menu_and_toolbar(window):
    action = window.findChild(QAction, "actionEquivalentCode")
    assert action in window.menu("&Teach").actions()
    assert action in window.toolbar.actions()


def test_dialog_shows_both_scripts_and_copies_the_visible_one(qtbot, window):
    dialog = open_dialog(qtbot, window)
    torch_edit = dialog.findChild(QPlainTextEdit, "torchCodeEdit")
    keras_edit = dialog.findChild(QPlainTextEdit, "kerasCodeEdit")
    tabs = dialog.findChild(QTabWidget)
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["PyTorch", "Keras"]
    for edit in (torch_edit, keras_edit):
        assert edit.isReadOnly()
        assert edit.font().fixedPitch() or edit.fontInfo().fixedPitch()
    torch_text = torch_edit.toPlainText()
    keras_text = keras_edit.toPlainText()
    assert "optim.SGD(model.parameters(), lr=0.01)" in torch_text
    assert "torch.set_default_dtype(torch.float64)" in torch_text
    assert "keras.optimizers.SGD(" in keras_text and "import keras" in keras_text
    assert 'activation=None' in keras_text
    # exactly the core's scripts for the window's dataset and settings
    dataset, config = window.document.dataset, window.controls.config()
    assert torch_text == torch_script(dataset, config, origin=ORIGIN)
    assert keras_text == keras_script(dataset, config, origin=ORIGIN)

    QApplication.clipboard().setText("something else")
    copy = dialog.findChild(QPushButton, "copyCodeButton")
    qtbot.mouseClick(copy, Qt.LeftButton)
    assert QApplication.clipboard().text() == torch_text
    assert "PyTorch script copied" in dialog.findChild(QLabel, "copiedLabel").text()

    click_tab(qtbot, dialog, "Keras")
    assert dialog.findChild(QLabel, "copiedLabel").text() == ""
    qtbot.mouseClick(copy, Qt.LeftButton)
    assert QApplication.clipboard().text() == keras_text


def test_scripts_follow_the_controls_while_open(qtbot, window):
    dialog = open_dialog(qtbot, window)
    torch_edit = dialog.findChild(QPlainTextEdit, "torchCodeEdit")
    keras_edit = dialog.findChild(QPlainTextEdit, "kerasCodeEdit")
    choose(window.findChild(QComboBox, "optimizerCombo"), "adam")
    qtbot.waitUntil(lambda: "optim.Adam(model.parameters()" in torch_edit.toPlainText(), timeout=3000)
    assert "keras.optimizers.Adam(" in keras_edit.toPlainText()
    choose(window.findChild(QComboBox, "batchModeCombo"), "mini-batch")
    qtbot.waitUntil(lambda: "BATCH_SIZE = " in torch_edit.toPlainText(), timeout=3000)


def test_settings_that_cannot_run_show_why(qtbot, window):
    dialog = open_dialog(qtbot, window)
    copy = dialog.findChild(QPushButton, "copyCodeButton")
    error = dialog.findChild(QLabel, "equivalentCodeError")
    # the default preset's target is y = 3x + 2, not 0/1: logistic regression cannot run
    choose(window.findChild(QComboBox, "modelCombo"), "logistic")
    window.findChild(QAction, "actionEquivalentCode").trigger()
    qtbot.waitUntil(error.isVisible, timeout=3000)
    assert "0 or 1" in error.text()
    assert not copy.isEnabled()
    assert dialog.findChild(QPlainTextEdit, "torchCodeEdit").toPlainText() == ""
    choose(window.findChild(QComboBox, "modelCombo"), "linear")
    window.findChild(QAction, "actionEquivalentCode").trigger()
    qtbot.waitUntil(lambda: not error.isVisible(), timeout=3000)
    assert copy.isEnabled()
    assert "nn.Linear(1, 1)" in dialog.findChild(QPlainTextEdit, "torchCodeEdit").toPlainText()


def test_save_writes_the_visible_script_and_says_why_it_cannot(qtbot, window, tmp_path):
    dialog = open_dialog(qtbot, window)
    click_tab(qtbot, dialog, "Keras")
    path = tmp_path / "train_keras.py"
    assert dialog.save(str(path))
    assert path.read_text(encoding="utf-8") == dialog.findChild(QPlainTextEdit, "kerasCodeEdit").toPlainText()
    assert f"Saved to {path}." == dialog.findChild(QLabel, "copiedLabel").text()
    assert dialog.findChild(QPushButton, "saveCodeButton").isEnabled()
    assert not dialog.save(str(tmp_path / "missing" / "x.py"))
    message = dialog.findChild(QLabel, "copiedLabel").text()
    assert message.startswith("Could not save the script to") and message.endswith(".")
    assert path.read_text(encoding="utf-8").startswith('"""')  # the earlier file is whole


def test_a_test_function_gets_both_scripts(qtbot, window):
    window.set_function("rosenbrock")
    dialog = open_dialog(qtbot, window)
    torch_text = dialog.findChild(QPlainTextEdit, "torchCodeEdit").toPlainText()
    assert "requires_grad=True" in torch_text and "(1 - x) ** 2 + 100 * (y - x * x) ** 2" in torch_text
    keras_text = dialog.findChild(QPlainTextEdit, "kerasCodeEdit").toPlainText()
    assert "class Point(keras.layers.Layer):" in keras_text and "(1 - x) ** 2" in keras_text
