"""The window with the network presets and settings it does not offer yet: no crash, a message at most.

The model combo lists linear and logistic only (networks come to the window
later), so a network preset opens with logistic regression (sine: linear).
"""

import pytest
from PySide6.QtWidgets import QComboBox

from helpers import choose


@pytest.mark.parametrize("preset,model", [("xor", "logistic"), ("circles", "logistic"), ("moons", "logistic"),
                                          ("spiral", "logistic"), ("sine", "linear")])
def test_network_presets_open_with_a_model_the_window_has(qtbot, window, preset, model):
    choose(window.dataset_panel.findChild(QComboBox, "presetCombo"), preset)
    assert window.findChild(QComboBox, "modelCombo").currentData() == model
    assert window.current_run is not None and window.current_run.dataset.name == preset
    drawn = []
    window.frame_drawn.connect(drawn.append)
    window.step()
    qtbot.waitUntil(lambda: len(drawn) > 0, timeout=10_000)
    assert len(window.run_history()) == 2


def test_three_classes_with_logistic_regression_is_a_message(qtbot, window):
    choose(window.dataset_panel.findChild(QComboBox, "presetCombo"), "spiral3")
    assert window.current_run is None
    assert "needs a target of 0 or 1" in window.status_label.text()
